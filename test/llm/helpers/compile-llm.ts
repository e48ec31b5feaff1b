// Compiles src/llm (and what it imports from src/) to plain ESM in a temp dir, so a child `node` process can
// import it without a TypeScript loader and without depending on the whole project's build being green.
import ts from "typescript";
import { mkdtemp, mkdir, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = fileURLToPath(new URL("../../../", import.meta.url));

/** Returns the directory holding `llm/index.js`. */
export async function compileLlmModule(): Promise<string> {
  const out = await mkdtemp(join(tmpdir(), "dianjin-llm-"));
  const src = join(REPO, "src");
  const files = [join(src, "errors.ts"), join(src, "util/abortable.ts"), ...(await listTs(join(src, "llm")))];
  for (const file of files) {
    const { outputText } = ts.transpileModule(await readFile(file, "utf8"), {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
    });
    const target = join(out, relative(src, file)).replace(/\.ts$/, ".js");
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, outputText);
  }
  await writeFile(join(out, "package.json"), '{"type":"module"}\n');
  await symlink(join(REPO, "node_modules"), join(out, "node_modules"));
  return out;
}

async function listTs(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith(".ts")).map((e) => join(e.parentPath, e.name));
}
