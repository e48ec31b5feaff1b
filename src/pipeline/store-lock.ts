// A lock per stage key in the store: two experiments that need the same key at the same moment build it once. The
// second waits, saying for what and for whom, then finds the entry complete and reuses it (or, when the builder
// failed or died, builds it itself). Same lock file logic as the workdir lock (lock.ts): a dead holder on this host
// is stale and taken over.
import { mkdir, unlink } from "node:fs/promises";
import { join } from "node:path";
import { InterruptedError } from "../errors.js";
import { sleep } from "../util/abortable.js";
import { holderGone, lockInfo, readLock, removeStaleLock, tryCreateLock, type Lock, type LockInfo } from "./lock.js";
import { LOCKS_DIR, type Builder } from "./store-entry.js";

export interface KeyLockInfo extends LockInfo {
  experiment: string;
  workdir: string;
}

export function keyLockPath(store: string, stage: string, key: string): string {
  return join(store, LOCKS_DIR, `${stage}-${key}.lock`);
}

/** "sft key 3f2a9c01… being built by experiment lr1 (pid 4242, started 12:04 UTC)" */
export function holderWords(stage: string, key: string, h: KeyLockInfo): string {
  const where = h.host === lockInfo("").host ? `pid ${h.pid}` : `pid ${h.pid} on host ${h.host}`;
  return `${stage} key ${key.slice(0, 8)}… being built by experiment ${h.experiment} (${where}, started ${h.startedAt.slice(11, 16)} UTC)`;
}

export interface HoldOptions {
  /** Told once per holder when the lock is held by someone else. */
  onWait?: (words: string, holder: KeyLockInfo) => void;
  signal?: AbortSignal;
  pollMs?: number;
  /**
   * Asked when the holder's process is gone: words when the job it started still runs (a CLI killed while its trainer
   * lives on). The lock is then still waited for, never taken: two trainers of one key never run at once.
   */
  orphanJob?: (holder: KeyLockInfo) => Promise<string | undefined>;
}

/** Takes the key's lock, waiting while a live process holds it. Never gives up on its own (Ctrl-C does). */
export async function holdKey(store: string, stage: string, key: string, who: Omit<Builder, "host" | "pid">, options: HoldOptions = {}): Promise<Lock> {
  const path = keyLockPath(store, stage, key);
  await mkdir(join(store, LOCKS_DIR), { recursive: true });
  const info: KeyLockInfo = { ...lockInfo(`build ${stage}`), experiment: who.experiment, workdir: who.workdir };
  let told = "";
  for (;;) {
    if (options.signal?.aborted) throw new InterruptedError(stage);
    if (await tryCreateLock(path, info)) return { release: () => unlink(path).catch(() => undefined) };
    const holder = await readLock<KeyLockInfo>(path);
    const orphan = holder && holderGone(holder) ? await options.orphanJob?.(holder) : undefined;
    if (holderGone(holder) && !orphan) {
      await removeStaleLock(path);
      continue;
    }
    const seen = `${holder!.pid}@${holder!.host}@${holder!.startedAt}@${orphan ?? ""}`;
    if (seen !== told) options.onWait?.(`${holderWords(stage, key, holder!)}${orphan ? `: ${orphan}` : ""}`, holder!);
    told = seen;
    await sleep(options.pollMs ?? 1000, options.signal).catch(() => undefined);
  }
}

/** Takes the key's lock only if nobody holds it (gc: an entry in use is left alone). */
export async function tryHoldKey(store: string, stage: string, key: string): Promise<Lock | undefined> {
  const path = keyLockPath(store, stage, key);
  await mkdir(join(store, LOCKS_DIR), { recursive: true });
  const info: KeyLockInfo = { ...lockInfo(`gc ${stage}`), experiment: "(gc)", workdir: "" };
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await tryCreateLock(path, info)) return { release: () => unlink(path).catch(() => undefined) };
    if (!holderGone(await readLock(path))) return undefined;
    await removeStaleLock(path);
  }
  return undefined;
}
