// Process-group helpers. Jobs start in their own group so the whole tree (torchrun and its ranks) ends together.
import { readdir, readFile } from "node:fs/promises";

/** Field 22 of /proc/<pid>/stat: start time in clock ticks since boot. Tells a reused pid from ours. */
export async function processStartTime(pid: number): Promise<string | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may contain spaces and parentheses; fields after it are plain.
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return rest[19];
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function isZombie(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return false;
  }
}

/** Is any process of group `pgid` still running? */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export async function isOurProcess(pid: number, startTime: string | undefined): Promise<boolean> {
  if (!isAlive(pid) || (await isZombie(pid))) return false;
  if (!startTime) return true;
  return (await processStartTime(pid)) === startTime;
}

/** A signal to every process of group `pgid`; a group that is gone is not an error. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** SIGTERM to the whole group, then SIGKILL to whatever is left after `graceMs`. */
export async function endProcessGroup(pgid: number, graceMs: number): Promise<void> {
  signalGroup(pgid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!groupAlive(pgid)) return;
    await sleep(100);
  }
  signalGroup(pgid, "SIGKILL");
  for (let i = 0; i < 50 && groupAlive(pgid); i++) await sleep(100);
}

/** Process group of `pid` (field 5 of /proc/<pid>/stat). */
async function processGroupOf(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    const group = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
    return Number.isInteger(group) ? group : undefined;
  } catch {
    return undefined;
  }
}

export interface TaggedProcess {
  pid: number;
  pgid: number;
}

/**
 * Live processes whose environment holds `name=value` (a /proc scan; processes we may not read are passed over).
 * Zombies are left out: they are gone in all but name.
 */
export async function processesWithEnv(name: string, value: string): Promise<TaggedProcess[]> {
  const wanted = Buffer.from(`${name}=${value}\0`);
  const found: TaggedProcess[] = [];
  let entries: string[];
  try {
    entries = await readdir("/proc");
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    let environ: Buffer;
    try {
      environ = await readFile(`/proc/${pid}/environ`);
    } catch {
      continue;
    }
    // Each entry is NUL-terminated; matching on a NUL boundary avoids a prefix of a longer value.
    const at = environ.indexOf(wanted);
    if (at < 0 || (at > 0 && environ[at - 1] !== 0)) continue;
    if (await isZombie(pid)) continue;
    const pgid = await processGroupOf(pid);
    if (pgid !== undefined) found.push({ pid, pgid });
  }
  return found;
}
