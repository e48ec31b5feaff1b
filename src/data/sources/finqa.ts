// FinQA (czyssrs/FinQA dataset/*.json): one JSON array of records with id, pre_text and post_text (lists of
// sentences), table (list of rows of cells) and qa {question, answer, program, exe_ans, gold_inds, ...}.
// exe_ans is the executed gold value: a number (percentages as fractions) or "yes"/"no" for comparisons.
import { FieldReader, typeOf } from "./fields.js";
import { readJsonRecords } from "./json-records.js";

export interface FinQaItem {
  index: number;
  id: string;
  preText: string[];
  postText: string[];
  table: string[][];
  question: string;
  /** Display answer such as "14%" (qa.answer), when present. */
  answer?: string;
  /** Gold program, e.g. "subtract(5829, 5735), divide(#0, 5735)"; absent in the private test split. */
  program?: string;
  /** Gold executed answer; absent in the private test split. */
  exeAns?: number | string;
  /** Gold supporting facts keyed text_N / table_N, when present. */
  goldInds?: Record<string, string>;
}

export interface FinQaReadOptions {
  /** Accept records without qa.exe_ans (the private test split). Default false: a missing answer is an error. */
  allowUnanswered?: boolean;
}

export async function* readFinQa(file: string, options: FinQaReadOptions = {}): AsyncGenerator<FinQaItem> {
  for await (const raw of readJsonRecords(file)) yield toFinQa(file, raw.index, raw.line, raw.value, options);
}

export function toFinQa(file: string, index: number, line: number | undefined, record: Record<string, unknown>, options: FinQaReadOptions = {}): FinQaItem {
  const id = typeof record["id"] === "string" ? record["id"] : undefined;
  const f = new FieldReader(file, { index, line, id }, record);
  f.string("id");
  const table = record["table"];
  if (!Array.isArray(table)) throw f.fail(table === undefined ? "missing" : `must be a list of rows, got ${typeOf(table)}`, "table");
  const rows = table.map((row, i) => f.stringArray(`table[${i}]`, row));
  const qa = f.nested("qa");
  const item: FinQaItem = {
    index,
    id: id!,
    preText: f.stringArray("pre_text"),
    postText: f.stringArray("post_text"),
    table: rows,
    question: qa.string("question"),
  };
  const answer = qa.optionalString("answer");
  if (answer !== undefined) item.answer = answer;
  const program = qa.optionalString("program");
  if (program !== undefined) item.program = program;
  const exe = qa.record["exe_ans"];
  if (typeof exe === "number" || typeof exe === "string") item.exeAns = exe;
  else if (exe !== undefined && exe !== null) throw qa.fail(`must be a number or a string, got ${typeOf(exe)}`, "exe_ans");
  else if (!options.allowUnanswered) throw qa.fail("missing (use allowUnanswered for the private test split)", "exe_ans");
  const gold = qa.record["gold_inds"];
  if (gold !== undefined && gold !== null) {
    if (typeof gold !== "object" || Array.isArray(gold)) throw qa.fail(`must be an object, got ${typeOf(gold)}`, "gold_inds");
    item.goldInds = Object.fromEntries(Object.entries(gold).map(([k, v]) => [k, String(v)]));
  }
  return item;
}
