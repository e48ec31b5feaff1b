// A usage error prints commander's message (with its suggestion) and one line pointing to --help, not the whole help.
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.js";

describe("usage errors", () => {
  it("an unknown command: the suggestion and a pointer to --help, exit 2", async () => {
    const r = await cli(["pla"]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.split("\n")).toEqual(["error: unknown command 'pla'", "(Did you mean plan?)", "(dianjin-train --help lists the commands)"]);
  });

  it("a command's own usage error points to that command's --help", async () => {
    const r = await cli(["plan", "x.yaml", "--bogus"]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.split("\n")).toEqual(["error: unknown option '--bogus'", "(dianjin-train plan --help lists its options)"]);
    const help = await cli(["plan", "--help"]);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toMatch(/^Usage: dianjin-train plan \[options\] <config>/);
  });
});
