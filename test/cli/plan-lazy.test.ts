// `plan` stays fast: it must not load the run log (pino), the live display (listr2) or fs-extra. A module hook lists
// every file the real CLI loads.
import { describe, expect, it } from "vitest";
import { execa } from "execa";
import { join } from "node:path";
import { CLI, ROOT } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";
import { recipeDataEnv } from "../helpers/recipe-data.js";

const HOOK = `data:text/javascript,${encodeURIComponent(
  `import { register } from "node:module";
   register("data:text/javascript," + encodeURIComponent('export async function load(url, ctx, next) { if (url.startsWith("file:")) process.stderr.write("LOADED " + url + "\\\\n"); return next(url, ctx); }'));`,
)}`;

async function loadedBy(args: string[]): Promise<string[]> {
  // The recipe's data must be there, or plan's whole pre-flight stops it (exit 3) before it has loaded everything.
  const result = await execa(process.execPath, ["--import", HOOK, CLI, ...args], { cwd: ROOT, reject: false, env: await recipeDataEnv() });
  expect(result.exitCode, result.stderr).toBe(0);
  return result.stderr.split("\n").filter((l) => l.startsWith("LOADED ")).map((l) => l.slice(7));
}

describe("plan loads only what it needs", () => {
  it("no pino, listr2 or fs-extra for plan; the hook does see them when a command needs them", async () => {
    const plan = await loadedBy(["plan", join(ROOT, "configs/dianjin-r1-7b.yaml")]);
    expect(plan.some((u) => u.includes("/dist/pipeline/plan.js"))).toBe(true);
    for (const name of ["pino", "listr2", "fs-extra", "sonic-boom"]) expect(plan.filter((u) => u.includes(`/node_modules/${name}/`))).toEqual([]);
    // The same hook sees fs-extra once plan needs it (--out writes files with it), so the check above can fail.
    const out = await loadedBy(["plan", join(ROOT, "configs/dianjin-r1-7b.yaml"), "--out", await tempDir()]);
    expect(out.some((u) => u.includes("/node_modules/fs-extra/"))).toBe(true);
  });
});
