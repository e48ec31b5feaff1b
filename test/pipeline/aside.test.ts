// Setting aside moves, never deletes — also when the set-aside folder is on another file system (rename gives EXDEV).
import { describe, expect, it } from "vitest";
import { mkdtemp, readFile, readdir, rm, stat } from "node:fs/promises";
import { statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { moveAside } from "../../src/pipeline/aside.js";
import { tempDir, writeFiles } from "../helpers/tmp.js";

/** A folder on another device than the temp dir when the machine has one (/dev/shm is tmpfs on Linux). */
async function otherDeviceDir(): Promise<{ dir: string; crossesDevices: boolean }> {
  const base = ["/dev/shm"].find((d) => {
    try {
      return statSync(d).isDirectory() && statSync(d).dev !== statSync(tmpdir()).dev;
    } catch {
      return false;
    }
  });
  return base ? { dir: await mkdtemp(join(base, "dianjin-aside-")), crossesDevices: true } : { dir: await tempDir(), crossesDevices: false };
}

describe("moveAside", () => {
  it("moves a checkpoint folder with its files into the set-aside folder, across file systems too", async () => {
    const root = await tempDir();
    await writeFiles(root, { "output/checkpoint-5/model.safetensors": "weights", "output/checkpoint-5/state/trainer_state.json": "{}" });
    const other = await otherDeviceDir();
    try {
      const aside = join(other.dir, "set-aside");
      const moved = await moveAside([join(root, "output/checkpoint-5")], aside, "incomplete");
      expect(moved).toHaveLength(1);
      expect(moved[0]).toMatch(/set-aside\/checkpoint-5\.incomplete-\d{4}-/);
      expect(await readFile(join(moved[0]!, "model.safetensors"), "utf8")).toBe("weights");
      expect(await readFile(join(moved[0]!, "state/trainer_state.json"), "utf8")).toBe("{}");
      await expect(stat(join(root, "output/checkpoint-5"))).rejects.toThrow(); // gone from where it was
      expect(await readdir(join(root, "output"))).toEqual([]);
      if (other.crossesDevices) expect(statSync(moved[0]!).dev).not.toBe(statSync(root).dev);
    } finally {
      if (other.crossesDevices) await rm(other.dir, { recursive: true, force: true });
    }
  });

  it("does nothing for an empty list", async () => {
    const root = await tempDir();
    expect(await moveAside([], join(root, "aside"), "x")).toEqual([]);
    await expect(stat(join(root, "aside"))).rejects.toThrow();
  });
});
