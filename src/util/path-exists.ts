// Whether something is at a path (file or folder), without throwing.
import { stat } from "node:fs/promises";

export async function pathExists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
