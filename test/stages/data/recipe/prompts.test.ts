import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { writeFile } from "node:fs/promises";
import { loadPrompts, PROMPT_NAMES } from "../../../../src/stages/data/recipe/index.js";
import { renderTemplate } from "../../../../src/stages/data/recipe/template.js";
import { ConfigError } from "../../../../src/errors.js";
import { tempDir } from "../../../helpers/tmp.js";

describe("prompt templates", () => {
  it("every shipped template loads with its placeholders", () => {
    const prompts = loadPrompts();
    expect(Object.keys(prompts).sort()).toEqual([...PROMPT_NAMES].sort());
    expect(prompts.judge.text).toContain("{{reference}}");
    expect(prompts.question_mcq.path).toMatch(/cflue_mcq_rl\.txt$/);
  });

  it("an override replaces the shipped file; a typo in a placeholder or a missing one is a ConfigError naming the file", async () => {
    const dir = await tempDir();
    const good = join(dir, "judge.txt");
    await writeFile(good, "Q {{question}} R {{reference}} A {{response}}");
    expect(loadPrompts({ judge: good }).judge.text).toBe("Q {{question}} R {{reference}} A {{response}}");
    const bad = join(dir, "bad.txt");
    await writeFile(bad, "Q {{question}} R {{refernce}}");
    const error = (() => {
      try {
        loadPrompts({ judge: bad });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.file).toBe(bad);
    expect(error!.message).toMatch(/unknown placeholder \{\{refernce\}\}/);
    expect(error!.message).toMatch(/lacks the \{\{response\}\} placeholder/);
  });

  it("fills placeholders in one pass (a value that looks like a placeholder is left alone)", () => {
    const t = { name: "t", path: "t", text: "a {{x}} b {{ y }}\n\n", sha256: "" };
    expect(renderTemplate(t, { x: "{{y}}", y: "2" })).toBe("a {{y}} b 2");
  });
});
