// Bounded disk helpers: sizes on disk, free space, and keeping the newest set-aside entries.
import { describe, expect, it } from "vitest";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { diskUsage, freeBytes, pruneSetAside, setAsideEntries } from "../../src/util/disk.js";
import { formatBytes } from "../../src/util/bytes.js";
import { tempDir } from "../helpers/tmp.js";

describe("disk", () => {
  it("diskUsage sums a tree; a missing path is 0", async () => {
    const dir = await tempDir("dj-disk-");
    await mkdir(join(dir, "a/b"), { recursive: true });
    await writeFile(join(dir, "a/one"), Buffer.alloc(100_000, 1));
    await writeFile(join(dir, "a/b/two"), Buffer.alloc(300_000, 1));
    const bytes = await diskUsage(join(dir, "a"));
    expect(bytes).toBeGreaterThanOrEqual(400_000);
    expect(bytes).toBeLessThan(500_000);
    expect(await diskUsage(join(dir, "nope"))).toBe(0);
  });

  it("freeBytes answers for a path that does not exist yet (its nearest parent)", async () => {
    const dir = await tempDir("dj-disk-");
    const free = await freeBytes(join(dir, "not/yet/there"));
    expect(free).toBeGreaterThan(0);
  });

  it("pruneSetAside keeps the newest entries by their stamp and removes the rest with their sizes", async () => {
    const dir = await tempDir("dj-aside-");
    const names = [
      "output.superseded-2026-01-01T10-00-00-000Z",
      "output.superseded-2026-03-01T10-00-00-000Z",
      "checkpoint-5.incomplete-2026-02-01T10-00-00-000Z",
    ];
    for (const n of names) {
      await mkdir(join(dir, n));
      await writeFile(join(dir, n, "w"), Buffer.alloc(10_000, 1));
    }
    expect((await setAsideEntries(dir)).map((p) => p.slice(dir.length + 1))).toEqual([names[1], names[2], names[0]]);
    const removed = await pruneSetAside(dir, 1);
    expect(removed.map((r) => r.path.slice(dir.length + 1)).sort()).toEqual([names[0], names[2]].sort());
    expect(removed.every((r) => r.bytes >= 10_000)).toBe(true);
    expect(await readdir(dir)).toEqual([names[1]]);
    expect(await pruneSetAside(join(dir, "absent"), 2)).toEqual([]);
  });

  it("formatBytes: binary units, as the GPU memory figures", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(15_230_000_000)).toBe("14.2 GiB");
    expect(formatBytes(3 * 2 ** 40)).toBe("3.0 TiB");
  });
});
