// SFT as a 2-node torchrun job on a real Slurm cluster (Debian's slurmctld/slurmd/munge on loopback, emulating
// two nodes), with the stand-in llamafactory-cli: every rank checks where it is.
import { describe, expect, it } from "vitest";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { ensureLocalCluster, SLURM_ENV, jobIdsNamed } from "../launch/slurm/local-cluster.js";
import { cli, makeExperiment, readJson, stageState } from "../helpers/cli.js";

const cluster = ensureLocalCluster();
const reason = cluster.ready ? "" : ` (skipped: ${cluster.reason})`;

describe.skipIf(!cluster.ready)(`sft on Slurm${reason}`, () => {
  const slurmCluster = "{ launcher: slurm, nodes: 2, gpus_per_node: 1, slurm: { time: '00:10:00' } }";

  it("runs one task per node; each rank sees its NODE_RANK, NNODES and the head's MASTER_ADDR", async () => {
    const exp = await makeExperiment({ cluster: slurmCluster, deepspeed: "zero2" });
    const result = await cli(["sft", exp.file], { env: { ...SLURM_ENV, DIANJIN_POLL_MS: "300" } });
    expect(result.exitCode, result.all).toBe(0);
    const out = join(exp.workdir, "sft/output");
    const ranks = await Promise.all((await readdir(join(out, "ranks"))).sort().map((f) => readJson<Record<string, string>>(join(out, "ranks", f))));
    expect(ranks.map((r) => r.NODE_RANK)).toEqual(["0", "1"]);
    expect(new Set(ranks.map((r) => r.NNODES))).toEqual(new Set(["2"]));
    expect(ranks[0]!.MASTER_ADDR).toBeTruthy();
    expect(ranks[1]!.MASTER_ADDR).toBe(ranks[0]!.MASTER_ADDR);
    expect(ranks[1]!.MASTER_PORT).toBe("29500");
    const state = await stageState(exp);
    expect(state).toMatchObject({ status: "completed", job: { launcher: "slurm" } });
  });

  it("a failing job surfaces the classified cause and the log tail; no job is left behind", async () => {
    const exp = await makeExperiment({ cluster: slurmCluster, deepspeed: "zero2" });
    const result = await cli(["sft", exp.file], { env: { ...SLURM_ENV, DIANJIN_POLL_MS: "300", LF_STANDIN_FAIL: "oom", LF_STANDIN_FAIL_AT_STEP: "2" } });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/a GPU ran out of memory/);
    expect(result.stderr).toMatch(/\| .*CUDA out of memory/);
    const id = (await stageState(exp)).job.id as string;
    expect(jobIdsNamed("dianjin-sft").filter((j) => j === id).length).toBeLessThanOrEqual(1);
  });
});
