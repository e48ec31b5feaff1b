// The Ray-on-Slurm script run by bash with stand-ins for srun and scontrol (fake-slurm-bin.ts) and for `ray`
// (test/fixtures/bin/ray, written from Ray's CLI reference): what each `ray start` is given, which ports two jobs get,
// what the cleanup ends, and how a SIGTERM to the whole job is survived.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderRaySlurmScript, type RaySlurmJob } from "../../../src/launch/slurm/index.js";
import { ROOT } from "./local-cluster.js";
import { batchEnv, fakeSlurmBin, startScript, waitFor } from "./fake-slurm-bin.js";
import { tempDirs } from "./temp-dirs.js";

const newDir = tempDirs("ray-render-");
const RAY = join(ROOT, "test/fixtures/bin/ray");

function rayJob(dir: string, argv: string[], over: Partial<RaySlurmJob> = {}): RaySlurmJob {
  return {
    jobName: "dianjin-grpo",
    argv,
    cwd: dir,
    env: { RAY_STANDIN_STATE: join(dir, "ray"), RAY_STANDIN_ARGV_LOG: join(dir, "ray-argv.log") },
    logFile: join(dir, "grpo.log"),
    outputDir: dir,
    resources: { nodes: 2, gpusPerNode: 2 },
    ray: { executable: RAY, readyCheckSeconds: 0.2, readyTimeoutSeconds: 60 },
    ...over,
  };
}

/** Runs the rendered script to its end; returns its status, the stage log and every `ray start` argv. */
async function run(dir: string, job: RaySlurmJob, jobId: number, extra: Record<string, string> = {}) {
  const fake = fakeSlurmBin(dir);
  writeFileSync(join(dir, "job.sbatch"), renderRaySlurmScript(job));
  const { ended } = startScript(join(dir, "job.sbatch"), batchEnv(fake, jobId, 2, extra));
  const status = await ended;
  const starts = readFileSync(join(dir, "ray-argv.log"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as string[])
    .filter((a) => a[0] === "start");
  return { status, log: readFileSync(job.logFile, "utf8"), starts, srun: readFileSync(fake.srunLog, "utf8") };
}

const option = (argv: string[], name: string) => argv.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);

describe("renderRaySlurmScript", () => {
  it("gives every `ray start` the allocation's CPUs, memory and GPUs, this job's ports, and the head this job's temp dir", async () => {
    const dir = newDir();
    const job = rayJob(dir, ["bash", "-c", 'echo "trainer sees $RAY_ADDRESS"']);
    const r = await run(dir, job, 12_345, { SLURM_CPUS_PER_TASK: "6", SLURM_CPUS_ON_NODE: "8", SLURM_MEM_PER_NODE: "2048", TMPDIR: "/tmp" });
    expect(r.status, r.log).toBe(0);
    // Job 12345 has port block 12345 mod 63 = 60: ports 20000 + 60 * 200 = 32000 to 32199.
    expect(r.log).toContain("trainer sees 127.0.0.1:32000");
    expect(r.starts).toHaveLength(2);
    const [head, worker] = r.starts as [string[], string[]];
    expect(head).toContain("--head");
    for (const argv of [head, worker]) {
      expect(option(argv, "--num-cpus")).toBe("6");
      expect(option(argv, "--num-gpus")).toBe("2");
      expect(option(argv, "--memory")).toBe(String(2048 * 1024 * 1024));
      expect(Number(option(argv, "--min-worker-port"))).toBeGreaterThanOrEqual(32_000);
      expect(Number(option(argv, "--max-worker-port"))).toBeLessThanOrEqual(32_199);
      for (const p of ["--node-manager-port", "--object-manager-port", "--dashboard-agent-listen-port"]) {
        expect(Number(option(argv, p))).toBeGreaterThanOrEqual(32_000);
        expect(Number(option(argv, p))).toBeLessThan(Number(option(argv, "--min-worker-port")));
      }
    }
    expect(option(head, "--port")).toBe("32000");
    for (const p of ["--dashboard-port", "--ray-client-server-port"]) expect(Number(option(head, p))).toBeGreaterThan(32_000);
    expect(option(head, "--temp-dir")).toBe("/tmp/ray-12345");
    expect(option(worker, "--address")).toBe("127.0.0.1:32000");
    // Both Ray steps ask srun for their node's GPUs.
    const steps = r.srun.split("\n").filter((l) => l.includes(" start "));
    expect(steps).toHaveLength(2);
    for (const s of steps) expect(s).toContain("--gpus-per-node=2");
  });

  it("falls back to SLURM_CPUS_ON_NODE, gives no --memory when Slurm states none, and keeps a long TMPDIR out of socket paths", async () => {
    const dir = newDir();
    const long = join(dir, "a-very-long-per-job-scratch-folder-name");
    const r = await run(dir, rayJob(dir, ["true"]), 7, { SLURM_CPUS_ON_NODE: "3", TMPDIR: long });
    expect(r.status, r.log).toBe(0);
    for (const argv of r.starts) {
      expect(option(argv, "--num-cpus")).toBe("3");
      expect(option(argv, "--memory")).toBeUndefined();
    }
    expect(option(r.starts[0]!, "--temp-dir")).toBe("/tmp/ray-7");
    const other = newDir();
    const short = await run(other, rayJob(other, ["true"]), 8, { TMPDIR: "/tmp/s" });
    expect(option(short.starts[0]!, "--temp-dir")).toBe("/tmp/s/ray-8");
  });

  it("gives two jobs disjoint port blocks inside 20000-32767 unless their ids are equal modulo 63", () => {
    const dir = newDir();
    const lines = renderRaySlurmScript(rayJob(dir, ["true"])).split("\n");
    const from = lines.findIndex((l) => l.startsWith("ray_port="));
    const to = lines.findIndex((l) => l.startsWith("ray_tmp="));
    const file = join(dir, "ports.sh");
    const body = lines.slice(from, to).join("\n");
    writeFileSync(
      file,
      `for SLURM_JOB_ID in $(seq 1000 1130); do\n${body}\necho "$SLURM_JOB_ID $ray_port $((ray_port + 1)) $((ray_port + 2)) \${ray_node_ports[*]}"\ndone\n`,
    );
    const jobs = execFileSync("bash", [file], { encoding: "utf8" })
      .trim()
      .split("\n")
      .map((line) => {
        const [id, ...words] = line.split(" ");
        const ports = words.map((w) => Number(w.replace(/^--[a-z-]+=/, "")));
        return { id: Number(id), low: Math.min(...ports), high: Math.max(...ports) };
      });
    for (const j of jobs) {
      expect(j.low).toBeGreaterThanOrEqual(20_000);
      expect(j.high).toBeLessThanOrEqual(32_767);
    }
    for (const a of jobs)
      for (const b of jobs) {
        if (a.id % 63 === b.id % 63) continue;
        expect(a.high < b.low || b.high < a.low, `jobs ${a.id} and ${b.id}`).toBe(true);
      }
  });

  it("ends only its own Ray: a Ray cluster the user runs on the same node lives on", async () => {
    const dir = newDir();
    const other = spawn(RAY, ["start", "--head", "--port=6379", "--block"], {
      env: { ...process.env, RAY_STANDIN_STATE: join(dir, "ray"), SLURMD_NODENAME: "n1" },
      stdio: "ignore",
    });
    try {
      await waitFor(() => existsSync(join(dir, "ray", "cluster", "127.0.0.1_6379", "head")));
      const r = await run(dir, rayJob(dir, ["true"]), 99);
      expect(r.status, r.log).toBe(0);
      expect(r.log).toContain("[dianjin-train] stopping this job's Ray (its own srun steps; other Ray clusters on these nodes go on)");
      expect(other.exitCode).toBeNull();
      expect(
        execFileSync(RAY, ["status", "--address=127.0.0.1:6379"], { env: { ...process.env, RAY_STANDIN_STATE: join(dir, "ray") }, encoding: "utf8" }),
      ).toContain("GPU");
      // This job's Ray left: its address answers no more.
      const gone = spawn(RAY, ["status", "--address=127.0.0.1:24000"], { env: { ...process.env, RAY_STANDIN_STATE: join(dir, "ray") } });
      expect(await new Promise((resolve) => gone.on("exit", resolve))).toBe(1);
    } finally {
      other.kill("SIGTERM");
    }
  });

  it("survives a SIGTERM to every process of the job: the trainer ends, the status line, cleanup and exit record are written", async () => {
    const dir = newDir();
    const job = rayJob(dir, ["bash", "-c", 'echo "trainer started"; sleep 60; echo "not reached"']);
    const fake = fakeSlurmBin(dir);
    writeFileSync(join(dir, "job.sbatch"), renderRaySlurmScript(job));
    const { child, ended } = startScript(join(dir, "job.sbatch"), batchEnv(fake, 4242, 2));
    await waitFor(() => existsSync(job.logFile) && readFileSync(job.logFile, "utf8").includes("trainer started"));
    process.kill(-child.pid!, "SIGTERM");
    expect(await ended).toBe(143);
    const lines = readFileSync(job.logFile, "utf8").trimEnd().split("\n");
    expect(lines).toContain("[dianjin-train] command ended with status 143");
    expect(lines.at(-1)).toBe("[dianjin-train] stopping this job's Ray (its own srun steps; other Ray clusters on these nodes go on)");
    expect(lines.join("\n")).not.toMatch(/not reached|SIGPIPE|Broken pipe/);
    expect(readFileSync(`${job.logFile}.exit`, "utf8").trim()).toBe("143");
  });

  it("is valid bash", () => {
    const dir = newDir();
    writeFileSync(join(dir, "job.sbatch"), renderRaySlurmScript(rayJob(dir, ["python3", "-m", "verl.trainer.main_ppo", "trainer.logger=['console']"])));
    expect(() => execFileSync("bash", ["-n", join(dir, "job.sbatch")])).not.toThrow();
  });
});
