// The detached driver (`submit`) as `status` shows it (one line, and `driver` in --json) and as `cancel` ends it.
import { relative } from "node:path";
import { LaunchError, UsageError } from "../errors.js";
import { DRIVER_DEFAULTS, driverLog, driverNow, stopDriver, type DriverNow } from "../pipeline/driver.js";
import { readState } from "../pipeline/state.js";
import { requestCancel } from "../pipeline/cancel-request.js";
import { LIVE_STATUSES } from "../pipeline/stage-status.js";

/** A path under the current folder as relative (as the user would type it), else absolute. */
export function shownPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith("..") ? path : rel;
}

/** `driver  running (pid 123, submitted …)` or how it ended. */
export function driverLine(now: DriverNow, workdir: string): string {
  const log = `log ${shownPath(driverLog(workdir, now.record))}`;
  const { record } = now;
  if (now.state === "alive") return `  driver  running (pid ${now.pid}, submitted ${record.submittedAt}), ${log}`;
  if (now.state === "elsewhere") return `  driver  on host ${record.host} (pid ${record.pid}): not checkable from here, no end recorded yet, ${log}`;
  const end = now.end;
  if (record.pid === undefined) return `  driver  never started (the submit that wrote its record ended first), ${log}`;
  if (!end) return `  driver  ended without recording how (killed, or the machine restarted), pid ${record.pid}, ${log}`;
  const exit = end.exitCode !== undefined ? ` (exit ${end.exitCode})` : "";
  return `  driver  ended: ${end.status}${exit}${end.at ? ` at ${end.at}` : ""}${end.cause ? ` — ${end.cause}` : ""}, ${log}`;
}

/** `status --json`'s `driver`: the record, `state` (alive, ended, elsewhere), `alive` and how it ended. */
export function driverJson(now: DriverNow): Record<string, unknown> {
  return {
    ...now.record,
    ...(now.state === "alive" ? { pid: now.pid } : {}),
    state: now.state,
    alive: now.state === "alive",
    ...(now.state === "ended" && now.end ? { end: now.end } : {}),
  };
}

export interface DriverCancel {
  pid: number;
  /** The stages that were live and the driver recorded as ended (cancelled) on its way out. */
  stopped: string[];
}

/**
 * Ends the workdir's driver if one is alive, and waits until it is gone (see stopDriver). The driver stops its running
 * stage itself; what is still recorded as running afterwards (a driver that had to be killed) is `cancel`'s to end.
 */
export async function cancelDriver(
  workdir: string,
  experiment: string,
  /** Where the driver's stages are recorded when not in its own workdir (a family's variants). */
  recordedIn: ReadonlyArray<{ workdir: string; experiment: string }> = [{ workdir, experiment }],
): Promise<DriverCancel | undefined> {
  const now = await driverNow(workdir);
  if (now?.state === "elsewhere")
    throw new UsageError(`the driver runs on host ${now.record.host} (pid ${now.record.pid}), where \`dianjin-train cancel\` must be run to end it`);
  if (now?.state !== "alive") return undefined;
  const live = (s: { status: string } | undefined) => s !== undefined && (LIVE_STATUSES as readonly string[]).includes(s.status);
  const before = await readState(workdir, experiment);
  // Write-ahead, as for any job `cancel` ends: the driver's run then records its stage as cancelled by us.
  for (const where of recordedIn) {
    const state = await readState(where.workdir, where.experiment);
    for (const s of Object.values(state.stages)) if (s?.job && live(s) && s.status !== "serving") await requestCancel(s.job.logFile, s.job.id);
  }
  if (!(await stopDriver(now.record, now.pid, DRIVER_DEFAULTS.stopGraceMs)))
    throw new LaunchError(`the driver (pid ${now.pid}) did not end even after SIGKILL`);
  const after = await readState(workdir, experiment);
  const stopped = Object.keys(before.stages).filter((name) => live(before.stages[name]) && !live(after.stages[name]));
  return { pid: now.pid, stopped };
}
