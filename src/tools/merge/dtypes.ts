// Byte width of each safetensors dtype tag, and the names users write for them.

export const DTYPE_BYTES: Readonly<Record<string, number>> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E4M3: 1,
  F8_E5M2: 1,
  F8_E8M0: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  I64: 8,
  U64: 8,
  F64: 8,
  C64: 8,
};

const ALIASES: Readonly<Record<string, string>> = {
  bfloat16: "BF16",
  bf16: "BF16",
  float16: "F16",
  fp16: "F16",
  half: "F16",
  float32: "F32",
  fp32: "F32",
  float: "F32",
};

/** "bfloat16" / "bf16" / "BF16" → "BF16". Unknown names are upper-cased and left to fail the check. */
export function normalizeDtype(name: string): string {
  return ALIASES[name.toLowerCase()] ?? name.toUpperCase();
}
