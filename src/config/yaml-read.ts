// Reads one YAML config file into a plain tree, turning every way YAML can go wrong into problems with line and column:
// bytes that are not UTF-8, syntax, unknown or self-referencing aliases, alias bombs, duplicate keys (checked in one
// pass: yaml's own uniqueKeys check is quadratic) and keys that would reach Object.prototype.
import YAML, { isPair, isScalar, LineCounter, type Document } from "yaml";
import type { Problem } from "../errors.js";
import { describeInvalidUtf8, invalidUtf8Offset } from "../util/utf8.js";

/** More aliases than this in one file is a resource-exhaustion attempt, not a config. */
export const MAX_ALIASES = 100;
/** Keys that would set or shadow Object.prototype members when the tree is copied. */
export const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

export interface ParsedYaml {
  value?: unknown;
  problems: Problem[];
  /** The problems are YAML syntax errors (a --set value that is not YAML is then taken as a plain string). */
  syntax?: boolean;
  /** Line and column of a dotted path in this file, else of its nearest written ancestor (only the path itself when `exact`). */
  locate(path: readonly string[], exact?: boolean): { line: number; col: number } | undefined;
}

function at(file: string, lc: LineCounter, offset: number): Problem["at"] {
  const { line, col } = lc.linePos(offset);
  return { file, line, col };
}

function structureProblems(doc: Document, file: string, lc: LineCounter): Problem[] {
  const problems: Problem[] = [];
  YAML.visit(doc, {
    Alias(_key, node) {
      const offset = node.range?.[0] ?? 0;
      const target = node.resolve(doc);
      if (!target)
        problems.push({ path: `*${node.source}`, message: `unknown alias *${node.source} (no &${node.source} anchor before it)`, at: at(file, lc, offset) });
      else if (target.range && target.range[0] <= offset && offset < target.range[2]) {
        problems.push({
          path: `*${node.source}`,
          message: `alias *${node.source} refers to the node that defines &${node.source} (a cycle)`,
          at: at(file, lc, offset),
        });
      }
    },
    Map(_key, map, ancestors) {
      const seen = new Set<string>();
      const parent = ancestors.filter(isPair).map((p) => (isScalar(p.key) ? String(p.key.value) : "?"));
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (key === undefined) continue;
        const where = at(file, lc, (pair.key as { range?: [number, number, number] }).range?.[0] ?? 0);
        const path = [...parent, key].join(".");
        if (FORBIDDEN_KEYS.has(key)) problems.push({ path, message: `"${key}" is not allowed as a key`, at: where });
        else if (seen.has(key)) problems.push({ path, message: `duplicate key "${key}"`, at: where });
        seen.add(key);
      }
    },
  });
  return problems;
}

export function parseYaml(bytes: Uint8Array, file: string): ParsedYaml {
  const lc = new LineCounter();
  const none: ParsedYaml = { problems: [], locate: () => undefined };
  const bad = invalidUtf8Offset(bytes);
  if (bad >= 0) {
    const lineStart = bytes.lastIndexOf(0x0a, bad - 1) + 1;
    const line = bytes.subarray(0, lineStart).reduce((n, b) => n + (b === 0x0a ? 1 : 0), 1);
    const col = Buffer.from(bytes.subarray(lineStart, bad)).toString("utf8").length + 1;
    return { ...none, problems: [{ path: "", message: `the file is ${describeInvalidUtf8(bytes, bad)}`, at: { file, line, col } }] };
  }
  const text = Buffer.from(bytes)
    .toString("utf8")
    .replace(/^\uFEFF/, "");
  const doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: false, lineCounter: lc });
  const locate = (path: readonly string[], exact = false) => {
    for (let n = path.length; n > (exact ? path.length - 1 : 0); n--) {
      const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return lc.linePos(node.range[0]);
    }
    return undefined;
  };
  if (doc.errors.length) {
    // The first few are the useful ones; a YAML error cascades into many.
    return {
      problems: doc.errors.slice(0, 3).map((e) => ({ path: "", message: e.message.split("\n")[0]!, at: at(file, lc, e.pos[0]) })),
      syntax: true,
      locate,
    };
  }
  const problems = structureProblems(doc, file, lc);
  if (problems.length) return { problems: problems.slice(0, 20), locate };
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIASES }), problems: [], locate };
  } catch (error) {
    // yaml throws a ReferenceError for an alias bomb; any other throw here is also the file's fault.
    const message = /alias count/i.test((error as Error).message) ? `more than ${MAX_ALIASES} alias expansions (a YAML alias bomb?)` : (error as Error).message;
    return { problems: [{ path: "", message, at: { file, line: 1, col: 1 } }], locate };
  }
}

/** A value given on the command line (`--set key=VALUE`), read as YAML with the same protections. */
export function parseYamlValue(text: string, label: string): { value: unknown; problems: Problem[] } {
  const parsed = parseYaml(Buffer.from(text, "utf8"), label);
  if (parsed.syntax) return { value: text, problems: [] };
  if (parsed.problems.length) return { value: undefined, problems: parsed.problems.map((p) => ({ ...p, path: label, at: undefined })) };
  return { value: parsed.value, problems: [] };
}
