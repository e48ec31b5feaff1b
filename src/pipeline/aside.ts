// Set aside, never delete: incomplete checkpoints and outputs of an older config are moved into <stage>/set-aside/.
import { mkdir, rename } from "node:fs/promises";
import { basename, join } from "node:path";

function stamp(): string {
  return new Date().toISOString().replace(/[:.]/g, "-");
}

export async function moveAside(paths: readonly string[], asideDir: string, label: string): Promise<string[]> {
  if (!paths.length) return [];
  await mkdir(asideDir, { recursive: true });
  const moved: string[] = [];
  for (const path of paths) {
    const target = join(asideDir, `${basename(path)}.${label}-${stamp()}`);
    try {
      await rename(path, target);
    } catch (error) {
      // Already gone (moved with its folder, or by an earlier attempt): nothing to keep.
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw error;
    }
    moved.push(target);
  }
  return moved;
}
