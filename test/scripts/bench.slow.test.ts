// Every benchmark under scripts/bench/ runs in its quick mode (tiny inputs, one run; scripts/bench/lib.mjs), so none
// can rot unnoticed: each must exit 0 and print its figures. Timing is not judged here (benchmarks are not tests).
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { clusterSkipReason, SLURM_ENV } from "../launch/slurm/local-cluster.js";

const BENCH = fileURLToPath(new URL("../../scripts/bench/", import.meta.url));
const HELPERS = new Set(["lib.mjs", "run-all.mjs"]);
const scripts = readdirSync(BENCH).filter((f) => f.endsWith(".mjs") && !HELPERS.has(f));
/** Benchmarks that need a service this machine may lack: skipped with the reason when it is missing. */
const NEEDS: Record<string, () => string | undefined> = { "submit-latency.mjs": clusterSkipReason };

describe("benchmarks in quick mode", () => {
  it("finds the benchmark scripts", () => {
    expect(scripts).toContain("journal-kill.mjs");
    expect(scripts).toContain("llm-client.mjs");
  });

  for (const script of scripts) {
    it(`${script} --quick exits 0 and prints its figures`, async (ctx) => {
      const missing = NEEDS[script]?.();
      if (missing) ctx.skip(missing);
      const run = await execa(process.execPath, ["--expose-gc", `${BENCH}${script}`, "--quick"], {
        cwd: fileURLToPath(new URL("../../", import.meta.url)),
        env: { BENCH_QUICK: undefined, RUNS: undefined, MB: undefined, ...SLURM_ENV },
        reject: false,
        all: true,
        timeout: 120_000,
      });
      expect(run.exitCode, run.all).toBe(0);
      // A figure: a median or a min/max spread with a number.
      expect(run.stdout).toMatch(/(median|min)"?:? [\d.]+/);
    });
  }
});
