// Launch ids: a unique name given to a job before it starts, written to state.json first (the write-ahead launch
// record), and carried by the job itself (environment, Slurm job name, Ray submission id). A CLI that died between
// starting a job and recording it finds the job again by its id instead of starting a second one.
import { randomBytes } from "node:crypto";

/** The variable that carries the id into every process of a local job's tree. */
export const LAUNCH_ID_ENV = "DIANJIN_LAUNCH_ID";

export function newLaunchId(stage: string): string {
  return `dianjin-${stage.replace(/[^A-Za-z0-9_.-]/g, "_")}-${randomBytes(6).toString("hex")}`;
}
