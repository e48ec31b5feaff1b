// Writes the flat YAML an HfArgumentParser reads (LLaMA-Factory's train YAML, `trl sft --config`). Hand-rolled on
// purpose: floats must read as floats under both PyYAML (YAML 1.1, where 1e-5 is a *string*) and OmegaConf, so they
// are always written with a dot and a signed exponent (1.0e-05).

const YAML11_SPECIAL = /^(?:true|false|yes|no|on|off|y|n|null|~|\.nan|\.inf|-\.inf)$/i;
const PLAIN_SAFE = /^[A-Za-z_/][A-Za-z0-9_./,@+-]*$/;

export function formatFloat(x: number): string {
  if (!Number.isFinite(x)) return x > 0 ? ".inf" : x < 0 ? "-.inf" : ".nan";
  if (x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e7)) {
    const [mantissa, exponent] = x.toExponential().split("e") as [string, string];
    const m = mantissa.includes(".") ? mantissa : `${mantissa}.0`;
    const sign = exponent.startsWith("-") ? "-" : "+";
    const digits = exponent.replace(/^[+-]/, "").padStart(2, "0");
    return `${m}e${sign}${digits}`;
  }
  const s = String(x);
  return s.includes(".") || s.includes("e") ? s : `${s}.0`;
}

function formatString(s: string): string {
  if (PLAIN_SAFE.test(s) && !YAML11_SPECIAL.test(s)) return s;
  return JSON.stringify(s);
}

function formatScalar(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  // Integers stay integers (Python takes an int where a float is declared); everything else gets a float form.
  if (typeof value === "number") return Number.isSafeInteger(value) ? String(value) : formatFloat(value);
  if (typeof value === "string") return formatString(value);
  // Lists and mappings as flow JSON, which YAML reads as the same structure.
  return JSON.stringify(value);
}

/** Flat mapping → YAML, one key per line, in the given order. */
export function emitFlatYaml(entries: Record<string, unknown>, header?: string): string {
  const lines = header ? header.split("\n").map((l) => `# ${l}`) : [];
  for (const [key, value] of Object.entries(entries)) {
    if (value === undefined) continue;
    lines.push(`${key}: ${formatScalar(value)}`);
  }
  return `${lines.join("\n")}\n`;
}
