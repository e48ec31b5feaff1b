// SFT with the trl backend as a 2-node job on the real local Slurm cluster (two emulated nodes), with the stand-in
// `trl`: every node's accelerate launch gets its own machine rank and the head's address through the per-node wrapper.
import { describe, expect, it } from "vitest";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { clusterSkipReason, SLURM_ENV } from "../launch/slurm/local-cluster.js";
import { skipAllIf } from "../helpers/skip.js";
import { ROOT, cli, readJson, stageState } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

const skipReason = clusterSkipReason();

describe("sft with the trl backend on Slurm", () => {
  skipAllIf(skipReason);

  it("two nodes: machine ranks 0 and 1 of 2, one rendezvous address, DeepSpeed launched per node, trained once and reported", async () => {
    const workdir = join(await tempDir("dianjin-trl-slurm-"), "runs");
    const sets = [
      "cluster.launcher=slurm",
      "cluster.nodes=2",
      "cluster.gpus_per_node=1",
      "stages.sft.deepspeed=zero2",
      "cluster.slurm.time=00:10:00",
      `workdir=${workdir}`,
    ];
    const args = [join(ROOT, "configs/quickstart-trl.yaml"), ...sets.flatMap((s) => ["--set", s])];
    const result = await cli(["sft", ...args], { env: { ...SLURM_ENV, DIANJIN_POLL_MS: "300" } });
    expect(result.exitCode, result.all).toBe(0);
    const out = join(workdir, "sft/output");
    const machines = await Promise.all((await readdir(join(out, "ranks"))).sort().map((f) => readJson<Record<string, unknown>>(join(out, "ranks", f))));
    expect(machines.map((m) => [m.machine_rank, m.num_machines, m.num_processes])).toEqual([
      [0, 2, 2],
      [1, 2, 2],
    ]);
    expect(machines[0]!.main_process_ip).toBeTruthy();
    expect(machines[1]!.main_process_ip).toBe(machines[0]!.main_process_ip);
    expect(machines.map((m) => m.main_process_port)).toEqual(["29500", "29500"]);
    expect(new Set(machines.map((m) => m.host)).size).toBe(2);
    expect(await stageState({ workdir, file: args[0]!, dir: workdir })).toMatchObject({ status: "completed", job: { launcher: "slurm" } });

    const log = await readFile(join(workdir, "sft/logs/attempt-1.log"), "utf8");
    expect(log).toMatch(/node 0 of 2: accelerate rendezvous at \S+:29500/);
    expect(log).toMatch(/node 1 of 2: accelerate rendezvous at \S+:29500/);
    expect((await cli(["report", ...args])).exitCode).toBe(0);
    expect(await readFile(join(workdir, "report/report.md"), "utf8")).toMatch(/SFT loss vs step\]\(report\.html#sft-loss\): \d+ points/);
  });
});
