// Model dimensions: from a local model folder's config.json, else a built-in table of the Qwen2.5 and Qwen3 dense
// models for hub ids. The parameter count is the merge verifier's Qwen2 count (one count in the project); Qwen3 only
// swaps the q/k/v biases for per-head q/k norms.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { qwen2ParamCount, type Qwen2Config } from "../tools/merge/qwen2-params.js";

export interface ModelDims {
  layers: number;
  hidden: number;
  intermediate: number;
  heads: number;
  kv_heads: number;
  head_dim: number;
  vocab: number;
  tied_embeddings: boolean;
  /** qwen3 has no q/k/v bias but RMS norms on q and k. */
  family: "qwen2" | "qwen3";
}

export interface ModelInfo {
  dims: ModelDims;
  params: number;
  /** Where the dimensions came from: a config.json path, or "built-in table (<name>)". */
  source: string;
}

type Row = [layers: number, hidden: number, intermediate: number, heads: number, kvHeads: number, vocab: number, tied: boolean];

// From each model's config.json on the Hugging Face hub.
const QWEN25: Record<string, Row> = {
  "0.5b": [24, 896, 4864, 14, 2, 151936, true],
  "1.5b": [28, 1536, 8960, 12, 2, 151936, true],
  "3b": [36, 2048, 11008, 16, 2, 151936, true],
  "7b": [28, 3584, 18944, 28, 4, 152064, false],
  "14b": [48, 5120, 13824, 40, 8, 152064, false],
  "32b": [64, 5120, 27648, 40, 8, 152064, false],
  "72b": [80, 8192, 29568, 64, 8, 152064, false],
};
// Qwen3 states head_dim: 128 for every size.
const QWEN3: Record<string, Row> = {
  "0.6b": [28, 1024, 3072, 16, 8, 151936, true],
  "1.7b": [28, 2048, 6144, 16, 8, 151936, true],
  "4b": [36, 2560, 9728, 32, 8, 151936, true],
  "8b": [36, 4096, 12288, 32, 8, 151936, false],
  "14b": [40, 5120, 17408, 40, 8, 151936, false],
  "32b": [64, 5120, 25600, 64, 8, 151936, false],
};

function fromRow([layers, hidden, intermediate, heads, kv_heads, vocab, tied_embeddings]: Row, family: ModelDims["family"]): ModelDims {
  const head_dim = family === "qwen3" ? 128 : hidden / heads;
  return { layers, hidden, intermediate, heads, kv_heads, head_dim, vocab, tied_embeddings, family };
}

/** Qwen/Qwen2.5-7B-Instruct, qwen2.5-32b, Qwen/Qwen3-8B → dims; other ids (fine-tunes, Coder, Math) → undefined. */
export function builtinDims(hubId: string): { dims: ModelDims; name: string } | undefined {
  const name = hubId.split("/").pop()!.toLowerCase();
  const m = /^qwen(2\.5|3)-(\d+(?:\.\d+)?b)(?:-instruct|-base)?$/.exec(name);
  if (!m) return undefined;
  const table = m[1] === "3" ? QWEN3 : QWEN25;
  const row = table[m[2]!];
  return row ? { dims: fromRow(row, m[1] === "3" ? "qwen3" : "qwen2"), name: hubId.split("/").pop()! } : undefined;
}

function num(config: Record<string, unknown>, key: string): number | undefined {
  const v = config[key];
  return typeof v === "number" && Number.isFinite(v) && v > 0 ? v : undefined;
}

/** Dims from a parsed config.json (Qwen2/Qwen3 and any Llama-shaped decoder); undefined when a key is missing. */
export function dimsFromConfig(config: Record<string, unknown>): ModelDims | undefined {
  const layers = num(config, "num_hidden_layers");
  const hidden = num(config, "hidden_size");
  const intermediate = num(config, "intermediate_size");
  const heads = num(config, "num_attention_heads");
  const vocab = num(config, "vocab_size");
  if (!layers || !hidden || !intermediate || !heads || !vocab) return undefined;
  const family = config.model_type === "qwen3" ? "qwen3" : "qwen2";
  return {
    layers,
    hidden,
    intermediate,
    heads,
    kv_heads: num(config, "num_key_value_heads") ?? heads,
    head_dim: num(config, "head_dim") ?? hidden / heads,
    vocab,
    tied_embeddings: config.tie_word_embeddings === true,
    family,
  };
}

export function paramCount(d: ModelDims): number {
  const asQwen2: Qwen2Config = {
    hidden_size: d.hidden,
    intermediate_size: d.intermediate,
    num_hidden_layers: d.layers,
    num_attention_heads: d.heads,
    num_key_value_heads: d.kv_heads,
    vocab_size: d.vocab,
    tie_word_embeddings: d.tied_embeddings,
    head_dim: d.head_dim,
  };
  const qwen2 = qwen2ParamCount(asQwen2);
  if (d.family === "qwen2") return qwen2;
  const biases = d.layers * (d.heads + 2 * d.kv_heads) * d.head_dim;
  const qkNorms = d.layers * 2 * d.head_dim;
  return qwen2 - biases + qkNorms;
}

/** The largest single module (DeepSpeed's "largest layer"): the embedding, or one MLP projection if larger. */
export function largestLayerParams(d: ModelDims): number {
  return Math.max(d.vocab * d.hidden, d.intermediate * d.hidden);
}

export function looksLocal(path: string): boolean {
  return path.startsWith("/") || path.startsWith("./") || path.startsWith("../");
}

/**
 * The first of `candidates` that gives dimensions: a local folder's config.json when it exists, else a hub id in the
 * built-in table. Later candidates are fallbacks (GRPO's model is the SFT output, not yet written: same shape as
 * model.base).
 */
export async function resolveModel(candidates: readonly string[]): Promise<ModelInfo | undefined> {
  for (const model of candidates) {
    if (looksLocal(model)) {
      const file = join(model, "config.json");
      const text = await readFile(file, "utf8").catch(() => undefined);
      const dims = text ? safeDims(text) : undefined;
      if (dims) return { dims, params: paramCount(dims), source: file };
      continue;
    }
    const builtin = builtinDims(model);
    if (builtin) return { dims: builtin.dims, params: paramCount(builtin.dims), source: `built-in table (${builtin.name})` };
  }
  return undefined;
}

function safeDims(text: string): ModelDims | undefined {
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === "object" ? dimsFromConfig(parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
