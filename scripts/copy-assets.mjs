// Copies non-TypeScript assets (Python files, prompt templates) next to the compiled code.
import { cp, mkdir } from "node:fs/promises";
import { existsSync } from "node:fs";

const from = new URL("../src/assets/", import.meta.url);
const to = new URL("../dist/assets/", import.meta.url);
if (existsSync(from)) {
  await mkdir(to, { recursive: true });
  await cp(from, to, { recursive: true, filter: (p) => !p.endsWith(".ts") });
}
