// Builds dist/ once before the tests (integration tests run the real CLI, the bundled bin, as a user would), and after
// them checks that no process a test started is still running: each process started during the run carries this
// run's DIANJIN_TEST_RUN in its environment (tests pass theirs on); any still alive at the end (after a 5 s grace) is
// killed and fails the run, listed with its command line.
import { readdirSync, readFileSync } from "node:fs";
import { execa } from "execa";

const MARK = "DIANJIN_TEST_RUN";

/** Live processes whose environment carries this run's mark, with their command lines (vitest's own excluded). */
function processesMarked(value: string): Array<{ pid: number; command: string }> {
  const needle = `${MARK}=${value}\0`;
  const found: Array<{ pid: number; command: string }> = [];
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (!readFileSync(`/proc/${pid}/environ`, "latin1").includes(needle)) continue;
      const [, state, parent] = /^\S+ \(.*\) (\S) (\d+) /.exec(readFileSync(`/proc/${pid}/stat`, "latin1")) ?? [];
      // Exited (waiting to be reaped), or vitest's own workers and helpers (children of this process).
      if (state === "Z" || state === "X" || Number(parent) === process.pid) continue;
      found.push({ pid, command: readFileSync(`/proc/${pid}/cmdline`, "latin1").replaceAll("\0", " ").trim() });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  // For the edit loop when dist/ was just built by hand.
  if (process.env.DIANJIN_SKIP_BUILD !== "1") {
    await execa("npm", ["run", "--silent", "build"], { cwd: new URL("..", import.meta.url), stdio: "inherit" });
  }
  if (process.platform !== "linux") return undefined;
  const run = `${process.pid}-${Date.now()}`;
  process.env[MARK] = run;
  return async () => {
    // A process stopped just before the end may take a moment to exit.
    let left = processesMarked(run);
    for (let waited = 0; left.length && waited < 5_000; waited += 250) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      left = processesMarked(run);
    }
    if (!left.length) return;
    for (const { pid } of left) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    // A teardown error alone is only logged by vitest; the exit code makes the run fail.
    process.exitCode = 1;
    throw new Error(`the tests left ${left.length} process(es) running (now killed):\n${left.map((p) => `  ${p.pid} ${p.command}`).join("\n")}`);
  };
}
