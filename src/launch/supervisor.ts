// The local launcher's supervisor: a tiny sh that runs the tool as its child and, when the tool ends, writes its status
// next to the log (temp file + rename, so a reader sees the whole line or nothing). It outlives a killed CLI with the
// tool, so the exit status is on disk even when nobody watched. A fixed script; the tool's argv stays an argv.
import { exitRecordPath } from "./exit-record.js";

// SIGTERM/SIGINT/SIGHUP to the group reach the tool too; the trap only keeps sh alive to record how the tool ended
// (a trap runs after the foreground child exits, and the child gets the default handlers back).
const SCRIPT = [
  "exit_file=$1; shift",
  "trap : TERM INT HUP",
  '"$@"',
  "status=$?",
  'printf \'%s\\n\' "$status" > "$exit_file.tmp" && mv -f "$exit_file.tmp" "$exit_file"',
  'exit "$status"',
].join("\n");

/** argv that runs `argv` under the supervisor, recording its exit status for `logFile`. */
export function supervised(argv: readonly string[], logFile: string): string[] {
  return ["/bin/sh", "-c", SCRIPT, "dianjin-supervisor", exitRecordPath(logFile), ...argv];
}
