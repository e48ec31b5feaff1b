// `submit` of deploy + eval on the real local Slurm cluster: the server and the eval that uses it share one chain job,
// which runs with no CLI of ours alive. Eval starts only once the server answered, the server ends with eval, and no
// job is left. The chain job gets only the variables its run needs: one the experiment file reads reaches it, a token
// nothing reads stays on the submitting machine (not in slurmctld's saved job environment).
import { afterEach, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { clusterSkipReason, SLURM_ENV, STATE_DIR, jobIdsNamed, slurm } from "../launch/slurm/local-cluster.js";
import { skipAllIf } from "../helpers/skip.js";
import { tempDir } from "../helpers/tmp.js";
import { cli, processesMentioning, readJson, waitFor } from "../helpers/cli.js";

const EVAL_FIXTURES = fileURLToPath(new URL("../fixtures/eval/", import.meta.url));
const TINY_MODEL = fileURLToPath(new URL("../fixtures/merge/tiny-qwen2", import.meta.url));
const MARK = `mark${process.pid}`;
const UNREAD_TOKEN = "hf_unread_by_the_chain_91c4";

const active = (id: string) => /PENDING|RUNNING|COMPLETING|CONFIGURING/.test(slurm("squeue", ["-h", "-t", "all", "-j", id, "-o", "%T"]));
const submitted: string[] = [];
afterEach(() => {
  const live = submitted.splice(0).filter(active);
  if (live.length) slurm("scancel", live);
});

type Event = { time: number; stage?: string; msg?: string; [k: string]: unknown };

type State = { chain: { jobs: Array<{ id: string; name: string; stages: string[] }> }; stages: Record<string, any> };

/** Submits deploy + eval (the file's name reads a variable: the run inside the job re-reads the file) and waits for the job to end. */
async function submitServeAndEval(env: Record<string, string>) {
  const dir = await tempDir("dianjin-chain-serve-");
  const file = join(dir, "exp.yaml");
  const workdir = join(dir, "runs");
  await writeFile(
    file,
    `name: serve-\${DIANJIN_CHAIN_MARK}
workdir: runs
model: { base: Qwen/Qwen2.5-7B-Instruct }
cluster: { launcher: slurm, gpus_per_node: 1, slurm: { time: '00:05:00', export: [DIANJIN_POLL_MS, VLLM_STANDIN_STARTUP_MS, VLLM_STANDIN_FAIL] } }
stages:
  deploy: { model: ${JSON.stringify(TINY_MODEL)}, startup_timeout_minutes: 2 }
  eval:
    benchmarks: { finqa: { path: ${JSON.stringify(join(EVAL_FIXTURES, "finqa.json"))} } }
    sampling: { max_tokens: 256, temperature: 0.0 }
`,
  );
  const result = await cli(["submit", file], { env: { ...SLURM_ENV, DIANJIN_POLL_MS: "300", DIANJIN_CHAIN_MARK: MARK, ...env } });
  expect(result.exitCode, result.all).toBe(0);
  const state = () => readJson<State>(join(workdir, "state.json"));
  const { chain } = await state();
  submitted.push(...chain.jobs.map((j) => j.id));
  expect(chain.jobs.map((j) => j.stages)).toEqual([["deploy", "eval"]]);
  const job = chain.jobs[0]!;
  await waitFor(async () => !active(job.id), 240_000, "the chain job to end");
  const output = await readFile(join(workdir, "slurm", `${job.name}-${job.id}.out`), "utf8").catch(() => "");
  return { workdir, job, output, state: (await state()).stages, slurmState: slurm("squeue", ["-h", "-t", "all", "-j", job.id, "-o", "%T"]).trim() };
}

describe("submit on Slurm: a server and its eval in one job", () => {
  skipAllIf(clusterSkipReason());

  it("eval runs against the server once it answers, the server ends with eval, and only the variables the run reads reach the job", async () => {
    // The stand-in server takes a while to answer: eval must wait for it.
    const { workdir, job, output, state: stages, slurmState } = await submitServeAndEval({ HF_TOKEN: UNREAD_TOKEN, VLLM_STANDIN_STARTUP_MS: "1500" });

    // What slurmctld saved of the job's environment (readable here, where the test runs the cluster).
    const saved = readFileSync(join(STATE_DIR, "ctld", `hash.${Number(job.id) % 10}`, `job.${job.id}`, "environment"), "latin1");
    expect(saved).toContain(`DIANJIN_CHAIN_MARK=${MARK}`);
    expect(saved).not.toContain(UNREAD_TOKEN);
    const script = readFileSync(join(workdir, "slurm", `${job.name}.sbatch`), "utf8");
    expect(script).toMatch(/^#SBATCH --export=\S*DIANJIN_CHAIN_MARK\S*$/m);
    expect(script).not.toContain(MARK);

    expect(slurmState, output).toBe("COMPLETED");
    expect(stages.eval, output).toMatchObject({ status: "completed" });
    const scores = await readJson<Record<string, number>>(join(workdir, "eval/output/scores.json"));
    expect(scores.finqa).toBeTypeOf("number");

    // Eval started only after the server answered (deploy's end as a starting stage is its readiness).
    const events = (await readFile(join(workdir, "events.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Event);
    const serving = events.find((e) => e.stage === "deploy" && /^serving at /.test(String(e.msg)));
    expect(serving, JSON.stringify(events.filter((e) => e.stage === "deploy"))).toBeDefined();
    expect(Date.parse(stages.eval.startedAt)).toBeGreaterThanOrEqual(serving!.time);
    expect(serving!.time).toBeGreaterThan(Date.parse(stages.deploy.startedAt));
    // The server ended with eval: recorded stopped, its port closed, its process gone, no job of its own.
    expect(stages.deploy).toMatchObject({ status: "stopped", job: { launcher: "slurm", id: job.id } });
    await expect(fetch(`${stages.deploy.outputs.baseUrl}/health`)).rejects.toThrow();
    expect(await processesMentioning(TINY_MODEL)).toEqual([]);
    expect(jobIdsNamed(stages.deploy.launch.id)).toEqual([]);
    expect(slurm("squeue", ["-h", "-j", job.id, "-o", "%i"]).trim()).toBe("");
  });

  it("a server that never answers fails the job: eval never starts, the server is gone, no job is left", async () => {
    const { job, output, state: stages, slurmState } = await submitServeAndEval({ VLLM_STANDIN_FAIL: "oom" });
    expect(slurmState, output).toBe("FAILED");
    expect(stages.deploy, output).toMatchObject({ status: "failed", failure: { id: "cuda-oom" }, job: { id: job.id } });
    // Seen as soon as the server's script ended, not when the 2-minute start-up timeout ran out.
    expect(Date.parse(stages.deploy.endedAt) - Date.parse(stages.deploy.startedAt)).toBeLessThan(60_000);
    expect(stages.eval).toBeUndefined();
    expect(await processesMentioning(TINY_MODEL)).toEqual([]);
    expect(slurm("squeue", ["-h", "-j", job.id, "-o", "%i"]).trim()).toBe("");
  });
});
