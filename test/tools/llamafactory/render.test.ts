import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { loadExperiment } from "../../../src/config/load.js";
import { renderLlamaFactoryTrain, type LlamaFactoryTrainInput } from "../../../src/tools/llamafactory/render.js";
import type { Experiment } from "../../../src/config/schema.js";
import { checkDatasetFile } from "../../../src/tools/llamafactory/datasets.js";
import { checkLlamaFactoryRules } from "../../../src/tools/llamafactory/rules.js";
import { tempDir, writeFiles } from "../../helpers/tmp.js";
import YAML from "yaml";

/** The renderer's input from a loaded experiment, the way the SFT stage fills it. */
function trainInput(
  config: Experiment,
  rest: Pick<LlamaFactoryTrainInput, "renderedDir" | "outputDir" | "modelPath" | "command" | "toolEnv" | "resumeFrom">,
): LlamaFactoryTrainInput {
  const sft = config.stages.sft!;
  return {
    experimentName: config.name,
    template: config.model.template,
    trainingStage: "sft",
    datasets: sft.datasets,
    datasetFiles: sft.dataset_files,
    deepspeed: sft.deepspeed,
    args: sft.args,
    cluster: config.cluster,
    tracking: config.tracking,
    ...rest,
  };
}

async function render(extra = "", sft = "") {
  const dir = await tempDir();
  await writeFiles(dir, {
    "exp.yaml": `name: t
workdir: w
model: { base: Qwen/Qwen2.5-7B-Instruct }
${extra}
stages:
  sft:
    datasets: [a, b]
    dataset_files:
      a: { path: a.json }
      b: { path: b.jsonl, formatting: sharegpt, tags: { role_tag: role, content_tag: content } }
${sft}
`,
  });
  const { config } = await loadExperiment(join(dir, "exp.yaml"));
  return {
    dir,
    config,
    out: renderLlamaFactoryTrain(
      trainInput(config, { renderedDir: join(dir, "r"), outputDir: join(dir, "o"), modelPath: config.model.base, command: ["llamafactory-cli"], toolEnv: {} }),
    ),
  };
}

describe("renderLlamaFactoryTrain", () => {
  it("renders the train YAML with absolute managed paths and resume-safe settings", async () => {
    const { dir, out } = await render();
    const yaml = YAML.parse(out.files.train.content) as Record<string, unknown>;
    expect(yaml).toMatchObject({
      model_name_or_path: "Qwen/Qwen2.5-7B-Instruct",
      template: "qwen",
      dataset: "a,b",
      dataset_dir: join(dir, "r"),
      output_dir: join(dir, "o"),
      overwrite_output_dir: false,
      deepspeed: join(dir, "r", "ds_zero3.json"),
      report_to: "none",
      run_name: "t",
    });
    expect(out.argv).toEqual(["llamafactory-cli", "train", join(dir, "r", "train.yaml")]);
  });

  it("registers alpaca and sharegpt files in dataset_info.json", async () => {
    const { dir, out } = await render();
    expect(JSON.parse(out.files.datasetInfo.content)).toEqual({
      a: { file_name: join(dir, "a.json"), formatting: "alpaca", columns: { prompt: "instruction", query: "input", response: "output" } },
      b: {
        file_name: join(dir, "b.jsonl"),
        formatting: "sharegpt",
        columns: { messages: "conversations" },
        tags: { role_tag: "role", content_tag: "content" },
      },
    });
  });

  it("writes a ZeRO-3 config with auto batch sizes, and ZeRO-2 offload on request", async () => {
    const z3 = JSON.parse((await render()).out.files.deepspeed!.content) as { zero_optimization: { stage: number }; train_micro_batch_size_per_gpu: string };
    expect(z3.zero_optimization.stage).toBe(3);
    expect(z3.train_micro_batch_size_per_gpu).toBe("auto");
    const z2 = JSON.parse((await render("", "    deepspeed: zero2_offload")).out.files.deepspeed!.content) as {
      zero_optimization: { stage: number; offload_optimizer: { device: string } };
    };
    expect(z2.zero_optimization).toMatchObject({ stage: 2, offload_optimizer: { device: "cpu" } });
    expect((await render("", "    deepspeed: none")).out.files.deepspeed).toBeUndefined();
  });

  it("sets the torchrun environment from the cluster settings", async () => {
    const { out } = await render("cluster: { gpus_per_node: 4, gpus: [4, 5, 6, 7], master_port: 29555 }");
    expect(out.env).toEqual({
      CUDA_VISIBLE_DEVICES: "4,5,6,7",
      FORCE_TORCHRUN: "1",
      NNODES: "1",
      NODE_RANK: "0",
      NPROC_PER_NODE: "4",
      MASTER_ADDR: "127.0.0.1",
      MASTER_PORT: "29555",
    });
    const single = await render("cluster: { gpus_per_node: 1 }", "    deepspeed: none");
    expect(single.out.env).toEqual({ CUDA_VISIBLE_DEVICES: "0" });
  });

  it("passes tracking through one setting", async () => {
    const { out } = await render("tracking: { backends: [wandb, swanlab, tensorboard], project: fin, run_name: r1 }");
    const yaml = YAML.parse(out.files.train.content) as Record<string, unknown>;
    expect(yaml).toMatchObject({ report_to: ["wandb", "tensorboard"], run_name: "r1", use_swanlab: true, swanlab_project: "fin", swanlab_run_name: "r1" });
    expect(out.env.WANDB_PROJECT).toBe("fin");
  });

  it("adds resume_from_checkpoint only when resuming", async () => {
    const { config, dir } = await render();
    const resumed = renderLlamaFactoryTrain(
      trainInput(config, {
        renderedDir: join(dir, "r"),
        outputDir: join(dir, "o"),
        modelPath: "m",
        command: ["x"],
        toolEnv: {},
        resumeFrom: "/o/checkpoint-20",
      }),
    );
    expect(YAML.parse(resumed.files.train.content)).toMatchObject({ resume_from_checkpoint: "/o/checkpoint-20", overwrite_output_dir: false });
  });
});

describe("checkDatasetFile", () => {
  it("accepts good alpaca and sharegpt files and names the bad record", async () => {
    const dir = await tempDir();
    await writeFiles(dir, {
      "good.json": JSON.stringify([{ instruction: "q", input: "", output: "a" }]),
      "chat.jsonl": `${JSON.stringify({
        conversations: [
          { from: "human", value: "q" },
          { from: "gpt", value: "a" },
        ],
      })}\n`,
      "bad.json": JSON.stringify([{ instruction: "q", output: "a" }, { instruction: "q" }]),
      "torn.json": '[{"instruction": "q", "outp',
    });
    const alpaca = { formatting: "alpaca" as const };
    expect(await checkDatasetFile("g", { path: join(dir, "good.json"), ...alpaca }, "p")).toEqual([]);
    expect(await checkDatasetFile("c", { path: join(dir, "chat.jsonl"), formatting: "sharegpt" }, "p")).toEqual([]);
    expect((await checkDatasetFile("b", { path: join(dir, "bad.json"), ...alpaca }, "p"))[0]!.message).toMatch(/record 1 has no string field "output"/);
    expect((await checkDatasetFile("t", { path: join(dir, "torn.json"), ...alpaca }, "p"))[0]!.message).toMatch(/torn\.json/);
    expect((await checkDatasetFile("m", { path: join(dir, "missing.json"), ...alpaca }, "p"))[0]!.message).toMatch(/file not found/);
  });
});

describe("checkLlamaFactoryRules", () => {
  it("refuses what LLaMA-Factory refuses at start-up", () => {
    expect(checkLlamaFactoryRules({ pure_bf16: true }, 3, "p")[0]!.message).toMatch(/ZeRO-3/);
    expect(checkLlamaFactoryRules({ pure_bf16: true }, 2, "p")).toEqual([]);
    expect(checkLlamaFactoryRules({ quantization_bit: 4, finetuning_type: "full" }, undefined, "p")[0]!.message).toMatch(/lora/);
    expect(checkLlamaFactoryRules({ save_only_model: true }, undefined, "p")[0]!.message).toMatch(/resume/);
  });
});
