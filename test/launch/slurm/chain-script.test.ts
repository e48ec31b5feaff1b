// The batch script of a chain job: the stage's resources, the dependency on the job before (a failed one cancels
// this one), the first job held until submit has recorded the chain, and a clear end when a node lacks Node.js.
import { describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderChainScript, CHAIN_MISSING_EXIT } from "../../../src/launch/slurm/submit.js";
import { tempDirs } from "./temp-dirs.js";

const newDir = tempDirs("dianjin-chain-script-");

const job = {
  name: "dianjin-chain-abc-2",
  argv: ["/opt/node/bin/node", "/opt/dianjin/dist/bin/dianjin-train.mjs", "run", "/home/u/exp.yaml", "--only", "grpo", "--set", "x=it's"],
  cwd: "/home/u",
  env: { DIANJIN_CHAIN: "dianjin-chain-abc" },
  exportNames: ["HOME", "PATH", "TEAM"],
  jobDir: "/home/u/runs/slurm",
  resources: { nodes: 2, gpusPerNode: 8, time: "1-00:00:00" },
};

describe("renderChainScript", () => {
  it("asks for the stage's allocation and waits for the job before it", () => {
    const script = renderChainScript({ ...job, after: "41" });
    expect(script).toMatch(/^#SBATCH --nodes=2$/m);
    expect(script).toMatch(/^#SBATCH --gpus-per-node=8$/m);
    expect(script).toMatch(/^#SBATCH --job-name=dianjin-chain-abc-2$/m);
    expect(script).toMatch(/^#SBATCH --dependency=afterok:41$/m);
    expect(script).toMatch(/^#SBATCH --kill-on-invalid-dep=yes$/m);
    expect(script).not.toMatch(/--hold/);
    // Only the names the job needs leave the submitting machine (never sbatch's default, the whole environment).
    expect(script).toMatch(/^#SBATCH --export=HOME,PATH,TEAM$/m);
    expect(script).toContain("export DIANJIN_CHAIN=dianjin-chain-abc");
    expect(script).toContain("exec /opt/node/bin/node /opt/dianjin/dist/bin/dianjin-train.mjs run /home/u/exp.yaml --only grpo --set 'x=it'\\''s'");
  });

  it("holds the first job and has no dependency", () => {
    const script = renderChainScript({ ...job, hold: true });
    expect(script).toMatch(/^#SBATCH --hold$/m);
    expect(script).not.toMatch(/dependency/);
  });

  it("bash reads it; a node without Node.js ends it with 127 and a line naming cluster.slurm.node", () => {
    const dir = newDir();
    const path = join(dir, "job.sbatch");
    writeFileSync(path, renderChainScript({ ...job, argv: [join(dir, "no-node"), join(dir, "cli.mjs")], cwd: dir }));
    execFileSync("bash", ["-n", path]);
    const r = spawnSync("bash", [path], { encoding: "utf8" });
    expect(r.status).toBe(CHAIN_MISSING_EXIT);
    expect(r.stdout).toMatch(/node .*no-node is not on .*set cluster\.slurm\.node/);
  });
});
