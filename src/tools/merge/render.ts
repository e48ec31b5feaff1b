// Renders the argv that merges one FSDP actor checkpoint into a Hugging Face folder.
// "current": verl's own `python3 -m verl.model_merger merge` (needs fsdp_config.json).
// "seed": the shipped script for seed-era checkpoints (v0.3 layout, no fsdp_config.json).

import { resolve } from "node:path";
import { PreflightError } from "../../errors.js";
import { inspectActorShards, locateStep, type ActorShards, type CheckpointStep, type StepChoice } from "./checkpoint.js";
import { MERGE_DEFAULTS } from "./defaults.js";
import { distPath } from "../../util/dist-path.js";

export type MergerKind = "current" | "seed";

export interface MergeOptions {
  /** trainer.default_local_dir of the GRPO run (or one global_step_N folder). */
  checkpointDir: string;
  /** Where the Hugging Face folder is written. */
  targetDir: string;
  /** Default "latest" (from latest_checkpointed_iteration.txt). */
  step?: StepChoice;
  /** Default "current". */
  merger?: MergerKind;
  /** Replaces `python3 -m verl.model_merger` (e.g. a venv's python, or a stand-in). */
  commandPrefix?: readonly string[];
  /** Interpreter for the seed script. */
  python?: string;
  trustRemoteCode?: boolean;
  /** The stage that merges, named in errors. */
  stage: string;
}

export interface MergeCommand {
  argv: string[];
  merger: MergerKind;
  checkpoint: CheckpointStep;
  shards: ActorShards;
  targetDir: string;
}

/** Absolute path of the shipped seed-era merge script (same relative spot under src/ and dist/). */
export function seedMergeScriptPath(): string {
  return distPath("assets/python/merge_fsdp_seed.py");
}

export function renderMerge(options: MergeOptions): MergeCommand {
  const merger = options.merger ?? "current";
  const checkpoint = locateStep(resolve(options.checkpointDir), options.step ?? "latest", options.stage);
  const shards = inspectActorShards(checkpoint.actorDir, options.stage);
  if (!shards.hasHfFolder) {
    throw new PreflightError(options.stage, [
      { path: checkpoint.actorDir, message: "huggingface/config.json is missing; the merged model takes its config and tokenizer from there" },
    ]);
  }
  if (merger === "current" && !shards.hasFsdpConfig) {
    throw new PreflightError(options.stage, [
      {
        path: checkpoint.actorDir,
        message: "fsdp_config.json is missing (a seed-era verl checkpoint); current verl's merger refuses it — use merger: seed",
      },
    ]);
  }
  const targetDir = resolve(options.targetDir);
  const argv =
    merger === "current"
      ? [
          ...(options.commandPrefix ?? MERGE_DEFAULTS.commandPrefix),
          "merge",
          "--backend",
          MERGE_DEFAULTS.backend,
          "--local_dir",
          checkpoint.actorDir,
          "--target_dir",
          targetDir,
          ...(options.trustRemoteCode ? ["--trust-remote-code"] : []),
        ]
      : [options.python ?? MERGE_DEFAULTS.python, seedMergeScriptPath(), "--local_dir", checkpoint.actorDir, "--target_dir", targetDir];
  return { argv, merger, checkpoint, shards, targetDir };
}
