// rescoreEval on a hand-made output folder: judge verdicts are kept, the FinQA decrease rule reads the questions from
// the benchmark file, EvalScope scores are carried over, and the files of the older rules are kept once.
import { describe, expect, it } from "vitest";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { rescoreEval } from "../../../src/stages/eval/rescore.js";
import { evalStageSchema } from "../../../src/stages/eval/config.js";
import { PreflightError } from "../../../src/errors.js";
import { tempDir } from "../../helpers/tmp.js";

const sample = (output: string, extra: Record<string, unknown> = {}) => ({
  output,
  reasoning: null,
  finishReason: "stop",
  answer: null,
  correct: false,
  reason: "no-answer",
  formatOk: false,
  ...extra,
});
const item = (id: string, gold: number, samples: unknown[], score: number) => ({ id, gold, score, samples, usage: { promptTokens: 1, completionTokens: 1 } });

async function folder(finqa: unknown[]): Promise<{ out: string; bench: string }> {
  const dir = await tempDir("dianjin-rescore-unit-");
  const out = join(dir, "output");
  await mkdir(join(out, "results"), { recursive: true });
  await writeFile(join(out, "scores.json"), JSON.stringify({ finqa: 0, math500: 61.2 }));
  await writeFile(join(out, "results", "finqa.jsonl"), finqa.map((r) => JSON.stringify(r)).join("\n") + "\n");
  const bench = join(dir, "finqa.jsonl");
  await writeFile(
    bench,
    [
      { id: "d", prompt: "p", question: "what was the decline in revenue (in millions)?", answer: 12 },
      { id: "j", prompt: "p", question: "what is the ratio?", answer: 0.125 },
    ]
      .map((r) => JSON.stringify(r))
      .join("\n") + "\n",
  );
  return { out, bench };
}

describe("rescoreEval", () => {
  it("re-reads outputs, keeps judge verdicts, uses the questions, carries EvalScope scores, keeps old files once", async () => {
    const { out, bench } = await folder([
      item("d", 12, [sample("<think>x</think>There was a decline of $12 million.")], 0),
      item(
        "j",
        0.125,
        [sample("<think>x</think>\\boxed{\\frac{1}{8}}", { judge: { verdict: 0, form: "single", output: "\\boxed{0}", numericCorrect: false } })],
        0,
      ),
    ]);
    const cfg = evalStageSchema.parse({ benchmarks: { finqa: { path: bench }, math500: {} } });
    const result = await rescoreEval(out, cfg);
    expect(result).toMatchObject({ fromVersion: 1, toVersion: 2, carried: ["math500"] });
    expect(result.benchmarks).toEqual([
      expect.objectContaining({ benchmark: "finqa", before: 0, after: 50, changed: 1, nowRight: 1, nowWrong: 0, judgeKept: true, questionsMissing: false }),
    ]);
    const lines = (await readFile(join(out, "results", "finqa.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines[0].samples[0]).toMatchObject({ correct: true, why: expect.stringContaining("question asks for the decrease") });
    // The judge said 0: the item stays wrong; the numeric cross-check beside it is now right.
    expect(lines[1].samples[0]).toMatchObject({ correct: false, judge: { verdict: 0, numericCorrect: true } });
    expect(JSON.parse(await readFile(join(out, "scores.json"), "utf8"))).toEqual({ finqa: 50, math500: 61.2, scoring_version: 2 });
    expect(JSON.parse(await readFile(join(out, "scores.v1.json"), "utf8"))).toEqual({ finqa: 0, math500: 61.2 });

    // Without the benchmark file the decrease rule has no question: the item is wrong again, and that is said.
    const again = await rescoreEval(out, evalStageSchema.parse({ benchmarks: { finqa: { path: join(out, "gone.jsonl") } } }));
    expect(again.benchmarks[0]).toMatchObject({ questionsMissing: true, after: 0, nowWrong: 1 });
    expect(JSON.parse(await readFile(join(out, "scores.v1.json"), "utf8"))).toEqual({ finqa: 0, math500: 61.2 });
    expect(JSON.parse(await readFile(join(out, "scores.v2.json"), "utf8"))).toMatchObject({ finqa: 50, scoring_version: 2 });
  });

  it("refuses a folder without saved results", async () => {
    const dir = await tempDir("dianjin-rescore-unit-");
    await expect(rescoreEval(dir, undefined)).rejects.toThrow(PreflightError);
    await writeFile(join(dir, "scores.json"), JSON.stringify({ math500: 50 }));
    await expect(rescoreEval(dir, undefined)).rejects.toThrow(/no saved results/);
  });
});
