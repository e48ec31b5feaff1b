import { describe, expect, it } from "vitest";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError } from "../../../src/errors.js";
import {
  collect,
  dianjinR1SftFile,
  DIANJIN_R1_SFT_NAMES,
  readAlpacaSft,
  readCflueMcq,
  readCflueOpen,
  readComplianceDialogues,
  readDianjinR1Sft,
  readFinQa,
} from "../../../src/data/sources/index.js";

const FIX = fileURLToPath(new URL("../../fixtures/data/", import.meta.url));
const dir = await mkdtemp(join(tmpdir(), "readers-"));
async function jsonFile(name: string, records: unknown[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, JSON.stringify(records, null, 1));
  return path;
}
async function problem<T>(items: AsyncIterable<T>): Promise<string> {
  const e = await collect(items).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ConfigError);
  return (e as ConfigError).message;
}

const mcq = { 名称: "测试考试", task: "单项选择题", question: "示例？", choices: "{'A': '甲', 'B': '乙'}", answer: "A", analysis: "示例解析" };

describe("CFLUE multiple choice", () => {
  it("reads the fixture: Python-dict choices, sorted answers, null analysis, escaped options", async () => {
    const items = await collect(readCflueMcq(join(FIX, "cflue/knowledge_mcq.json")));
    expect(items).toHaveLength(4);
    expect(items[0]).toMatchObject({ index: 0, exam: "证券从业资格", task: "单项选择题", answer: "B", choices: { A: "2", B: "4", C: "40", D: "400" } });
    expect(items[1]!.answer).toBe("ABD");
    expect(items[2]).toMatchObject({ task: "判断题", choices: { A: "对", B: "错" }, analysis: null });
    expect(items[3]!.choices).toEqual({ A: "it's a 'quoted' option", B: "含有\\反斜杠与'单引号'", C: "tab\there", D: "中文" });
    expect(items[3]!.analysis).toBe("A/B 选项用于测试转义。");
  });

  it("accepts choices given as a JSON object or a JSON string", async () => {
    const path = await jsonFile("mcq-json.json", [
      { ...mcq, choices: { B: "乙", A: "甲" } },
      { ...mcq, choices: '{"A": "甲", "B": "乙"}' },
    ]);
    const items = await collect(readCflueMcq(path));
    expect(items.map((i) => Object.keys(i.choices))).toEqual([
      ["A", "B"],
      ["A", "B"],
    ]);
  });

  it.each([
    [{ ...mcq, question: undefined }, "field question: missing"],
    [{ ...mcq, choices: "{'A': '甲', 'B': '乙'" }, "field choices: is not a readable dict literal"],
    [{ ...mcq, answer: "C" }, "field answer: letter C is not among the choices"],
    [{ ...mcq, answer: "AB" }, "a 单项选择题 item needs exactly one letter"],
    [{ ...mcq, task: "填空题" }, "field task: unknown task"],
    [{ ...mcq, choices: 7 }, "field choices: must be a dict literal string or an object, got number"],
  ])("names file, record and field for bad record %#", async (bad, message) => {
    const path = await jsonFile("mcq-bad.json", [mcq, bad]);
    const msg = await problem(readCflueMcq(path));
    expect(msg).toContain("mcq-bad.json");
    expect(msg).toMatch(/record 1 \(line \d+\) field/);
    expect(msg).toContain(message);
  });
});

describe("CFLUE open-ended", () => {
  it("reads task, sub_task, instruction, output and history", async () => {
    const items = await collect(readCflueOpen(join(FIX, "cflue/application_open.json")));
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({ task: "金融术语解释", subTask: "名词解释", input: "", history: [] });
    expect(items[1]!.history).toEqual([["先前问题", "先前回答"]]);
  });
  it("rejects a record without a reference answer", async () => {
    const path = await jsonFile("open-bad.json", [{ task: "t", sub_task: "s", instruction: "i", input: "", history: [] }]);
    expect(await problem(readCflueOpen(path))).toMatch(/open-bad\.json.*\n.*record 0 \(line 2\) field output: missing/);
  });
});

describe("FinQA", () => {
  it("reads text, table and qa", async () => {
    const items = await collect(readFinQa(join(FIX, "finqa/finqa_sample.json")));
    expect(items[0]).toMatchObject({
      id: "DEMO/2020/page_1.pdf-1",
      question: expect.stringContaining("percentage change"),
      answer: "20%",
      exeAns: 0.2,
      program: "subtract(120, 100), divide(#0, 100)",
    });
    expect(items[0]!.table[1]).toEqual(["revenue", "$ 120", "$ 100"]);
    expect(items[0]!.goldInds).toEqual({ table_1: "revenue of 2020 is $ 120 ; of 2019 is $ 100 ;" });
    expect(items[1]).toMatchObject({ exeAns: "yes", postText: [] });
  });
  it("names the record id and the nested field", async () => {
    const base = { id: "X/1", pre_text: [], post_text: [], table: [["a", "1"]], qa: { question: "q?", exe_ans: 1 } };
    const noAnswer = await jsonFile("finqa-noans.json", [{ ...base, id: "X/2", qa: { question: "q?" } }]);
    expect(await problem(readFinQa(noAnswer))).toContain('record 0 (id "X/2", line 2) field qa.exe_ans: missing');
    expect(await collect(readFinQa(noAnswer, { allowUnanswered: true }))).toHaveLength(1);
    const badTable = await jsonFile("finqa-table.json", [base, { ...base, id: "X/3", table: [["a", 1]] }]);
    expect(await problem(readFinQa(badTable))).toContain('record 1 (id "X/3"');
    expect(await problem(readFinQa(badTable))).toContain("field table[0][1]: must be a string, got number");
    const noQa = await jsonFile("finqa-noqa.json", [{ ...base, qa: undefined }]);
    expect(await problem(readFinQa(noQa))).toContain("field qa: missing");
  });
});

describe("compliance dialogues", () => {
  it("reads turns, checks, verdict, traces and meta", async () => {
    const items = await collect(readComplianceDialogues(join(FIX, "compliance/dialogues.jsonl")));
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({ id: "demo-ccc-001", verdict: "violation", dialogue: [{ speaker: "customer" }, { speaker: "agent" }] });
    expect(items[0]!.checks[0]).toMatchObject({ id: "complaint-escalation", result: "fail" });
    expect(items[0]!.traces).toHaveLength(2);
    expect(items[0]!.traces![0]!.check).toBe("complaint-escalation");
    expect(items[1]).toMatchObject({ verdict: "compliant", meta: { channel: "phone" } });
    expect(items[1]!.traces).toBeUndefined();
  });
  const ok = { id: "c1", dialogue: [{ speaker: "agent", text: "您好" }], checks: [{ id: "k", description: "d", result: "pass" }], verdict: "compliant" };
  it.each([
    [{ ...ok, verdict: "maybe" }, "field verdict: must be one of compliant, violation"],
    [{ ...ok, checks: [{ id: "k", description: "d", result: "fail" }] }, 'field verdict: is "compliant" but check k failed'],
    [{ ...ok, verdict: "violation" }, 'is "violation" but no check failed'],
    [{ ...ok, dialogue: [{ speaker: "agent" }] }, "field dialogue[0].text: missing"],
    [{ ...ok, dialogue: [] }, "field dialogue: has no turns"],
    [{ ...ok, traces: [{ agent: "a", check: "zzz", reasoning: "r", answer: "x" }] }, 'field traces[0].check: refers to unknown check "zzz"'],
    [{ ...ok, checks: [ok.checks[0], ok.checks[0]] }, 'duplicate check id "k"'],
  ])("names file, record id and field for bad record %#", async (bad, message) => {
    const path = join(dir, "ccc-bad.jsonl");
    await writeFile(path, `${JSON.stringify(ok)}\n${JSON.stringify(bad)}\n`);
    const msg = await problem(readComplianceDialogues(path));
    expect(msg).toContain("ccc-bad.jsonl");
    expect(msg).toContain('record 1 (id "c1", line 2)');
    expect(msg).toContain(message);
  });
});

describe("DianJin-R1-Data release", () => {
  it("maps the released files to the SFT registry names", () => {
    expect(DIANJIN_R1_SFT_NAMES).toEqual(["cflue_mcq_r1", "cflue_oe_r1", "fin_qa_r1"]);
    expect(dianjinR1SftFile("/d", "cflue_mcq_r1")).toBe("/d/train/cflue_mcq.json");
    expect(dianjinR1SftFile("/d", "cflue_oe_r1")).toBe("/d/train/cflue_oe.json");
    expect(dianjinR1SftFile("/d", "fin_qa_r1")).toBe("/d/train/fin_qa.json");
  });
  it("reads each released file, keeping unknown keys in extra", async () => {
    const root = join(FIX, "dianjin-r1");
    const counts = await Promise.all(DIANJIN_R1_SFT_NAMES.map(async (n) => (await collect(readDianjinR1Sft(root, n))).length));
    expect(counts).toEqual([2, 1, 1]);
    const [fin] = await collect(readDianjinR1Sft(root, "fin_qa_r1"));
    expect(fin).toMatchObject({ input: "", extra: { source_id: "DEMO-1" } });
    expect(fin!.output).toMatch(/^<think>[\s\S]*<\/think>\s*<answer>[\s\S]*\\boxed\{20\\%\}[\s\S]*<\/answer>$/);
  });
  it("names the record that lacks output, listing the keys it has", async () => {
    const path = await jsonFile("sft-bad.json", [
      { instruction: "q", output: "a" },
      { instruction: "q", response: "a" },
    ]);
    expect(await problem(readAlpacaSft(path))).toContain("record 1 (line 6) field output: missing (keys present: instruction, response)");
  });
  it("reports a missing release file by name", async () => {
    expect(await problem(readDianjinR1Sft(join(dir, "nowhere"), "cflue_oe_r1"))).toContain("nowhere/train/cflue_oe.json");
  });
});
