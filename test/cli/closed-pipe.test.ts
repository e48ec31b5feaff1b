// A reader that stops early (`dianjin-train schema | head -c 10`) must not make the CLI print a stack trace.
import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { CLI } from "../helpers/cli.js";

describe("stdout closed by its reader", () => {
  it("ends quietly with exit 0 instead of an unhandled EPIPE", async () => {
    const child = spawn(process.execPath, [CLI, "schema"], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    // Close our end before the CLI writes, as a reader that has had enough does (`head -c 10` on a long output).
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
    expect(stderr).not.toMatch(/EPIPE|Unhandled|at .*\(node:/);
    expect(code).toBe(0);
  });
});
