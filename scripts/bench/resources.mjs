// What the resource estimates add to `plan`: in one warm process, the whole planFromLoaded of the 7B recipe vs the
// three stage estimates alone (SFT, GRPO, deploy); and on a generated SFT file of ~50 MB, the token estimate by
// parsing every record and by sampling the first MB (what plan does above 16 MB) vs reading + JSON.parse (the floor
// of any exact count).
import { mkdtempSync, writeFileSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { full, stats, show } from "./lib.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const runs = Number(process.env.RUNS ?? full(15, 1));
const { loadExperiment } = await import(`${root}dist/config/load.js`);
const { planFromLoaded } = await import(`${root}dist/pipeline/plan.js`);
const { tokensFromFiles } = await import(`${root}dist/resources/sft-tokens.js`);
const { sftStageSchema } = await import(`${root}dist/stages/sft/config.js`);

async function timeMs(fn) {
  const out = [];
  for (let i = 0; i < runs + 2; i++) {
    const t = process.hrtime.bigint();
    await fn();
    if (i >= 2) out.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return stats(out);
}

const loaded = await loadExperiment(join(root, "configs/dianjin-r1-7b.yaml"), {});
const plan = await planFromLoaded(loaded);
const gpuStages = plan.stages.filter((s) => s.definition.resources);
const whole = await timeMs(() => planFromLoaded(loaded));
const estimates = await timeMs(() => Promise.all(gpuStages.map((s) => s.definition.resources(s.context))));
show("planFromLoaded, 7B recipe (warm)", whole, "ms", 2);
show("its 3 GPU-stage estimates alone", estimates, "ms", 2);
console.log(`share of plan: ${((estimates.median / whole.median) * 100).toFixed(1)}%`);

const dir = mkdtempSync(join(tmpdir(), "bench-res-"));
const file = join(dir, "sft.json");
const record = (i) => ({
  instruction: `以下是一道单项选择题：某债券面值100元，票面利率5%，问题 ${i}`,
  input: "",
  output: `<think>\n${"面值乘以利率，得到年利息。".repeat(60)}\n</think>\n\n<answer>\\boxed{A}</answer>`,
});
writeFileSync(file, JSON.stringify(Array.from({ length: full(20_000, 300) }, (_, i) => record(i))));
const sft = sftStageSchema.parse({ datasets: ["d"], dataset_files: { d: { path: file } } });
const parseOnly = await timeMs(async () => JSON.parse(readFileSync(file, "utf8")));
const counted = await timeMs(() => tokensFromFiles(sft, 16384, Infinity));
const sampled = await timeMs(() => tokensFromFiles(sft, 16384));
const mb = (statSync(file).size / 2 ** 20).toFixed(0);
show(`read + JSON.parse of a ${mb} MB SFT file (floor)`, parseOnly, "ms");
show("token estimate parsing every record", counted, "ms");
show("token estimate from the first MB (plan's path above 16 MB)", sampled, "ms", 2);
console.log(`ratios to the floor: parse-all ${(counted.median / parseOnly.median).toFixed(2)}×, sampled ${(sampled.median / parseOnly.median).toFixed(4)}×`);
const [a, b] = [await tokensFromFiles(sft, 16384, Infinity), await tokensFromFiles(sft, 16384)];
console.log(`tokens: parse-all ${a.tokens}, sampled ${b.tokens} (${(((b.tokens - a.tokens) / a.tokens) * 100).toFixed(1)}%)`);
rmSync(dir, { recursive: true, force: true });
