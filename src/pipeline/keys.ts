// Stage keys: a hash of everything that decides what a stage produces, and the words for what changed.
import { createReadStream } from "node:fs";
import { stat, readdir } from "node:fs/promises";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { sha256, stableStringify } from "../util/stable-json.js";
import { isPlainObject } from "../config/merge.js";
import type { ResumePoint, StageContext, StageModule, StageRender } from "../contract/stage.js";
import { relativeToWorkdir } from "./workdir-paths.js";

export function stageKey(name: string, version: number, keyInputs: Record<string, unknown>): string {
  return sha256(stableStringify({ stage: name, version, inputs: keyInputs })).slice(0, 16);
}

export interface Keyed {
  keyInputs: Record<string, unknown>;
  key: string;
}

/** `keyInputs` with the keys of the stages it consumes (none: no `upstream` entry), and the key of the result. */
export function keyedWith(def: Pick<StageModule, "name" | "version">, keyInputs: Record<string, unknown>, upstream?: Record<string, string>): Keyed {
  const { upstream: _old, ...own } = keyInputs;
  const inputs = { ...own, ...(upstream && Object.keys(upstream).length ? { upstream } : {}) };
  return { keyInputs: inputs, key: stageKey(def.name, def.version, inputs) };
}

/**
 * The one place a stage's key is made (plan, launch, a re-render for a probed version): render the stage, fingerprint
 * the files it reads, and hash both with the keys of the stages it consumes. Paths inside the workdir enter the key
 * relative to it, so a moved or copied workdir is still up to date; `legacyKey` is the key an older version made from
 * absolute paths (still accepted for a workdir that did not move).
 */
export async function renderKeyed(
  def: StageModule,
  ctx: StageContext,
  resume: ResumePoint | undefined,
  upstream?: Record<string, string>,
  readAt: (path: string) => string = (path) => path,
): Promise<Keyed & { render: StageRender; legacyKey: string; namedKey?: string }> {
  const render = await def.render(ctx, resume);
  const files: Record<string, string> = {};
  // `readAt`: where a file is read for its fingerprint when it is not there yet (an output the store will link in).
  for (const path of render.inputFiles) files[path] = await fingerprint(readAt(path), render.fingerprint);
  const inputs = { ...render.keyInputs, files };
  const legacyKey = keyedWith(def, inputs, upstream).key;
  const relative = relativeToWorkdir(inputs, ctx.workdir);
  const named = keyedWith(def, relative, upstream);
  if (!ctx.config.store) return { render, legacyKey, ...named };
  const shared = keyedWith(def, withoutRunNames(relative), upstream);
  return { render, legacyKey, ...shared, ...(shared.key !== named.key ? { namedKey: named.key } : {}) };
}

/** Tool arguments that only name the run in trackers (the experiment's name by default), never what it produces. */
const RUN_NAME_ARGS = ["run_name", "swanlab_run_name"];

/**
 * With a store (store-*.ts), a key is shared by every experiment that builds the same thing, so the run's name leaves
 * it: two experiments that differ only in name build the same model once. Without a store the key is as it always was
 * (`namedKey`, the key with the name, is accepted for a stage recorded before the store was named).
 */
function withoutRunNames(inputs: Record<string, unknown>): Record<string, unknown> {
  const stages = inputs.stages;
  if (!isPlainObject(stages)) return inputs;
  const out: Record<string, unknown> = {};
  for (const [name, block] of Object.entries(stages)) {
    if (!isPlainObject(block) || !isPlainObject(block.args)) out[name] = block;
    else out[name] = { ...block, args: Object.fromEntries(Object.entries(block.args).filter(([k]) => !RUN_NAME_ARGS.includes(k))) };
  }
  return { ...inputs, stages: out };
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex").slice(0, 16);
}

/** Folders deeper than this are not descended (a symlink to a parent folder would otherwise never end). */
const MAX_FOLDER_DEPTH = 16;

/** Fingerprint of a file or folder: size+mtime (cheap) or content hash. */
export async function fingerprint(path: string, mode: "mtime" | "content", depth = 0): Promise<string> {
  let info;
  try {
    info = await stat(path);
  } catch {
    return "missing";
  }
  if (info.isDirectory()) {
    if (depth >= MAX_FOLDER_DEPTH) return `folder:${Math.round(info.mtimeMs)}`;
    // A folder removed between stat and readdir is as missing as one never there.
    const names = await readdir(path).catch(() => undefined);
    if (!names) return "missing";
    names.sort();
    const parts = await Promise.all(names.map(async (n) => `${n}=${await fingerprint(join(path, n), mode, depth + 1)}`));
    return sha256(parts.join("\n")).slice(0, 16);
  }
  return mode === "content" ? `sha256:${await hashFile(path)}` : `${info.size}:${Math.round(info.mtimeMs)}`;
}

function flatten(value: unknown, prefix: string, out: Map<string, unknown>): void {
  if (isPlainObject(value) && Object.keys(value).length) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
    return;
  }
  out.set(prefix, value);
}

function show(value: unknown): string {
  if (value === undefined) return "(unset)";
  if (typeof value === "number" && !Number.isInteger(value) && Math.abs(value) < 1e-3) return value.toExponential();
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** "stages.sft.args.learning_rate 1e-5 → 2e-5" for every leaf that differs. `files` entries are named by path. */
export function describeChanges(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const a = new Map<string, unknown>();
  const b = new Map<string, unknown>();
  const { files: filesBefore, ...restBefore } = before;
  const { files: filesAfter, ...restAfter } = after;
  flatten(restBefore, "", a);
  flatten(restAfter, "", b);
  const changes: string[] = [];
  for (const path of new Set([...a.keys(), ...b.keys()])) {
    if (stableStringify(a.get(path)) !== stableStringify(b.get(path))) changes.push(`${path} ${show(a.get(path))} → ${show(b.get(path))}`);
  }
  const fa = (filesBefore ?? {}) as Record<string, string>;
  const fb = (filesAfter ?? {}) as Record<string, string>;
  for (const path of new Set([...Object.keys(fa), ...Object.keys(fb)])) {
    if (fa[path] !== fb[path])
      changes.push(fb[path] === undefined ? `input ${path} no longer used` : fa[path] === undefined ? `new input ${path}` : `input ${path} changed`);
  }
  return changes.sort();
}
