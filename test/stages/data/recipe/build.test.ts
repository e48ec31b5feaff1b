// The recipe end to end against the stand-in server: filter, conversion, distillation with retries, verification,
// the RL gate, the output files, and resuming from the journals.
import { afterEach, describe, expect, it } from "vitest";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { buildData } from "../../../../src/stages/data/recipe/index.js";
import { requestSeed } from "../../../../src/stages/data/recipe/requests.js";
import { reasoningLayout } from "../../../../src/scoring/index.js";
import { tempDir } from "../../../helpers/tmp.js";
import type { StandInServer } from "../../../fixtures/openai-server.js";
import {
  complianceRecords,
  readParquetRows,
  FAST_CLIENT,
  finqaRecords,
  outputFiles,
  mcqRecords,
  openRecords,
  recipeConfig,
  scriptedModel,
  standIn,
  writeSources,
} from "./fixtures.js";

const servers: StandInServer[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});

async function server(options: Parameters<typeof standIn>[0] = {}): Promise<StandInServer> {
  const s = await standIn(options);
  servers.push(s);
  return s;
}

const MCQ = mcqRecords([
  { gold: "B" },
  { gold: "AC" },
  { gold: "D", tags: "HARD NOCONV" },
  { gold: "A", tags: "AMBIG" },
  { gold: "C", tags: "FLAKY" },
  { gold: "B" },
  { gold: "A", tags: "HARD NOCONV" },
  { gold: "D" },
]);

async function sources(dir: string) {
  return writeSources(join(dir, "src"), {
    cflue_mcq: MCQ,
    cflue_open: openRecords(3, (i) => (i === 1 ? "HARD" : "")),
    finqa: finqaRecords(2),
    compliance: complianceRecords(),
  });
}

async function readLedger(out: string): Promise<Array<Record<string, any>>> {
  return (await readFile(join(out, "items.jsonl"), "utf8"))
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
}

async function snapshot(out: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const rel of [
    "sft/cflue_mcq_r1.json",
    "sft/cflue_oe_r1.json",
    "sft/fin_qa_r1.json",
    "sft/ccc_r1.json",
    "sft/dataset_info.json",
    "rl/cflue_mcq_rl_train.parquet",
    "rl/cflue_mcq_rl_val.parquet",
    "stats.md",
    "stats.json",
    "items.jsonl",
    "complete.json",
  ]) {
    files[rel] = (await readFile(join(out, rel))).toString("base64");
  }
  return files;
}

describe("buildData (recipe)", () => {
  it("filters, converts, distills with retries, verifies, and sends failures to the RL pool", async () => {
    const dir = await tempDir("recipe-");
    const paths = await sources(dir);
    const config = recipeConfig(paths, "http://127.0.0.1:1/v1"); // replaced below once the seeds are known
    const flakyId = "cflue_mcq:4";
    const s = await server({ answer: scriptedModel(new Set([requestSeed(config.seed, "distill", flakyId, 1)])) });
    const cfg = recipeConfig(paths, s.baseUrl);
    const out = join(dir, "out");
    const result = await buildData({ config: cfg, outputDir: out, downloadRoot: join(dir, "dl"), client: FAST_CLIENT });

    const ledger = await readLedger(out);
    const byId = new Map(ledger.map((l) => [l.id, l]));
    expect(ledger).toHaveLength(8 + 3 + 2 + 2);
    expect(byId.get("cflue_mcq:3")).toMatchObject({ status: "rejected", reason: "ambiguous" });
    expect(byId.get("cflue_mcq:2")).toMatchObject({ status: "rl", attempts: 3, reason: "wrong-answer" });
    expect(byId.get("cflue_mcq:6")).toMatchObject({ status: "rl", attempts: 3 });
    expect(byId.get(flakyId)).toMatchObject({ status: "sft", attempts: 2 });
    expect(byId.get("cflue_open:1")).toMatchObject({ status: "rejected", reason: "failed-verification: judged-wrong" });
    expect(byId.get("compliance:0:ccc-1")).toMatchObject({ status: "sft", set: "ccc" });
    expect(result.counts.unfinished).toBe(0);
    // Some MCQs were converted (seeded choice): they are in the open-ended set now.
    const converted = ledger.filter((l) => l.source === "cflue_mcq" && l.set === "cflue_oe");
    expect(converted.length).toBeGreaterThan(0);

    // Targets have the exact layout; MCQ reasoning came from reasoning_content.
    const mcq = JSON.parse(await readFile(join(out, "sft/cflue_mcq_r1.json"), "utf8")) as Array<{ instruction: string; input: string; output: string }>;
    expect(mcq.length).toBe(ledger.filter((l) => l.set === "cflue_mcq" && l.status === "sft").length);
    for (const r of mcq) {
      expect(r.output).toMatch(/^<think>\n[^]*\n<\/think>\n\n<answer>\n[^]*\\boxed\{[A-D]+\}[^]*\n<\/answer>$/);
      expect(r.output).toContain("分析选项");
      expect(r.input).toBe("");
      expect(reasoningLayout(r.output).ok).toBe(true);
    }
    const oe = JSON.parse(await readFile(join(out, "sft/cflue_oe_r1.json"), "utf8")) as Array<{ instruction: string; output: string }>;
    expect(oe.some((r) => r.instruction.includes("开放题"))).toBe(true);
    expect(oe.some((r) => r.output.startsWith("<think>\n推理过程……\n</think>\n\n<answer>\n答案是 \\boxed{定义"))).toBe(true);
    for (const r of oe) expect(r.output).toMatch(/^<think>\n[^]*\n<\/think>\n\n<answer>\n[^]*\n<\/answer>$/);

    const info = JSON.parse(await readFile(join(out, "sft/dataset_info.json"), "utf8"));
    expect(Object.keys(info)).toEqual(["cflue_mcq_r1", "cflue_oe_r1", "fin_qa_r1", "ccc_r1"]);
    expect(info.cflue_mcq_r1).toEqual({ file_name: "cflue_mcq_r1.json", columns: { prompt: "instruction", query: "input", response: "output" } });

    // RL pool: exactly the MCQs that failed every attempt, with their gold letters.
    const rl = [];
    for (const f of ["rl/cflue_mcq_rl_train.parquet", "rl/cflue_mcq_rl_val.parquet"]) rl.push(...(await readParquetRows(join(out, f))));
    expect(rl.map((r: any) => r.reward_model.ground_truth).sort()).toEqual(["A", "D"]);
    expect((rl[0] as any).prompt[0].content).toContain("#ref=");

    const stats = JSON.parse(await readFile(join(out, "stats.json"), "utf8"));
    expect(stats.rows.map((r: any) => [r.split, r.set, r.size])).toEqual([
      ["SFT", "CFLUE_MCQ", mcq.length],
      ["SFT", "CFLUE_OE", oe.length],
      ["SFT", "FinQA", 2],
      ["SFT", "CCC", 2],
      ["RL", "CFLUE_MCQ", 2],
    ]);
    expect(stats.rows[4].reasoning).toBeNull();
    expect(await readFile(join(out, "stats.md"), "utf8")).toMatch(/\| RL \| CFLUE_MCQ \| cflue_mcq_rl \| zh \| 2 \| [\d.]+ \| – \| 1\.00 \|/);
    // Every step has its own journal.
    expect((await readdir(join(out, "journals"))).sort()).toEqual(["check.jsonl", "convert.jsonl", "distill.jsonl", "judge.jsonl", "merge.jsonl"]);
    expect(s.duplicateCompletions()).toBe(0);

    // A rerun sends nothing and writes the same bytes.
    const before = await snapshot(out);
    const requests = s.stats.requests;
    const again = await buildData({ config: cfg, outputDir: out, downloadRoot: join(dir, "dl"), client: FAST_CLIENT });
    expect(s.stats.requests).toBe(requests);
    expect(Object.values(again.sent).every((n) => n === 0)).toBe(true);
    expect(await snapshot(out)).toEqual(before);
  });

  it("under 20% faults (429 with Retry-After, 500, malformed JSON, dropped connections) every item ends settled, nothing completes twice, and the outputs equal a fault-free build", async () => {
    const dir = await tempDir("recipe-faults-");
    const mcq = mcqRecords(Array.from({ length: 40 }, (_, i) => ({ gold: "ABCD"[i % 4]!, tags: i % 7 === 3 ? "HARD" : "" })));
    const paths = await writeSources(join(dir, "src"), { cflue_mcq: mcq, finqa: finqaRecords(4, (i) => (i === 2 ? "HARD" : "")) });
    const clean = await server();
    const faulty = await server({ faults: { rateLimit429: 0.05, error500: 0.05, malformed: 0.05, destroy: 0.05 }, retryAfter: "1", seed: 3 });
    const cleanOut = join(dir, "clean");
    const faultOut = join(dir, "faulty");
    await buildData({ config: recipeConfig(paths, clean.baseUrl), outputDir: cleanOut, downloadRoot: dir, client: FAST_CLIENT });
    const result = await buildData({
      config: recipeConfig(paths, faulty.baseUrl, { concurrency: 8 }),
      outputDir: faultOut,
      downloadRoot: dir,
      client: { ...FAST_CLIENT, retryAfterCapMs: 1000 },
    });

    const { error500, rateLimit429, malformed, destroy } = faulty.stats.faults;
    expect({ error500, rateLimit429, malformed, destroy }).toEqual({
      error500: expect.any(Number),
      rateLimit429: expect.any(Number),
      malformed: expect.any(Number),
      destroy: expect.any(Number),
    });
    expect(Math.min(error500, rateLimit429, malformed, destroy), JSON.stringify(faulty.stats.faults)).toBeGreaterThan(0);
    const ledger = await readLedger(faultOut);
    expect(ledger).toHaveLength(44);
    for (const line of ledger) {
      expect(["sft", "rl", "rejected"]).toContain(line.status);
      if (line.status !== "sft") expect(line.reason).toBeTruthy();
    }
    expect(result.counts.unfinished).toBe(0);
    expect(faulty.duplicateCompletions()).toBe(0);
    // Every distinct request was answered completely exactly once.
    expect(faulty.stats.completed).toBe(faulty.stats.completedByHash.size);
    expect(await outputFiles(faultOut)).toEqual(await outputFiles(cleanOut));
  });

  it("a bad source record stops the build naming the file and record, and keeps what was built", async () => {
    const dir = await tempDir("recipe-bad-");
    const paths = await writeSources(join(dir, "src"), { cflue_mcq: mcqRecords([{ gold: "A" }, { gold: "B" }, { gold: "C" }, { gold: "D" }]) });
    const s = await server();
    const cfg = recipeConfig(paths, s.baseUrl);
    const out = join(dir, "out");
    await buildData({ config: cfg, outputDir: out, downloadRoot: dir, client: FAST_CLIENT });
    const before = await outputFiles(out);
    const journal = await readFile(join(out, "journals/distill.jsonl"), "utf8");
    const broken = mcqRecords([{ gold: "A" }, { gold: "B" }, { gold: "C" }, { gold: "D" }]) as Array<Record<string, unknown>>;
    broken[3]!.answer = "Z";
    await writeSources(join(dir, "src"), { cflue_mcq: broken });
    const requests = s.stats.requests;
    const error = (await buildData({ config: cfg, outputDir: out, downloadRoot: dir, client: FAST_CLIENT }).then(
      () => undefined,
      (e: unknown) => e,
    )) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toContain(paths.cflue_mcq);
    expect(error.message).toMatch(/record 3\b.*answer/);
    expect(s.stats.requests).toBe(requests);
    expect(await outputFiles(out)).toEqual(before);
    expect(await readFile(join(out, "journals/distill.jsonl"), "utf8")).toBe(journal);
  });
});
