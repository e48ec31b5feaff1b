// Fault injection for the crash tests: `DIANJIN_CRASH_AT=<point>` makes the CLI kill itself with SIGKILL at that
// point, the way a closed terminal, an OOM kill or a node reboot would, between two steps that must be ordered.
export type CrashPoint = "after-intent" | "after-spawn" | "after-record" | "chain-after-first-sbatch";

export function crashPoint(point: CrashPoint, env: NodeJS.ProcessEnv = process.env): void {
  if (env.DIANJIN_CRASH_AT === point) process.kill(process.pid, "SIGKILL");
}
