#!/usr/bin/env node
// The import rules of src/ (plain Node, no dependencies): no cycle between files, tool adapters know no stage,
// resource estimates know no experiment schema. Usage: node scripts/check-imports.mjs [--strict] [--root SRC_DIR]
// Exit 1 lists every offending import as `file → target`; the layer table below also reports every import from
// a lower layer into a higher one, which fails only with --strict (the lead extends the rules as layers settle).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

// Lowest first (the README's table); paths are relative to src/ with "/" separators; the first matching entry wins,
// so the registry comes before the stage folders.
export const LAYERS = [
  { layer: 0, name: "util, errors", match: /^(util\/|errors\.ts$)/ },
  { layer: 1, name: "llm, scoring, report, launch", match: /^(llm|scoring|report|launch)\// },
  { layer: 2, name: "tools, data", match: /^(tools|data)\// },
  { layer: 3, name: "resources", match: /^resources\// },
  { layer: 4, name: "contract", match: /^contract\// },
  { layer: 6, name: "stage registry", match: /^stages\/registry\.ts$/ },
  { layer: 5, name: "stages", match: /^stages\// },
  { layer: 7, name: "experiment config", match: /^config\// },
  { layer: 8, name: "pipeline", match: /^pipeline\// },
  { layer: 9, name: "cli, public API", match: /^(cli\/|index\.ts$)/ },
];

// Imports that fail without --strict: `from` importer, `to` imported file (both relative to src/).
export const FORBIDDEN = [
  { from: /^tools\//, to: /^(config|contract|stages|pipeline|cli|eval)\//, why: "a tool adapter knows no stage or experiment" },
  { from: /^resources\//, to: /^(config\/schema\.ts$|(stages|pipeline|cli)\/)/, why: "resources take their own inputs" },
];

const SOURCE = /\.ts$/;
const DECLARATION = /\.d\.ts$/;

/** Every `.ts` file under `dir` (not declarations), as paths relative to `dir` with "/" separators. */
export function listSources(dir) {
  const found = [];
  const walk = (at) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const full = join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (SOURCE.test(entry.name) && !DECLARATION.test(entry.name)) found.push(toPosix(relative(dir, full)));
    }
  };
  walk(dir);
  return found.sort();
}

// Static imports and re-exports start a line (the project's style); `import("…")` may sit anywhere, also in
// type positions (`typeof import("./x.js")`), which is a dependency too.
const STATIC_FROM = /^[ \t]*(?:import|export)\s+(?:type\s+)?(?:[\w$]+\s*,?\s*)?(?:\{[^}]*\}|\*(?:\s+as\s+[\w$]+)?)?\s*from\s*["']([^"'\n]+)["']/gm;
const SIDE_EFFECT = /^[ \t]*import\s*["']([^"'\n]+)["']/gm;
const DYNAMIC = /\bimport\s*\(\s*["']([^"'\n]+)["']\s*[,)]/g;
const COMMENT_LINE = /^[ \t]*(\/\/|\/\*|\*).*$/gm;

/** The module specifiers a source text imports, in order of appearance (comment lines ignored). */
export function importSpecifiers(text) {
  const code = text.replace(COMMENT_LINE, "");
  const found = [];
  for (const pattern of [STATIC_FROM, SIDE_EFFECT, DYNAMIC]) {
    for (const m of code.matchAll(pattern)) found.push({ at: m.index, specifier: m[1] });
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.specifier);
}

/** The src-relative `.ts` file a relative specifier names (NodeNext: "./x.js" is x.ts), or undefined. */
export function resolveSpecifier(root, fromFile, specifier) {
  if (!specifier.startsWith(".")) return undefined;
  const base = join(root, dirname(fromFile), specifier);
  const candidates = [base.replace(/\.(m?)js$/, ".$1ts"), base, `${base}.ts`, join(base, "index.ts")];
  for (const candidate of candidates) {
    if (SOURCE.test(candidate) && existsSync(candidate) && statSync(candidate).isFile()) {
      return toPosix(relative(root, candidate));
    }
  }
  return undefined;
}

/** The file graph: for every source file the distinct src files it imports; unresolved relative imports apart. */
export function importGraph(root) {
  const edges = new Map();
  const unresolved = [];
  for (const file of listSources(root)) {
    const targets = new Set();
    for (const specifier of importSpecifiers(readFileSync(join(root, file), "utf8"))) {
      if (!specifier.startsWith(".")) continue;
      const target = resolveSpecifier(root, file, specifier);
      if (target) targets.add(target);
      else if (!/\.(json|mjs|cjs|js)$/.test(specifier) || !existsSync(join(root, dirname(file), specifier))) {
        unresolved.push({ from: file, to: specifier });
      }
    }
    edges.set(file, [...targets].sort());
  }
  return { edges, unresolved };
}

/** Strongly connected components with more than one file (or a file importing itself), by Tarjan's algorithm. */
export function cycles(edges) {
  let counter = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  const visit = (start) => {
    // Iterative, so a deep import chain cannot overflow the call stack.
    const frames = [{ node: start, next: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1];
      const targets = edges.get(frame.node) ?? [];
      if (frame.next < targets.length) {
        const target = targets[frame.next++];
        if (!index.has(target)) {
          index.set(target, counter);
          low.set(target, counter++);
          stack.push(target);
          onStack.add(target);
          frames.push({ node: target, next: 0 });
        } else if (onStack.has(target)) {
          low.set(frame.node, Math.min(low.get(frame.node), index.get(target)));
        }
        continue;
      }
      frames.pop();
      if (frames.length > 0) {
        const parent = frames[frames.length - 1].node;
        low.set(parent, Math.min(low.get(parent), low.get(frame.node)));
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const component = [];
        let member;
        do {
          member = stack.pop();
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        const selfLoop = (edges.get(frame.node) ?? []).includes(frame.node);
        if (component.length > 1 || selfLoop) components.push(component.sort());
      }
    }
  };
  for (const node of [...edges.keys()].sort()) if (!index.has(node)) visit(node);
  // Every import between two files of one component lies on a cycle: those are the imports to list.
  return components.map((files) => {
    const members = new Set(files);
    const imports = files.flatMap((from) => (edges.get(from) ?? []).filter((to) => members.has(to)).map((to) => ({ from, to })));
    return { files, imports };
  });
}

/** The layer entry of a src-relative file, or undefined when no entry matches. */
export function layerOf(file, layers = LAYERS) {
  return layers.find((entry) => entry.match.test(file));
}

/** Every rule's findings for the src folder `root`; `failed` says whether the check fails in the given mode. */
export function checkImports(root, { strict = false, layers = LAYERS, forbidden = FORBIDDEN } = {}) {
  const { edges, unresolved } = importGraph(root);
  const cyclic = cycles(edges);
  const forbiddenImports = [];
  const upward = [];
  const unlayered = new Set();
  for (const [from, targets] of edges) {
    const fromLayer = layerOf(from, layers);
    if (!fromLayer) unlayered.add(from);
    for (const to of targets) {
      const rule = forbidden.find((r) => r.from.test(from) && r.to.test(to));
      if (rule) forbiddenImports.push({ from, to, why: rule.why });
      const toLayer = layerOf(to, layers);
      if (fromLayer && toLayer && toLayer.layer > fromLayer.layer) {
        upward.push({ from, to, fromLayer: fromLayer.layer, toLayer: toLayer.layer });
      }
    }
  }
  const failed = cyclic.length > 0 || forbiddenImports.length > 0 || (strict && upward.length > 0);
  return { files: edges.size, cycles: cyclic, forbidden: forbiddenImports, upward, unresolved, unlayered: [...unlayered].sort(), failed };
}

/** The report as lines, paths shown as `src/...` so they can be opened from the repository root. */
export function formatReport(result, { strict = false, prefix = "src/" } = {}) {
  const p = (file) => `${prefix}${file}`;
  const lines = [];
  for (const cycle of result.cycles) {
    lines.push(`import cycle between ${cycle.files.length} files:`);
    for (const edge of cycle.imports) lines.push(`  ${p(edge.from)} → ${p(edge.to)}`);
  }
  if (result.forbidden.length > 0) {
    lines.push("forbidden imports:");
    for (const edge of result.forbidden) lines.push(`  ${p(edge.from)} → ${p(edge.to)}  (${edge.why})`);
  }
  if (result.upward.length > 0) {
    lines.push(`imports into a higher layer${strict ? "" : " (reported; they fail only with --strict)"}:`);
    for (const edge of result.upward) lines.push(`  ${p(edge.from)} → ${p(edge.to)}  (layer ${edge.fromLayer} → ${edge.toLayer})`);
  }
  if (result.unresolved.length > 0) {
    lines.push("relative imports that name no file (not checked):");
    for (const edge of result.unresolved) lines.push(`  ${p(edge.from)} → ${edge.to}`);
  }
  if (result.unlayered.length > 0) lines.push(`files in no layer: ${result.unlayered.map(p).join(", ")}`);
  const verdict = result.failed ? "FAILED" : "ok";
  lines.push(
    `check-imports: ${verdict}: ${result.files} files, ${result.cycles.length} cycles, ${result.forbidden.length} forbidden, ` +
      `${result.upward.length} upward imports${strict ? " (strict)" : ""}`,
  );
  return lines;
}

function toPosix(path) {
  return path.split(sep).join("/");
}

function main(argv) {
  const strict = argv.includes("--strict");
  const rootAt = argv.indexOf("--root");
  const root = rootAt >= 0 && argv[rootAt + 1] ? resolve(argv[rootAt + 1]) : fileURLToPath(new URL("../src", import.meta.url));
  if (!existsSync(root)) {
    process.stderr.write(`check-imports: no such folder: ${root}\n`);
    return 2;
  }
  const result = checkImports(root, { strict });
  const lines = formatReport(result, { strict, prefix: `${toPosix(relative(process.cwd(), root)) || "."}/` });
  (result.failed ? process.stderr : process.stdout).write(`${lines.join("\n")}\n`);
  return result.failed ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
