// Finds the newest *complete* checkpoint-N of an HF Trainer output folder (LLaMA-Factory and TRL write the same
// layout). transformers' own get_last_checkpoint takes the highest number even when the save was cut short, and the
// resumed run then dies; so completeness is checked here, file by file.
import { pathExists } from "../../util/path-exists.js";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

export interface Checkpoint {
  step: number;
  path: string;
}

export interface CheckpointCheck extends Checkpoint {
  complete: boolean;
  /** Why it is not complete. */
  missing: string[];
}

const CHECKPOINT_DIR = /^checkpoint-(\d+)$/;
const SINGLE_WEIGHTS = ["model.safetensors", "pytorch_model.bin", "adapter_model.safetensors", "adapter_model.bin"];
const SHARD_INDEXES = ["model.safetensors.index.json", "pytorch_model.bin.index.json"];

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, "utf8"));
  } catch {
    return undefined;
  }
}

async function weightsMissing(dir: string): Promise<string[]> {
  for (const name of SINGLE_WEIGHTS) if (await pathExists(join(dir, name))) return [];
  for (const name of SHARD_INDEXES) {
    const index = (await readJson(join(dir, name))) as { weight_map?: Record<string, string> } | undefined;
    if (!index) continue;
    const shards = [...new Set(Object.values(index.weight_map ?? {}))];
    const absent: string[] = [];
    for (const shard of shards) if (!(await pathExists(join(dir, shard)))) absent.push(shard);
    return absent.length ? absent.map((s) => `weight shard ${s}`) : [];
  }
  return ["model weights"];
}

async function optimizerMissing(dir: string, deepspeed: boolean): Promise<string[]> {
  if (!deepspeed) return (await pathExists(join(dir, "optimizer.pt"))) ? [] : ["optimizer.pt"];
  let tag: string;
  try {
    tag = (await readFile(join(dir, "latest"), "utf8")).trim();
  } catch {
    return ["DeepSpeed `latest` file"];
  }
  const files = await readdir(join(dir, tag)).catch(() => undefined);
  if (!files) return [`DeepSpeed state folder ${tag}/`];
  return files.some((f) => f.endsWith("_optim_states.pt")) ? [] : [`optimizer shards in ${tag}/`];
}

export async function checkCheckpoint(path: string, step: number, deepspeed: boolean): Promise<CheckpointCheck> {
  const missing: string[] = [];
  const state = (await readJson(join(path, "trainer_state.json"))) as { global_step?: unknown } | undefined;
  if (!state || typeof state.global_step !== "number") missing.push("trainer_state.json");
  missing.push(...(await weightsMissing(path)), ...(await optimizerMissing(path, deepspeed)));
  return { step, path, complete: missing.length === 0, missing };
}

export async function listCheckpoints(outputDir: string, deepspeed: boolean): Promise<CheckpointCheck[]> {
  const entries = await readdir(outputDir, { withFileTypes: true }).catch(() => []);
  const found = entries
    .filter((e) => e.isDirectory() && CHECKPOINT_DIR.test(e.name))
    .map((e) => ({ step: Number(CHECKPOINT_DIR.exec(e.name)![1]), path: join(outputDir, e.name) }))
    .sort((a, b) => b.step - a.step);
  return Promise.all(found.map((c) => checkCheckpoint(c.path, c.step, deepspeed)));
}

export interface ResumePoint {
  checkpoint?: Checkpoint;
  /** Checkpoints newer than the resume point that are incomplete: they must be moved out of the way. */
  incomplete: CheckpointCheck[];
}

export async function findResumePoint(outputDir: string, deepspeed: boolean): Promise<ResumePoint> {
  const all = await listCheckpoints(outputDir, deepspeed);
  const newestComplete = all.find((c) => c.complete);
  const incomplete = all.filter((c) => !c.complete && (!newestComplete || c.step > newestComplete.step));
  return { checkpoint: newestComplete && { step: newestComplete.step, path: newestComplete.path }, incomplete };
}

export interface CheckpointWatcher {
  /** Announces the checkpoints saved since the last call. */
  (): Promise<void>;
  /** Counts the checkpoints already saved as announced (a reattached watcher: the earlier one announced them). */
  skipSaved(): Promise<void>;
}

/**
 * Follows the checkpoints a running Trainer saves: calls `onSaved` once per checkpoint-N, in order, once its
 * trainer_state.json is there (the Trainer writes it last).
 */
export function checkpointWatcher(outputDir: string, onSaved: (checkpoint: Checkpoint) => void): CheckpointWatcher {
  let newest = -1;
  const saved = async (each: (checkpoint: Checkpoint) => void) => {
    const names = await readdir(outputDir).catch(() => [] as string[]);
    const steps = names
      .map((n) => CHECKPOINT_DIR.exec(n)?.[1])
      .filter(Boolean)
      .map(Number)
      .sort((a, b) => a - b);
    for (const step of steps) {
      const path = join(outputDir, `checkpoint-${step}`);
      if (step > newest && (await pathExists(join(path, "trainer_state.json")))) {
        newest = step;
        each({ step, path });
      }
    }
  };
  return Object.assign(() => saved(onSaved), { skipSaved: () => saved(() => undefined) });
}

/** What is missing from the final model a Trainer saved into `dir` (save_model: weights, every shard, config.json). */
export async function finalModelMissing(dir: string): Promise<string[]> {
  const missing = await weightsMissing(dir);
  if (!(await pathExists(join(dir, "config.json")))) missing.push("config.json");
  return missing;
}
