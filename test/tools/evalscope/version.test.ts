import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { PreflightError, ToolMissingError } from "../../../src/errors.js";
import { detectEvalscopeVersion, eraOf, parseEvalscopeVersion } from "../../../src/tools/evalscope/index.js";

/** The stage and config path problems are reported against, as the eval stage gives them. */
const ORIGIN = { stage: "eval", configPath: "stages.eval.evalscope" };

const STANDIN = fileURLToPath(new URL("../../fixtures/bin/evalscope", import.meta.url));

describe("parseEvalscopeVersion", () => {
  it("reads `evalscope --version` output and bare versions", () => {
    expect(parseEvalscopeVersion("evalscope 0.14.0\n")).toEqual({ major: 0, minor: 14, patch: 0, text: "0.14.0" });
    expect(parseEvalscopeVersion("evalscope 1.10.0.post1")?.text).toBe("1.10.0");
    expect(parseEvalscopeVersion("1.4.0\n")?.minor).toBe(4);
  });
  it("returns undefined for output without a version (pre --version EvalScope prints a usage error)", () => {
    expect(parseEvalscopeVersion("usage: evalscope <command> [<args>]\nEvalScope Command Line tool: error: unrecognized arguments: --version")).toBeUndefined();
    expect(parseEvalscopeVersion("")).toBeUndefined();
  });
  it("maps versions to the CLI era", () => {
    expect(eraOf(parseEvalscopeVersion("evalscope 0.17.1")!)).toBe("service");
    expect(eraOf(parseEvalscopeVersion("evalscope 1.0.0")!)).toBe("openai_api");
  });
});

describe("detectEvalscopeVersion", () => {
  it("runs <command> --version", async () => {
    const v = await detectEvalscopeVersion([STANDIN], { ...process.env, EVALSCOPE_STANDIN_VERSION: "1.4.0" } as Record<string, string>, ORIGIN);
    expect(v.text).toBe("1.4.0");
  });
  it("throws ToolMissingError when the executable does not exist", async () => {
    await expect(detectEvalscopeVersion(["/nonexistent/evalscope"], undefined, ORIGIN)).rejects.toBeInstanceOf(ToolMissingError);
  });
  it("reports against the stage and config path it is given, not a stage of its own", async () => {
    const err = (await detectEvalscopeVersion(["/nonexistent/evalscope"], undefined, { stage: "bench", configPath: "stages.bench.evalscope" }).catch(
      (e: unknown) => e,
    )) as ToolMissingError;
    expect(err).toBeInstanceOf(ToolMissingError);
    expect(err.stage).toBe("bench");
    expect(err.problems.map((p) => p.path)).toEqual(["stages.bench.evalscope.command"]);
  });
  it("throws PreflightError when no version can be read", async () => {
    const err = await detectEvalscopeVersion(
      [process.execPath, "-e", "console.error('error: unrecognized arguments: --version'); process.exit(2)", "--"],
      undefined,
      ORIGIN,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PreflightError);
    expect(String((err as Error).message)).toMatch(/could not read the EvalScope version.*exit 2/);
  });
});
