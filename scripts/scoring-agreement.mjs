#!/usr/bin/env node
// Agreement of the scorers with the labelled corpus (test/fixtures/scoring-corpus/*.jsonl): per scorer, how many
// cases the scorer decides as the grader did, and each disagreement with both reasons. With --compare, also how many
// verdicts differ between the given scorers and another build of them (e.g. an older release).
//
// usage: node scripts/scoring-agreement.mjs [--scorers dist/scoring/index.js] [--corpus DIR] [--compare OLD/index.js] [--json]
// (build first: npm run build). test/scoring/corpus.test.ts runs the same function on the TypeScript sources.
import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const REPO = fileURLToPath(new URL("../", import.meta.url));
export const CORPUS_DIR = join(REPO, "test/fixtures/scoring-corpus");

/** Every case of the corpus, each tagged with its file's scorer ("finqa", "ccc", "cflue", "format"). */
export async function loadCorpus(dir = CORPUS_DIR) {
  const cases = [];
  for (const name of (await readdir(dir)).filter((n) => n.endsWith(".jsonl")).sort()) {
    const file = name.replace(/\.jsonl$/, "");
    const lines = (await readFile(join(dir, name), "utf8")).split("\n").filter((l) => l.trim());
    for (const line of lines) cases.push({ file, ...JSON.parse(line) });
  }
  return cases;
}

/** Which scorer a case exercises: CFLUE cases name their mode ("cflue-strict", "cflue-seed"). */
export function scorerOf(c) {
  return c.file === "cflue" ? `cflue-${c.mode ?? "strict"}` : c.file;
}

/** The scorer's verdict on one case, with its reason (`why` where the scorers give one, else their reason code). */
export function verdictOf(scorers, c) {
  switch (c.file) {
    case "finqa": {
      const s = scorers.scoreFinqa(c.content, c.gold, c.question ? { question: c.question } : {});
      return { verdict: s.correct, why: s.why ?? s.reason };
    }
    case "ccc": {
      const s = scorers.scoreCcc(c.content, c.gold);
      return { verdict: s.correct, why: s.why ?? s.reason };
    }
    case "cflue": {
      const s = scorers.scoreCflue(c.content, c.gold, { mode: c.mode ?? "strict" });
      return { verdict: s.correct, why: s.why ?? s.reason };
    }
    case "format": {
      const s = scorers.checkFormat(c.content, c.reasoning);
      return { verdict: s.ok, why: s.why ?? s.problem ?? "ok" };
    }
    default:
      throw new Error(`unknown corpus file ${c.file}.jsonl`);
  }
}

/** Per scorer: cases, agreements, and the disagreements (id, expected, got, the grader's and the scorer's reasons). */
export function runCorpus(cases, scorers) {
  const byScorer = {};
  for (const c of cases) {
    const key = scorerOf(c);
    const entry = (byScorer[key] ??= { cases: 0, agree: 0, disagreements: [] });
    const got = verdictOf(scorers, c);
    entry.cases++;
    if (got.verdict === c.expected) entry.agree++;
    else entry.disagreements.push({ id: c.id, expected: c.expected, got: got.verdict, grader: c.why, scorer: got.why });
  }
  return byScorer;
}

/** Cases whose verdict differs between two builds of the scorers, per scorer. */
export function changedVerdicts(cases, now, before) {
  const changed = {};
  for (const c of cases) {
    const key = scorerOf(c);
    changed[key] ??= { cases: 0, changed: 0, nowRight: 0, nowWrong: 0 };
    changed[key].cases++;
    const a = verdictOf(now, c).verdict;
    const b = verdictOf(before, c).verdict;
    if (a === b) continue;
    changed[key].changed++;
    if (a === c.expected) changed[key].nowRight++;
    else changed[key].nowWrong++;
  }
  return changed;
}

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--json") out.json = true;
    else if (a.startsWith("--")) out[a.slice(2)] = argv[++i];
  }
  return out;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const scorers = await import(pathToFileURL(resolve(args.scorers ?? join(REPO, "dist/scoring/index.js"))).href);
  const cases = await loadCorpus(args.corpus ? resolve(args.corpus) : CORPUS_DIR);
  const result = runCorpus(cases, scorers);
  const compare = args.compare ? changedVerdicts(cases, scorers, await import(pathToFileURL(resolve(args.compare)).href)) : undefined;
  if (args.json) {
    console.log(JSON.stringify({ agreement: result, ...(compare ? { changed: compare } : {}) }, null, 2));
    return;
  }
  for (const [scorer, r] of Object.entries(result)) {
    console.log(`${scorer}: ${r.agree}/${r.cases} agree (${((100 * r.agree) / r.cases).toFixed(1)}%)`);
    for (const d of r.disagreements) console.log(`  ${d.id}: grader ${d.expected} (${d.grader}); scorer ${d.got} (${d.scorer})`);
  }
  if (compare) {
    console.log("verdicts changed vs --compare:");
    for (const [scorer, c] of Object.entries(compare))
      console.log(`  ${scorer}: ${c.changed}/${c.cases} (${c.nowRight} now agree with the grader, ${c.nowWrong} no longer do)`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
