// Conversions used by gen-tool-releases.mjs: release ordering, Python annotations → the project's type names, and
// verl's flattened config (default values) → { type, default, dataclass } per key.

/** "0.3.0.post1" → numbers plus a rank for the suffix: .devN < (none) < .postN. */
function releaseParts(release) {
  const m = /^(\d+)\.(\d+)\.(\d+)(.*)$/.exec(release);
  if (!m) throw new Error(`not a release number: ${release}`);
  const suffix = m[4];
  const rank = suffix.includes("dev") ? -1 : suffix.includes("post") ? 1 : 0;
  return [Number(m[1]), Number(m[2]), Number(m[3]), rank, Number(/\d+$/.exec(suffix)?.[0] ?? 0)];
}

export function compareReleases(a, b) {
  const x = releaseParts(a);
  const y = releaseParts(b);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

const PYTHON_TYPES = { str: "string", int: "integer", float: "number", bool: "boolean", dict: "object", list: "array" };

/** Splits "a, b[c, d], e" at top-level commas. */
function splitTop(text, separator) {
  const parts = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "[") depth++;
    else if (ch === "]") depth--;
    else if (depth === 0 && text.startsWith(separator, i)) {
      parts.push(text.slice(start, i).trim());
      start = i + separator.length;
    }
  }
  parts.push(text.slice(start).trim());
  return parts;
}

function typesOf(annotation) {
  const a = annotation.trim();
  if (splitTop(a, "|").length > 1) return splitTop(a, "|").flatMap(typesOf);
  const generic = /^(\w+(?:\.\w+)?)\[(.*)\]$/.exec(a);
  if (generic) {
    const [, outer, inner] = generic;
    if (outer === "Optional") return [...typesOf(inner), "null"];
    if (outer === "Union") return splitTop(inner, ",").flatMap(typesOf);
    if (outer === "Literal") return ["string"];
    if (/^(Dict|dict)$/.test(outer)) return ["object"];
    if (/^(List|list)$/.test(outer)) return ["array"];
  }
  if (a === "None") return ["null"];
  if (PYTHON_TYPES[a]) return [PYTHON_TYPES[a]];
  if (a === "Any") return ["string", "number", "integer", "boolean", "object", "array", "null"];
  // torch.dtype and LLaMA-Factory's string enums (AttentionFunction, EngineName, QuantizationMethod, RopeScaling)
  // are given as their string values in the YAML.
  return ["string"];
}

/** A Python annotation → "string|null" and the like (the names keys.ts checks YAML values with). */
export function llamafactoryType(annotation, choices) {
  const types = [...new Set(typesOf(annotation))];
  return { type: types.join("|"), ...(choices?.length ? { choices: choices.map(String) } : {}) };
}

/** The JSON text decides int vs float: `0.0` and `0` are the same number once parsed. */
function numberSpellings(text) {
  const out = new Map();
  for (const m of text.matchAll(/^\s*"([^"]+)":\s*(-?[\d.eE+-]+|-?Infinity|NaN),?\s*$/gm)) out.set(m[1], m[2]);
  return out;
}

function listDefault(value) {
  try {
    return JSON.parse(value);
  } catch {
    return JSON.parse(value.replaceAll("'", '"'));
  }
}

/** verl's flattened tree (key → default, "<group>" for a mapping) → the types the checks and the renderer use. */
export function verlKeyTable(keys, text) {
  const spelled = numberSpellings(text);
  const names = Object.keys(keys).sort();
  const out = {};
  for (const key of names) {
    const value = keys[key];
    if (value === "<group>") {
      const hasChildren = names.some((k) => k.startsWith(`${key}.`));
      const dataclass = Object.hasOwn(keys, `${key}._target_`);
      out[key] = { type: "dict", ...(hasChildren ? {} : { default: {} }), ...(dataclass ? { dataclass: true } : {}) };
    } else if (value === null) out[key] = { type: "null", default: null };
    else if (typeof value === "boolean") out[key] = { type: "bool", default: value };
    else if (typeof value === "number") out[key] = { type: /[.eE]|inf|nan/i.test(spelled.get(key) ?? "") ? "float" : "int", default: value };
    else if (value === "???") out[key] = { type: "missing" };
    else if (typeof value === "string" && value.includes("${")) out[key] = { type: "interpolation", default: value };
    else if (typeof value === "string" && /^\[.*\]$/s.test(value)) out[key] = { type: "list", default: listDefault(value) };
    else if (Array.isArray(value)) out[key] = { type: "list", default: value };
    else out[key] = { type: "str", default: value };
  }
  return out;
}
