// Test helper: the real single-host Slurm cluster from scripts/slurm, when one is running, and the launcher built to
// plain JavaScript for child processes (Node 20 cannot run .ts files).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

export const ROOT = resolve(import.meta.dirname, "../../..");
export const STATE_DIR = process.env.DIANJIN_TEST_SLURM_DIR ?? "/tmp/dianjin-slurm";
export const SLURM_ENV = { SLURM_CONF: join(STATE_DIR, "etc/slurm.conf") };

const HOW = "`npm run test:slurm` starts one (scripts/slurm/with-local-slurm.sh), runs these tests and stops it";

/** Why the cluster cannot be used, or undefined when it is up with every node ready. */
function probe(): string | undefined {
  if (!existsSync(SLURM_ENV.SLURM_CONF)) return `no local Slurm cluster is running in ${STATE_DIR}; ${HOW}`;
  const run = (command: string, args: string[]) => spawnSync(command, args, { encoding: "utf8", timeout: 15_000, env: { ...process.env, ...SLURM_ENV } });
  const ping = run("scontrol", ["ping"]);
  if (ping.error) return `the Slurm client programs are not installed (${ping.error.message}); ${HOW}`;
  if (!/is UP/.test(ping.stdout))
    return `the local Slurm cluster in ${STATE_DIR} does not answer (scontrol ping: ${ping.stdout.trim() || ping.stderr.trim()}); ${HOW}`;
  const states = run("sinfo", ["-h", "-N", "-o", "%t"]).stdout.split("\n").filter(Boolean);
  const ready = states.filter((s) => /^(idle|alloc|mix)$/.test(s));
  if (!states.length || ready.length < states.length) return `the local Slurm cluster's nodes are not ready (${states.join(", ") || "none"}); ${HOW}`;
  return undefined;
}

/**
 * Why the real-Slurm tests are skipped, or undefined when they can run. `npm test` never starts or installs a cluster;
 * it uses one that is running. Under `npm run test:slurm` and .ci/run (DIANJIN_TEST_SLURM=required) a missing cluster
 * is an error, not a skip.
 */
export function clusterSkipReason(): string | undefined {
  const reason = probe();
  if (reason && process.env.DIANJIN_TEST_SLURM === "required") throw new Error(`the real-Slurm tests must run here, but ${reason}`);
  return reason;
}

export function slurm(command: string, args: string[]): string {
  return execFileSync(command, args, { encoding: "utf8", env: { ...process.env, ...SLURM_ENV } });
}

/** Job ids Slurm knows (any state) with this job name. */
export function jobIdsNamed(name: string): string[] {
  return slurm("squeue", ["-h", "-t", "all", "-n", name, "-o", "%i"]).split("\n").filter(Boolean);
}

/** Job ids Slurm knows (any state) submitted with this launch id (the launcher's sbatch --comment). */
export function jobIdsLaunched(launchId: string): string[] {
  return slurm("squeue", ["-h", "-t", "all", "-o", "%i|%k"])
    .split("\n")
    .map((line) => line.split("|"))
    .filter(([id, comment]) => id && comment === `dianjin-launch=${launchId}`)
    .map(([id]) => id!);
}

/** src/launch/slurm and every file it imports, transpiled to .js in `out` (Node 20 runs no .ts); returns the index path. */
export async function buildLauncherForChild(out: string): Promise<string> {
  const { transpileTree } = (await import(pathToFileURL(join(ROOT, "scripts/bench/lib.mjs")).href)) as {
    transpileTree: (repo: string, entries: string[], out: string) => Promise<string>;
  };
  await transpileTree(ROOT, ["src/launch/slurm/index.ts"], out);
  return join(out, "src/launch/slurm/index.js");
}
