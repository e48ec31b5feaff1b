// An up-to-date `run` (every stage skipped) stays fast: it loads no launcher code, no execa (git is asked through
// node:child_process), no fs-extra and no listr2 — only what the skip, the state and the run log (pino) need. The same
// module hook sees launcher code on the first run, which does launch, so the check can fail.
import { describe, expect, it } from "vitest";
import { execa } from "execa";
import { CLI, cliEnv, makeExperiment, UNBUNDLED_CLI } from "../helpers/cli.js";

const HOOK = `data:text/javascript,${encodeURIComponent(
  `import { register } from "node:module";
   register("data:text/javascript," + encodeURIComponent('export async function load(url, ctx, next) { if (url.startsWith("file:")) process.stderr.write("LOADED " + url + "\\\\n"); return next(url, ctx); }'));`,
)}`;

async function loadedBy(cli: string, file: string): Promise<{ loaded: string[]; stderr: string }> {
  const result = await execa(process.execPath, ["--import", HOOK, cli, "run", file, "--log-format", "plain"], {
    env: cliEnv(),
    extendEnv: false,
    reject: false,
  });
  expect(result.exitCode, result.stderr).toBe(0);
  const lines = result.stderr.split("\n");
  return { loaded: lines.filter((l) => l.startsWith("LOADED ")).map((l) => l.slice(7)), stderr: lines.filter((l) => !l.startsWith("LOADED ")).join("\n") };
}

const packages = (loaded: string[], names: string[]) => loaded.filter((u) => names.some((name) => u.includes(`/node_modules/${name}/`)));

describe("an up-to-date run loads only what a skip needs", () => {
  it("tsc's output: the first run loads the local launcher; the rerun loads no launcher, execa, fs-extra or listr2", async () => {
    const exp = await makeExperiment({ records: 4 });
    const first = await loadedBy(UNBUNDLED_CLI, exp.file);
    expect(first.stderr).toMatch(/done: sft completed/);
    expect(first.loaded.some((u) => u.includes("/dist/launch/local.js"))).toBe(true);
    const again = await loadedBy(UNBUNDLED_CLI, exp.file);
    expect(again.stderr).toMatch(/done: sft skipped/);
    // (process-tree.js and launch-id.js are small helpers the lock and state read; a launcher is local, slurm/ or ray/.)
    expect(again.loaded.filter((u) => /\/dist\/launch\/(local\.js|watch\.js|slurm\/|ray\/)/.test(u))).toEqual([]);
    expect(packages(again.loaded, ["execa", "fs-extra", "listr2", "graceful-fs"])).toEqual([]);
    expect(again.loaded.some((u) => u.includes("/node_modules/pino/"))).toBe(true); // the run log is still written
  });

  it("the shipped bundle: the rerun loads none of execa, fs-extra or listr2", async () => {
    const exp = await makeExperiment({ records: 4 });
    const first = await loadedBy(CLI, exp.file);
    expect(first.stderr).toMatch(/done: sft completed/);
    const again = await loadedBy(CLI, exp.file);
    expect(again.stderr).toMatch(/done: sft skipped/);
    expect(packages(again.loaded, ["execa", "fs-extra", "listr2", "graceful-fs"])).toEqual([]);
  });
});
