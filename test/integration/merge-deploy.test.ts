// merge → deploy through the CLI: the stand-in merger writes real safetensors that are verified; the stand-in vLLM
// server is started, waited for, recorded, reused, and stopped.
import { describe, expect, it } from "vitest";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { makeFakeCheckpoint, MERGER_STANDIN } from "../fixtures/merge/make-checkpoint.js";
import { cli, processesMentioning, stageState } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

async function experiment(extraDeploy = ""): Promise<{ file: string; workdir: string }> {
  const dir = await tempDir("dianjin-md-");
  const checkpoints = makeFakeCheckpoint({ steps: [10, 20] });
  const file = join(dir, "exp.yaml");
  await writeFile(
    file,
    `name: md
workdir: runs
model: { base: Qwen/Qwen2.5-0.5B-Instruct }
cluster: { gpus_per_node: 2 }
tools:
  verl_merger: { command: [${JSON.stringify(MERGER_STANDIN)}] }
stages:
  merge: { checkpoint_dir: ${JSON.stringify(checkpoints)} }
  deploy: { tensor_parallel_size: 1, replicas: 2, startup_timeout_minutes: 1${extraDeploy} }
`,
  );
  return { file, workdir: join(dir, "runs") };
}

describe("merge and deploy", () => {
  it("merges the latest step, verifies the folder, and a rerun skips", async () => {
    const exp = await experiment();
    const result = await cli(["merge", exp.file]);
    expect(result.exitCode, result.all).toBe(0);
    expect((await stageState(exp as never, "merge")).status).toBe("completed");
    // The end of the command names the merged model, a folder the tools can load (config.json beside the weights).
    const merged = /^ {2}merge {3}merged model (\S+)$/m.exec(result.stderr)?.[1];
    expect(merged, result.stderr).toBeDefined();
    expect(JSON.parse(await readFile(join(merged!, "config.json"), "utf8"))).toBeTypeOf("object");
    const plan = JSON.parse((await cli(["plan", exp.file, "--json", "--only", "merge"])).stdout) as { stages: Array<{ action: string; command: string[] }> };
    expect(plan.stages[0]!.action).toBe("skip");
    expect(plan.stages[0]!.command.join(" ")).toContain("global_step_20/actor");
  });

  it("a merged folder that fails verification fails the stage, naming the file", async () => {
    const exp = await experiment();
    const result = await cli(["merge", exp.file], { env: { VERL_MERGER_STANDIN_MODE: "truncated" } });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/\.safetensors/);
    expect((await stageState(exp as never, "merge")).failure.id).toBe("merge-output-invalid");
  });

  it("deploy --detach serves two replicas, a rerun reuses them, stop ends them", async () => {
    const exp = await experiment();
    const up = await cli(["run", exp.file, "--detach"]);
    expect(up.exitCode, up.all).toBe(0);
    const state = await stageState(exp as never, "deploy");
    expect(state.status).toBe("serving");
    const urls = state.outputs.baseUrls.split(",") as string[];
    expect(urls).toHaveLength(2);
    for (const url of urls) expect((await fetch(`${url}/v1/models`)).ok).toBe(true);
    expect(up.stderr).toContain(`  deploy  serving at ${state.outputs.baseUrls} (model ${state.outputs.model})`);
    expect((await cli(["status", exp.file])).stdout).toContain(`serving at ${state.outputs.baseUrls} (model ${state.outputs.model})`);

    const again = await cli(["run", exp.file, "--detach"]);
    expect(again.exitCode).toBe(0);
    expect(again.stderr).toMatch(/deploy: skipped — already serving at/);

    const stop = await cli(["stop", exp.file, "--log-format", "json"]);
    expect(stop.exitCode).toBe(0);
    const stopped = stop.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(stopped).toEqual([expect.objectContaining({ stage: "deploy", msg: "stopped", level: 40 })]);
    expect(await readFile(join(exp.workdir, "events.jsonl"), "utf8")).toContain(stop.stdout.trim());
    expect((await stageState(exp as never, "deploy")).status).toBe("stopped");
    for (const url of urls) await expect(fetch(`${url}/health`)).rejects.toThrow();
    expect(await processesMentioning(join(exp.workdir, "deploy"))).toEqual([]);
  });

  it("without --detach, servers started by a run are stopped when it ends", async () => {
    const exp = await experiment();
    const result = await cli(["run", exp.file]);
    expect(result.exitCode, result.all).toBe(0);
    expect((await stageState(exp as never, "deploy")).status).toBe("stopped");
  });

  it("a server that dies at start-up fails the stage with vLLM's cause and the log tail", async () => {
    const exp = await experiment();
    const result = await cli(["run", exp.file], { env: { VLLM_STANDIN_FAIL: "oom" } });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/stage deploy failed/);
    expect(result.stderr).toMatch(/memory/i);
    expect((await stageState(exp as never, "deploy")).status).toBe("failed");
  });
});

describe("deploy in the foreground", () => {
  it("serves until Ctrl-C, then stops the servers and leaves no process behind", async () => {
    const { execa } = await import("execa");
    const { CLI, cliEnv, waitFor } = await import("../helpers/cli.js");
    const exp = await experiment();
    const merge = await cli(["merge", exp.file]);
    expect(merge.exitCode).toBe(0);
    const run = execa(process.execPath, [CLI, "deploy", exp.file], { env: cliEnv(), extendEnv: false, reject: false });
    await waitFor(async () => (await stageState(exp as never, "deploy").catch(() => undefined))?.status === "serving", 30_000, "serving");
    const { baseUrl } = (await stageState(exp as never, "deploy")).outputs as { baseUrl: string };
    expect((await fetch(`${baseUrl}/health`)).ok).toBe(true);
    run.kill("SIGINT");
    const result = await run;
    expect(result.exitCode, result.all).toBe(0);
    expect((await stageState(exp as never, "deploy")).status).toBe("stopped");
    expect(await processesMentioning(join(exp.workdir, "deploy"))).toEqual([]);
  });
});
