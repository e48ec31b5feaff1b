// Every file under a folder (for scanning what a run wrote), skipping very large ones.
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";

export async function allFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await allFiles(path)));
    else if ((await stat(path)).size < 50_000_000) out.push(path);
  }
  return out;
}
