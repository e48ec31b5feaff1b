// A trainer that ends while no CLI watches: completion is proved (a recorded good exit plus the stage's finished
// proof), never inferred from "a complete checkpoint exists". Real CLI, stand-in verl, kill -9 of the CLI only.
import { describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { execa } from "execa";
import { grpoExperiment as grpoStandinExperiment } from "../helpers/grpo-experiment.js";
import { CLI, cli, cliEnv, stageState, waitFor } from "../helpers/cli.js";

/** 90 CFLUE items → 81 train rows; batch 8, one epoch → verl plans 10 steps; a checkpoint every 3 steps (and at 10). */
async function grpoExperiment() {
  const exp = await grpoStandinExperiment({ items: 90, totalEpochs: 1, saveFreq: 3 });
  expect((await cli(["sft", exp.file])).exitCode).toBe(0);
  return exp;
}

/**
 * Starts `grpo` with the trainer held before its first step, kills -9 the CLI alone once the job is recorded, then lets
 * the trainer go on unwatched and waits until the supervisor has recorded how it ended.
 */
async function trainUnwatched(exp: { dir: string; file: string; workdir: string }, env: Record<string, string>, killGroup = false): Promise<string> {
  const gate = join(exp.dir, `go-${Date.now()}`);
  const before = (await stageState(exp, "grpo").catch(() => undefined))?.attempts ?? 0;
  const run = execa(process.execPath, [CLI, "grpo", exp.file], {
    env: cliEnv({ VERL_STANDIN_WAIT_FOR: gate, VERL_STANDIN_STEP_MS: "10", ...env }),
    extendEnv: false,
    reject: false,
  });
  await waitFor(
    async () => {
      const s = await stageState(exp, "grpo").catch(() => undefined);
      return s?.attempts > before && s?.status === "running" && s?.job?.id !== undefined;
    },
    60_000,
    "the new grpo job recorded",
  );
  run.kill("SIGKILL");
  await run;
  const { id, logFile: recorded } = (await stageState(exp, "grpo")).job as { id: string; logFile: string };
  // state.json holds paths inside the workdir relative to it (a relocatable workdir).
  const logFile = resolve(exp.workdir, recorded);
  // Held at the gate, unwatched: `running` is true now.
  const live = JSON.parse((await cli(["status", exp.file, "--json"])).stdout) as { stages: Record<string, unknown> };
  expect(live.stages.grpo).toMatchObject({ status: "running", alive: true });
  if (killGroup) {
    process.kill(-Number(id), "SIGKILL"); // supervisor and trainer together: nothing records how it ended
    return logFile;
  }
  await writeFile(gate, "");
  await waitFor(async () => existsSync(`${logFile}.exit`), 60_000, "the supervisor's exit record");
  return logFile;
}

describe("a trainer that ends while no CLI watches", () => {
  it("dies of OOM at step 7 of 10 (newest checkpoint 6): reported as failed with its cause and resumed from 6, never completed", async () => {
    const exp = await grpoExperiment();
    const logFile = await trainUnwatched(exp, { VERL_STANDIN_FAIL: "oom", VERL_STANDIN_CRASH_AT_STEP: "7" });
    expect(await readFile(join(exp.workdir, "grpo/output/latest_checkpointed_iteration.txt"), "utf8")).toBe("6");
    expect(await readFile(`${logFile}.exit`, "utf8")).toBe("1\n");

    const plan = JSON.parse((await cli(["plan", exp.file, "--json"])).stdout) as { stages: Array<{ name: string; action: string; reason: string }> };
    const grpo = plan.stages.find((s) => s.name === "grpo")!;
    expect(grpo.action).toBe("resume");
    expect(grpo.reason).toMatch(/ended while no CLI watched.*: failed — .*out of memory/i);
    expect(grpo.reason).toMatch(/resuming from the newest complete checkpoint \(step 6\)/);
    expect(grpo.reason).not.toMatch(/complete;|outputs are complete/);

    const status = JSON.parse((await cli(["status", exp.file, "--json"])).stdout) as { stages: Record<string, { status: string; failure?: { id: string } }> };
    expect(status.stages.grpo).toMatchObject({ status: "failed", failure: { id: "cuda-oom" } });

    const resumed = await cli(["grpo", exp.file], { env: { VERL_STANDIN_STEP_MS: "10" } });
    expect(resumed.exitCode, resumed.all).toBe(0);
    expect(resumed.stderr).toMatch(/resuming from the newest complete checkpoint \(step 6\)/);
    const state = await stageState(exp, "grpo");
    expect(state).toMatchObject({ status: "completed", attempts: 2, resumedFrom: { step: 6 } });
    expect(await readFile(join(exp.workdir, "grpo/logs/attempt-2.log"), "utf8")).toMatch(/Load from checkpoint folder: .*global_step_6/);
  });

  it("a trainer killed with its supervisor leaves no exit status: a failure, resumed; one that finished with exit 0 is completed", async () => {
    const exp = await grpoExperiment();
    const logFile = await trainUnwatched(exp, {}, true);
    await waitFor(async () => (await cli(["status", exp.file, "--json"])).stdout.includes('"ended-unobserved"'), 30_000, "status to see the end");
    expect(existsSync(`${logFile}.exit`)).toBe(false);

    const plan = JSON.parse((await cli(["plan", exp.file, "--json"])).stdout) as { stages: Array<{ name: string; action: string; reason: string }> };
    expect(plan.stages.find((s) => s.name === "grpo")!.reason).toMatch(/failed — the job ended while no CLI watched and no exit status was recorded/);

    // This time the unwatched trainer runs to its planned last step and exits 0: that is proved, and recorded.
    const second = await trainUnwatched(exp, {});
    expect(await readFile(`${second}.exit`, "utf8")).toBe("0\n");
    const again = JSON.parse((await cli(["plan", exp.file, "--json"])).stdout) as { stages: Array<{ name: string; action: string; reason: string }> };
    expect(again.stages.find((s) => s.name === "grpo")!.reason).toMatch(/\(exit 0\); its outputs are complete/);
    const finished = await cli(["grpo", exp.file]);
    expect(finished.exitCode, finished.all).toBe(0);
    expect((await stageState(exp, "grpo")).status).toBe("completed");
  });
});
