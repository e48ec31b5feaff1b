// Synthetic sources and a scripted stand-in model for the recipe tests. Every question carries its gold as
// `#ref=…#`, so the stand-in can answer right (or wrong on purpose) without a table shared with the test:
// - `HARD` in a question: the distiller always answers wrong (the item must end in the RL pool / be dropped);
// - `FLAKY`: wrong on the first attempt only (the test passes the first-attempt seeds);
// - `AMBIG`: the checker flags the item as ambiguous;
// - `NOCONV`: the converter declines.
import { writeFile, mkdir, readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { startOpenAIServer, type ChatBody, type ScriptedAnswer, type StandInOptions, type StandInServer } from "../../../fixtures/openai-server.js";
import { dataStageSchema, type DataStageConfig } from "../../../../src/stages/data/config.js";

export interface McqSpec {
  gold: string;
  tags?: string;
}

export function mcqRecords(specs: readonly McqSpec[]): object[] {
  return specs.map((s, i) => ({
    名称: "证券从业资格",
    task: s.gold.length > 1 ? "多项选择题" : "单项选择题",
    question: `第${i}题 ${s.tags ?? ""} 下列说法中正确的是（）。#ref=${s.gold}#`,
    choices: "{'A': '甲', 'B': '乙', 'C': '丙', 'D': '丁'}",
    answer: s.gold,
    analysis: `解析${i}`,
  }));
}

export function openRecords(n: number, tags: (i: number) => string = () => ""): object[] {
  return Array.from({ length: n }, (_, i) => ({
    task: "金融术语解释",
    sub_task: "名词解释",
    instruction: `请解释术语${i} ${tags(i)} #ref=定义${i}#`,
    input: "",
    output: `定义${i}`,
    history: [],
  }));
}

export function finqaRecords(n: number, tags: (i: number) => string = () => ""): object[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `DEMO/page_${i}.pdf-1`,
    pre_text: ["revenue grew ."],
    post_text: ["."],
    table: [
      ["", "2020", "2019"],
      ["revenue", `$ ${100 + i}`, "$ 100"],
    ],
    qa: { question: `what is the change in revenue ${i}? ${tags(i)} #ref=${i}#`, answer: `${i}`, program: `subtract(${100 + i}, 100)`, exe_ans: i },
  }));
}

export function complianceRecords(): object[] {
  return [
    {
      id: "ccc-1",
      dialogue: [
        { speaker: "customer", text: "我要投诉，还要找监管部门。#ref=违规#" },
        { speaker: "agent", text: "请稍后再打来。" },
      ],
      checks: [{ id: "escalation", description: "投诉是否升级？", result: "fail" }],
      verdict: "violation",
      traces: [{ agent: "complaint-alert", check: "escalation", reasoning: "客户投诉未升级。", answer: "是" }],
    },
    {
      id: "ccc-2",
      dialogue: [
        { speaker: "customer", text: "起购金额多少？#ref=合规#" },
        { speaker: "agent", text: "一万元，投资有风险。" },
      ],
      checks: [{ id: "risk", description: "是否提示风险？", result: "pass" }],
      verdict: "compliant",
    },
  ];
}

const REF = /#ref=([^#]+)#/;

/** The scripted model: decides by which prompt it got. `firstSeeds` are request seeds of first attempts. */
export function scriptedModel(firstSeeds: ReadonlySet<number> = new Set()): (body: ChatBody) => ScriptedAnswer {
  return (body) => {
    const prompt = body.messages.at(-1)?.content ?? "";
    const ref = REF.exec(prompt)?.[1] ?? "?";
    const usage = { prompt_tokens: 50, completion_tokens: 30 };
    if (prompt.includes("命题审核专家")) return { content: prompt.includes("AMBIG") ? "题目有歧义。\n\\boxed{0}" : "题目清楚。\n\\boxed{1}", usage };
    if (prompt.includes("不提供选项的开放式问答题")) {
      if (prompt.includes("NOCONV")) return { content: "\\boxed{NOT_CONVERTIBLE}", usage };
      const q = /原题：([^\n]*)/.exec(prompt)?.[1] ?? "";
      return { content: `<question>开放题：${q}</question>\n<reference>${ref}</reference>`, usage };
    }
    if (prompt.startsWith("You are grading")) {
      const reference = /Reference answer:\n([^\n]*)/.exec(prompt)?.[1] ?? "";
      const candidate = prompt.slice(prompt.indexOf("Candidate answer:"));
      return { content: `Checked.\n\\boxed{${candidate.includes(reference) ? 1 : 0}}`, usage };
    }
    const wrong = prompt.includes("HARD") || (prompt.includes("FLAKY") && firstSeeds.has(Number(body["seed"])));
    const answer = wrong ? (/^[A-D]+$/.test(ref) ? (ref === "A" ? "B" : "A") : "错误答案") : ref;
    if (prompt.includes("整合成一段连贯"))
      return { content: `<think>逐条检查：${ref === "违规" ? "未升级投诉" : "无问题"}。</think>\n<answer>结论：\\boxed{${answer}}</answer>`, usage };
    // MCQs get their reasoning in reasoning_content (as DeepSeek-R1 returns it), the rest inside <think>.
    if (/^[A-D]+$/.test(ref)) return { content: `<answer>最终答案：\\boxed{${answer}}</answer>`, reasoning: `分析选项……选${answer}。`, usage };
    return { content: `<think>\n推理过程……\n</think>\n\n<answer>答案是 \\boxed{${answer}}</answer>`, usage };
  };
}

export async function writeSources(
  dir: string,
  sources: { cflue_mcq?: object[]; cflue_open?: object[]; finqa?: object[]; compliance?: object[] },
): Promise<Record<string, string>> {
  await mkdir(dir, { recursive: true });
  const paths: Record<string, string> = {};
  for (const [name, records] of Object.entries(sources)) {
    if (!records) continue;
    const file = join(dir, name === "compliance" ? "compliance.jsonl" : `${name}.json`);
    await writeFile(file, name === "compliance" ? records.map((r) => JSON.stringify(r)).join("\n") + "\n" : JSON.stringify(records));
    paths[name] = file;
  }
  return paths;
}

export function endpoints(baseUrl: string): Record<string, object> {
  const ep = (model: string) => ({ model, base_url: baseUrl });
  return { convert: ep("gpt-4o"), distill: ep("deepseek-r1"), judge: ep("gpt-4o"), check: ep("gpt-4o") };
}

export function recipeConfig(paths: Record<string, string>, baseUrl: string, extra: Record<string, unknown> = {}): DataStageConfig {
  return dataStageSchema.parse({ sources: paths, endpoints: endpoints(baseUrl), concurrency: 4, convert_fraction: 0.3, seed: 7, ...extra });
}

export async function standIn(options: StandInOptions = {}): Promise<StandInServer> {
  return startOpenAIServer({ answer: scriptedModel(), ...options });
}

/** Fast transport retries for tests. */
export const FAST_CLIENT = { backoff: { baseMs: 2, maxMs: 10, jitter: 0 }, retryAfterCapMs: 50 };

/** Rows of an RL Parquet file (the writer uses GZIP, which hyparquet reads through node:zlib here). */
export async function readParquetRows(file: string): Promise<Array<Record<string, any>>> {
  const { asyncBufferFromFile, parquetReadObjects } = await import("hyparquet");
  const { gunzipSync } = await import("node:zlib");
  return parquetReadObjects({
    file: await asyncBufferFromFile(file),
    compressors: { GZIP: (input: Uint8Array) => new Uint8Array(gunzipSync(input)) },
  }) as Promise<Array<Record<string, any>>>;
}

/** Every output file of a build as base64, journals excluded (their line order follows completion order). */
export async function outputFiles(out: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const walk = async (rel: string) => {
    for (const e of await readdir(join(out, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (r !== "journals") await walk(r);
      } else files[r] = (await readFile(join(out, r))).toString("base64");
    }
  };
  await walk("");
  return files;
}
