// `rescore` through the built CLI on a finished eval workdir: the eval runs against the stand-in OpenAI server, its
// scores and verdicts are then put back as the version-1 scorers recorded them (an evaluation from an older
// release), and `rescore` re-reads the raw outputs with the current rules — no model call — keeping the old files.
import { describe, expect, it } from "vitest";
import { readFile, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { cli, readJson } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";
import { startOpenAIServer, type ChatBody, type ScriptedAnswer } from "../fixtures/openai-server.js";

// Each prompt gets an answer whose verdict the version-1 rules got wrong (see src/scoring/version.ts).
const ANSWERS: Record<string, ScriptedAnswer> = {
  "cflue-1": { content: "<think>股票是权益。</think><answer>\\boxed{B. Equity}</answer>" }, // v1 strict: not-options
  "ccc-1": { content: "违规", reasoning: "坐席承诺保本收益。" }, // vLLM reasoning parser: v1 found no label
  "finqa-1": { content: "<think>1 of 8</think><answer>\\boxed{\\frac{1}{8}}</answer>" }, // v1 read 18
  "finqa-2": { content: "<think>in dollars</think><answer>\\boxed{12.34}</answer>" }, // v1 accepted ×100 for a gold of 1234
};
// What version 1 recorded for them: item score per id.
const V1 = { "cflue-1": 0, "ccc-1": 0, "finqa-1": 0, "finqa-2": 1 } as Record<string, number>;

const answer = (body: ChatBody): ScriptedAnswer => ANSWERS[/\[(\S+)\]/.exec(body.messages.at(-1)!.content)![1]!]!;
const record = (id: string, gold: string | number) => JSON.stringify({ id, prompt: `[${id}] 请把答案放进 \\boxed{} 中。`, answer: gold });

async function v1Workdir(outputDir: string): Promise<void> {
  for (const b of ["cflue", "ccc", "finqa"]) {
    const file = join(outputDir, "results", `${b}.jsonl`);
    const lines = (await readFile(file, "utf8")).trim().split("\n");
    const old = lines.map((l) => {
      const r = JSON.parse(l);
      const correct = V1[r.id] === 1;
      return JSON.stringify({
        ...r,
        score: V1[r.id],
        samples: r.samples.map(({ why: _w, formatWhy: _f, ...s }: Record<string, unknown>) => ({ ...s, correct })),
      });
    });
    await writeFile(file, old.join("\n") + "\n");
  }
  await writeFile(join(outputDir, "scores.json"), JSON.stringify({ cflue: 0, finqa: 50, ccc: 0 }));
}

describe("rescore", () => {
  it("re-scores saved answers with the current rules, keeps the old files, prints what changed; report labels the rules", async () => {
    const server = await startOpenAIServer({ answer });
    try {
      const dir = await tempDir("dianjin-rescore-");
      await writeFile(join(dir, "cflue.jsonl"), record("cflue-1", "B") + "\n");
      await writeFile(join(dir, "ccc.jsonl"), record("ccc-1", "violation") + "\n");
      await writeFile(join(dir, "finqa.jsonl"), [record("finqa-1", 0.125), record("finqa-2", 1234)].join("\n") + "\n");
      const file = join(dir, "exp.yaml");
      await writeFile(
        file,
        `name: rs\nworkdir: runs\nmodel: { base: Qwen/Qwen2.5-0.5B-Instruct }\ncluster: { gpus_per_node: 1 }\nstages:
  eval:
    benchmarks: { cflue: { path: cflue.jsonl }, ccc: { path: ccc.jsonl }, finqa: { path: finqa.jsonl } }
    endpoint: { base_url: ${server.baseUrl}, model: standin }
    scoring: { cflue_mode: strict }
`,
      );
      const evaluated = await cli(["eval", file]);
      expect(evaluated.exitCode, evaluated.all).toBe(0);
      const out = join(dir, "runs", "eval", "output");
      expect(await readJson(join(out, "scores.json"))).toEqual({ cflue: 100, finqa: 50, ccc: 100, scoring_version: 2 });
      const requests = server.stats.requests;

      await v1Workdir(out);
      const oldScores = await readFile(join(out, "scores.json"), "utf8");
      const oldFinqa = await readFile(join(out, "results", "finqa.jsonl"), "utf8");
      const rescored = await cli(["rescore", file]);
      expect(rescored.exitCode, rescored.all).toBe(0);
      expect(server.stats.requests).toBe(requests); // no model call
      expect(rescored.stdout).toContain("scoring rules v1 → v2");
      expect(rescored.stdout).toContain("cflue: 0.00 → 100.00 (+100.00); 1 of 1 items changed verdict: 1 now right, 0 now wrong");
      expect(rescored.stdout).toContain("ccc: 0.00 → 100.00 (+100.00); 1 of 1 items changed verdict: 1 now right, 0 now wrong");
      expect(rescored.stdout).toContain("finqa: 50.00 → 50.00 (+0.00); 2 of 2 items changed verdict: 1 now right, 1 now wrong");
      expect(rescored.stdout).toContain(`previous scores kept as ${join(out, "scores.v1.json")}`);

      // The old files are kept under their version; the new ones say why each verdict is what it is.
      expect(await readFile(join(out, "scores.v1.json"), "utf8")).toBe(oldScores);
      expect(await readFile(join(out, "results", "finqa.v1.jsonl"), "utf8")).toBe(oldFinqa);
      expect(await readJson(join(out, "scores.json"))).toEqual({ cflue: 100, finqa: 50, ccc: 100, scoring_version: 2 });
      const finqa = (await readFile(join(out, "results", "finqa.jsonl"), "utf8"))
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      expect(finqa[0].samples[0]).toMatchObject({ correct: true, why: expect.stringContaining("0.125") });
      expect(finqa[1].samples[0]).toMatchObject({ correct: false, reason: "wrong", why: expect.stringContaining("gold 1234") });
      expect((await readJson<{ scoring_version: number }>(join(out, "summary.json"))).scoring_version).toBe(2);

      // A second rescore finds nothing to change and keeps the version-1 file as it is.
      const again = await cli(["rescore", file, "--json"]);
      expect(again.exitCode, again.all).toBe(0);
      const json = JSON.parse(again.stdout) as { fromVersion: number; benchmarks: Array<{ changed: number }> };
      expect(json.fromVersion).toBe(2);
      expect(json.benchmarks.map((b) => b.changed)).toEqual([0, 0, 0]);
      expect(await readFile(join(out, "scores.v1.json"), "utf8")).toBe(oldScores);

      // The report of this 0.5B run: the nearest paper size, labelled; no Δ; every score links its rules.
      const report = await cli(["report", file]);
      expect(report.exitCode, report.all).toBe(0);
      const md = await readFile(join(dir, "runs", "report", "report.md"), "utf8");
      expect(md).toContain("| 100.00 [v2](#scoring) |");
      expect(md).toContain("DianJin-R1-7B (paper, nearest size 7B)");
      expect(md).not.toContain("DianJin-R1-32B");
      expect(md).not.toContain("Δ vs");
      expect(md).not.toMatch(/compared with DianJin/);
    } finally {
      await server.close();
    }
  });

  it("without a finished evaluation it says so and exits 3", async () => {
    const dir = await tempDir("dianjin-rescore-");
    const file = join(dir, "exp.yaml");
    await writeFile(join(dir, "c.jsonl"), record("x", "A") + "\n");
    await writeFile(
      file,
      `name: rs\nworkdir: runs\nmodel: { base: Qwen/Qwen2.5-7B-Instruct }\ncluster: { gpus_per_node: 1 }\nstages:
  eval:
    benchmarks: { cflue: { path: c.jsonl } }
    endpoint: { base_url: http://127.0.0.1:9/v1, model: m }
`,
    );
    const result = await cli(["rescore", file]);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/no saved evaluation to re-score \(run the eval stage first\)/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, "runs", "eval", "output", "scores.v1.json"))).toBe(false);
  });
});
