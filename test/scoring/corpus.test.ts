// Every scorer against the labelled corpus (test/fixtures/scoring-corpus/*.jsonl, README "Scoring rules"): each case
// is decided as the grader did. scripts/scoring-agreement.mjs prints the same figures for a build.
import { describe, expect, it } from "vitest";
import * as scorers from "../../src/scoring/index.js";
// @ts-expect-error -- a plain .mjs script without type declarations
import { loadCorpus, runCorpus, scorerOf } from "../../scripts/scoring-agreement.mjs";

interface Case {
  id: string;
  file: string;
  kind: string;
  expected: boolean;
  why: string;
}

const cases = (await loadCorpus()) as Case[];

describe("the labelled scoring corpus", () => {
  it("has at least 200 cases, each with an expected verdict and the grader's reason, ids unique", () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    for (const c of cases) {
      expect(typeof c.expected, c.id).toBe("boolean");
      expect(c.why.length, c.id).toBeGreaterThan(3);
    }
  });

  it("covers every scorer with right and wrong verdicts", () => {
    for (const scorer of ["finqa", "ccc", "cflue-strict", "cflue-seed", "format"]) {
      const mine = cases.filter((c) => scorerOf(c) === scorer);
      expect(
        mine.some((c) => c.expected),
        scorer,
      ).toBe(true);
      expect(
        mine.some((c) => !c.expected),
        scorer,
      ).toBe(true);
    }
  });

  const result = runCorpus(cases, scorers) as Record<string, { cases: number; agree: number; disagreements: unknown[] }>;
  for (const [scorer, r] of Object.entries(result)) {
    it(`${scorer}: every case decided as the grader did (${r.cases} cases)`, () => {
      expect(r.disagreements).toEqual([]);
      expect(r.agree).toBe(r.cases);
    });
  }
});
