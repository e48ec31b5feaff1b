// Picks the launcher named by cluster.launcher.
import type { Experiment } from "../config/schema.js";
import { UsageError } from "../errors.js";
import type { Launcher } from "../launch/types.js";
import { createLocalLauncher } from "../launch/local.js";

export async function launcherFor(config: Experiment, env?: NodeJS.ProcessEnv): Promise<Launcher> {
  switch (config.cluster.launcher) {
    case "local":
      return createLocalLauncher({ env });
    default:
      throw new UsageError(`cluster.launcher ${config.cluster.launcher} is not available in this build`);
  }
}
