// runEvalscope end to end against the stand-in EvalScope (test/fixtures/bin/evalscope) and a loopback
// OpenAI-compatible server: argv accepted by the era it pretends to be, real HTTP requests, report read back.
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PreflightError, StageError } from "../../../src/errors.js";
import { evalscopeScoresToReport, runEvalscope, type EvalscopeRunSpec } from "../../../src/tools/evalscope/index.js";
import { startFakeOpenAI, type FakeOpenAI } from "./fake-openai.js";

/** The stage and config path problems are reported against, as the eval stage gives them. */
const ORIGIN = { stage: "eval", configPath: "stages.eval.evalscope" };

const STANDIN = fileURLToPath(new URL("../../fixtures/bin/evalscope", import.meta.url));
let server: FakeOpenAI;
let work: string;
beforeAll(async () => {
  server = await startFakeOpenAI({ model: "dianjin-r1-7b" });
});
afterAll(async () => {
  await server.close();
});
afterEach(async () => {
  if (work) await rm(work, { recursive: true, force: true });
  server.requests.length = 0;
});

async function spec(extra: Partial<EvalscopeRunSpec> = {}): Promise<EvalscopeRunSpec> {
  work = await mkdtemp(join(tmpdir(), "evalscope-run-"));
  return { model: "dianjin-r1-7b", apiUrl: server.url, workDir: join(work, "out"), evalBatchSize: 2, ...extra };
}
const envFor = (version: string, extra: Record<string, string> = {}) => ({ ...process.env, EVALSCOPE_STANDIN_VERSION: version, ...extra });

describe.each([
  ["0.14.0", "service", "v0", true],
  ["1.0.0", "openai_api", "v1", true],
  ["1.4.0", "openai_api", "v1", false],
  ["1.11.0", "openai_api", "v2", false],
] as const)("EvalScope %s", (version, era, layout, timestamped) => {
  it(`detects the era (${era}), runs, and reads scores from the ${layout} report layout`, async () => {
    const s = await spec();
    const result = await runEvalscope(s, { origin: ORIGIN, command: [STANDIN], env: envFor(version) });
    expect(result.version.text).toBe(version);
    expect(result.command.era).toBe(era);
    expect(result.command.timestamped).toBe(timestamped);
    const byBench = Object.fromEntries(result.scores.map((x) => [x.benchmark, x]));
    expect(byBench.math500).toMatchObject({ score: 1, percent: 100, layout });
    expect(byBench.gpqa_diamond).toMatchObject({ score: 0.6667, percent: 66.67, layout });
    expect(evalscopeScoresToReport(result.scores)).toEqual({ math500: 100, gpqa_diamond: 66.67 });
    // Six real requests (3 MATH + 3 GPQA-Diamond only: the 0.x gpqa subset list was honoured).
    expect(server.requests).toHaveLength(6);
    for (const r of server.requests) {
      expect(r.authorization).toBe("Bearer EMPTY");
      expect(r.body).toMatchObject({ model: "dianjin-r1-7b", max_tokens: 12288, temperature: 0.6, top_p: 0.95, stream: true });
      expect(r.body).not.toHaveProperty("timeout");
    }
    if (timestamped) expect((await readdir(s.workDir)).filter((n) => /^\d{8}_\d{6}$/.test(n))).toHaveLength(1);
    else expect(await readdir(s.workDir)).toContain("reports");
  });
});

describe("failures", () => {
  it("an era mismatch (rendered for 1.4, installed 0.14) is named as such", async () => {
    const err = (await runEvalscope(await spec(), { origin: ORIGIN, command: [STANDIN], env: envFor("0.14.0"), version: "1.4.0" }).catch(
      (e: unknown) => e,
    )) as StageError;
    expect(err).toBeInstanceOf(StageError);
    expect(err.failure.id).toBe("evalscope-era-mismatch");
    expect(err.detail.exitCode).toBe(2);
    expect(server.requests).toHaveLength(0);
  });
  it("an unreachable endpoint is named as such", async () => {
    const err = (await runEvalscope({ ...(await spec()), apiUrl: "http://127.0.0.1:9/v1" }, { origin: ORIGIN, command: [STANDIN], env: envFor("1.4.0") }).catch(
      (e: unknown) => e,
    )) as StageError;
    expect(err.failure.id).toBe("endpoint-unreachable");
  });
  it("a wrong served model name is named as such", async () => {
    const err = (await runEvalscope(await spec({ model: "other" }), { origin: ORIGIN, command: [STANDIN], env: envFor("1.4.0") }).catch(
      (e: unknown) => e,
    )) as StageError;
    expect(err.failure.id).toBe("endpoint-model-unknown");
  });
  it("a missing report after a zero exit is a StageError, not a crash", async () => {
    const s = await spec();
    const fake = join(work, "fake-evalscope");
    await writeFile(fake, "#!/bin/sh\n[ \"$1\" = --version ] && echo 'evalscope 1.4.0'\nexit 0\n", { mode: 0o755 });
    const err = (await runEvalscope(s, { origin: ORIGIN, command: [fake] }).catch((e: unknown) => e)) as StageError;
    expect(err.failure.id).toBe("evalscope-report-missing");
  });
});

function hasPython(): boolean {
  try {
    execFileSync("python3", ["-c", "import sys"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
const python = hasPython();

describe("API key through the Python launcher", () => {
  let keyed: FakeOpenAI;
  beforeAll(async () => {
    keyed = await startFakeOpenAI({ apiKey: "sk-test-secret-123", model: "dianjin-r1-7b" });
  });
  afterAll(async () => {
    await keyed.close();
  });

  it("refuses to start when the named variable is empty", async () => {
    const s = await spec({ apiUrl: keyed.url, apiKeyEnv: "DJ_TEST_KEY" });
    await expect(runEvalscope(s, { origin: ORIGIN, command: [STANDIN], env: envFor("1.4.0", { DJ_TEST_KEY: "" }) })).rejects.toBeInstanceOf(PreflightError);
  });

  it("passes the key to EvalScope's run_cmd inside Python, never on the command line", async (ctx) => {
    ctx.skip(!python, "python3 is not installed");
    const s = await spec({ apiUrl: keyed.url, apiKeyEnv: "DJ_TEST_KEY" });
    // A fake `evalscope` Python package whose run_cmd hands its sys.argv to the Node stand-in.
    const pkg = join(work, "py", "evalscope", "cli");
    await mkdir(pkg, { recursive: true });
    await writeFile(join(work, "py", "evalscope", "__init__.py"), "");
    await writeFile(join(pkg, "__init__.py"), "");
    await writeFile(
      join(pkg, "cli.py"),
      `import os, sys\ndef run_cmd():\n    os.execv(${JSON.stringify(STANDIN)}, [${JSON.stringify(STANDIN)}] + sys.argv[1:])\n`,
    );
    const env = envFor("1.4.0", { DJ_TEST_KEY: "sk-test-secret-123", PYTHONPATH: join(work, "py") });
    const result = await runEvalscope(s, { origin: ORIGIN, command: [STANDIN], python: "python3", env });
    expect(result.command.argv[0]).toBe("python3");
    expect(result.command.argv.join(" ")).not.toContain("sk-test-secret-123");
    expect(result.command.argv).not.toContain("--api-key");
    expect(keyed.requests.length).toBe(6);
    for (const r of keyed.requests) expect(r.authorization).toBe("Bearer sk-test-secret-123");
    expect(evalscopeScoresToReport(result.scores)).toEqual({ math500: 100, gpqa_diamond: 66.67 });
  });
});
