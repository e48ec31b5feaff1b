// The data stage and eval through the real CLI against a fault-injecting OpenAI stand-in (hangs mid-stream, 500, 429,
// garbled chunks, dropped streams): both finish with outputs identical to a fault-free run, no request body is
// answered twice, hung attempts are cut by idle_s and retried, and the heartbeat says what is outstanding.
import { afterEach, describe, expect, it } from "vitest";
import { readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { cli } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";
import { startOpenAIServer, type StandInOptions, type StandInServer } from "../fixtures/openai-server.js";
import { mcqRecords, finqaRecords, standIn, writeSources } from "../stages/data/recipe/fixtures.js";

const servers: StandInServer[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});

// 20% of attempts fail, half of them by hanging mid-stream.
const FAULTS: StandInOptions["faults"] = { hang: 0.1, error500: 0.03, rateLimit429: 0.03, malformed: 0.02, destroy: 0.02 };
const ENV = { DIANJIN_EVAL_BACKOFF_MS: "10", DIANJIN_HEARTBEAT_MS: "200" };

async function experiment(dataUrl: string, evalUrl: string): Promise<{ file: string; out: string }> {
  const dir = await tempDir("dianjin-faults-");
  await writeSources(join(dir, "src"), { cflue_mcq: mcqRecords(Array.from({ length: 16 }, (_, i) => ({ gold: "ABCD"[i % 4]! }))), finqa: finqaRecords(3) });
  await writeFile(
    join(dir, "cflue.jsonl"),
    Array.from({ length: 30 }, (_, i) => JSON.stringify({ id: `q${i}`, prompt: `问题 ${i}：请把答案放进 \\boxed{} 中。`, answer: "ABCD"[i % 4] })).join("\n") +
      "\n",
  );
  const ep = (model: string) => `{ model: ${model}, base_url: "${dataUrl}" }`;
  const file = join(dir, "exp.yaml");
  await writeFile(
    file,
    `name: faults
workdir: runs
model: { base: Qwen/Qwen2.5-0.5B-Instruct }
stages:
  data:
    sources: { cflue_mcq: src/cflue_mcq.json, finqa: src/finqa.json }
    endpoints: { convert: ${ep("gpt-4o")}, distill: ${ep("deepseek-r1")}, judge: ${ep("gpt-4o")}, check: ${ep("gpt-4o")} }
    concurrency: 4
    convert_fraction: 0.3
    timeouts: { idle_s: 0.5 }
  eval:
    benchmarks: { cflue: { path: cflue.jsonl } }
    endpoint: { base_url: "${evalUrl}", model: standin }
    concurrency: 4
    max_attempts: 8
    timeouts: { idle_s: 0.5 }
`,
  );
  return { file, out: join(dir, "runs") };
}

/** Every output of both stages except journals (their line order follows completion order) and logs. */
async function outputs(workdir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const walk = async (rel: string) => {
    for (const e of await readdir(join(workdir, rel), { withFileTypes: true })) {
      const r = `${rel}/${e.name}`;
      if (e.isDirectory()) {
        if (!["journals", "journal"].includes(e.name)) await walk(r);
      } else files[r] = (await readFile(join(workdir, r))).toString("base64");
    }
  };
  await walk("data/output");
  await walk("eval/output");
  return files;
}

async function servePair(faults?: StandInOptions["faults"]): Promise<[StandInServer, StandInServer]> {
  const data = await standIn({ ...(faults ? { faults, seed: 11 } : {}) });
  const evalServer = await startOpenAIServer({ ...(faults ? { faults, seed: 12 } : {}) });
  servers.push(data, evalServer);
  return [data, evalServer];
}

describe("LLM faults through the CLI", () => {
  it("hangs mid-stream, 5xx, 429, garbled and dropped streams: data and eval finish identical to a fault-free run, nothing answered twice", async () => {
    const [cleanData, cleanEval] = await servePair();
    const clean = await experiment(cleanData.baseUrl, cleanEval.baseUrl);
    const reference = await cli(["run", clean.file], { env: ENV });
    expect(reference.exitCode, reference.all).toBe(0);
    const expected = await outputs(clean.out);
    expect(Object.keys(expected)).toEqual(
      expect.arrayContaining(["data/output/sft/cflue_mcq_r1.json", "eval/output/results/cflue.jsonl", "eval/output/scores.json"]),
    );

    const [faultyData, faultyEval] = await servePair(FAULTS);
    const faulty = await experiment(faultyData.baseUrl, faultyEval.baseUrl);
    const result = await cli(["run", faulty.file], { env: ENV });
    expect(result.exitCode, result.all).toBe(0);
    expect(await outputs(faulty.out)).toEqual(expected);

    for (const s of [faultyData, faultyEval]) {
      expect(s.stats.faults.hang).toBeGreaterThan(0);
      expect(s.duplicateCompletions()).toBe(0);
    }
    expect(faultyData.stats.completed).toBe(cleanData.stats.completed);
    expect(faultyEval.stats.completed).toBe(cleanEval.stats.completed);
    // Hung attempts were cut by idle_s and retried; the heartbeat named what was outstanding, in plain output.
    const dataLog = await readFile(join(faulty.out, "data", "logs", "attempt-1.log"), "utf8");
    expect(dataLog).toMatch(/retry \S+ after attempt \d: timeout/);
    expect(result.stderr).toMatch(/\[(?:data|eval)\] \w+: \d+\/\d+ done, \d+ in flight \(longest \d+ s\)/);
    // The data build's names the endpoint and model, and counts the silence against idle_s (0.5 s, shown rounded).
    expect(result.stderr).toMatch(
      /\[data\] \w+: \d+\/\d+ done, \d+ in flight to [\w-]+ at http:\/\/127\.0\.0\.1:\d+\/v1 \((?:longest attempt \d+ s; silent \d+ s, idle timeout 0\.5 s fires in \d+ s|\d+ waiting to retry)/,
    );
  });
});
