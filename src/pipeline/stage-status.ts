// The stage state machine: every status a stage can have in state.json and the changes allowed between them. The
// state store refuses any other change, so a crash can only ever leave one of these states behind.
//
//   (none) ──────────────► launching ──► running ──► completed
//     │  in-process stages            │      │  ├──► failed | interrupted | cancelled
//     └──────────────────────────────►┘      │  └──► serving ──► stopped          (services)
//
// launching: the launch intent (launchId) is on disk and the job may or may not have started; a later CLI looks for
//            the launchId before it launches anything (see launch/launchId.ts).
// running:   the job is recorded (pid + start time, Slurm job id, Ray submission id), or an in-process stage runs.
// cancelled: the job was ended from outside (scancel, ray job stop, kill) while no CLI of ours asked for it.
// Every settled status may start a new attempt (launching, or running for in-process stages and reattaches).
// A stage reused from the store (store-decide.ts) starts nothing: it is recorded completed at once, from any settled
// status.

export type StageStatus = "launching" | "running" | "completed" | "failed" | "interrupted" | "cancelled" | "serving" | "stopped";

const NEW_ATTEMPT: StageStatus[] = ["launching", "running"];

export const STAGE_TRANSITIONS: Readonly<Record<StageStatus | "none", readonly StageStatus[]>> = {
  none: [...NEW_ATTEMPT, "completed"],
  launching: ["launching", "running", "completed", "failed", "interrupted", "cancelled"],
  running: ["launching", "running", "completed", "failed", "interrupted", "cancelled", "serving"],
  completed: [...NEW_ATTEMPT, "completed"],
  failed: [...NEW_ATTEMPT, "completed", "failed"],
  interrupted: [...NEW_ATTEMPT, "completed", "interrupted"],
  cancelled: [...NEW_ATTEMPT, "completed", "cancelled"],
  serving: [...NEW_ATTEMPT, "serving", "stopped", "failed", "interrupted", "cancelled"],
  stopped: [...NEW_ATTEMPT, "stopped"],
};

/** Statuses in which a job may still be alive; only the launcher can say whether it is. */
export const LIVE_STATUSES: readonly StageStatus[] = ["launching", "running", "serving"];

export function canMove(from: StageStatus | undefined, to: StageStatus): boolean {
  return STAGE_TRANSITIONS[from ?? "none"].includes(to);
}
