// The dry run shows what the launcher would submit: sbatch scripts under Slurm (per-node rendezvous variables, the
// srun line, Ray-on-Slurm for GRPO), the `ray job submit` command under the ray launcher.
import { describe, expect, it } from "vitest";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { cli, ROOT } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

describe("plan shows the launcher's files", () => {
  it("under Slurm: prints and writes each stage's sbatch script with directives, srun and per-node env", async () => {
    const dir = await tempDir("dianjin-slurm-plan-");
    const out = join(dir, "out");
    const result = await cli(["plan", join(ROOT, "configs/dianjin-r1-7b-slurm.yaml"), "--set", `workdir=${join(dir, "runs")}`, "--out", out]);
    expect([0, 3]).toContain(result.exitCode); // the benchmark files of the eval stage are not here
    expect(result.stdout).toMatch(/slurm sft\.sbatch \(what would be submitted\)/);
    expect(result.stdout).toMatch(/\| #SBATCH --nodes=2/);
    const sft = await readFile(join(out, "sft/sft.sbatch"), "utf8");
    expect(sft).toMatch(/^#SBATCH --partition=gpu$/m);
    expect(sft).toMatch(/^srun .*export NODE_RANK="\$SLURM_NODEID".* llamafactory-cli train .*train\.yaml$/m);
    expect(sft).toMatch(/^export MASTER_ADDR=/m);
    expect(sft).toMatch(/^export MASTER_PORT=29500$/m);
    const grpo = await readFile(join(out, "grpo/grpo.sbatch"), "utf8");
    expect(grpo).toMatch(/Ray cluster job/);
    expect(grpo).toMatch(/ray start --head/);
    expect(await readdir(join(out, "merge"))).toContain("merge.sbatch");
  });

  it("under the ray launcher: the ray job submit command for GRPO", async () => {
    const dir = await tempDir("dianjin-ray-plan-");
    const out = join(dir, "out");
    const result = await cli([
      "plan",
      join(ROOT, "configs/dianjin-r1-7b.yaml"),
      "--only",
      "grpo",
      "--set",
      `workdir=${join(dir, "runs")}`,
      "--set",
      "cluster.launcher=ray",
      "--set",
      "cluster.ray.address=http://127.0.0.1:8265",
      "--out",
      out,
    ]);
    expect([0, 3]).toContain(result.exitCode);
    const submit = await readFile(join(out, "grpo/grpo.ray-submit.txt"), "utf8");
    expect(submit).toMatch(/^ray job submit --address http:\/\/127\.0\.0\.1:8265 --submission-id dianjin-grpo .* --no-wait -- /);
  });
});
