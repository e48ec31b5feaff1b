// Reads a benchmark file (JSON array or JSON Lines) into EvalItems. Each record is either ready-made
// (`messages`, `prompt` or `instruction`[+`input`], with the gold in `answer`) or in the benchmark's native format
// (CFLUE knowledge MCQ, FinQA, our compliance-dialogue schema), which gets a prompt from prompts.ts.
import { ConfigError } from "../../../errors.js";
import { readJsonRecords, recordError, toCflueMcq, toComplianceDialogue, toFinQa } from "../../../data/sources/index.js";
import type { ChatMessage } from "../../../llm/index.js";
import type { FileBenchmark } from "./defaults.js";
import type { EvalItem } from "./items.js";
import { cccPrompt, cfluePrompt, finqaPrompt } from "./prompts.js";

export interface ReadBenchmarkOptions {
  limit?: number;
  systemPrompt?: string;
}

export async function readBenchmark(benchmark: FileBenchmark, file: string, options: ReadBenchmarkOptions = {}): Promise<EvalItem[]> {
  const items: EvalItem[] = [];
  const ids = new Set<string>();
  for await (const raw of readJsonRecords(file)) {
    if (options.limit !== undefined && items.length >= options.limit) break;
    const item = toItem(benchmark, file, raw.index, raw.line, raw.value);
    if (ids.has(item.id)) throw recordError(file, { index: raw.index, line: raw.line, id: item.id }, "duplicate id", "id");
    ids.add(item.id);
    if (options.systemPrompt) item.messages.unshift({ role: "system", content: options.systemPrompt });
    items.push(item);
  }
  if (items.length === 0)
    throw new ConfigError(`stages.eval.benchmarks.${benchmark}`, [{ path: `stages.eval.benchmarks.${benchmark}.path`, message: `${file} has no records` }]);
  return items;
}

function toItem(benchmark: FileBenchmark, file: string, index: number, line: number, record: Record<string, unknown>): EvalItem {
  const ownId = typeof record["id"] === "string" || typeof record["id"] === "number" ? String(record["id"]) : undefined;
  const ref = { index, line, ...(ownId ? { id: ownId } : {}) };
  const id = ownId ?? `#${index}`;
  const fail = (message: string, field?: string) => recordError(file, ref, message, field);
  if ("messages" in record || "prompt" in record || "instruction" in record) {
    const gold = record["answer"] ?? record["label"] ?? record["verdict"] ?? record["exe_ans"];
    if (typeof gold !== "string" && typeof gold !== "number")
      throw fail("missing gold answer (answer, label, verdict or exe_ans: a string or number)", "answer");
    const question = typeof record["question"] === "string" ? record["question"] : undefined;
    return { benchmark, id, messages: readyMessages(record, fail), gold, ...(question ? { question } : {}) };
  }
  switch (benchmark) {
    case "cflue": {
      const mcq = toCflueMcq(file, index, line, record);
      return { benchmark, id, messages: [{ role: "user", content: cfluePrompt(mcq) }], gold: mcq.answer, question: mcq.question };
    }
    case "finqa": {
      const q = toFinQa(file, index, line, record);
      return { benchmark, id: q.id, messages: [{ role: "user", content: finqaPrompt(q) }], gold: q.exeAns!, question: q.question };
    }
    case "ccc": {
      const d = toComplianceDialogue(file, index, line, record);
      return { benchmark, id: d.id, messages: [{ role: "user", content: cccPrompt(d) }], gold: d.verdict };
    }
  }
}

function readyMessages(record: Record<string, unknown>, fail: (m: string, f?: string) => Error): ChatMessage[] {
  const messages = record["messages"];
  if (messages !== undefined) {
    if (!Array.isArray(messages) || messages.length === 0) throw fail("must be a non-empty list of {role, content}", "messages");
    return messages.map((m, i) => {
      const role = (m as { role?: unknown })?.role;
      const content = (m as { content?: unknown })?.content;
      if (!["system", "user", "assistant"].includes(role as string) || typeof content !== "string")
        throw fail("must be {role: system|user|assistant, content: string}", `messages[${i}]`);
      return { role: role as ChatMessage["role"], content };
    });
  }
  const prompt = record["prompt"] ?? record["instruction"];
  if (typeof prompt !== "string" || prompt.trim() === "") throw fail("must be a non-empty string", "prompt" in record ? "prompt" : "instruction");
  const input = record["input"];
  const content = typeof input === "string" && input.trim() !== "" ? `${prompt}\n${input}` : prompt;
  return [{ role: "user", content }];
}
