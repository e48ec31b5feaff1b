// Where each tool is looked for, through the real CLI on a machine that has none of the tools (no stand-ins on PATH):
// under Slurm and Ray, pre-flight does not look on this machine — `plan` says the Slurm job's node (after
// cluster.slurm.setup) or the Ray cluster, and the previewed batch script / entrypoint carries the check; under the
// local launcher the tool must be here.
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { cli, ROOT } from "../helpers/cli.js";
import { recipeDataEnv } from "../helpers/recipe-data.js";
import { tempDir } from "../helpers/tmp.js";

describe("plan says where each tool is looked for", () => {
  it("under Slurm with setup lines: on the job's node after them; nothing is missing here; the sbatch preview checks after setup", async () => {
    const dir = await tempDir("dianjin-site-");
    const config = join(ROOT, "configs/dianjin-r1-7b-slurm.yaml");
    const result = await cli(["plan", config, "--set", `workdir=${join(dir, "runs")}`, "--json"], { standins: false, env: await recipeDataEnv() });
    expect(result.exitCode, result.stderr).toBe(0);
    const plan = JSON.parse(result.stdout) as {
      stages: Array<{ name: string; tool?: { name: string; where: string }; launch?: Record<string, string> }>;
      missingTools: unknown[];
    };
    expect(plan.missingTools).toEqual([]);
    const sft = plan.stages.find((s) => s.name === "sft")!;
    expect(sft.tool).toMatchObject({
      name: "llamafactory",
      command: "llamafactory-cli",
      where: "`llamafactory-cli` is looked for on the Slurm job's node after cluster.slurm.setup, by the batch script before the tool starts",
    });
    const script = sft.launch!["sft.sbatch"]!;
    expect(script.indexOf("if ! command -v llamafactory-cli")).toBeGreaterThan(script.indexOf("source /shared/venvs/dianjin/bin/activate"));
    expect(script).toContain("[dianjin-train] tool missing: llamafactory");
    expect(plan.stages.find((s) => s.name === "eval")!.tool).toBeUndefined(); // done in this process: no tool
  });

  it("under Ray: on the cluster, by the job's entrypoint; under local: on this machine, where it is missing", async () => {
    const dir = await tempDir("dianjin-site-");
    const base = [join(ROOT, "configs/dianjin-r1-7b.yaml"), "--set", `workdir=${join(dir, "runs")}`];
    const env = await recipeDataEnv();
    const ray = await cli(["plan", ...base, "--set", "cluster.launcher=ray", "--set", "cluster.ray.address=http://head:8265"], { standins: false, env });
    expect(ray.exitCode, ray.stderr).toBe(0);
    expect(ray.stdout).toContain("tool verl: `python3` is looked for on the Ray cluster by the job's entrypoint before the tool starts");
    expect(ray.stdout).not.toContain("not installed here");
    const local = await cli(["plan", ...base, "--set", "tools.verl.command=[dj-no-such-python]"], { standins: false, env });
    expect(local.stdout).toContain("tool verl: `dj-no-such-python` is looked for on this machine; not installed here, `run` needs it (tools.verl.command)");
  });
});
