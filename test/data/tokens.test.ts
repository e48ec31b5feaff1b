import { describe, expect, it } from "vitest";
import { countChatTokens, countTokens, encodeTokens, filterByPromptLength, QWEN25_DEFAULT_SYSTEM_PROMPT, renderQwenChat } from "../../src/data/tokens.js";
import { REFERENCE_CHATS, REFERENCE_TEXTS } from "./tokens-reference.js";

describe("Qwen2.5 token counting", () => {
  it("encodes a mixed English/Chinese string to the reference ids", () => {
    // Reference ids from HF tokenizers (Rust) on the same tokenizer.json.
    expect(encodeTokens("Hello world! 你好，世界！")).toEqual([9707, 1879, 0, 220, 108386, 3837, 99489, 6313]);
    expect(countTokens("Hello world! 你好，世界！")).toBe(8);
    expect(countTokens("")).toBe(0);
  });

  it("recognises the ChatML special tokens as single ids", () => {
    expect(encodeTokens("<|im_start|><|im_end|><|endoftext|>")).toEqual([151644, 151645, 151643]);
  });

  it("applies the Qwen2.5-Instruct template with the default system prompt", () => {
    const rendered = renderQwenChat([{ role: "user", content: "Hello" }]);
    expect(rendered).toBe(`<|im_start|>system\n${QWEN25_DEFAULT_SYSTEM_PROMPT}<|im_end|>\n<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n`);
    // Same ids as the Rust tokenizer gives for the jinja-rendered template (see tokens-reference.ts).
    expect(encodeTokens(rendered)).toEqual([
      151644, 8948, 198, 2610, 525, 1207, 16948, 11, 3465, 553, 54364, 14817, 13, 1446, 525, 264, 10950, 17847, 13, 151645, 198, 151644, 872, 198, 9707, 151645,
      198, 151644, 77091, 198,
    ]);
    expect(countChatTokens([{ role: "user", content: "Hello" }])).toBe(30);
    expect(countChatTokens([{ role: "user", content: "Hello" }], { addGenerationPrompt: false })).toBe(27);
  });

  it("matches the Rust tokenizer on mixed, whitespace, emoji and full-width text", () => {
    for (const { text, ids } of REFERENCE_TEXTS) expect(encodeTokens(text), JSON.stringify(text)).toEqual(ids);
  });

  it("renders and counts chats exactly like the jinja chat template", () => {
    for (const { messages, rendered, tokens } of REFERENCE_CHATS) {
      expect(renderQwenChat(messages)).toBe(rendered);
      expect(countChatTokens(messages)).toBe(tokens);
    }
  });

  it("does not add a default system prompt when one is given", () => {
    const messages = [
      { role: "system" as const, content: "S" },
      { role: "user" as const, content: "Hello" },
    ];
    expect(renderQwenChat(messages)).toBe("<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n");
    expect(countChatTokens(messages)).toBe(countTokens(renderQwenChat(messages)));
  });

  it("filterByPromptLength keeps prompts up to and including the limit", () => {
    const rows = [1, 10, 100].map((n) => ({ id: n, prompt: [{ role: "user" as const, content: "金融 ".repeat(n) }] }));
    const lengths = rows.map((r) => countChatTokens(r.prompt));
    const limit = lengths[1] as number;
    const { kept, dropped } = filterByPromptLength(rows, limit);
    expect(kept.map((r) => r.id)).toEqual([1, 10]);
    expect(dropped.map((r) => r.id)).toEqual([100]);
  });
});
