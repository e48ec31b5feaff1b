// `plan` stays fast: it must not load the run log (pino), the live display (listr2), fs-extra, launcher code it has no
// job to ask about, or barrel modules (index.js files that re-export a whole folder). A module hook lists every file
// the real CLI loads: the shipped bundle (a few chunks; packages only a run needs stay outside it) and tsc's output
// module by module (where launcher code and barrels can be seen).
import { describe, expect, it } from "vitest";
import { execa } from "execa";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CLI, ROOT, UNBUNDLED_CLI } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";
import { recipeDataEnv } from "../helpers/recipe-data.js";

const HOOK = `data:text/javascript,${encodeURIComponent(
  `import { register } from "node:module";
   register("data:text/javascript," + encodeURIComponent('export async function load(url, ctx, next) { if (url.startsWith("file:")) process.stderr.write("LOADED " + url + "\\\\n"); return next(url, ctx); }'));`,
)}`;

const RECIPE = join(ROOT, "configs/dianjin-r1-7b.yaml");

async function loadedBy(args: string[], cli = UNBUNDLED_CLI): Promise<string[]> {
  // The recipe's data must be there, or plan's whole pre-flight stops it (exit 3) before it has loaded everything.
  const result = await execa(process.execPath, ["--import", HOOK, cli, ...args], { cwd: ROOT, reject: false, env: await recipeDataEnv() });
  expect(result.exitCode, result.stderr).toBe(0);
  return result.stderr
    .split("\n")
    .filter((l) => l.startsWith("LOADED "))
    .map((l) => l.slice(7));
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

  it("the shipped bundle: plan loads a few of its own chunks and none of pino, listr2, fs-extra or execa", async () => {
    const plan = await loadedBy(["plan", RECIPE], CLI);
    const own = plan.filter((u) => u.includes("/dist/bin/"));
    expect(own.length).toBeGreaterThan(0);
    expect(own.length).toBeLessThan(40);
    expect(plan.filter((u) => u.includes("/dist/") && !u.includes("/dist/bin/"))).toEqual([]);
    for (const name of ["pino", "listr2", "fs-extra", "sonic-boom", "execa"]) expect(plan.filter((u) => u.includes(`/node_modules/${name}/`))).toEqual([]);
    const out = await loadedBy(["plan", RECIPE, "--out", await tempDir()], CLI);
    expect(out.some((u) => u.includes("/node_modules/fs-extra/"))).toBe(true);
  });

  it("no launcher for a workdir without launch records, and no barrel modules; a launch record makes plan ask the launcher", async () => {
    const fresh = await loadedBy(["plan", RECIPE, "--set", `workdir=${await tempDir()}`]);
    expect(fresh.some((u) => u.includes("/dist/pipeline/plan.js"))).toBe(true);
    // launch/tool-missing.js is no launcher: it is the tool check's line format, which vLLM's classifier reads too.
    expect(fresh.filter((u) => u.includes("/dist/launch/") && !u.endsWith("/dist/launch/tool-missing.js"))).toEqual([]);
    // A stage module's index.js is the stage itself; any other index.js is a re-export barrel.
    expect(fresh.filter((u) => /\/dist\/.*\/index\.js$/.test(u) && !/\/dist\/stages\/[^/]+\/index\.js$/.test(u))).toEqual([]);
    // An SFT launch whose job may still be alive (the CLI died after writing the intent): plan must look for it.
    const workdir = await tempDir();
    const launch = { id: "lazy-test-no-such-launch", launcher: "local", logFile: join(workdir, "sft/train.log"), at: new Date().toISOString() };
    const state = {
      version: 1,
      experiment: "dianjin-r1-7b",
      stages: { sft: { status: "launching", key: "0", keyInputs: {}, attempts: 1, launch } },
      tools: {},
    };
    await writeFile(join(workdir, "state.json"), JSON.stringify(state));
    const recorded = await loadedBy(["plan", RECIPE, "--set", `workdir=${workdir}`]);
    expect(recorded.some((u) => u.includes("/dist/launch/local.js"))).toBe(true);
  });
});
