// A real Slurm requeue on the local cluster: the trainer is stuck in a half-written checkpoint-7 (weights only, no
// trainer state, no optimizer), `scontrol requeue` restarts the batch script, and the script itself chooses the newest
// complete checkpoint (5) before LLaMA-Factory starts; transformers' auto-resume would take checkpoint-7 and fail
// "Can't find a valid checkpoint". The requeued start is a new attempt in state.json.
import { describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { execa } from "execa";
import { clusterSkipReason, SLURM_ENV, slurm } from "../launch/slurm/local-cluster.js";
import { skipAllIf } from "../helpers/skip.js";
import { CLI, cliEnv, makeExperiment, stageState, waitFor } from "../helpers/cli.js";

const skipReason = clusterSkipReason();

describe("a Slurm requeue", () => {
  skipAllIf(skipReason);
  it("restarts from the newest complete checkpoint chosen by the batch script, never the half-written one; a new attempt", async () => {
    const exp = await makeExperiment({
      cluster:
        "{ launcher: slurm, nodes: 1, gpus_per_node: 1, slurm: { time: '00:10:00', requeue: true, export: [LF_STANDIN_STEP_MS, LF_STANDIN_HALF_CHECKPOINT_AT, LF_STANDIN_HALF_ONCE] } }",
      deepspeed: "zero2",
      records: 10,
    });
    const stuck = join(exp.dir, "stuck-in-checkpoint");
    const env = { ...SLURM_ENV, DIANJIN_POLL_MS: "300", LF_STANDIN_STEP_MS: "30", LF_STANDIN_HALF_CHECKPOINT_AT: "7", LF_STANDIN_HALF_ONCE: stuck };
    const run = execa(process.execPath, [CLI, "sft", exp.file], { env: cliEnv(env), extendEnv: false, reject: false, all: true });
    try {
      await waitFor(async () => existsSync(stuck), 180_000, "the trainer stuck in a half-written checkpoint-7");
      const out = join(exp.workdir, "sft/output");
      expect(existsSync(join(out, "checkpoint-5/trainer_state.json"))).toBe(true);
      expect(existsSync(join(out, "checkpoint-7/trainer_state.json"))).toBe(false);
      const { job } = await stageState(exp);
      slurm("scontrol", ["requeue", job.id]);

      const result = await run;
      expect(result.exitCode, result.all).toBe(0);
      expect(result.stderr).toMatch(/the launcher restarted the job \(requeue 1\): attempt 2/);
      expect(await stageState(exp)).toMatchObject({ status: "completed", attempts: 2, job: { id: job.id } });
      const log = await readFile(resolve(exp.workdir, job.logFile), "utf8");
      expect(log).toMatch(/requeued start: choosing the newest complete checkpoint/);
      expect(log).toMatch(/restart: set aside incomplete checkpoint-7/);
      expect(log).toMatch(new RegExp(`Resuming training from ${join(out, "checkpoint-5")}\\.`));
      expect(log).not.toMatch(/Can't find a valid checkpoint/);
      expect((await readdir(join(exp.workdir, "sft/set-aside"))).some((n) => n.startsWith("checkpoint-7.incomplete-"))).toBe(true);
      expect(await readFile(`${resolve(exp.workdir, job.logFile)}.exit`, "utf8")).toBe("0\n");
    } finally {
      run.kill("SIGKILL");
      const id = (await stageState(exp).catch(() => undefined))?.job?.id as string | undefined;
      if (id) slurm("scancel", [id]);
    }
  });
});
