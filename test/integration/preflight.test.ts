// The whole-pipeline pre-flight through the real CLI: every problem of every selected stage before anything starts.
import { describe, expect, it } from "vitest";
import { copyFile, mkdir, readdir } from "node:fs/promises";
import { join } from "node:path";
import { cli, ROOT } from "../helpers/cli.js";
import { tempDir, writeFiles } from "../helpers/tmp.js";

const SFT_RECORD = { instruction: "1+1=?", input: "", output: "<think>\n1+1\n</think>\n\n<answer>\\boxed{2}</answer>" };

describe("whole-pipeline pre-flight", () => {
  it("plan lists all three problems of three bad --set values (exit 3) and notes nothing else", async () => {
    const dir = await tempDir("dianjin-pf-");
    const result = await cli([
      "plan",
      join(ROOT, "configs/quickstart.yaml"),
      "--set",
      `workdir=${join(dir, "runs")}`,
      "--set",
      "stages.sft.args.learnin_rate=1",
      "--set",
      "model.template=qwenn",
      "--set",
      "stages.sft.dataset_files.quickstart_sft.path=/nonexistent.json",
    ]);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/3 problems/);
    expect(result.stderr).toMatch(/stages\.sft\.args\.learnin_rate: .*did you mean "learning_rate"/);
    expect(result.stderr).toMatch(/model\.template: LLaMA-Factory has no template "qwenn"/);
    expect(result.stderr).toMatch(/stages\.sft\.dataset_files\.quickstart_sft\.path: file not found: \/nonexistent\.json/);
    expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
    // plan still shows what would run
    expect(result.stdout).toMatch(/sft\s+run/);
  });

  it("plan on a machine without the tool says 'not installed here' and exits 0; run refuses with exit 3", async () => {
    const dir = await tempDir("dianjin-pf-");
    const args = [join(ROOT, "configs/quickstart.yaml"), "--set", `workdir=${join(dir, "runs")}`];
    const planned = await cli(["plan", ...args], { standins: false });
    expect(planned.exitCode).toBe(0);
    expect(planned.stdout).toMatch(/tool llamafactory: `llamafactory-cli` is looked for on this machine; not installed here/);
    const ran = await cli(["run", ...args], { standins: false });
    expect(ran.exitCode).toBe(3);
    expect(ran.stderr).toMatch(/llamafactory is not installed or not on PATH/);
    expect(await readdir(join(dir, "runs")).catch(() => [])).not.toContain("sft");
  });

  it("the 7B recipe with the SFT data present and the RL data missing refuses before SFT starts", async () => {
    const dir = await tempDir("dianjin-pf-");
    const data = join(dir, "data");
    const files: Record<string, string> = {};
    for (const name of ["cflue_oe_r1", "cflue_mcq_r1", "fin_qa_r1", "ccc_r1"]) files[`data/${name}.json`] = JSON.stringify([SFT_RECORD]);
    await writeFiles(dir, files);
    await mkdir(join(dir, "bench"));
    const result = await cli(["run", join(ROOT, "configs/dianjin-r1-7b.yaml"), "--set", `workdir=${join(dir, "runs")}`], {
      env: { DIANJIN_DATA: data, DIANJIN_BENCH: join(dir, "bench") },
    });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/\[grpo\] stages\.grpo\.rl_data\.cflue_mcq: file not found: .*cflue_mcq_rl\.json/);
    // Later stages' problems are in the same list (the benchmark files are missing too).
    expect(result.stderr).toMatch(/\[eval\] stages\.eval\.benchmarks\.cflue\.path: file not found/);
    expect(result.stderr).not.toMatch(/\[sft\]/);
    // Nothing started: SFT has no log, no state was written.
    const made = await readdir(join(dir, "runs")).catch(() => [] as string[]);
    expect(made).not.toContain("sft");
    expect(made).not.toContain("state.json");
  });

  it("inputs an earlier selected stage produces count as promised; unselected, they must exist", async () => {
    const dir = await tempDir("dianjin-pf-");
    await copyFile(join(ROOT, "configs/data/quickstart_sft.json"), join(dir, "sft.json"));
    await writeFiles(dir, {
      "exp.yaml": `name: promised
workdir: runs
model: { base: Qwen/Qwen2.5-0.5B-Instruct, template: qwen }
cluster: { gpus_per_node: 1 }
stages:
  sft:
    datasets: [fin]
    dataset_files: { fin: { path: sft.json } }
    deepspeed: none
    args: { per_device_train_batch_size: 1, gradient_accumulation_steps: 1, learning_rate: 1.0e-5, num_train_epochs: 1 }
  grpo:
    rl_data: { train: rl/train.parquet, val: rl/val.parquet }
    data: { train_batch_size: 8, max_prompt_length: 256, max_response_length: 256 }
    actor: { ppo_mini_batch_size: 8, ppo_micro_batch_size_per_gpu: 1 }
    rollout: { tensor_model_parallel_size: 1, n: 1, log_prob_micro_batch_size_per_gpu: 1 }
    ref: { log_prob_micro_batch_size_per_gpu: 1 }
  merge: { step: latest }
`,
    });
    const file = join(dir, "exp.yaml");
    // merge consumes GRPO's checkpoint: promised when GRPO is selected, so only the RL data is a problem.
    const all = await cli(["plan", file]);
    expect(all.exitCode).toBe(3);
    expect(all.stderr).toMatch(/\[grpo\] stages\.grpo\.rl_data\.train: file not found/);
    expect(all.stderr).not.toMatch(/\[merge\]/);
    // merge alone: the checkpoint must exist now.
    const alone = await cli(["plan", file, "--only", "merge"]);
    expect(alone.exitCode).toBe(3);
    expect(alone.stderr).toMatch(/\[merge\]/);
    expect(alone.stderr).not.toMatch(/\[grpo\]/);
  });
});
