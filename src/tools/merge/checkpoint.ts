// Finds the verl checkpoint step to merge and checks its actor folder has every rank's shard.
// Errors are found here, before a merger that loads tens of GB into RAM is started.

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { PreflightError } from "../../errors.js";
import { MERGE_DEFAULTS, MODEL_SHARD_PATTERN, STEP_DIR_PATTERN } from "./defaults.js";

/** Which step to merge: the tracker file's step, or a chosen one. */
export type StepChoice = "latest" | number;

export interface CheckpointStep {
  /** The trainer's checkpoint root (trainer.default_local_dir). */
  root: string;
  step: number;
  stepDir: string;
  /** <stepDir>/actor: what both mergers read. */
  actorDir: string;
}

export interface ActorShards {
  /** World size read from the shard file names, never assumed. */
  worldSize: number;
  files: string[];
  /** fsdp_config.json exists (current verl's merger requires it; v0.3 checkpoints lack it). */
  hasFsdpConfig: boolean;
  /** huggingface/ holds config + tokenizer that the merged model needs. */
  hasHfFolder: boolean;
}

/** Steps that have an actor/ folder, ascending. */
export function listSteps(root: string): number[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && STEP_DIR_PATTERN.test(d.name) && existsSync(join(root, d.name, "actor")))
    .map((d) => Number(STEP_DIR_PATTERN.exec(d.name)![1]))
    .sort((a, b) => a - b);
}

function describeAvailable(steps: number[]): string {
  return steps.length ? `available steps: ${steps.join(", ")}` : "no global_step_N/actor folders exist there";
}

function readTracker(root: string): number | undefined {
  const file = join(root, MERGE_DEFAULTS.trackerFile);
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, "utf8").trim();
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

/**
 * Resolves `<root>/global_step_N/actor`. `root` may also be a `global_step_N` folder itself.
 * Throws PreflightError naming the available steps when the wanted one is not there.
 */
/** `stage` names the stage that merges, for the PreflightError a missing or partial checkpoint becomes. */
export function locateStep(root: string, choice: StepChoice, stage: string): CheckpointStep {
  const own = STEP_DIR_PATTERN.exec(basename(root));
  if (own) {
    const step = Number(own[1]);
    if (choice !== "latest" && choice !== step) {
      throw new PreflightError(stage, [{ path: root, message: `this is the folder of step ${step}, but step ${choice} was asked for` }]);
    }
    const actorDir = join(root, "actor");
    if (!existsSync(actorDir)) throw new PreflightError(stage, [{ path: root, message: "has no actor/ folder" }]);
    return { root: dirname(root), step, stepDir: root, actorDir };
  }
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new PreflightError(stage, [{ path: root, message: "checkpoint folder does not exist" }]);
  }
  const steps = listSteps(root);
  let step: number;
  if (choice === "latest") {
    const tracked = readTracker(root);
    if (tracked === undefined) {
      throw new PreflightError(stage, [
        {
          path: join(root, MERGE_DEFAULTS.trackerFile),
          message: `missing or unreadable, so the latest complete checkpoint is unknown; choose a step explicitly (${describeAvailable(steps)})`,
        },
      ]);
    }
    step = tracked;
  } else {
    step = choice;
  }
  if (!steps.includes(step)) {
    const why = choice === "latest" ? `${MERGE_DEFAULTS.trackerFile} names step ${step}, but` : `step ${step} was asked for, but`;
    throw new PreflightError(stage, [{ path: root, message: `${why} global_step_${step}/actor does not exist; ${describeAvailable(steps)}` }]);
  }
  const stepDir = join(root, `global_step_${step}`);
  return { root, step, stepDir, actorDir: join(stepDir, "actor") };
}

/** Reads the shard set of an actor folder and throws when ranks are missing or world sizes disagree. */
export function inspectActorShards(actorDir: string, stage: string): ActorShards {
  const names = existsSync(actorDir) ? readdirSync(actorDir) : [];
  const shards = names.flatMap((name) => {
    const m = MODEL_SHARD_PATTERN.exec(name);
    return m ? [{ name, worldSize: Number(m[1]), rank: Number(m[2]) }] : [];
  });
  if (shards.length === 0) {
    throw new PreflightError(stage, [{ path: actorDir, message: "no model_world_size_W_rank_R.pt shard files" }]);
  }
  const sizes = [...new Set(shards.map((s) => s.worldSize))].sort((a, b) => a - b);
  if (sizes.length > 1) {
    throw new PreflightError(stage, [{ path: actorDir, message: `shard files from different world sizes (${sizes.join(", ")}); remove the stale ones` }]);
  }
  const worldSize = sizes[0]!;
  const ranks = new Set(shards.map((s) => s.rank));
  const missing = Array.from({ length: worldSize }, (_, r) => r).filter((r) => !ranks.has(r));
  if (missing.length) {
    throw new PreflightError(stage, [
      {
        path: actorDir,
        message: `world size ${worldSize} but rank shard(s) ${missing.join(", ")} are missing (on multi-node runs the checkpoint dir must be shared storage)`,
      },
    ]);
  }
  return {
    worldSize,
    files: shards.sort((a, b) => a.rank - b.rank).map((s) => join(actorDir, s.name)),
    hasFsdpConfig: existsSync(join(actorDir, "fsdp_config.json")),
    hasHfFolder: existsSync(join(actorDir, "huggingface", "config.json")),
  };
}
