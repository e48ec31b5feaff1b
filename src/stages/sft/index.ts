// The SFT stage: full fine-tuning with the recipe's settings, resumable from its newest whole checkpoint. What
// differs between tools (LLaMA-Factory, TRL) is behind the backend `stages.sft.backend` picks; the stage keeps its
// schema, rules and outputs, and delegates the rest.
import type { JobBackend } from "../../contract/backend.js";
import type { ExperimentBase } from "../../contract/experiment.js";
import type { StageContext, StageModule } from "../../contract/stage.js";
import type { ToolBinding } from "../../contract/tool-binding.js";
import { sftStageSchema, type SftStageConfig } from "./config.js";
import { sftRules } from "./rules.js";
import { sftOutputs } from "./outputs.js";
import { sftConfig } from "./shared.js";
import { SFT_BACKEND_TABLE } from "./backends/table.js";

function chosen(config: ExperimentBase): keyof typeof SFT_BACKEND_TABLE {
  return (config.stages.sft as SftStageConfig | undefined)?.backend ?? "llamafactory";
}

function backendOf(ctx: StageContext<SftStageConfig>): { backend: JobBackend<SftStageConfig>; sft: SftStageConfig } {
  return { backend: SFT_BACKEND_TABLE[ctx.stage.backend], sft: sftConfig(ctx) };
}

const BINDINGS = Object.fromEntries(Object.entries(SFT_BACKEND_TABLE).map(([name, b]) => [name, b.binding])) as Record<
  keyof typeof SFT_BACKEND_TABLE,
  ToolBinding
>;

export const sftStage = {
  name: "sft",
  version: 1,
  title: "SFT (LLaMA-Factory or TRL)",
  summary: "supervised fine-tuning with LLaMA-Factory (or TRL)",
  schema: sftStageSchema,
  pathFields: ["dataset_files.*.path", "deepspeed.path"],
  kind: "job",
  placement: "all-nodes",
  needs: ["data"],
  backends: BINDINGS,
  backend: chosen,
  rules: sftRules,
  report: (source) => SFT_BACKEND_TABLE[chosen(source.config)].report(source, source.config.stages.sft as SftStageConfig),

  render(ctx, resume) {
    const { backend, sft } = backendOf(ctx);
    return backend.render(ctx, sft, resume);
  },
  contract(ctx) {
    const { backend, sft } = backendOf(ctx);
    return backend.contract(ctx, sft);
  },
  resources(ctx) {
    const { backend, sft } = backendOf(ctx);
    return backend.resources(ctx, sft);
  },
  preflight(ctx) {
    const { backend, sft } = backendOf(ctx);
    return backend.preflight(ctx, sft);
  },
  async prepare(ctx, render, emit) {
    const { backend, sft } = backendOf(ctx);
    await backend.prepare?.(ctx, sft, render, emit);
  },
  findResume(ctx) {
    const { backend, sft } = backendOf(ctx);
    return backend.findResume(ctx, sft);
  },
  checkpointBytes(ctx) {
    const { backend, sft } = backendOf(ctx);
    return backend.checkpointBytes(ctx, sft);
  },
  outputsComplete(ctx) {
    const { backend, sft } = backendOf(ctx);
    return backend.outputsComplete(ctx, sft);
  },
  outputs: (ctx) => sftOutputs.make({ model: ctx.paths.output }),
  observe(ctx, emit, from) {
    const { backend, sft } = backendOf(ctx);
    return backend.observe(ctx, sft, emit, from);
  },
  classify: (logText, ctx) => SFT_BACKEND_TABLE[ctx?.stage.backend ?? "llamafactory"].classify(logText, ctx),
} satisfies StageModule<"sft", typeof sftStageSchema>;
