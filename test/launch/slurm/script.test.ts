import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderDirectives, renderSlurmScript, type SlurmBatchJob } from "../../../src/launch/slurm/index.js";
import { tempDirs } from "./temp-dirs.js";

const newDir = tempDirs("render-");

const job: SlurmBatchJob = {
  jobName: "dianjin-sft",
  argv: ["llamafactory-cli", "train", "/runs/exp 1/sft.yaml", "it's $HOME"],
  cwd: "/runs/exp 1",
  env: { FORCE_TORCHRUN: "1", WANDB_PROJECT: "dianjin r1" },
  logFile: "/runs/exp 1/logs/sft.log",
  outputDir: "/runs/exp 1/slurm",
  resources: {
    nodes: 2,
    gpusPerNode: 8,
    cpusPerTask: 32,
    mem: "200G",
    time: "2-00:00:00",
    partition: "gpu",
    account: "fin",
    qos: "high",
    exclusive: true,
    requeue: false,
    extraDirectives: ["--constraint=a100&ib", '--comment=stage "sft" #1', "--hint=nomultithread"],
  },
  setup: ["module load cuda/12.4", "source /opt/venv/bin/activate"],
  container: { image: "nvcr.io/nvidia/pytorch:24.05-py3", mounts: ["/runs:/runs"], workdir: "/runs" },
  masterPort: 29_501,
};

describe("renderSlurmScript", () => {
  it("renders the per-node script (snapshot)", async () => {
    await expect(renderSlurmScript(job)).toMatchFileSnapshot("./__snapshots__/per-node.sbatch");
  });

  it("a requeued start runs the restart argv (quoted) after the setup lines and before the tool; the first start does not", () => {
    const script = renderSlurmScript({ ...job, restartArgv: ["python3", "/runs/exp 1/sft/rendered/restart.py", "it's"] });
    const block = ['if [ "${SLURM_RESTART_COUNT:-0}" -gt 0 ]; then', "python3 '/runs/exp 1/sft/rendered/restart.py' 'it'\\''s' || exit 1", "fi"];
    const at = block.map((line) => script.split("\n").findIndex((l) => l.trim().startsWith(line)));
    expect(at.every((i) => i > 0)).toBe(true);
    expect(at[0]).toBeGreaterThan(script.split("\n").indexOf("source /opt/venv/bin/activate"));
    expect(at[2]).toBeLessThan(script.split("\n").findIndex((l) => l.startsWith("srun ")));
    expect(renderSlurmScript(job)).not.toMatch(/SLURM_RESTART_COUNT:-0}" -gt 0/);
  });

  it("sorts typed directives by key and keeps raw extras after them, quoted for sbatch", () => {
    const lines = renderDirectives(job);
    const typed = lines.slice(0, lines.length - 3).map((l) => l.replace(/^#SBATCH --([a-z-]+).*$/, "$1"));
    expect(typed).toEqual([...typed].sort());
    expect(typed).toContain("no-requeue");
    expect(lines.slice(-3)).toEqual(['#SBATCH --constraint="a100&ib"', '#SBATCH --comment="stage \\"sft\\" #1"', "#SBATCH --hint=nomultithread"]);
    expect(lines).toContain('#SBATCH --output="/runs/exp 1/slurm/%x-%j.out"');
  });

  it("escapes % in the output folder so Slurm does not expand it", () => {
    const lines = renderDirectives({ ...job, outputDir: "/data/100%" });
    expect(lines).toContain("#SBATCH --output=/data/100%%/%x-%j.out");
  });

  it("refuses directives that are not --key=value, and multi-line values", () => {
    expect(() => renderDirectives({ ...job, resources: { extraDirectives: ["-N 2"] } })).toThrow(/--key=value/);
    expect(() => renderDirectives({ ...job, resources: { partition: "a\nb" } })).toThrow(/one line/);
  });

  it("refuses environment names that are not shell names", () => {
    expect(() => renderSlurmScript({ ...job, env: { "A-B": "1" } })).toThrow(/environment variable name/);
  });

  it("passes every argv word through unchanged (checked by bash itself)", () => {
    const script = renderSlurmScript(job);
    const srun = script.split("\n").find((l) => l.startsWith("srun "))!;
    // Replace srun by a printer of its arguments and let bash parse the line.
    const dir = newDir();
    const file = join(dir, "line.sh");
    writeFileSync(file, `srun() { printf '%s\\n' "$@"; }\nSLURM_NNODES=2\n${srun}\n`);
    const words = execFileSync("bash", [file], { encoding: "utf8" }).trimEnd().split("\n");
    expect(words.slice(-4)).toEqual(job.argv);
    expect(words).toContain("--container-image=nvcr.io/nvidia/pytorch:24.05-py3");
    expect(words).toContain('export NODE_RANK="$SLURM_NODEID"; exec "$@"');
  });

  it("is valid bash", () => {
    const dir = newDir();
    const file = join(dir, "job.sbatch");
    writeFileSync(file, renderSlurmScript(job));
    expect(() => execFileSync("bash", ["-n", file])).not.toThrow();
  });
});
