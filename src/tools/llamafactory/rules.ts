// LLaMA-Factory's own start-up refusals, checked before launch. Each rule is named and says what to change.
import type { Problem } from "../../errors.js";

type Rule = (args: Record<string, unknown>, deepspeedStage: number | undefined) => string | undefined;

const RULES: Record<string, Rule> = {
  pureBf16WithZero3: (a, ds) => (a.pure_bf16 === true && ds === 3 ? "pure_bf16 is incompatible with DeepSpeed ZeRO-3" : undefined),
  predictWithGenerateWithZero3: (a, ds) =>
    a.predict_with_generate === true && ds === 3 ? "predict_with_generate is incompatible with DeepSpeed ZeRO-3" : undefined,
  quantizationNeedsLora: (a) =>
    a.quantization_bit != null && !["lora", "oft"].includes(String(a.finetuning_type ?? "lora"))
      ? "quantization_bit works only with finetuning_type lora or oft"
      : undefined,
  valSizeOrEvalDataset: (a) => (a.val_size != null && Number(a.val_size) > 0 && a.eval_dataset != null ? "set val_size or eval_dataset, not both" : undefined),
  streamingNeedsMaxSteps: (a) => (a.streaming === true && (a.max_steps == null || Number(a.max_steps) <= 0) ? "streaming needs max_steps" : undefined),
  saveOnlyModelBreaksResume: (a) =>
    a.save_only_model === true ? "save_only_model drops optimizer state, so an interrupted run could not resume; remove it" : undefined,
  doTrainRequired: (a) => (a.do_train === false ? "do_train must be true for the SFT stage" : undefined),
  unslothWithZero3: (a, ds) => (a.use_unsloth === true && ds === 3 ? "use_unsloth is incompatible with DeepSpeed ZeRO-3" : undefined),
};

export function checkLlamaFactoryRules(args: Record<string, unknown>, deepspeedStage: number | undefined, pathPrefix: string): Problem[] {
  return Object.values(RULES)
    .map((rule) => rule(args, deepspeedStage))
    .filter((m): m is string => m !== undefined)
    .map((message) => ({ path: pathPrefix, message }));
}
