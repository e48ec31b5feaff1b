import { defineConfig } from "vitest/config";

// Two projects: "quick" (unit + fast integration, the edit loop) and "slow" (files named *.slow.test.ts:
// real Slurm, Chromium, large generated inputs). `npm test` runs both.
export default defineConfig({
  test: {
    // The second lists every skipped test with its reason (test/helpers/skip.ts) after the summary.
    reporters: ["default", "./test/helpers/skip-reasons-reporter.ts"],
    globalSetup: ["test/global-setup.ts"],
    projects: [
      { test: { name: "quick", include: ["test/**/*.test.ts"], exclude: ["test/**/*.slow.test.ts"], testTimeout: 60_000, hookTimeout: 60_000 } },
      { test: { name: "slow", include: ["test/**/*.slow.test.ts"], testTimeout: 300_000, hookTimeout: 300_000, fileParallelism: false } },
    ],
  },
});
