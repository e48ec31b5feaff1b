import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderDirectives, renderSlurmScript, type SlurmBatchJob } from "../../../src/launch/slurm/index.js";
import { batchEnv, fakeSlurmBin, startScript, waitFor } from "./fake-slurm-bin.js";
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
    // A failing task ends the others; a task that ends well never does, however long rank 0 still writes the model.
    expect(words).toContain("--kill-on-bad-exit=1");
    expect(words.filter((w) => w.startsWith("--wait"))).toEqual(["--wait=0"]);
    expect(words.find((w) => w.includes("NODE_RANK"))).toMatch(/^first_failure=\$1; shift; export NODE_RANK="\$SLURM_NODEID"; "\$@"; status=\$\?/);
  });

  it("ends with the first failing task's own status, not the 143 srun reports for the sibling it killed", () => {
    const dir = newDir();
    // Stand-ins: scontrol names one node; srun runs node rank 1 (which fails with 7), then answers as srun does
    // after --kill-on-bad-exit ended rank 0 with SIGTERM: the highest status, 143.
    const bin = join(dir, "bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "scontrol"), "#!/bin/bash\necho n1\n", { mode: 0o755 });
    writeFileSync(join(bin, "srun"), '#!/bin/bash\nwhile [[ $1 == -* ]]; do shift; done\nSLURM_NODEID=1 "$@"\nexit 143\n', { mode: 0o755 });
    const script = renderSlurmScript({
      ...job,
      argv: ["bash", "-c", 'echo "rank $NODE_RANK fails"; exit 7'],
      cwd: dir,
      env: {},
      setup: [],
      container: undefined,
      logFile: join(dir, "job.log"),
      outputDir: dir,
    });
    writeFileSync(join(dir, "job.sbatch"), script);
    const env = { PATH: `${bin}:${process.env.PATH}`, SLURM_JOB_NAME: "dianjin-sft", SLURM_JOB_ID: "42", SLURM_NNODES: "2", SLURM_JOB_NODELIST: "n[1-2]" };
    const run = spawnSync("bash", [join(dir, "job.sbatch")], { env, encoding: "utf8" });
    expect(run.status).toBe(7);
    const log = readFileSync(join(dir, "job.log"), "utf8");
    expect(log).toContain("rank 1 fails");
    expect(log).toContain("[dianjin-train] the first task to fail (node rank 1) ended with status 7; srun reported 143");
    expect(log.trimEnd().split("\n").at(-1)).toBe("[dianjin-train] command ended with status 7");
    expect(readdirSync(dir).filter((f) => f.endsWith(".first-failure"))).toEqual([]);
  });

  it("survives a SIGTERM to every process of the job: the tasks end, the status line and exit record are written, tee lives", async () => {
    const dir = newDir();
    const fake = fakeSlurmBin(dir);
    const logFile = join(dir, "job.log");
    const script = renderSlurmScript({
      ...job,
      argv: ["bash", "-c", 'echo "rank $NODE_RANK training"; sleep 60; echo "not reached"'],
      cwd: dir,
      env: {},
      setup: [],
      container: undefined,
      logFile,
      outputDir: dir,
    });
    writeFileSync(join(dir, "job.sbatch"), script);
    const { child, ended } = startScript(join(dir, "job.sbatch"), batchEnv(fake, 77, 1));
    await waitFor(() => existsSync(logFile) && readFileSync(logFile, "utf8").includes("rank 0 training"));
    process.kill(-child.pid!, "SIGTERM");
    expect(await ended).toBe(143);
    const lines = readFileSync(logFile, "utf8").trimEnd().split("\n");
    expect(lines).toContain("[dianjin-train] SIGTERM received (scancel or the time limit)");
    expect(lines.at(-1)).toBe("[dianjin-train] command ended with status 143");
    expect(lines.join("\n")).not.toMatch(/not reached|SIGPIPE|Broken pipe/);
    expect(readFileSync(`${logFile}.exit`, "utf8").trim()).toBe("143");
  });

  it("is valid bash", () => {
    const dir = newDir();
    const file = join(dir, "job.sbatch");
    writeFileSync(file, renderSlurmScript(job));
    expect(() => execFileSync("bash", ["-n", file])).not.toThrow();
  });
});
