// One run per workdir: an exclusive lock file with pid and host. A lock left by a dead process on this host is stale
// and taken over; a live one (or one from another host) stops the second run before it touches anything. The lock
// file primitives here also serve the store's lock per stage key (store-lock.ts).
import { link, mkdir, open, readFile, unlink, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { LockError } from "../errors.js";
import { isAlive } from "../launch/process-tree.js";

export interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
  command: string;
  /** Inside a Slurm job: `<job id>.<restart count>`. A requeued start of the same job finds its earlier start's lock. */
  slurmJob?: string;
}

/** This process's Slurm job and restart count, when it runs inside one (a submitted chain's job). */
function slurmStart(env: NodeJS.ProcessEnv): string | undefined {
  return env.SLURM_JOB_ID ? `${env.SLURM_JOB_ID}.${env.SLURM_RESTART_COUNT ?? "0"}` : undefined;
}

/** The lock of an earlier start of this very Slurm job (requeued, maybe onto another node): that start is over. */
function earlierStartOfThisJob(holder: LockInfo, info: LockInfo): boolean {
  if (!holder.slurmJob || !info.slurmJob || holder.slurmJob === info.slurmJob) return false;
  return holder.slurmJob.split(".")[0] === info.slurmJob.split(".")[0];
}

export interface Lock {
  release(): Promise<void>;
}

export function lockPath(workdir: string): string {
  return join(workdir, ".lock");
}

/**
 * Creates the lock file with its content in one step (written beside it, then hard-linked into place), so a reader
 * never sees a half-written lock and takes it for stale. False when it exists.
 */
export async function tryCreateLock(path: string, info: object): Promise<boolean> {
  const draft = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(draft, JSON.stringify(info));
  try {
    await link(draft, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return false;
    // A file system without hard links: created exclusively, then written (a reader may see it empty for a moment).
    if (code === "EPERM" || code === "ENOTSUP" || code === "EOPNOTSUPP" || code === "ENOSYS") return createExclusive(path, info);
    throw error;
  } finally {
    await unlink(draft).catch(() => undefined);
  }
}

async function createExclusive(path: string, info: object): Promise<boolean> {
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

export async function readLock<T extends LockInfo = LockInfo>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as T;
  } catch {
    return undefined;
  }
}

/** Who holds the workdir's lock now (pid, host, command), if anyone does (a stale lock is shown too). */
export async function lockHolder(workdir: string): Promise<LockInfo | undefined> {
  return readLock(lockPath(workdir));
}

/** A lock whose holder is gone: unreadable, or left by a process of this host that no longer exists. */
export function holderGone(holder: LockInfo | undefined): boolean {
  return !holder || (holder.host === hostname() && !isAlive(holder.pid));
}

/** Removes a stale lock, unless a live process took it over since it was judged stale. */
export async function removeStaleLock(path: string): Promise<void> {
  if (!holderGone(await readLock(path))) return;
  await unlink(path).catch(() => undefined);
}

export function lockInfo(command: string): LockInfo {
  const slurmJob = slurmStart(process.env);
  return { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), command, ...(slurmJob ? { slurmJob } : {}) };
}

export async function acquireLock(workdir: string, command: string): Promise<Lock> {
  // node:fs, not fs-extra: every run takes the lock, and loading fs-extra costs an up-to-date run a third of its start-up.
  await mkdir(workdir, { recursive: true });
  const path = lockPath(workdir);
  const info = lockInfo(command);
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await tryCreateLock(path, info)) {
      return { release: () => unlink(path).catch(() => undefined) };
    }
    const holder = await readLock(path);
    // A requeued Slurm job's earlier start (on any node) is over: Slurm runs one start of a job at a time.
    if (holder && earlierStartOfThisJob(holder, info)) {
      await unlink(path).catch(() => undefined);
      continue;
    }
    if (!holderGone(holder)) {
      const where = holder!.host === info.host ? `pid ${holder!.pid}` : `pid ${holder!.pid} on host ${holder!.host}`;
      const advice =
        holder!.host === info.host
          ? "wait for it to finish or stop it (Ctrl-C in its terminal, or `dianjin-train cancel`)"
          : `if that process is gone, delete ${path}`;
      throw new LockError(`another run (${where}, started ${holder!.startedAt}: ${holder!.command}) is using ${workdir}; ${advice}`);
    }
    await removeStaleLock(path);
  }
  throw new LockError(`could not take the lock ${path}`);
}
