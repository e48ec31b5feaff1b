// The store's lock per stage key: one holder at a time, a waiter told for what, a dead holder taken over, and
// another host's holder waited for (never taken over).
import { describe, expect, it } from "vitest";
import { mkdir, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { execa } from "execa";
import { holdKey, keyLockPath, tryHoldKey } from "../../src/pipeline/store-lock.js";
import { InterruptedError } from "../../src/errors.js";
import { tempDir } from "../helpers/tmp.js";

const who = { experiment: "lr1", workdir: "/runs/lr1" };

/** A store whose lock for `key` is held as `holder` says (pid, host, experiment). */
async function heldBy(key: string, holder: { pid: number; host: string; experiment: string }): Promise<string> {
  const store = await tempDir();
  const path = keyLockPath(store, "sft", key);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, JSON.stringify({ ...holder, startedAt: "2026-01-01T12:04:00Z", command: "x", workdir: "" }));
  return store;
}

async function deadPid(): Promise<number> {
  const dead = execa("true");
  await dead;
  return dead.pid!;
}

describe("store key lock", () => {
  it("a second holder waits, told once who builds the key, and gets the lock when the first releases", async () => {
    const store = await tempDir();
    const first = await holdKey(store, "sft", "abcdef0123456789", who);
    const told: string[] = [];
    let got = false;
    const second = holdKey(store, "sft", "abcdef0123456789", { experiment: "lr2", workdir: "/runs/lr2" }, { pollMs: 10, onWait: (w) => told.push(w) }).then(
      (lock) => {
        got = true;
        return lock;
      },
    );
    while (!told.length) await new Promise((r) => setTimeout(r, 5));
    expect(got).toBe(false);
    expect(told[0]).toMatch(new RegExp(`^sft key abcdef01… being built by experiment lr1 \\(pid ${process.pid}, started \\d\\d:\\d\\d UTC\\)$`));
    expect(await tryHoldKey(store, "sft", "abcdef0123456789")).toBeUndefined();
    await first.release();
    await (await second).release();
    expect(told).toHaveLength(1);
  });

  it("takes over the lock of a process that is gone on this host", async () => {
    const store = await heldBy("k1", { pid: await deadPid(), host: hostname(), experiment: "old" });
    const told: string[] = [];
    await (await holdKey(store, "sft", "k1", who, { pollMs: 10, onWait: (w) => told.push(w) })).release();
    expect(told).toEqual([]);
  });

  it("waits for a holder on another host until interrupted", async () => {
    const store = await heldBy("k2", { pid: 1, host: "gpu-node-7", experiment: "far" });
    const abort = new AbortController();
    const told: string[] = [];
    const waiting = holdKey(store, "sft", "k2", who, { pollMs: 10, signal: abort.signal, onWait: (w) => told.push(w) });
    while (!told.length) await new Promise((r) => setTimeout(r, 5));
    expect(told[0]).toContain("experiment far (pid 1 on host gpu-node-7, started 12:04 UTC)");
    abort.abort();
    await expect(waiting).rejects.toBeInstanceOf(InterruptedError);
  });

  it("a gone holder whose job still runs is waited for, never taken over; once its job ended the lock is taken", async () => {
    const store = await heldBy("k3", { pid: await deadPid(), host: hostname(), experiment: "lr1" });
    let jobAlive = true;
    const told: string[] = [];
    let got = false;
    const waiting = holdKey(store, "sft", "k3", who, {
      pollMs: 10,
      onWait: (w) => told.push(w),
      orphanJob: async (holder) => (jobAlive ? `its job of ${holder.experiment} still runs` : undefined),
    }).then((lock) => {
      got = true;
      return lock;
    });
    while (!told.length) await new Promise((r) => setTimeout(r, 5));
    expect(told[0]).toMatch(/being built by experiment lr1 .*: its job of lr1 still runs$/);
    await new Promise((r) => setTimeout(r, 50));
    expect(got).toBe(false);
    jobAlive = false;
    await (await waiting).release();
    expect(told).toHaveLength(1);
  });
});
