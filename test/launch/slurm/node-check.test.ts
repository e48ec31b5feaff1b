// A job that runs Node (deploy's replica supervisor) checks, on its node after the setup lines, that the Node it was
// given (cluster.slurm.node) runs there: run by bash here with that executable present, then absent.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderSlurmScript, slurmSubmission, type SlurmBatchJob } from "../../../src/launch/slurm/index.js";
import { nodeCheckLines } from "../../../src/launch/slurm/node-check.js";
import { toolMissingCause } from "../../../src/launch/tool-missing.js";
import { tempDirs } from "./temp-dirs.js";

const newDir = tempDirs("node-check-");

const job = (node: string): SlurmBatchJob => ({
  jobName: "dianjin-deploy",
  argv: [node, "/opt/dianjin/supervisor.js", "replicas.json"],
  cwd: "/runs",
  env: {},
  logFile: "/runs/deploy.log",
  outputDir: "/runs/slurm",
  resources: { nodes: 1 },
  setup: ["module load nodejs"],
  node,
});

function runCheck(dir: string, node: string): { status: number | null; stdout: string } {
  const script = join(dir, "check.sh");
  writeFileSync(script, `${["set -uo pipefail", ...nodeCheckLines(job(node)), "echo node-found"].join("\n")}\n`);
  const r = spawnSync("bash", [script], { encoding: "utf8", env: { PATH: "/usr/bin:/bin" } });
  return { status: r.status, stdout: r.stdout };
}

describe("the batch script's Node check", () => {
  it("goes on when the node executable runs there", () => {
    expect(runCheck(newDir(), process.execPath)).toEqual({ status: 0, stdout: "node-found\n" });
  });

  it("ends with 127 and a tool-missing line naming the path, the node and cluster.slurm.node when it does not", () => {
    const r = runCheck(newDir(), "/nonexistent/bin/node");
    expect(r.status).toBe(127);
    expect(r.stdout).not.toContain("node-found");
    const cause = toolMissingCause(r.stdout.split("\n"));
    expect(cause?.id).toBe("tool-missing");
    expect(cause?.summary).toMatch(/^node \(`\/nonexistent\/bin\/node`\) does not run on \S+ after the setup lines; set cluster\.slurm\.node/);
  });

  it("is in the script after the setup lines, and only for a job whose argv[0] is the configured node", () => {
    const dir = newDir();
    const spec = { stage: "deploy", argv: ["/opt/node20/bin/node", "sup.js"], env: {}, cwd: dir, logFile: join(dir, "d.log") };
    const lines = slurmSubmission({ jobDir: dir, node: "/opt/node20/bin/node", setup: ["module load nodejs"] }, spec).script.split("\n");
    const check = lines.findIndex((l) => l.startsWith("if ! /opt/node20/bin/node --version"));
    expect(check).toBeGreaterThan(lines.indexOf("module load nodejs"));
    const other = slurmSubmission({ jobDir: dir, node: "/opt/node20/bin/node" }, { ...spec, argv: ["vllm", "serve"] }).script;
    expect(other).not.toContain("--version");
    expect(renderSlurmScript(job("/x/node"))).toContain("if ! /x/node --version");
  });
});
