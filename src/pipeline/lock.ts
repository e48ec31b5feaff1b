// One run per workdir: an exclusive lock file with pid and host. A lock left by a dead process on this host is stale
// and taken over; a live one (or one from another host) stops the second run before it touches anything.
import { mkdir, open, readFile, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { LockError } from "../errors.js";
import { isAlive } from "../launch/process-tree.js";

export interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
  command: string;
}

export interface Lock {
  release(): Promise<void>;
}

export function lockPath(workdir: string): string {
  return join(workdir, ".lock");
}

async function tryCreate(path: string, info: LockInfo): Promise<boolean> {
  try {
    const handle = await open(path, "wx");
    await handle.writeFile(JSON.stringify(info));
    await handle.sync();
    await handle.close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}

async function readLock(path: string): Promise<LockInfo | undefined> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as LockInfo;
  } catch {
    return undefined;
  }
}

/** Who holds the workdir's lock now (pid, host, command), if anyone does (a stale lock is shown too). */
export async function lockHolder(workdir: string): Promise<LockInfo | undefined> {
  return readLock(lockPath(workdir));
}

export async function acquireLock(workdir: string, command: string): Promise<Lock> {
  // node:fs, not fs-extra: every run takes the lock, and loading fs-extra costs an up-to-date run a third of its start-up.
  await mkdir(workdir, { recursive: true });
  const path = lockPath(workdir);
  const info: LockInfo = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), command };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await tryCreate(path, info)) {
      return { release: () => unlink(path).catch(() => undefined) };
    }
    const holder = await readLock(path);
    const stale = !holder || (holder.host === info.host && !isAlive(holder.pid));
    if (!stale) {
      const where = holder.host === info.host ? `pid ${holder.pid}` : `pid ${holder.pid} on host ${holder.host}`;
      const advice =
        holder.host === info.host
          ? "wait for it to finish or stop it (Ctrl-C in its terminal, or `dianjin-train cancel`)"
          : `if that process is gone, delete ${path}`;
      throw new LockError(`another run (${where}, started ${holder.startedAt}: ${holder.command}) is using ${workdir}; ${advice}`);
    }
    await unlink(path).catch(() => undefined);
  }
  throw new LockError(`could not take the lock ${path}`);
}
