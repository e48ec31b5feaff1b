// The SFT data in a format TRL reads: conversational records `{"messages": [{"role", "content"}, …]}` (SFTTrainer
// applies the model's chat template to them; trl docs "Dataset formats and types"). The stage's datasets are in
// LLaMA-Factory's alpaca or sharegpt layout; they are converted here into one train.jsonl, which `load_dataset` on
// the folder reads as the "train" split. Written once: a stamp of the sources (size, mtime) skips the rewrite.
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { finished } from "node:stream/promises";
import { filesOf, parseRecords, type LlamaFactoryDatasetFile } from "../llamafactory/datasets.js";

export interface Message {
  role: "system" | "user" | "assistant";
  content: string;
}

const text = (v: unknown) => (typeof v === "string" ? v : "");

/** alpaca: system?, (history pairs), instruction + "\n" + input as the user turn, output as the answer. */
function fromAlpaca(r: Record<string, unknown>, file: LlamaFactoryDatasetFile): Message[] {
  const col = (name: string, fallback: string) => file.columns?.[name] ?? fallback;
  const messages: Message[] = [];
  const system = text(r[col("system", "system")]);
  if (system) messages.push({ role: "system", content: system });
  const history = r[col("history", "history")];
  if (Array.isArray(history)) {
    for (const pair of history) {
      if (Array.isArray(pair) && pair.length === 2) messages.push({ role: "user", content: text(pair[0]) }, { role: "assistant", content: text(pair[1]) });
    }
  }
  const prompt = text(r[col("prompt", "instruction")]);
  const query = text(r[col("query", "input")]);
  // LLaMA-Factory joins prompt and query with a newline (data/converter.py, AlpacaDatasetConverter).
  messages.push({ role: "user", content: query ? `${prompt}\n${query}` : prompt }, { role: "assistant", content: text(r[col("response", "output")]) });
  return messages;
}

/** sharegpt: the turns of `conversations`, roles by their tag (human/gpt/system by default). */
function fromSharegpt(r: Record<string, unknown>, file: LlamaFactoryDatasetFile): Message[] {
  const tags = { role_tag: "from", content_tag: "value", user_tag: "human", assistant_tag: "gpt", system_tag: "system", ...file.tags };
  const turns = r[file.columns?.messages ?? "conversations"];
  const messages: Message[] = [];
  const system = text(r[file.columns?.system ?? "system"]);
  if (system) messages.push({ role: "system", content: system });
  for (const turn of Array.isArray(turns) ? (turns as Array<Record<string, unknown>>) : []) {
    const role = turn[tags.role_tag];
    const content = text(turn[tags.content_tag]);
    if (role === tags.user_tag) messages.push({ role: "user", content });
    else if (role === tags.assistant_tag) messages.push({ role: "assistant", content });
    else if (role === tags.system_tag) messages.push({ role: "system", content });
  }
  return messages;
}

export function toMessages(record: unknown, file: LlamaFactoryDatasetFile): Message[] {
  const r = (record ?? {}) as Record<string, unknown>;
  return file.formatting === "alpaca" ? fromAlpaca(r, file) : fromSharegpt(r, file);
}

async function stampOf(files: readonly string[]): Promise<string> {
  const parts = await Promise.all(files.map(async (f) => ({ f, ...(({ size, mtimeMs }) => ({ size, mtimeMs }))(await stat(f)) })));
  return JSON.stringify(parts);
}

/**
 * Writes `<dir>/train.jsonl` from the datasets in order, unless the stamp says these very sources were converted
 * already. Returns the number of records written (undefined when skipped).
 */
export async function writeTrlDataset(dir: string, datasets: ReadonlyArray<LlamaFactoryDatasetFile>): Promise<number | undefined> {
  const sources = (await Promise.all(datasets.map((d) => filesOf(d.path)))).flat();
  const stamp = await stampOf(sources);
  const stampFile = join(dir, "sources.json");
  if ((await readFile(stampFile, "utf8").catch(() => "")) === stamp && (await stat(join(dir, "train.jsonl")).catch(() => undefined))) return undefined;
  await mkdir(dir, { recursive: true });
  const partial = join(dir, "train.jsonl.partial");
  const out = createWriteStream(partial);
  let count = 0;
  for (const dataset of datasets) {
    for (const file of await filesOf(dataset.path)) {
      for (const record of parseRecords(await readFile(file, "utf8"), file)) {
        if (!out.write(`${JSON.stringify({ messages: toMessages(record, dataset) })}\n`)) await new Promise<void>((r) => out.once("drain", () => r()));
        count++;
      }
    }
  }
  out.end();
  await finished(out);
  // Whole or absent: the file appears under its name only once complete, and the stamp after it.
  await rename(partial, join(dir, "train.jsonl"));
  await writeFile(stampFile, stamp);
  return count;
}
