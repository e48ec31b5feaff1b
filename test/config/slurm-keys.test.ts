// cluster.slurm.node, mail_type, mail_user and export: what the loader accepts, and the file:line error otherwise;
// accepted values reach the batch script's directives.
import { describe, expect, it } from "vitest";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { loadExperiment } from "../../src/config/load.js";
import { ConfigError } from "../../src/errors.js";
import { renderDirectives } from "../../src/launch/slurm/index.js";
import { slurmResources } from "../../src/pipeline/launchers.js";
import { nodeExecutable } from "../../src/contract/experiment.js";
import { tempDir } from "../helpers/tmp.js";

const experiment = (slurm: string) => `name: demo
workdir: runs/demo
model: { base: Qwen/Qwen2.5-0.5B-Instruct, template: qwen }
cluster:
  launcher: slurm
  slurm:
${slurm}
stages:
  sft:
    datasets: [a]
    dataset_files: { a: { path: data/a.json } }
`;

async function load(slurm: string) {
  const dir = await tempDir();
  const file = join(dir, "exp.yaml");
  await writeFile(file, experiment(slurm));
  return { file, result: await loadExperiment(file, { env: {}, cwd: dir }).catch((e: unknown) => e) };
}

describe("cluster.slurm keys for the batch script", () => {
  it("mail_type (one value or a list of Slurm's) and mail_user become --mail-type and --mail-user", async () => {
    const { result } = await load("    mail_type: [END, FAIL, TIME_LIMIT_90]\n    mail_user: ops@example.com");
    const config = (result as Awaited<ReturnType<typeof loadExperiment>>).config as never;
    const lines = renderDirectives({
      jobName: "j",
      argv: ["x"],
      cwd: "/r",
      env: {},
      logFile: "/r/l",
      outputDir: "/r",
      resources: slurmResources(config, "sft"),
    });
    expect(lines).toContain("#SBATCH --mail-type=END,FAIL,TIME_LIMIT_90");
    expect(lines).toContain("#SBATCH --mail-user=ops@example.com");
    const one = (await load("    mail_type: ALL")).result as Awaited<ReturnType<typeof loadExperiment>>;
    expect(slurmResources(one.config as never, "sft").mailType).toEqual(["ALL"]);
  });

  it("refuses a mail type Slurm does not have, with file:line and the dotted path", async () => {
    const { file, result } = await load("    mail_type: [END, DONE]");
    expect(result).toBeInstanceOf(ConfigError);
    expect((result as ConfigError).message).toMatch(new RegExp(`${file}:7:\\d+: cluster\\.slurm\\.mail_type`));
  });

  it("node must be an absolute path; it is the Node a Slurm job runs, else this CLI's own", async () => {
    const { file, result } = await load("    node: bin/node");
    expect(result).toBeInstanceOf(ConfigError);
    expect((result as ConfigError).message).toContain(`${file}:7:11: cluster.slurm.node: an absolute path`);
    const ok = (await load("    node: /opt/node20/bin/node")).result as Awaited<ReturnType<typeof loadExperiment>>;
    const cluster = (ok.config as { cluster: Parameters<typeof nodeExecutable>[0] }).cluster;
    expect(nodeExecutable(cluster)).toBe("/opt/node20/bin/node");
    expect(nodeExecutable({ ...cluster, launcher: "local" })).toBe(process.execPath);
    expect(nodeExecutable({ ...cluster, slurm: { ...cluster.slurm!, node: undefined } })).toBe(process.execPath);
  });

  it("export takes variable names only", async () => {
    const { result } = await load("    export: [HF_HOME, 'A=B']");
    expect(result).toBeInstanceOf(ConfigError);
    expect((result as ConfigError).message).toMatch(/cluster\.slurm\.export\.1: the NAME of an environment variable/);
  });
});
