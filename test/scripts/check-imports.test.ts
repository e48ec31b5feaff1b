// The import checker itself, on small trees written here: it must find a planted cycle (also through `import type`,
// a re-export or a dynamic import()), a planted forbidden import and an upward import, and pass a clean tree.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { tempDir, writeFiles } from "../helpers/tmp.js";

const script = fileURLToPath(new URL("../../scripts/check-imports.mjs", import.meta.url));
const run = promisify(execFile);

interface Edge {
  from: string;
  to: string;
}
interface CheckResult {
  cycles: Array<{ files: string[]; imports: Edge[] }>;
  forbidden: Edge[];
  upward: Array<Edge & { fromLayer: number; toLayer: number }>;
  unresolved: Edge[];
  failed: boolean;
}
interface Checker {
  checkImports(root: string, options?: { strict?: boolean }): CheckResult;
  importSpecifiers(text: string): string[];
}
const checker = async () => (await import(new URL("../../scripts/check-imports.mjs", import.meta.url).href)) as Checker;

// A clean little tree: a tool adapter, a stage on top of it, util at the bottom.
const CLEAN = {
  "util/text.ts": `export const trim = (s: string) => s.trim();\n`,
  "tools/lf/render.ts": `import { trim } from "../../util/text.js";\nexport const render = (s: string) => trim(s);\n`,
  "stages/sft/index.ts": `import { render } from "../../tools/lf/render.js";\nexport const stage = { render };\n`,
};

const edge = (from: string, to: string) => expect.objectContaining({ from, to });

describe("checkImports", () => {
  it("passes a tree that keeps the rules", async () => {
    const dir = await tempDir();
    await writeFiles(dir, CLEAN);
    const result = (await checker()).checkImports(dir, { strict: true });
    expect(result).toMatchObject({ cycles: [], forbidden: [], upward: [], unresolved: [], failed: false });
  });

  it("finds a planted cycle through import type, a re-export and a dynamic import()", async () => {
    const dir = await tempDir();
    await writeFiles(dir, {
      ...CLEAN,
      "eval/a.ts": `import type { B } from "./b.js";\nexport interface A { b?: B }\n`,
      "eval/b.ts": `export { c } from "./c.js";\nexport interface B { n: number }\n`,
      "eval/c.ts": `export const c = async () => (await import("./a.js")) as unknown;\n`,
    });
    const result = (await checker()).checkImports(dir);
    expect(result.failed).toBe(true);
    expect(result.cycles).toHaveLength(1);
    expect(result.cycles[0]!.files).toEqual(["eval/a.ts", "eval/b.ts", "eval/c.ts"]);
    expect(result.cycles[0]!.imports).toEqual([edge("eval/a.ts", "eval/b.ts"), edge("eval/b.ts", "eval/c.ts"), edge("eval/c.ts", "eval/a.ts")]);
  });

  it("fails a tool adapter importing a stage, and reports an upward import that fails only with --strict", async () => {
    const dir = await tempDir();
    await writeFiles(dir, {
      ...CLEAN,
      "stages/sft/config.ts": `export type SftConfig = { datasets: string[] };\n`,
      "tools/lf/datasets.ts": `import type {\n  SftConfig,\n} from "../../stages/sft/config.js";\nexport const n = (c: SftConfig) => c.datasets.length;\n`,
      "llm/client.ts": `import { render } from "../tools/lf/render.js";\nexport const client = render;\n`,
    });
    const { checkImports } = await checker();
    const loose = checkImports(dir);
    expect(loose.forbidden).toEqual([edge("tools/lf/datasets.ts", "stages/sft/config.ts")]);
    expect(loose.upward).toEqual(
      expect.arrayContaining([expect.objectContaining({ from: "llm/client.ts", to: "tools/lf/render.ts", fromLayer: 1, toLayer: 2 })]),
    );
    expect(loose.failed).toBe(true);

    // Without the forbidden import only the upward one is left: reported, failing only when strict.
    await writeFiles(dir, { "tools/lf/datasets.ts": `export const n = 0;\n` });
    expect(checkImports(dir)).toMatchObject({ forbidden: [], failed: false });
    expect(checkImports(dir).upward).toEqual([expect.objectContaining({ from: "llm/client.ts", to: "tools/lf/render.ts" })]);
    expect(checkImports(dir, { strict: true }).failed).toBe(true);
  });

  it("exits 1 listing each offending import as `file → target`, and 0 on a clean tree", async () => {
    const dir = await tempDir();
    await writeFiles(dir, { ...CLEAN, "resources/estimate.ts": `import type { X } from "../stages/sft/index.js";\nexport type Y = X;\n` });
    const failed = await run(process.execPath, [script, "--root", dir]).catch((error: { code: number; stderr: string }) => error);
    expect("code" in failed && failed.code).toBe(1);
    expect("stderr" in failed && failed.stderr).toMatch(/\S*\/resources\/estimate\.ts → \S*\/stages\/sft\/index\.ts/);

    const clean = await tempDir();
    await writeFiles(clean, CLEAN);
    const ok = await run(process.execPath, [script, "--root", clean, "--strict"]);
    expect(ok.stdout).toContain("check-imports: ok");
  });

  it("reads static, type-only, side-effect, re-export and dynamic specifiers, and skips commented-out ones", async () => {
    const { importSpecifiers } = await checker();
    const text = [
      `import a from "./a.js";`,
      `import type { B } from "./b.js";`,
      `import "./c.js";`,
      `export * from "./d.js";`,
      `export * as e from "./e.js";`,
      `import f, {\n  g,\n  type H,\n} from "./f.js";`,
      `// import x from "./commented.js";`,
      `const lazy = () => import("./lazy.js");`,
      `const s = "import nothing from here";`,
    ].join("\n");
    expect(importSpecifiers(text)).toEqual(["./a.js", "./b.js", "./c.js", "./d.js", "./e.js", "./f.js", "./lazy.js"]);
  });
});
