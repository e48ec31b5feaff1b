// Set aside, never delete: incomplete checkpoints and outputs of an older config are moved into <stage>/set-aside/.
// fs-extra's move renames, and copies then removes when the set-aside folder is on another file system (EXDEV).
import { basename, join } from "node:path";
import { fsExtra } from "../util/fsx.js";

function stamp(): string {
  return new Date().toISOString().replace(/[:.]/g, "-");
}

export async function moveAside(paths: readonly string[], asideDir: string, label: string): Promise<string[]> {
  if (!paths.length) return [];
  const fse = await fsExtra();
  await fse.ensureDir(asideDir);
  const moved: string[] = [];
  for (const path of paths) {
    const target = join(asideDir, `${basename(path)}.${label}-${stamp()}`);
    try {
      await fse.move(path, target);
    } catch (error) {
      // Already gone (moved with its folder, or by an earlier attempt): nothing to keep.
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw error;
    }
    moved.push(target);
  }
  return moved;
}
