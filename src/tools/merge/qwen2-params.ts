// The tensors (names and shapes) that a Qwen2ForCausalLM checkpoint holds, derived from its config.json.
// Used to check a merged folder is complete and has the parameter count the config implies.

export interface Qwen2Config {
  hidden_size: number;
  intermediate_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  /** GQA: fewer K/V heads than query heads. Defaults to num_attention_heads. */
  num_key_value_heads?: number;
  vocab_size: number;
  tie_word_embeddings?: boolean;
  head_dim?: number;
}

export interface ExpectedTensor {
  name: string;
  shape: number[];
  /** lm_head when embeddings are tied: transformers does not save it, but a copy is tolerated. */
  optional?: boolean;
}

const REQUIRED_KEYS = ["hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads", "vocab_size"] as const;

/** Returns the missing or non-numeric keys; empty when the config is usable. */
export function qwen2ConfigProblems(config: Record<string, unknown>): string[] {
  return REQUIRED_KEYS.filter((k) => !(typeof config[k] === "number" && Number.isSafeInteger(config[k]) && (config[k] as number) > 0));
}

export function isQwen2Config(config: Record<string, unknown>): boolean {
  const archs = Array.isArray(config.architectures) ? config.architectures : [];
  return config.model_type === "qwen2" || archs.includes("Qwen2ForCausalLM");
}

export function qwen2Tensors(c: Qwen2Config): ExpectedTensor[] {
  const h = c.hidden_size;
  const headDim = c.head_dim ?? h / c.num_attention_heads;
  const qDim = c.num_attention_heads * headDim;
  const kvDim = (c.num_key_value_heads ?? c.num_attention_heads) * headDim;
  const out: ExpectedTensor[] = [{ name: "model.embed_tokens.weight", shape: [c.vocab_size, h] }];
  for (let i = 0; i < c.num_hidden_layers; i++) {
    const p = `model.layers.${i}`;
    out.push(
      { name: `${p}.input_layernorm.weight`, shape: [h] },
      // Qwen2 has biases on q/k/v but not on o.
      { name: `${p}.self_attn.q_proj.weight`, shape: [qDim, h] },
      { name: `${p}.self_attn.q_proj.bias`, shape: [qDim] },
      { name: `${p}.self_attn.k_proj.weight`, shape: [kvDim, h] },
      { name: `${p}.self_attn.k_proj.bias`, shape: [kvDim] },
      { name: `${p}.self_attn.v_proj.weight`, shape: [kvDim, h] },
      { name: `${p}.self_attn.v_proj.bias`, shape: [kvDim] },
      { name: `${p}.self_attn.o_proj.weight`, shape: [h, qDim] },
      { name: `${p}.post_attention_layernorm.weight`, shape: [h] },
      { name: `${p}.mlp.gate_proj.weight`, shape: [c.intermediate_size, h] },
      { name: `${p}.mlp.up_proj.weight`, shape: [c.intermediate_size, h] },
      { name: `${p}.mlp.down_proj.weight`, shape: [h, c.intermediate_size] },
    );
  }
  out.push({ name: "model.norm.weight", shape: [h] });
  out.push({ name: "lm_head.weight", shape: [c.vocab_size, h], ...(c.tie_word_embeddings ? { optional: true } : {}) });
  return out;
}

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Distinct parameters the config implies (a tied lm_head shares the embedding and is not counted). */
export function qwen2ParamCount(c: Qwen2Config): number {
  return qwen2Tensors(c)
    .filter((t) => !t.optional)
    .reduce((sum, t) => sum + numel(t.shape), 0);
}
