import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderRaySlurmScript, type RaySlurmJob } from "../../../src/launch/slurm/index.js";
import { tempDirs } from "./temp-dirs.js";

const newDir = tempDirs("ray-render-");

const job: RaySlurmJob = {
  jobName: "dianjin-grpo",
  argv: ["python3", "-m", "verl.trainer.main_ppo", "trainer.nnodes=2", "trainer.logger=['console','wandb']"],
  cwd: "/runs/exp",
  env: { VLLM_USE_V1: "1" },
  logFile: "/runs/exp/logs/grpo.log",
  outputDir: "/runs/exp/slurm",
  resources: { nodes: 2, gpusPerNode: 8, cpusPerTask: 64, time: "12:00:00" },
  ray: { port: 6380, readyTimeoutSeconds: 300, cpusPerNode: 64 },
};

describe("renderRaySlurmScript", () => {
  const script = renderRaySlurmScript(job);

  it("renders the Ray-on-Slurm script (snapshot)", async () => {
    await expect(script).toMatchFileSnapshot("./__snapshots__/ray.sbatch");
  });

  it("starts the head on the first node, then a worker on every other node, all blocking in the background", () => {
    const lines = script.split("\n");
    const head = lines.findIndex((l) => l.includes("ray start --head"));
    const worker = lines.findIndex((l) => l.includes('ray start --address="$RAY_ADDRESS"'));
    expect(head).toBeGreaterThan(0);
    expect(worker).toBeGreaterThan(head);
    expect(lines[head]).toContain('-w "$head_node"');
    expect(lines[head]).toMatch(/--port=6380 --num-gpus=8 --num-cpus=64 --block &$/);
    expect(lines[worker]).toMatch(/--block &$/);
    expect(script).toContain("tail -n +2); do");
  });

  it("waits until the cluster reports every GPU of the allocation, up to the timeout", () => {
    expect(script).toContain("expected_gpus=$((8 * SLURM_NNODES))");
    expect(script).toContain('until [ "$(ray_gpus)" -ge "$expected_gpus" ]; do');
    expect(script).toContain("deadline=$((SECONDS + 300))");
  });

  it("runs the trainer on the head with its argv quoted, after the readiness wait, and stops Ray in the EXIT trap", () => {
    const lines = script.split("\n");
    const ready = lines.findIndex((l) => l.includes("Ray cluster ready"));
    const trainer = lines.findIndex((l) => l.startsWith("python3 -m verl.trainer.main_ppo"));
    expect(trainer).toBeGreaterThan(ready);
    expect(lines[trainer]).toBe(`python3 -m verl.trainer.main_ppo trainer.nnodes=2 'trainer.logger=['\\''console'\\'','\\''wandb'\\'']'`);
    expect(script).toMatch(/cleanup\(\) \{[\s\S]*ray stop --force[\s\S]*\}\ntrap cleanup EXIT/);
  });

  it("counts GPUs from `ray status` output", () => {
    const dir = newDir();
    const fn = script.split("\n");
    const start = fn.findIndex((l) => l.startsWith("ray_gpus() {"));
    const body = fn.slice(start, start + 3).join("\n");
    const status = "======== Autoscaler status ========\nResources\n---\nUsage:\n 0.0/128.0 CPU\n 0.0/16.0 GPU\n 0B/1.2TiB memory\n";
    const file = join(dir, "t.sh");
    writeFileSync(join(dir, "status.txt"), status);
    writeFileSync(file, `ray() { cat ${join(dir, "status.txt")}; }\nRAY_ADDRESS=x\n${body}\nray_gpus\n`);
    expect(execFileSync("bash", [file], { encoding: "utf8" }).trim()).toBe("16");
    writeFileSync(file, `ray() { return 1; }\nRAY_ADDRESS=x\n${body}\nray_gpus\n`);
    expect(execFileSync("bash", [file], { encoding: "utf8" }).trim()).toBe("0");
  });

  it("is valid bash", () => {
    const dir = newDir();
    writeFileSync(join(dir, "job.sbatch"), script);
    expect(() => execFileSync("bash", ["-n", join(dir, "job.sbatch")])).not.toThrow();
  });
});
