// CFLUE knowledge-assessment multiple-choice items (the `data/knowledge/*.json` arrays of aliyun/cflue).
// Upstream fields: 名称 (exam), task (单项选择题 | 多项选择题 | 判断题), question, choices (a STRING holding a
// Python dict literal, e.g. "{'A': '...', 'B': '...'}"; a JSON object or JSON string is accepted too),
// answer (option letters, e.g. "ABD"; 判断题 uses A=对, B=错), analysis (explanation or null).
import { FieldReader, typeOf } from "./fields.js";
import { readJsonRecords } from "./json-records.js";
import { parsePythonStringDict, PythonLiteralError } from "./python-literal.js";

export const CFLUE_MCQ_TASKS = ["单项选择题", "多项选择题", "判断题"] as const;
export type CflueMcqTask = (typeof CFLUE_MCQ_TASKS)[number];

export interface CflueMcqItem {
  index: number;
  /** 名称: the qualification exam. */
  exam: string;
  task: CflueMcqTask;
  question: string;
  /** Option letter → text, in letter order. */
  choices: Record<string, string>;
  /** Correct letters, sorted and without repeats (e.g. "ABD"). */
  answer: string;
  analysis: string | null;
  /** 科目 / 章节 when present (DianJin-PRM style exports). */
  subject?: string;
  chapter?: string;
}

export async function* readCflueMcq(file: string): AsyncGenerator<CflueMcqItem> {
  for await (const raw of readJsonRecords(file)) yield toCflueMcq(file, raw.index, raw.line, raw.value);
}

export function toCflueMcq(file: string, index: number, line: number | undefined, record: Record<string, unknown>): CflueMcqItem {
  const f = new FieldReader(file, { index, line }, record);
  const task = f.string("task");
  if (!(CFLUE_MCQ_TASKS as readonly string[]).includes(task))
    throw f.fail(`unknown task ${JSON.stringify(task)}; expected one of ${CFLUE_MCQ_TASKS.join(", ")}`, "task");
  const choices = readChoices(f);
  const letters = f
    .string("answer")
    .replace(/[\s,，、]/g, "")
    .toUpperCase();
  if (!/^[A-Z]+$/.test(letters)) throw f.fail(`must be option letters such as "ABD", got ${JSON.stringify(record["answer"])}`, "answer");
  const answer = [...new Set(letters)].sort().join("");
  for (const l of answer) if (!(l in choices)) throw f.fail(`letter ${l} is not among the choices (${Object.keys(choices).join("")})`, "answer");
  if (task !== "多项选择题" && answer.length !== 1) throw f.fail(`a ${task} item needs exactly one letter, got ${answer}`, "answer");
  const item: CflueMcqItem = {
    index,
    exam: f.string("名称"),
    task: task as CflueMcqTask,
    question: f.string("question"),
    choices,
    answer,
    analysis: f.optionalString("analysis") ?? null,
  };
  const subject = f.optionalString("科目");
  const chapter = f.optionalString("章节");
  if (subject !== undefined) item.subject = subject;
  if (chapter !== undefined) item.chapter = chapter;
  return item;
}

function readChoices(f: FieldReader): Record<string, string> {
  const raw = f.record["choices"];
  let parsed: Record<string, unknown>;
  if (typeof raw === "string") {
    try {
      parsed = raw.trimStart().startsWith('{"') ? (JSON.parse(raw) as Record<string, unknown>) : parsePythonStringDict(raw);
    } catch (e) {
      const why = e instanceof PythonLiteralError || e instanceof SyntaxError ? e.message : String(e);
      throw f.fail(`is not a readable dict literal (${why})`, "choices");
    }
  } else if (typeof raw === "object" && raw !== null && !Array.isArray(raw)) parsed = raw as Record<string, unknown>;
  else throw f.fail(raw === undefined ? "missing" : `must be a dict literal string or an object, got ${typeOf(raw)}`, "choices");
  const out: Record<string, string> = {};
  for (const key of Object.keys(parsed).sort()) {
    const v = parsed[key];
    if (!/^[A-Z]$/.test(key)) throw f.fail(`option key ${JSON.stringify(key)} is not a capital letter`, "choices");
    if (typeof v !== "string") throw f.fail(`option ${key} must be text, got ${typeOf(v)}`, "choices");
    out[key] = v;
  }
  if (Object.keys(out).length < 2) throw f.fail("needs at least two options", "choices");
  return out;
}
