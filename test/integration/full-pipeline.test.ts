// The whole recipe through one `run`: sft → grpo → merge → deploy → eval, then `report`, with every GPU tool a
// stand-in. Checks the hand-offs: SFT output → GRPO model, GRPO checkpoints → merge, merged folder → vLLM, the
// server's endpoint → eval, and the curves and scores → the report.
import { describe, expect, it } from "vitest";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cli, makeExperiment, stageState, STANDIN_BIN } from "../helpers/cli.js";
import { MERGER_STANDIN } from "../fixtures/merge/make-checkpoint.js";

const EVAL_FIXTURES = fileURLToPath(new URL("../fixtures/eval/", import.meta.url));

describe("the whole pipeline", () => {
  it("runs every stage once, hands each output to the next, skips everything on a rerun, and reports", async () => {
    const options = ["A", "B", "C", "D"];
    const mcq = Array.from({ length: 48 }, (_, i) => ({
      名称: "证券从业资格",
      task: "单项选择题",
      question: `虚构题目 ${i}？`,
      choices: `{${options.map((o) => `'${o}': '选项${o}${i}'`).join(", ")}}`,
      answer: options[i % 4],
      analysis: "",
    }));
    const exp = await makeExperiment({
      cluster: "{ gpus_per_node: 2 }",
      // The stand-in speaks current verl; stated, so the run does not ask this machine's python3 for verl.
      top: `tools:\n  verl: { command: [${JSON.stringify(join(STANDIN_BIN, "verl-standin"))}], version: "0.7.0" }\n  verl_merger: { command: [${JSON.stringify(MERGER_STANDIN)}] }`,
      sft: `  grpo:
    rl_data: { cflue_mcq: data/cflue_mcq.json }
    data: { train_batch_size: 8 }
    actor: { ppo_mini_batch_size: 4, ppo_micro_batch_size_per_gpu: 1 }
    rollout: { n: 2, tensor_model_parallel_size: 1 }
    trainer: { total_epochs: 1, save_freq: 2, test_freq: -1 }
  merge: { step: latest }
  deploy: { replicas: 2, startup_timeout_minutes: 1 }
  eval:
    benchmarks:
      cflue: { path: ${JSON.stringify(join(EVAL_FIXTURES, "cflue.json"))} }
      math500: { limit: 2 }
    sampling: { max_tokens: 256 }
`,
    });
    await writeFile(join(exp.dir, "data/cflue_mcq.json"), JSON.stringify(mcq));

    const run = await cli(["run", exp.file], { env: { VERL_STANDIN_STEP_MS: "5" } });
    expect(run.exitCode, run.all).toBe(0);
    for (const stage of ["sft", "grpo", "merge", "eval"]) expect((await stageState(exp, stage)).status, stage).toBe("completed");
    expect((await stageState(exp, "deploy")).status).toBe("stopped");
    expect(run.stderr).toMatch(/\[grpo\] \d+\/\d+ \d+%/);
    expect(run.stderr).toMatch(/deploy: .*serving at http:\/\/127\.0\.0\.1:\d+,http:\/\/127\.0\.0\.1:\d+/s);

    const scores = JSON.parse(await readFile(join(exp.workdir, "eval/output/scores.json"), "utf8")) as Record<string, number>;
    expect(Object.keys(scores).sort()).toEqual(["cflue", "math500", "scoring_version"]);
    // The end of the run names each stage's main output (the deploy servers were stopped, so no address).
    expect(run.stderr).toContain(`  eval    scores ${join(exp.workdir, "eval/output/scores.json")}`);
    expect(run.stderr).toMatch(/^ {2}sft {5}model \S+\n {2}grpo {4}checkpoints \S+\n {2}merge {3}merged model \S+\n {2}eval {4}scores /m);

    const again = JSON.parse((await cli(["plan", exp.file, "--json"])).stdout) as { stages: Array<{ name: string; action: string }> };
    expect(again.stages.map((s) => [s.name, s.action])).toEqual([
      ["sft", "skip"],
      ["grpo", "skip"],
      ["merge", "skip"],
      ["deploy", "skip"], // no GPU is loaded for an eval that is up to date
      ["eval", "skip"],
    ]);

    const report = await cli(["report", exp.file]);
    expect(report.exitCode, report.all).toBe(0);
    const html = await readFile(join(exp.workdir, "report/report.html"), "utf8");
    expect(html).toContain("<svg");
    const md = await readFile(join(exp.workdir, "report/report.md"), "utf8");
    expect(md).toMatch(/DianJin-R1-7B/);
  });
});
