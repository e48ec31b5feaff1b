// What freezing the plan costs: frozenCopy (copy + Object.freeze of every plain object, issue 11) over the plan of
// configs/dianjin-r1-7b.yaml, beside planning that same config, in one process, interleaved round by round.
// The copy is a small share of planning (which reads state, checkpoints and input files).
// Usage: node scripts/bench/plan-freeze.mjs [--quick]  (after `npm run build`; RUNS=n rounds, default 30)
import { fileURLToPath } from "node:url";
import { full, stats, show } from "./lib.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const { planPipeline } = await import(`${root}dist/pipeline/plan.js`);
const { frozenCopy } = await import(`${root}dist/pipeline/freeze.js`);
const runs = Number(process.env.RUNS ?? full(30, 2));
const warmUp = full(3, 1);
const config = `${root}configs/dianjin-r1-7b.yaml`;

const planMs = [];
const freezeMs = [];
const ratio = [];
for (let i = 0; i < runs + warmUp; i++) {
  let t = process.hrtime.bigint();
  const plan = await planPipeline(config, { env: {} });
  const p = Number(process.hrtime.bigint() - t) / 1e6;
  t = process.hrtime.bigint();
  frozenCopy(plan, new Set(["definition"]));
  const f = Number(process.hrtime.bigint() - t) / 1e6;
  if (i < warmUp) continue; // warm-up: module loading, JIT
  planMs.push(p);
  freezeMs.push(f);
  ratio.push(f / p);
}
show("planPipeline (includes its own frozenCopy)", stats(planMs), "ms", 2);
show("frozenCopy of that plan", stats(freezeMs), "ms", 3);
show("frozenCopy / planPipeline, per round", stats(ratio), "×", 4);
