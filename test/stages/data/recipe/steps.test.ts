// Single steps and failure handling of the recipe.
import { afterEach, describe, expect, it } from "vitest";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { buildData } from "../../../../src/stages/data/recipe/index.js";
import { ruleFilter } from "../../../../src/stages/data/recipe/filter.js";
import { finqaItem, mcqItem } from "../../../../src/stages/data/recipe/items.js";
import { loadPrompts } from "../../../../src/stages/data/recipe/prompts.js";
import { isConversionCandidate, parseConversion } from "../../../../src/stages/data/recipe/convert.js";
import { dataStageSchema } from "../../../../src/stages/data/config.js";
import { loadPromptTemplate } from "../../../../src/data/rl-rows.js";
import { StageError } from "../../../../src/errors.js";
import { tempDir } from "../../../helpers/tmp.js";
import type { StandInServer } from "../../../fixtures/openai-server.js";
import { FAST_CLIENT, mcqRecords, standIn, writeSources } from "./fixtures.js";

const servers: StandInServer[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});

const prompts = loadPrompts();
const mcqTemplate = loadPromptTemplate(prompts.question_mcq.path);

describe("filter", () => {
  it("drops missing answers and questions outside the length bounds, keeping input order", () => {
    const mcq = (index: number, question: string) =>
      mcqItem({ index, exam: "x", task: "单项选择题", question, choices: { A: "1", B: "2" }, answer: "A", analysis: null }, mcqTemplate);
    const noAnswer = finqaItem({ index: 0, id: "f-0", preText: [], postText: [], table: [["a", "1"]], question: "what is a?" }, prompts);
    const filter = dataStageSchema.parse({ released: "/x" }).filter;
    const { kept, verdicts } = ruleFilter([mcq(0, "短"), mcq(1, "正常长度的题目"), mcq(2, "长".repeat(4001)), noAnswer], filter);
    expect(kept.map((i) => i.id)).toEqual(["cflue_mcq:1"]);
    expect(Object.fromEntries(verdicts)).toEqual({
      "cflue_mcq:0": { status: "rejected", reason: "too-short" },
      "cflue_mcq:2": { status: "rejected", reason: "too-long" },
      "finqa:0:f-0": { status: "rejected", reason: "missing-answer" },
    });
  });
});

describe("conversion", () => {
  it("offers a seeded share of MCQs, independent of input order", () => {
    const items = Array.from({ length: 400 }, (_, i) =>
      mcqItem({ index: i, exam: "x", task: "单项选择题", question: `q${i}`, choices: { A: "1", B: "2" }, answer: "A", analysis: null }, mcqTemplate),
    );
    const picked = items.filter((i) => isConversionCandidate(i, 42, 0.15)).length;
    expect(picked).toBeGreaterThan(40);
    expect(picked).toBeLessThan(80);
    expect(items.filter((i) => isConversionCandidate(i, 43, 0.15)).map((i) => i.id)).not.toEqual(
      items.filter((i) => isConversionCandidate(i, 42, 0.15)).map((i) => i.id),
    );
  });

  it("reads the rewritten question and reference, or a refusal", () => {
    expect(parseConversion("<question>什么是回购？</question>\n<reference>一种融资安排</reference>")).toEqual({
      question: "什么是回购？",
      reference: "一种融资安排",
    });
    expect(parseConversion("\\boxed{NOT_CONVERTIBLE}")).toBeNull();
    expect(parseConversion("<question>只有问题</question>")).toBeNull();
  });
});

describe("requests that cannot be finished", () => {
  it("fail the build with the items and reasons, write no outputs, and a rerun re-sends only what was not journaled", async () => {
    const dir = await tempDir("recipe-unfinished-");
    const paths = await writeSources(join(dir, "src"), { cflue_mcq: mcqRecords([{ gold: "A" }, { gold: "B" }, { gold: "C" }]) });
    const healthy = await standIn();
    const broken = await standIn({ faults: { error500: 1 } });
    servers.push(healthy, broken);
    const config = (distillUrl: string) =>
      dataStageSchema.parse({
        sources: paths,
        endpoints: { check: { model: "gpt-4o", base_url: healthy.baseUrl }, distill: { model: "deepseek-r1", base_url: distillUrl } },
        convert_fraction: 0,
      });
    const out = join(dir, "out");
    const error = (await buildData({ config: config(broken.baseUrl), outputDir: out, downloadRoot: dir, client: { ...FAST_CLIENT, maxAttempts: 2 } }).then(
      () => undefined,
      (e: unknown) => e,
    )) as StageError;
    expect(error).toBeInstanceOf(StageError);
    expect(error.failure.id).toBe("requests-unfinished");
    expect(error.failure.summary).toMatch(/3 items could not be finished.*cflue_mcq:0 \(distill: server-error: .*HTTP 500/);
    expect(await stat(join(out, "complete.json")).catch(() => undefined)).toBeUndefined();
    expect(await stat(join(out, "items.jsonl")).catch(() => undefined)).toBeUndefined();
    const checks = healthy.stats.requests;
    expect(checks).toBe(3);

    // Same requests (the journal key has no URL), now to a working server: the checks come from the journal.
    const result = await buildData({ config: config(healthy.baseUrl), outputDir: out, downloadRoot: dir, client: FAST_CLIENT });
    expect(result.sent.check).toBe(0);
    expect(result.sent.distill).toBe(3);
    expect(result.counts).toEqual({ sft: 3, rl: 0, rejected: 0, unfinished: 0 });
    expect((await readFile(join(out, "items.jsonl"), "utf8")).trim().split("\n")).toHaveLength(3);
  });
});
