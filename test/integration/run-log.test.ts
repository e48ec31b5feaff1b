// The run log through the real CLI: --log-format json puts only pino lines on stdout, events.jsonl gets the same
// lines, every line names its stage, and a secret from the environment never appears.
import { describe, expect, it } from "vitest";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { cli, makeExperiment } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";
import { mcqRecords, standIn, writeSources } from "../stages/data/recipe/fixtures.js";

const PLANTED = "sk-planted-9f8e7d6c5b4a3210";
const TRACKING = "tracking: { backends: [wandb], project: dianjin-test }";

interface PinoLine {
  level: number;
  time: number;
  msg: string;
  run: string;
  stage: string;
  [key: string]: unknown;
}

function parsePino(text: string): PinoLine[] {
  const lines = text.split("\n").filter((l) => l !== "");
  return lines.map((line) => {
    const record = JSON.parse(line) as PinoLine;
    expect(typeof record.level).toBe("number");
    expect(typeof record.time).toBe("number");
    expect(typeof record.msg).toBe("string");
    expect(typeof record.run).toBe("string");
    expect(typeof record.stage).toBe("string");
    return record;
  });
}

describe("run log (events.jsonl) through the CLI", () => {
  it("--log-format json: stdout and events.jsonl are pino lines with a stage field, and the planted secret is absent", async () => {
    const exp = await makeExperiment({ top: TRACKING });
    // The secret is in the environment the config's tracking backend reads, and on the command line (a --set value).
    const result = await cli(["sft", exp.file, "--log-format", "json", "--set", `tracking.run_name=${PLANTED}`], { env: { WANDB_API_KEY: PLANTED } });
    expect(result.exitCode).toBe(0);
    const fileText = await readFile(join(exp.workdir, "events.jsonl"), "utf8");
    for (const text of [result.stdout, fileText]) expect(text).not.toContain(PLANTED);
    expect(result.stderr).not.toContain(PLANTED);

    const out = parsePino(result.stdout);
    const logged = parsePino(fileText);
    expect(out).toEqual(logged);
    expect(new Set(logged.map((l) => l.run)).size).toBe(1);

    const start = logged[0]!;
    expect(start).toMatchObject({ stage: "run", msg: "run-start" });
    // The record that carried the secret is there, masked.
    expect(JSON.stringify(start.command)).toContain("tracking.run_name=***");

    const sft = logged.filter((l) => l.stage === "sft");
    expect(sft[0]).toMatchObject({ msg: "stage-start", attempt: 1, action: "run" });
    const progress = sft.filter((l) => l.msg === "progress");
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatchObject({ attempt: 1, step: 40, total: 40 });
    expect(typeof (progress.at(-1)!.metrics as Record<string, number>).loss).toBe("number");
    expect(sft.some((l) => l.msg === "checkpoint" && l.step === 5)).toBe(true);
    expect(sft.at(-1)).toMatchObject({ msg: "stage-end", status: "completed", level: 30 });
    expect(logged.at(-1)).toMatchObject({ stage: "run", msg: "run-end", status: "completed", exitCode: 0 });
  });

  it("a failed stage is logged with its classified cause; a second run appends under a new run id; logs --events filters by stage", async () => {
    const exp = await makeExperiment({ top: TRACKING });
    const failed = await cli(["run", exp.file, "--log-format", "json"], {
      env: { WANDB_API_KEY: PLANTED, LF_STANDIN_FAIL: "oom", LF_STANDIN_FAIL_AT_STEP: "3" },
    });
    expect(failed.exitCode).toBe(1);
    const out = parsePino(failed.stdout); // still nothing but pino lines on stdout
    const failure = out.find((l) => l.msg === "failure")!;
    expect(failure).toMatchObject({ stage: "sft", attempt: 1, level: 50, cause: "cuda-oom", exitCode: 1 });
    expect(Array.isArray(failure.logTail)).toBe(true);
    expect(out.at(-1)).toMatchObject({ stage: "run", msg: "run-end", status: "failed", exitCode: 1 });

    expect((await cli(["run", exp.file, "--log-format", "json"], { env: { WANDB_API_KEY: PLANTED } })).exitCode).toBe(0);
    const logged = parsePino(await readFile(join(exp.workdir, "events.jsonl"), "utf8"));
    expect(new Set(logged.map((l) => l.run)).size).toBe(2);
    expect(logged.filter((l) => l.stage === "sft" && l.msg === "stage-start").map((l) => l.attempt)).toEqual([1, 2]);

    const shown = await cli(["logs", exp.file, "--events", "--stage", "sft", "--json"]);
    expect(shown.exitCode).toBe(0);
    const lines = parsePino(shown.stdout);
    expect(lines.length).toBe(logged.filter((l) => l.stage === "sft").length);
    expect(lines.every((l) => l.stage === "sft")).toBe(true);
    const readable = await cli(["logs", exp.file, "--events", "--stage", "sft"]);
    expect(readable.stdout).toMatch(/ error sft +failure .*cause=cuda-oom/);
    expect(readable.stdout).toMatch(/ info {2}sft +stage-end .*status=completed/);
  });

  it("--log-format plain prints lines on stderr and nothing on stdout; --log-level warn keeps info records out of events.jsonl", async () => {
    const exp = await makeExperiment();
    const result = await cli(["sft", exp.file, "--log-format", "plain", "--log-level", "warn"]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr).not.toMatch(/▶ sft/); // info lines are below warn
    expect(await readFile(join(exp.workdir, "events.jsonl"), "utf8")).toBe("");

    const verbose = await cli(["sft", exp.file, "--force", "--log-format", "plain"]);
    expect(verbose.stderr).toMatch(/▶ sft: running \(attempt 2\)/);
    expect(verbose.stderr).toMatch(/\[sft\] 40\/40 100%/);
    expect(verbose.stderr).toMatch(/✓ sft: completed in \S+ \(40\/40 100%/);
  });

  it("rejects an unknown --log-format with exit 2", async () => {
    const exp = await makeExperiment();
    const result = await cli(["sft", exp.file, "--log-format", "fancy"]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/--log-format/);
  });
});

describe("run log of the data stage (LLM calls)", () => {
  it("retries are logged with their wait, and the API key the config names is never written", async () => {
    // 20% 429s: retries to log, while a request failing all 6 of its attempts (0.2^6) stays out of the way.
    const server = await standIn({ apiKey: PLANTED, faults: { rateLimit429: 0.2 }, retryAfter: "0", seed: 7 });
    try {
      const dir = await tempDir("dianjin-data-log-");
      await writeSources(join(dir, "src"), { cflue_mcq: mcqRecords(Array.from({ length: 12 }, (_, i) => ({ gold: "ABCD"[i % 4]!, tags: "" }))) });
      const ep = (model: string) => `{ model: ${model}, base_url: "${server.baseUrl}", api_key_env: DIANJIN_LOG_TEST_API_KEY }`;
      await writeFile(
        join(dir, "exp.yaml"),
        `name: data-log\nworkdir: runs\nmodel: { base: Qwen/Qwen2.5-0.5B-Instruct }\nstages:\n  data:\n    sources: { cflue_mcq: src/cflue_mcq.json }\n    endpoints: { convert: ${ep("gpt-4o")}, distill: ${ep("deepseek-r1")}, judge: ${ep("gpt-4o")}, check: ${ep("gpt-4o")} }\n    concurrency: 2\n`,
      );
      const result = await cli(["data", join(dir, "exp.yaml"), "--log-format", "json"], { env: { DIANJIN_LOG_TEST_API_KEY: PLANTED } });
      expect(result.exitCode, result.stderr).toBe(0);
      expect(server.stats.requests).toBeGreaterThan(0); // the key was sent, so it was in this process
      const fileText = await readFile(join(dir, "runs/events.jsonl"), "utf8");
      for (const text of [result.stdout, result.stderr, fileText]) expect(text).not.toContain(PLANTED);
      const logged = parsePino(fileText);
      expect(parsePino(result.stdout)).toEqual(logged);
      const retries = logged.filter((l) => l.msg === "retry");
      expect(retries.length).toBeGreaterThan(0);
      expect(retries[0]).toMatchObject({
        stage: "data",
        attempt: expect.any(Number),
        level: 40,
        reason: "rate-limited",
        status: 429,
        waitMs: expect.any(Number),
      });
      expect(logged.at(-1)).toMatchObject({ msg: "run-end", status: "completed" });
    } finally {
      await server.close();
    }
  });
});
