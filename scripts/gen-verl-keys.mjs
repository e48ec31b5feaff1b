#!/usr/bin/env node
// One-off generator for src/tools/verl/config-tree.<era>.json: flattens a verl trainer YAML into dotted keys with
// the type of their default. Run it when the supported verl range moves; the JSON output is what the project uses.
//
//   node scripts/gen-verl-keys.mjs <era> <trainer.yaml> "<source description>" [out.json]
//
// <trainer.yaml> is a fully composed file: verl's _generated_ppo_trainer.yaml for the Hydra-composed layout (v0.5+),
// or the single ppo_trainer.yaml of older releases.
import { readFileSync, writeFileSync } from "node:fs";
import { isMap, isScalar, isSeq, parseDocument } from "yaml";

const [era, input, source, output] = process.argv.slice(2);
if (!era || !input || !source) {
  process.stderr.write("usage: gen-verl-keys.mjs <era> <trainer.yaml> <source description> [out.json]\n");
  process.exit(2);
}

/** Type names follow Python/OmegaConf, since that is what reads the values. */
function scalarInfo(node) {
  const value = node.value;
  if (value === null) return { type: "null", default: null };
  if (typeof value === "boolean") return { type: "bool", default: value };
  if (typeof value === "number") {
    // The YAML source decides int vs float: `1.0` and `1` are both 1 in JS.
    const text = String(node.source ?? value);
    const float = /[.eE]|inf|nan/i.test(text);
    return { type: float ? "float" : "int", default: value };
  }
  if (value === "???") return { type: "missing" };
  if (typeof value === "string" && value.includes("${")) return { type: "interpolation", default: value };
  return { type: "str", default: value };
}

const keys = {};
function walk(node, prefix) {
  if (isMap(node)) {
    const children = node.items.filter((pair) => String(pair.key?.value ?? pair.key) !== "defaults");
    const structured = children.some((pair) => String(pair.key?.value ?? pair.key) === "_target_");
    if (prefix) keys[prefix] = { type: "dict", ...(children.length === 0 ? { default: {} } : {}), ...(structured ? { dataclass: true } : {}) };
    for (const pair of children) {
      const name = String(pair.key?.value ?? pair.key);
      walk(pair.value, prefix ? `${prefix}.${name}` : name);
    }
  } else if (isSeq(node)) {
    keys[prefix] = { type: "list", default: node.toJSON() };
  } else if (isScalar(node)) {
    keys[prefix] = scalarInfo(node);
  } else if (node == null) {
    keys[prefix] = { type: "null", default: null };
  }
}

const doc = parseDocument(readFileSync(input, "utf8"));
if (doc.errors.length) throw doc.errors[0];
walk(doc.contents, "");

const sorted = Object.fromEntries(Object.keys(keys).sort().map((k) => [k, keys[k]]));
const result = {
  about:
    "Keys of verl's PPO/GRPO trainer config (dotted Hydra override paths) with the type of their default. Generated once by scripts/gen-verl-keys.mjs and kept by this project; regenerate when the supported verl range moves. type: bool|int|float|str|null|list|dict|missing (??? = must be set)|interpolation (${...}). dataclass: the section is built into a verl Config dataclass, so an added (+) key fails there.",
  era,
  source,
  keys: sorted,
};
const text = `${JSON.stringify(result, null, 1)}\n`;
if (output) writeFileSync(output, text);
else process.stdout.write(text);
