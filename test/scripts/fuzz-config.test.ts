// The config fuzz script's quick mode, so it cannot rot: it must run, find no internal error, crash or slow case, and
// print its figures. (The full 5,000-case run is `node scripts/fuzz-config.mjs`, not part of npm test.)
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const script = fileURLToPath(new URL("../../scripts/fuzz-config.mjs", import.meta.url));

describe("scripts/fuzz-config.mjs --quick", () => {
  it("answers every seeded case with exit 0, 2 or 3, each rejection named, and prints the figures", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [script, "--quick"], { encoding: "utf8", maxBuffer: 16 << 20 });
    expect(stdout).toMatch(/config fuzz: 60 cases, seed 24/);
    expect(stdout).toMatch(/internal errors 0, over 5000 ms 0/);
    expect(stdout).toMatch(/through the CLI: \d+ cases, .* crashes 0/);
    const [, named, rejected] = /naming file:line:column, the --set or the key: (\d+)\/(\d+)/.exec(stdout)!;
    expect(Number(rejected)).toBeGreaterThan(10);
    expect(named).toBe(rejected);
    expect(stdout).not.toContain("FAILED");
  }, 120_000);
});
