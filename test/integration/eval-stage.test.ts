// deploy → eval → report through the built CLI, with the stand-in vLLM and EvalScope on PATH; resume after kill -9
// of the CLI (request counting on the stand-in OpenAI server), and a server that dies mid-run.
import { describe, expect, it } from "vitest";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { CLI, cli, cliEnv, readJson, stageState, waitFor } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";
import { startOpenAIServer } from "../fixtures/openai-server.js";

const FIXTURES = fileURLToPath(new URL("../fixtures/eval/", import.meta.url));
const TINY_MODEL = fileURLToPath(new URL("../fixtures/merge/tiny-qwen2", import.meta.url));
const FAST_RETRY = { DIANJIN_EVAL_BACKOFF_MS: "10" };

async function experiment(stages: string, files: Record<string, string> = {}): Promise<{ dir: string; file: string; workdir: string }> {
  const dir = await tempDir("dianjin-ev-");
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  const file = join(dir, "exp.yaml");
  await writeFile(file, `name: ev\nworkdir: runs\nmodel: { base: Qwen/Qwen2.5-7B-Instruct }\ncluster: { gpus_per_node: 2 }\nstages:\n${stages}`);
  return { dir, file, workdir: join(dir, "runs") };
}

function questions(n: number): string {
  return (
    Array.from({ length: n }, (_, i) => JSON.stringify({ id: `q${i}`, prompt: `问题 ${i}：请把答案放进 \\boxed{} 中。`, answer: i % 2 ? "A" : "B" })).join(
      "\n",
    ) + "\n"
  );
}

async function journalLines(workdir: string, benchmark: string): Promise<number> {
  const text = await readFile(join(workdir, "eval", "output", "journal", `${benchmark}.jsonl`), "utf8").catch(() => "");
  return text.split("\n").filter((l) => l.endsWith("}")).length;
}

describe("eval stage", () => {
  it("deploys, evaluates all five benchmarks against the replicas, and `report` shows this run's scores", async () => {
    const exp = await experiment(`  deploy: { model: ${JSON.stringify(TINY_MODEL)}, replicas: 2, startup_timeout_minutes: 1 }
  eval:
    benchmarks:
      cflue: { path: ${JSON.stringify(join(FIXTURES, "cflue.json"))} }
      finqa: { path: ${JSON.stringify(join(FIXTURES, "finqa.json"))} }
      ccc: { path: ${JSON.stringify(join(FIXTURES, "ccc.jsonl"))} }
      math500: { limit: 2 }
      gpqa_diamond: { limit: 2 }
    sampling: { max_tokens: 256, temperature: 0.0 }
`);
    const result = await cli(["run", exp.file]);
    expect(result.exitCode, result.all).toBe(0);
    // The stand-in server answers \boxed{42} to everything: FinQA item 1 (gold 42) and MATH "7*6" are right.
    const scores = await readJson(join(exp.workdir, "eval", "output", "scores.json"));
    expect(scores).toEqual({ cflue: 0, finqa: 33.33, ccc: 0, math500: 50, gpqa_diamond: 0, scoring_version: 2 });
    expect(result.stderr).toMatch(/scores \(%\): cflue 0, finqa 33\.33/);
    expect(result.stderr).toMatch(/\[eval\] 9\/9 100%\s.*acc \d/);
    const results = (await readFile(join(exp.workdir, "eval", "output", "results", "finqa.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(results[0]).toMatchObject({
      id: "ETR/2016/page_23.pdf-2",
      gold: 42,
      score: 1,
      samples: [{ answer: "42", correct: true, formatOk: true, output: expect.stringContaining("<think>") }],
    });
    const summary = await readJson<{ sampling: Record<string, number>; replicas: number; concurrency: number }>(
      join(exp.workdir, "eval", "output", "summary.json"),
    );
    expect(summary.sampling).toEqual({ temperature: 0, top_p: 0.95, max_tokens: 256, n: 1, seed: 42, top_k: -1, repetition_penalty: 1 });
    expect(summary).toMatchObject({ replicas: 2, concurrency: 512 });
    expect((await stageState(exp, "eval")).status).toBe("completed");
    expect((await stageState(exp, "deploy")).status).toBe("stopped");

    // EvalScope talks to one URL: the two benchmarks ran on the two replicas.
    const urls = [...result.stderr.matchAll(/EvalScope: (?:math500|gpqa_diamond) against (\S+)/g)].map((m) => m[1]);
    expect(new Set(urls).size).toBe(2);

    // A forced rerun (new server, same model) takes every answer from the journals and reuses the EvalScope runs.
    const forced = await cli(["run", exp.file, "--force", "eval"]);
    expect(forced.exitCode, forced.all).toBe(0);
    const log = await readFile(join(exp.workdir, "eval", "logs", "attempt-2.log"), "utf8");
    expect(log).toContain("cflue: 0% over 4 items (0 sent now, 4 from the journal");
    expect(log).toContain("finqa: 33.33% over 3 items (0 sent now, 3 from the journal");
    expect(log).toMatch(/EvalScope math500: reusing the finished run/);
    expect(await readJson(join(exp.workdir, "eval", "output", "scores.json"))).toEqual(scores);

    // The server was stopped with the run: `eval` alone starts it, answers come from the journals, and it is
    // stopped again afterwards.
    const alone = await cli(["eval", exp.file, "--force"]);
    expect(alone.exitCode, alone.all).toBe(0);
    expect(alone.stderr).toMatch(/deploy: running \(attempt \d\) — no server is running; starting one/);
    expect((await stageState(exp, "deploy")).status).toBe("stopped");
    expect(await readFile(join(exp.workdir, "eval", "logs", "attempt-3.log"), "utf8")).toContain("(0 sent now, 4 from the journal");

    const report = await cli(["report", exp.file]);
    expect(report.exitCode, report.all).toBe(0);
    const [mdPath, htmlPath] = report.stdout.trim().split("\n");
    expect(mdPath).toBe(join(exp.workdir, "report", "report.md"));
    const md = await readFile(mdPath!, "utf8");
    expect(md).toContain("33.33");
    expect(md).toContain("50.00");
    expect(md).toMatch(/eval top\\_k \| -1 \|/);
    expect(await readFile(htmlPath!, "utf8")).toContain("33.33");
  });

  it("after kill -9 of the CLI mid-run, a rerun sends only the requests not yet answered", async () => {
    const server = await startOpenAIServer({ latencyMs: 40 });
    // Chat requests only (the stage's reachability probe is a GET /v1/models).
    const chatRequests = () => [...server.stats.receivedByHash.values()].reduce((a, b) => a + b, 0);
    try {
      const exp = await experiment(
        `  eval:
    benchmarks: { cflue: { path: cflue.jsonl } }
    endpoint: { base_url: ${server.baseUrl}, model: standin }
    concurrency: 3
`,
        { "cflue.jsonl": questions(60) },
      );
      const child = execa(process.execPath, [CLI, "eval", exp.file], { env: cliEnv(), extendEnv: false, reject: false });
      await waitFor(async () => (await journalLines(exp.workdir, "cflue")) >= 12, 20_000, "a dozen answers in the journal");
      child.kill("SIGKILL");
      await child;
      const kept = await journalLines(exp.workdir, "cflue");
      const sentBefore = chatRequests();
      expect(kept).toBeLessThan(60);

      const rerun = await cli(["eval", exp.file]);
      expect(rerun.exitCode, rerun.all).toBe(0);
      expect(rerun.stderr).toMatch(/eval: resuming/);
      expect(chatRequests() - sentBefore).toBe(60 - kept);
      expect(await journalLines(exp.workdir, "cflue")).toBe(60);
      const results = (await readFile(join(exp.workdir, "eval", "output", "results", "cflue.jsonl"), "utf8")).trim().split("\n");
      expect(results).toHaveLength(60);
      expect(typeof (await readJson(join(exp.workdir, "eval", "output", "scores.json"))).cflue).toBe("number");
    } finally {
      await server.close();
    }
  });

  it("a server that dies mid-run fails the stage naming the cause; nothing answered is lost and a rerun finishes", async () => {
    const exp = await experiment(
      `  deploy: { model: ${JSON.stringify(TINY_MODEL)}, startup_timeout_minutes: 1 }
  eval:
    benchmarks: { cflue: { path: cflue.jsonl } }
    sampling: { max_tokens: 128 }
    concurrency: 2
    max_attempts: 2
`,
      { "cflue.jsonl": questions(40) },
    );
    const child = execa(process.execPath, [CLI, "run", exp.file], {
      env: cliEnv({ ...FAST_RETRY, VLLM_STANDIN_LATENCY_MS: "60" }),
      extendEnv: false,
      reject: false,
      all: true,
    });
    await waitFor(async () => (await journalLines(exp.workdir, "cflue")) >= 6, 20_000, "some answers in the journal");
    const pid = Number((await stageState(exp, "deploy")).job.id);
    process.kill(-pid, "SIGKILL");
    const failed = await child;
    expect(failed.exitCode, failed.all).toBe(1);
    expect(failed.stderr).toMatch(/stage eval failed/);
    expect(failed.stderr).toMatch(/stopped answering/);
    const state = await stageState(exp, "eval");
    expect(state.status).toBe("failed");
    expect(state.failure.id).toBe("endpoint-unreachable");
    const kept = await journalLines(exp.workdir, "cflue");
    expect(kept).toBeGreaterThanOrEqual(6);
    expect(kept).toBeLessThan(40);

    const rerun = await cli(["run", exp.file], { env: FAST_RETRY });
    expect(rerun.exitCode, rerun.all).toBe(0);
    expect((await stageState(exp, "eval")).status).toBe("completed");
    const log = await readFile(join(exp.workdir, "eval", "logs", "attempt-2.log"), "utf8");
    expect(log).toContain(`(${40 - kept} sent now, ${kept} from the journal`);
  });
});

describe("eval failing after deploy started", () => {
  it("ends the run with the eval error and stops the server (no foreground server left waiting)", async () => {
    const exp = await experiment(`  deploy: { model: ${JSON.stringify(TINY_MODEL)}, startup_timeout_minutes: 1 }
  eval:
    benchmarks:
      cflue: { path: ${JSON.stringify(join(FIXTURES, "cflue.json"))} }
`);
    const { rm, cp } = await import("node:fs/promises");
    // The benchmark file disappears after planning: eval's pre-flight fails once deploy is already up.
    await cp(join(FIXTURES, "cflue.json"), join(exp.dir, "cflue.json"));
    await writeFile(
      exp.file,
      (await readFile(exp.file, "utf8")).replace(JSON.stringify(join(FIXTURES, "cflue.json")), JSON.stringify(join(exp.dir, "cflue.json"))),
    );
    const run = execa(process.execPath, [CLI, "run", exp.file], { env: cliEnv(), extendEnv: false, reject: false });
    await waitFor(async () => (await stageState(exp as never, "deploy").catch(() => undefined))?.status === "running", 30_000, "deploy to start");
    await rm(join(exp.dir, "cflue.json"));
    const result = await run;
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/pre-flight failed for stage eval/);
    expect((await stageState(exp as never, "deploy")).status).toBe("stopped");
  });
});
