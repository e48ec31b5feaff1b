// The import rules of src/ hold: scripts/check-imports.mjs (no file-level cycles, tool adapters import no stage or
// experiment code, resources no experiment schema or stage) exits 0 on the real tree.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = fileURLToPath(new URL("..", import.meta.url));

describe("src/ import rules", () => {
  it("scripts/check-imports.mjs passes on the source tree", async () => {
    const result = await run(process.execPath, ["scripts/check-imports.mjs", "--strict"], { cwd: root }).catch(
      (error: { code?: number; stdout?: string; stderr?: string }) => error,
    );
    // On failure the script's own listing (`file → target`) is the message.
    expect("code" in result ? `exit ${result.code}\n${result.stderr}` : "exit 0").toBe("exit 0");
    expect(result.stdout).toMatch(/check-imports: ok: \d+ files, 0 cycles, 0 forbidden/);
  });
});
