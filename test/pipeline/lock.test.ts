import { describe, expect, it } from "vitest";
import { writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { execa } from "execa";
import { acquireLock, lockPath } from "../../src/pipeline/lock.js";
import { LockError } from "../../src/errors.js";
import { tempDir } from "../helpers/tmp.js";

describe("workdir lock", () => {
  it("keeps a second run out while the first holds it, and frees on release", async () => {
    const dir = await tempDir();
    const lock = await acquireLock(dir, "run a");
    const error = await acquireLock(dir, "run b").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockError);
    expect((error as LockError).message).toMatch(new RegExp(`pid ${process.pid}`));
    await lock.release();
    await (await acquireLock(dir, "run c")).release();
  });

  it("takes over a lock whose process is dead on this host", async () => {
    const dir = await tempDir();
    const dead = execa("true");
    await dead;
    await writeFile(lockPath(dir), JSON.stringify({ pid: dead.pid, host: hostname(), startedAt: "then", command: "old" }));
    await (await acquireLock(dir, "new")).release();
  });

  it("a requeued Slurm job takes over the lock its earlier start left on another node, never another job's", async () => {
    const dir = await tempDir();
    const saved = { id: process.env.SLURM_JOB_ID, restart: process.env.SLURM_RESTART_COUNT };
    process.env.SLURM_JOB_ID = "77";
    process.env.SLURM_RESTART_COUNT = "1";
    try {
      await writeFile(lockPath(dir), JSON.stringify({ pid: 1, host: "gpu-node-7", startedAt: "then", command: "old", slurmJob: "78.0" }));
      await expect(acquireLock(dir, "new")).rejects.toThrow(/gpu-node-7/);
      await writeFile(lockPath(dir), JSON.stringify({ pid: 1, host: "gpu-node-7", startedAt: "then", command: "old", slurmJob: "77.0" }));
      await (await acquireLock(dir, "new")).release();
    } finally {
      for (const [name, value] of [
        ["SLURM_JOB_ID", saved.id],
        ["SLURM_RESTART_COUNT", saved.restart],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it("does not take over a lock from another host", async () => {
    const dir = await tempDir();
    await writeFile(lockPath(dir), JSON.stringify({ pid: 1, host: "gpu-node-7", startedAt: "then", command: "old" }));
    await expect(acquireLock(dir, "new")).rejects.toThrow(/gpu-node-7/);
  });
});
