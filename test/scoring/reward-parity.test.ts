// The Python reward shipped to verl and the TypeScript scorer must agree on every response.
// Edge-case decisions are documented in src/scoring/answer.ts, src/scoring/cflue.ts and
// src/assets/python/dianjin_reward.py; this file generates responses that exercise each of them.
import { mulberry32 } from "../helpers/prng.js";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { cflueRewardDetail } from "../../src/scoring/cflue.js";

const REWARD_PY = fileURLToPath(new URL("../../src/assets/python/dianjin_reward.py", import.meta.url));
const DRIVER_PY = fileURLToPath(new URL("./fixtures/reward_driver.py", import.meta.url));
const CASES = 6000;

function hasPython(): boolean {
  try {
    execFileSync("python3", ["-c", "import sys; assert sys.version_info >= (3, 8)"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const prng = mulberry32;

interface Case {
  kind: string;
  response: string;
  gold: string;
}

function generateCases(count: number, seed: number): Case[] {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const chance = (p: number) => rand() < p;
  const shuffle = (s: string) => [...s].sort(() => rand() - 0.5).join("");

  const goldOf = () => {
    const letters = [..."ABCDE"].filter(() => chance(0.35));
    return letters.length ? letters.join("") : pick(["A", "B", "C", "D", "E"]);
  };
  const prose = [
    "根据《商业银行法》的规定，选项B错误。",
    "Option C is the best answer because equity is not a liability.",
    "We compare A and D: both are Greek bonds.",
    "资本充足率 = 资本 / 风险加权资产；故选项正确。",
    "先排除法：A 不对，B 也不对。",
    "Ｔｈｅ　ａｎｓｗｅｒ　ｉｓ　Ｃ。",
    "emoji 📈💹 and math $x^{2}+\\frac{1}{2}$",
    "<think> inside text",
    "a stray </answer> tag",
    "",
    "\\boxed{F}",
    "Done.",
  ];
  const boxBody = (gold: string): string => {
    switch (Math.floor(rand() * 22)) {
      case 0:
      case 1:
      case 2:
      case 3:
        return gold;
      case 4:
        return shuffle(gold);
      case 5:
        return [...gold].join(", ");
      case 6:
        return [...gold].join("、");
      case 7:
        return `\\text{${gold}}`;
      case 8:
        return `${gold[0]}. Equity`;
      case 9:
        return gold.toLowerCase();
      case 10:
        return [...gold].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join("");
      case 11:
        return `${gold}H`;
      case 12:
        return "";
      case 13:
        return `{${gold}}`;
      case 14:
        return `\\boxed{${gold}}`;
      case 15:
        return goldOf();
      case 16:
        return `${gold}${pick(["F", "G", "Z", "X"])}`;
      case 17:
        return `\\mathrm{${gold}}`;
      case 18:
        return `${gold} \\{x\\}`;
      case 19:
        return `选项${gold}`;
      case 20:
        return `${gold}\ud800`;
      default:
        return pick(["H", "Ⅰ", "A̐", "Å", "ＡＢ", "答案：" + gold]);
    }
  };
  const box = (gold: string): string => {
    const body = boxBody(gold);
    switch (Math.floor(rand() * 12)) {
      case 0:
        return `\\boxed {${body}}`;
      case 1:
        return `boxed{${body}}`;
      case 2:
        return `\\boxed{${body}`; // unclosed
      case 3:
        return `\\boxed{${body}}}`;
      default:
        return `\\boxed{${body}}`;
    }
  };
  const answerBody = (gold: string): string => {
    const parts: string[] = [];
    if (chance(0.5)) parts.push(pick(prose));
    const boxes = chance(0.1) ? 0 : chance(0.7) ? 1 : 2 + Math.floor(rand() * 3);
    for (let i = 0; i < boxes; i++) parts.push(i === boxes - 1 ? box(gold) : box(goldOf()));
    if (chance(0.3)) parts.push(pick(prose));
    return parts.join(pick([" ", "\n", "", "。"]));
  };
  const thinkBody = (gold: string) => {
    const parts = [pick(prose), pick(prose)];
    if (chance(0.2)) parts.push(box(gold));
    return parts.join("\n");
  };

  const layouts: Array<[string, (think: string, answer: string, gold: string) => string]> = [
    ["normal", (t, a) => `<think>${t}</think>\n<answer>${a}</answer>`],
    ["normal", (t, a) => `<think>\n${t}\n</think>\n\n<answer>\n${a}\n</answer>`],
    ["normal", (t, a) => `${t}<think>${t}</think><answer>${a}</answer>${pick(prose)}`],
    ["missing-think", (_t, a) => `<answer>${a}</answer>`],
    ["missing-think-close", (t, a) => `<think>${t}<answer>${a}</answer>`],
    ["missing-answer", (t, a) => `<think>${t}</think>${a}`],
    ["missing-answer-close", (t, a) => `<think>${t}</think><answer>${a}`],
    ["dup-think", (t, a) => `<think>${t}</think><think>${t}</think><answer>${a}</answer>`],
    ["dup-answer", (t, a, g) => `<think>${t}</think><answer>${answerBody(g)}</answer><answer>${a}</answer>`],
    ["nested-think", (t, a) => `<think><think>${t}</think></think><answer>${a}</answer>`],
    ["nested-answer", (t, a) => `<think>${t}</think><answer><answer>${a}</answer></answer>`],
    ["answer-first", (t, a) => `<answer>${a}</answer><think>${t}</think>`],
    ["answer-in-think", (t, a) => `<think>${t}<answer>${a}</answer></think>`],
    ["reversed-tags", (t, a) => `</think>${t}<think><answer>${a}</answer>`],
    ["reversed-answer", (t, a) => `<think>${t}</think></answer>${a}<answer>`],
    ["box-outside", (t, _a, g) => `<think>${t}</think><answer>${pick(prose)}</answer>\\boxed{${g}}`],
    ["box-straddles", (t, _a, g) => `<think>${t}</think><answer>\\boxed{${g}</answer>}`],
    ["case-tags", (t, a) => `<Think>${t}</Think><answer>${a}</answer>`],
    ["spaced-tags", (t, a) => `<think >${t}</think><answer>${a}</answer>`],
    ["no-tags", (_t, a) => a],
  ];

  const cases: Case[] = [];
  for (let i = 0; i < count; i++) {
    const gold = chance(0.03) ? pick(["", "a", "A,C", "H", "Ａ", "ACG", "abd"]) : goldOf();
    const [kind, layout] = chance(0.55) ? (layouts[Math.floor(rand() * 3)] as (typeof layouts)[number]) : pick(layouts);
    let response = layout(thinkBody(gold), answerBody(gold), gold);
    let tag = kind;
    if (chance(0.05)) {
      response = response.slice(0, Math.floor(rand() * response.length));
      tag += "+truncated";
    }
    if (chance(0.05)) {
      const at = Math.floor(rand() * (response.length + 1));
      response = response.slice(0, at) + pick(["<think>", "</think>", "<answer>", "</answer>", "\\boxed{", "}", "{"]) + response.slice(at);
      tag += "+mutated";
    }
    cases.push({ kind: tag, response, gold });
  }
  return cases;
}

const workdir = mkdtempSync(join(tmpdir(), "reward-parity-"));
afterAll(() => rmSync(workdir, { recursive: true, force: true }));

describe("reward parity: dianjin_reward.py vs src/scoring/cflue.ts", () => {
  it(`scores ${CASES} generated responses identically`, (ctx) => {
    ctx.skip(!hasPython(), "python3 >= 3.8 is not installed");
    const cases = generateCases(CASES, 20250423);
    const jsonl = join(workdir, "cases.jsonl");
    writeFileSync(jsonl, cases.map((c) => JSON.stringify({ response: c.response, gold: c.gold })).join("\n") + "\n");
    const out = JSON.parse(execFileSync("python3", [DRIVER_PY, REWARD_PY, jsonl], { encoding: "utf8", maxBuffer: 64 << 20 })) as {
      scores: Array<[number, number]>;
      api: Record<string, unknown>;
    };
    expect(out.scores).toHaveLength(cases.length);

    const mismatches: string[] = [];
    const kinds = new Map<string, { n: number; rewarded: number }>();
    cases.forEach((c, i) => {
      const ts = cflueRewardDetail(c.response, c.gold);
      const [pyScore, pyFormat] = out.scores[i] as [number, number];
      if (ts.score !== pyScore || (ts.formatOk ? 1 : 0) !== pyFormat) {
        mismatches.push(`#${i} ${c.kind}: ts=${ts.score}/${ts.formatOk} py=${pyScore}/${pyFormat} ${JSON.stringify(c)}`);
      }
      const base = c.kind.split("+")[0] as string;
      const k = kinds.get(base) ?? { n: 0, rewarded: 0 };
      k.n++;
      k.rewarded += ts.score;
      kinds.set(base, k);
    });
    expect(mismatches.slice(0, 5)).toEqual([]);

    // The generator must actually cover both outcomes, or "identical" would be a weak claim.
    const rewarded = cases.filter((c) => cflueRewardDetail(c.response, c.gold).score === 1).length;
    expect(rewarded).toBeGreaterThan(CASES * 0.1);
    expect(rewarded).toBeLessThan(CASES * 0.9);
    expect(kinds.size).toBe(18); // every layout family was generated
    for (const bad of ["missing-think", "dup-think", "nested-think", "answer-first", "answer-in-think", "box-outside", "case-tags"]) {
      expect(kinds.get(bad)?.rewarded, bad).toBe(0);
      expect(kinds.get(bad)?.n ?? 0, bad).toBeGreaterThan(20);
    }

    expect(out.api).toEqual({
      keyword_call: 1.0,
      extra_kwargs: 1.0,
      dict: { score: 1.0, acc: 1.0, format_ok: 1.0 },
      dict_string_false: 1.0,
      none_solution: 0.0,
      bytes_solution: 0.0,
      list_gold: 0.0,
      score_type: "float",
    });
  });
});
