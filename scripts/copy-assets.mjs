// Copies non-TypeScript assets (Python files, prompt templates, per-release tool inventories) next to the compiled code.
import { cp, mkdir } from "node:fs/promises";
import { existsSync } from "node:fs";

const folders = ["assets/", "tools/llamafactory/releases/", "tools/verl/releases/"];
for (const folder of folders) {
  const from = new URL(`../src/${folder}`, import.meta.url);
  const to = new URL(`../dist/${folder}`, import.meta.url);
  if (!existsSync(from)) continue;
  await mkdir(to, { recursive: true });
  await cp(from, to, { recursive: true, filter: (p) => !p.endsWith(".ts") });
}
