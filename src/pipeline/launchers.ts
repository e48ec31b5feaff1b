// Picks the launcher named by cluster.launcher.
import type { Experiment } from "../config/schema.js";
import { UsageError } from "../errors.js";
import type { Launcher } from "../launch/types.js";
import { createLocalLauncher } from "../launch/local.js";

/** DIANJIN_POLL_MS and DIANJIN_KILL_GRACE_MS tune how often jobs are polled and how long SIGTERM gets before SIGKILL. */
function pollingFromEnv(env: NodeJS.ProcessEnv): { pollMs?: number; graceMs?: number } {
  const num = (v: string | undefined) => (v && Number(v) > 0 ? Number(v) : undefined);
  return { pollMs: num(env.DIANJIN_POLL_MS), graceMs: num(env.DIANJIN_KILL_GRACE_MS) };
}

export async function launcherFor(config: Experiment, env?: NodeJS.ProcessEnv): Promise<Launcher> {
  switch (config.cluster.launcher) {
    case "local":
      return createLocalLauncher({ env, ...pollingFromEnv(env ?? process.env) });
    default:
      throw new UsageError(`cluster.launcher ${config.cluster.launcher} is not available in this build`);
  }
}
