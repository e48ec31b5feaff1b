// Checks a merged Hugging Face folder without Python and without reading tensor data:
// index ↔ shard headers, dtypes, byte offsets against file sizes, Qwen2 tensor set and parameter count,
// tokenizer files. Memory stays flat however large the model is.

import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { MERGE_DEFAULTS } from "./defaults.js";
import { DTYPE_BYTES, normalizeDtype } from "./dtypes.js";
import { isQwen2Config, numel, qwen2ConfigProblems, qwen2ParamCount, qwen2Tensors, type Qwen2Config } from "./qwen2-params.js";
import { readSafetensorsHeader, type TensorEntry } from "./safetensors-header.js";

export const INDEX_FILE = "model.safetensors.index.json";
export const SINGLE_FILE = "model.safetensors";

export type VerifyProblemCode =
  | "config"
  | "no-weights"
  | "index"
  | "missing-file"
  | "header"
  | "truncated"
  | "trailing-bytes"
  | "offsets"
  | "dtype"
  | "byte-span"
  | "missing-tensor"
  | "unindexed-tensor"
  | "duplicate-tensor"
  | "unexpected-tensor"
  | "shape"
  | "param-count"
  | "tokenizer";

export interface VerifyProblem {
  code: VerifyProblemCode;
  /** File name inside the model folder. */
  file: string;
  tensor?: string;
  message: string;
}

export interface VerifyOptions {
  /** Dtype every tensor must have. Default BF16 (both mergers write bf16). */
  expectedDtype?: string;
}

export interface VerifyReport {
  ok: boolean;
  dir: string;
  problems: VerifyProblem[];
  /** Oddities that do not stop vLLM from loading the folder. */
  warnings: string[];
  /** Parameters found in the shard headers. */
  params: number;
  /** Parameters config.json implies (Qwen2 only). */
  expectedParams?: number;
  /** Weight files named by the index (or the single model.safetensors). */
  files: number;
  /** Bytes of those files on disk. */
  bytes: number;
  tensors: number;
}

interface Layout {
  /** tensor name → file, from the index; undefined for a single-file model. */
  weightMap?: Map<string, string>;
  files: string[];
  indexTotalSize?: number;
}

async function readJson(file: string): Promise<unknown> {
  return JSON.parse(await readFile(file, "utf8"));
}

async function readLayout(dir: string, problems: VerifyProblem[]): Promise<Layout | undefined> {
  const indexPath = join(dir, INDEX_FILE);
  if (existsSync(indexPath)) {
    let index: unknown;
    try {
      index = await readJson(indexPath);
    } catch (e) {
      problems.push({ code: "index", file: INDEX_FILE, message: `not valid JSON (${(e as Error).message})` });
      return undefined;
    }
    const wm = (index as { weight_map?: unknown }).weight_map;
    if (typeof wm !== "object" || wm === null || Array.isArray(wm)) {
      problems.push({ code: "index", file: INDEX_FILE, message: "has no weight_map object" });
      return undefined;
    }
    const weightMap = new Map<string, string>();
    for (const [tensor, file] of Object.entries(wm)) {
      if (typeof file !== "string" || basename(file) !== file || !file.endsWith(".safetensors")) {
        problems.push({ code: "index", file: INDEX_FILE, tensor, message: `maps to ${JSON.stringify(file)}, not a .safetensors file in this folder` });
        continue;
      }
      weightMap.set(tensor, file);
    }
    const total = (index as { metadata?: { total_size?: unknown } }).metadata?.total_size;
    return { weightMap, files: [...new Set(weightMap.values())], ...(typeof total === "number" ? { indexTotalSize: total } : {}) };
  }
  if (existsSync(join(dir, SINGLE_FILE))) return { files: [SINGLE_FILE] };
  problems.push({ code: "no-weights", file: INDEX_FILE, message: `neither ${INDEX_FILE} nor ${SINGLE_FILE} exists` });
  return undefined;
}

/** Offsets must tile the data area exactly: sorted, no gaps, no overlaps, each span = numel × dtype size. */
function checkFileTensors(file: string, tensors: TensorEntry[], dataBytes: number, expectedDtype: string, problems: VerifyProblem[]): void {
  const sorted = [...tensors].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  for (const t of sorted) {
    if (t.dtype !== expectedDtype) problems.push({ code: "dtype", file, tensor: t.name, message: `dtype ${t.dtype}, expected ${expectedDtype}` });
    const width = DTYPE_BYTES[t.dtype];
    const span = t.end - t.begin;
    if (t.end < t.begin) {
      problems.push({ code: "offsets", file, tensor: t.name, message: `data_offsets [${t.begin}, ${t.end}] end before begin` });
    } else if (width === undefined) {
      problems.push({ code: "dtype", file, tensor: t.name, message: `unknown dtype ${t.dtype}` });
    } else if (numel(t.shape) * width !== span) {
      problems.push({
        code: "byte-span",
        file,
        tensor: t.name,
        message: `shape [${t.shape.join(", ")}] × ${width} bytes = ${numel(t.shape) * width}, but data_offsets span ${span} bytes`,
      });
    }
    if (t.begin !== cursor) {
      const what = t.begin > cursor ? `a gap of ${t.begin - cursor} bytes` : `an overlap of ${cursor - t.begin} bytes`;
      problems.push({ code: "offsets", file, tensor: t.name, message: `data starts at ${t.begin}, leaving ${what} after the previous tensor` });
    }
    cursor = Math.max(cursor, t.end);
  }
  const beyond = sorted.find((t) => t.end > dataBytes);
  if (beyond) {
    problems.push({
      code: "truncated",
      file,
      tensor: beyond.name,
      message: `file holds ${dataBytes} data bytes but the header needs ${cursor}; ${beyond.name} ends at ${beyond.end} (truncated file)`,
    });
  } else if (cursor < dataBytes) {
    problems.push({ code: "trailing-bytes", file, message: `${dataBytes - cursor} bytes after the last tensor that the header does not describe` });
  }
}

function checkTokenizer(dir: string, problems: VerifyProblem[]): void {
  const has = (f: string) => existsSync(join(dir, f));
  if (!has("tokenizer.json") && !(has("vocab.json") && has("merges.txt"))) {
    problems.push({ code: "tokenizer", file: "tokenizer.json", message: "no tokenizer.json and no vocab.json + merges.txt" });
  }
  if (!has("tokenizer_config.json")) problems.push({ code: "tokenizer", file: "tokenizer_config.json", message: "missing (holds the chat template)" });
}

export async function verifyMergedModel(dir: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  const expectedDtype = normalizeDtype(options.expectedDtype ?? MERGE_DEFAULTS.expectedDtype);
  const problems: VerifyProblem[] = [];
  const warnings: string[] = [];

  let config: Record<string, unknown> | undefined;
  try {
    config = (await readJson(join(dir, "config.json"))) as Record<string, unknown>;
  } catch (e) {
    problems.push({
      code: "config",
      file: "config.json",
      message: existsSync(join(dir, "config.json")) ? `not valid JSON (${(e as Error).message})` : "missing",
    });
  }

  const layout = await readLayout(dir, problems);
  const found = new Map<string, { file: string; entry: TensorEntry }>();
  let bytes = 0;
  let spanBytes = 0;
  const missingFiles = new Set<string>();

  for (const file of layout?.files ?? []) {
    const path = join(dir, file);
    if (!existsSync(path)) {
      missingFiles.add(file);
      const named = [...(layout?.weightMap ?? [])].filter(([, f]) => f === file).map(([t]) => t);
      problems.push({
        code: "missing-file",
        file,
        tensor: named[0],
        message: `named by the index for ${named.length} tensor(s) (first: ${named[0]}) but does not exist`,
      });
      continue;
    }
    bytes += (await stat(path)).size;
    const result = await readSafetensorsHeader(path);
    if (!result.ok) {
      problems.push({ code: result.truncated ? "truncated" : "header", file, message: result.message });
      missingFiles.add(file);
      continue;
    }
    const { header } = result;
    checkFileTensors(file, header.tensors, header.fileSize - header.dataStart, expectedDtype, problems);
    for (const entry of header.tensors) {
      spanBytes += entry.end - entry.begin;
      const earlier = found.get(entry.name);
      if (earlier) problems.push({ code: "duplicate-tensor", file, tensor: entry.name, message: `also stored in ${earlier.file}` });
      else found.set(entry.name, { file, entry });
      const indexed = layout?.weightMap?.get(entry.name);
      if (layout?.weightMap && indexed !== file) {
        problems.push({
          code: "unindexed-tensor",
          file,
          tensor: entry.name,
          message: indexed ? `the index says it is in ${indexed}` : `in the file header but not in ${INDEX_FILE}`,
        });
      }
    }
    const inHeader = new Set(header.tensors.map((t) => t.name));
    for (const [tensor, f] of layout?.weightMap ?? []) {
      if (f === file && !inHeader.has(tensor))
        problems.push({ code: "missing-tensor", file, tensor, message: `named by ${INDEX_FILE} but not in the file header` });
    }
  }
  if (layout?.indexTotalSize !== undefined && missingFiles.size === 0 && layout.indexTotalSize !== spanBytes) {
    warnings.push(`${INDEX_FILE} metadata.total_size is ${layout.indexTotalSize}, tensors span ${spanBytes} bytes`);
  }

  let params = 0;
  for (const { entry } of found.values()) params += numel(entry.shape);

  let expectedParams: number | undefined;
  if (config && isQwen2Config(config)) {
    const missingKeys = qwen2ConfigProblems(config);
    if (missingKeys.length) {
      problems.push({ code: "config", file: "config.json", message: `missing or invalid: ${missingKeys.join(", ")}` });
    } else {
      const qc = config as unknown as Qwen2Config;
      expectedParams = qwen2ParamCount(qc);
      const expected = qwen2Tensors(qc);
      const expectedNames = new Set(expected.map((t) => t.name));
      let counted = params;
      for (const t of expected) {
        const got = found.get(t.name);
        if (!got) {
          // Tensors the index places in a missing/unreadable file, or already reported missing, are not repeated here.
          if (!t.optional && !layout?.weightMap?.has(t.name)) {
            problems.push({
              code: "missing-tensor",
              file: layout?.weightMap ? INDEX_FILE : SINGLE_FILE,
              tensor: t.name,
              message: "Qwen2 config implies it, but no weight file has it",
            });
          }
          continue;
        }
        if (t.optional) counted -= numel(got.entry.shape); // a stored copy of a tied lm_head shares the embedding
        if (got.entry.shape.join(",") !== t.shape.join(",")) {
          problems.push({
            code: "shape",
            file: got.file,
            tensor: t.name,
            message: `shape [${got.entry.shape.join(", ")}], config implies [${t.shape.join(", ")}]`,
          });
        }
      }
      for (const [name, { file }] of found) {
        if (!expectedNames.has(name))
          problems.push({ code: "unexpected-tensor", file, tensor: name, message: "not part of a Qwen2ForCausalLM with this config" });
      }
      if (counted !== expectedParams) {
        problems.push({
          code: "param-count",
          file: "config.json",
          message: `weights hold ${counted.toLocaleString("en-US")} parameters, config implies ${expectedParams.toLocaleString("en-US")}`,
        });
      }
    }
  } else if (config) {
    warnings.push(`model_type ${String(config.model_type)} is not qwen2; tensor set and parameter count not checked`);
  }

  checkTokenizer(dir, problems);

  return {
    ok: problems.length === 0,
    dir,
    problems,
    warnings,
    params,
    ...(expectedParams !== undefined ? { expectedParams } : {}),
    files: layout?.files.length ?? 0,
    bytes,
    tensors: found.size,
  };
}
