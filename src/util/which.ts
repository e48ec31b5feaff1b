// Finds an executable on PATH (or checks an explicit path) without running it.
import { access, constants, stat } from "node:fs/promises";
import { delimiter, isAbsolute, join } from "node:path";

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

export async function which(command: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  if (command.includes("/")) return (await isExecutable(command)) ? (isAbsolute(command) ? command : join(process.cwd(), command)) : undefined;
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}
