// CFLUE open-ended items (the application-assessment format of aliyun/cflue: 金融术语解释, 金融咨询, ...).
// Fields: task, sub_task, instruction (the complete prompt, context included), input (usually empty),
// output (reference answer), history (list of [user, assistant] pairs, usually empty).
import { FieldReader, typeOf } from "./fields.js";
import { readJsonRecords } from "./json-records.js";

export interface CflueOpenItem {
  index: number;
  task: string;
  subTask: string;
  instruction: string;
  input: string;
  /** Reference answer. */
  output: string;
  history: [string, string][];
}

export async function* readCflueOpen(file: string): AsyncGenerator<CflueOpenItem> {
  for await (const raw of readJsonRecords(file)) yield toCflueOpen(file, raw.index, raw.line, raw.value);
}

export function toCflueOpen(file: string, index: number, line: number | undefined, record: Record<string, unknown>): CflueOpenItem {
  const f = new FieldReader(file, { index, line }, record);
  const history = record["history"] ?? [];
  if (!Array.isArray(history)) throw f.fail(`must be a list of [question, answer] pairs, got ${typeOf(history)}`, "history");
  const pairs = history.map((turn, i): [string, string] => {
    if (!Array.isArray(turn) || turn.length !== 2 || typeof turn[0] !== "string" || typeof turn[1] !== "string")
      throw f.fail("must be a [question, answer] pair of strings", `history[${i}]`);
    return [turn[0], turn[1]];
  });
  return {
    index,
    task: f.string("task"),
    subTask: f.string("sub_task"),
    instruction: f.string("instruction"),
    input: f.optionalString("input") ?? "",
    output: f.string("output"),
    history: pairs,
  };
}
