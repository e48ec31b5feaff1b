// verl checkpoints: <default_local_dir>/global_step_N/actor/ with one shard per rank, and
// latest_checkpointed_iteration.txt written last by the trainer. Finding the resume point and pruning old saves.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { VERL_DEFAULTS } from "./defaults.js";
import { fsExtra } from "../../util/fsx.js";

export const STEP_DIR = /^global_step_(\d+)$/;
const SHARD = /^(model|optim|extra_state)_world_size_(\d+)_rank_(\d+)\.pt$/;

export interface VerlCheckpoint {
  step: number;
  /** <root>/global_step_N */
  dir: string;
  actorDir: string;
  /** GPU count the checkpoint was saved with (every rank writes its own shard). */
  worldSize: number;
  /** fsdp_config.json is present (written from verl 0.4 on; current mergers need it). */
  hasFsdpConfig: boolean;
}

export interface CheckpointInspection {
  checkpoint?: VerlCheckpoint;
  /** Why the folder is not a usable checkpoint. */
  problem?: string;
}

/** Checks global_step_N/actor holds a full set of model shards (and of optimizer/extra shards when any exist). */
export async function inspectCheckpoint(root: string, step: number): Promise<CheckpointInspection> {
  const dir = join(root, `global_step_${step}`);
  const actorDir = join(dir, "actor");
  const names = await readdir(actorDir).catch(() => undefined);
  if (!names) return { problem: `${actorDir} does not exist` };
  const ranks = new Map<string, Set<number>>();
  const sizes = new Set<number>();
  for (const name of names) {
    const m = SHARD.exec(name);
    if (!m) continue;
    sizes.add(Number(m[2]));
    const set = ranks.get(m[1]!) ?? new Set<number>();
    set.add(Number(m[3]));
    ranks.set(m[1]!, set);
  }
  if (!ranks.has("model")) return { problem: `${actorDir} has no model_world_size_<W>_rank_<R>.pt shards` };
  if (sizes.size !== 1) return { problem: `${actorDir} mixes shards of world sizes ${[...sizes].sort((a, b) => a - b).join(", ")}` };
  const worldSize = [...sizes][0]!;
  for (const [kind, set] of ranks) {
    const missing = Array.from({ length: worldSize }, (_, r) => r).filter((r) => !set.has(r));
    if (missing.length) return { problem: `${actorDir} lacks ${kind} shards for rank${missing.length > 1 ? "s" : ""} ${missing.join(", ")} of ${worldSize}` };
  }
  return { checkpoint: { step, dir, actorDir, worldSize, hasFsdpConfig: names.includes("fsdp_config.json") } };
}

/** Steps with a global_step_N folder, ascending. */
export async function listCheckpointSteps(root: string): Promise<number[]> {
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isDirectory() && STEP_DIR.test(e.name))
    .map((e) => Number(STEP_DIR.exec(e.name)![1]))
    .sort((a, b) => a - b);
}

export async function readTrackerStep(root: string): Promise<number | undefined> {
  const text = await readFile(join(root, VERL_DEFAULTS.trackerFile), "utf8").catch(() => undefined);
  const trimmed = text?.trim();
  return trimmed && /^\d+$/.test(trimmed) ? Number(trimmed) : undefined;
}

export interface LatestCheckpoint extends CheckpointInspection {
  /** The step latest_checkpointed_iteration.txt names, when readable. */
  trackerStep?: number;
}

/**
 * The checkpoint verl's resume_mode=auto would load: the tracker file's step, checked for completeness.
 * No tracker → nothing (verl trains from scratch). A tracker naming a missing or partial folder is a problem.
 */
export async function findLatestCheckpoint(root: string): Promise<LatestCheckpoint> {
  const trackerStep = await readTrackerStep(root);
  if (trackerStep === undefined) return {};
  return { trackerStep, ...(await inspectCheckpoint(root, trackerStep)) };
}

/**
 * Deletes whole global_step_N folders older than the newest `keep` ones at or below the tracked step
 * (verl's own max_actor_ckpt_to_keep leaves data.pt behind and forgets saves from before a restart).
 * Folders newer than the tracked step may be a save in progress and are left alone. Returns the removed folders.
 */
export async function pruneCheckpoints(root: string, keep: number): Promise<string[]> {
  const doomed = await prunableCheckpoints(root, keep);
  for (const dir of doomed) await (await fsExtra()).remove(dir);
  return doomed;
}

/** The folders pruneCheckpoints would remove (for `gc --dry-run` and `gc`). */
export async function prunableCheckpoints(root: string, keep: number): Promise<string[]> {
  if (!Number.isInteger(keep) || keep < 1) throw new RangeError(`keep must be a positive integer, got ${keep}`);
  const tracked = await readTrackerStep(root);
  if (tracked === undefined) return [];
  const settled = (await listCheckpointSteps(root)).filter((s) => s <= tracked);
  const doomed = settled.slice(0, Math.max(0, settled.length - keep)).filter((s) => s !== tracked);
  return doomed.map((step) => join(root, `global_step_${step}`));
}
