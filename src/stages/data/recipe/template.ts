// Prompt templates: plain text files with `{{name}}` placeholders. A template is checked when loaded (required
// placeholders present, no unknown ones) so a typo in a user's override fails before any request is sent.
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { ConfigError } from "../../../errors.js";

export interface TemplateSpec {
  required: readonly string[];
  optional: readonly string[];
}

export interface Template {
  name: string;
  path: string;
  text: string;
  /** sha256 of the text, so a changed shipped prompt changes the stage key. */
  sha256: string;
}

const PLACEHOLDER = /\{\{\s*([\w-]+)\s*\}\}/g;

export function loadTemplate(name: string, path: string, spec: TemplateSpec): Template {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(path, [{ path: `prompt ${name}`, message: `cannot read the template: ${(error as Error).message}` }]);
  }
  const used = new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!));
  const known = new Set([...spec.required, ...spec.optional]);
  const problems = [
    ...spec.required.filter((p) => !used.has(p)).map((p) => ({ path: `prompt ${name}`, message: `the template lacks the {{${p}}} placeholder` })),
    ...[...used]
      .filter((p) => !known.has(p))
      .map((p) => ({ path: `prompt ${name}`, message: `unknown placeholder {{${p}}} (known: ${[...known].join(", ")})` })),
  ];
  if (problems.length) throw new ConfigError(path, problems);
  return { name, path, text, sha256: createHash("sha256").update(text).digest("hex") };
}

/** Fills placeholders in one pass, so text inside a value that looks like a placeholder is never expanded. */
export function renderTemplate(template: Template, values: Readonly<Record<string, string>>): string {
  return template.text.replace(PLACEHOLDER, (_, name: string) => values[name] ?? "").trimEnd();
}
