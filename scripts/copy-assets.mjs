// Copies non-TypeScript assets (Python files, prompt templates, per-release tool inventories) next to the compiled code.
import { cp, mkdir } from "node:fs/promises";
import { existsSync } from "node:fs";

const entries = [
  "assets/",
  "tools/hf-trainer/training-args.json",
  "tools/trl/releases.json",
  "tools/llamafactory/releases/",
  "tools/verl/releases/",
  "tools/verl/config-tree.current.json",
  "tools/verl/config-tree.seed.json",
];
for (const entry of entries) {
  const from = new URL(`../src/${entry}`, import.meta.url);
  const to = new URL(`../dist/${entry}`, import.meta.url);
  if (!existsSync(from)) continue;
  await mkdir(new URL(".", to), { recursive: true });
  await cp(from, to, { recursive: true, filter: (p) => !p.endsWith(".ts") });
}
