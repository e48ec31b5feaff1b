// Test helper: run a rendered batch script by bash on this machine, with stand-ins for the Slurm programs it calls.
// srun records its argv (one line per call), takes `-w NODE` as the node it runs on (SLURMD_NODENAME) and execs the
// command, so the step's pid is the command's, as a killed srun ends its step; scontrol names the nodes of
// SLURM_JOB_NODELIST="n1,n2,..." and gives every node the address 127.0.0.1.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const SRUN = `#!/bin/bash
printf '%s\\n' "$*" >>"$FAKE_SRUN_LOG"
node=n1
while [ $# -gt 0 ]; do case "$1" in -w) node=$2; shift 2 ;; -*) shift ;; *) break ;; esac; done
export SLURMD_NODENAME=$node SLURM_NODEID=0
exec "$@"
`;

const SCONTROL = `#!/bin/bash
if [ "$1 $2" = "show hostnames" ]; then tr ',' '\\n' <<<"$3"; else echo "NodeName=$3 Arch=x86_64 NodeAddr=127.0.0.1 NodeHostName=$3"; fi
`;

export interface FakeSlurm {
  bin: string;
  srunLog: string;
}

export function fakeSlurmBin(dir: string): FakeSlurm {
  const bin = join(dir, "fake-bin");
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, "srun"), SRUN, { mode: 0o755 });
  writeFileSync(join(bin, "scontrol"), SCONTROL, { mode: 0o755 });
  return { bin, srunLog: join(dir, "srun.log") };
}

/** The batch environment Slurm gives a job of `nodes` nodes. */
export function batchEnv(fake: FakeSlurm, jobId: number, nodes: number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: `${fake.bin}:${process.env.PATH}`,
    HOME: process.env.HOME ?? "/tmp",
    FAKE_SRUN_LOG: fake.srunLog,
    SLURM_JOB_ID: String(jobId),
    SLURM_JOB_NAME: "dianjin-test",
    SLURM_NNODES: String(nodes),
    SLURM_JOB_NODELIST: Array.from({ length: nodes }, (_, i) => `n${i + 1}`).join(","),
    ...extra,
  };
}

/** The script in its own process group, as slurmstepd runs a batch step (scancel signals the whole group). */
export function startScript(file: string, env: Record<string, string>): { child: ChildProcess; ended: Promise<number | null> } {
  const child = spawn("bash", [file], { env, detached: true, stdio: "ignore" });
  const ended = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, ended };
}

export async function waitFor(ok: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}
