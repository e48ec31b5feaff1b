// Compliance-check dialogues (the CCC task of DianJin-R1, whose data is not public) in a generic schema of our
// own, documented in README.md next to this file: dialogue turns, the checks to apply, the final verdict, and
// optional multi-agent traces (one reviewer agent's reasoning and answer per check) to be merged into one
// reasoning trace. JSON array or JSON Lines.
import { FieldReader, typeOf } from "./fields.js";
import { readJsonRecords } from "./json-records.js";

export const COMPLIANCE_VERDICTS = ["compliant", "violation"] as const;
export type ComplianceVerdict = (typeof COMPLIANCE_VERDICTS)[number];
export const CHECK_RESULTS = ["pass", "fail", "not-applicable"] as const;
export type CheckResult = (typeof CHECK_RESULTS)[number];

export interface DialogueTurn {
  /** Who speaks, e.g. "customer" or "agent". */
  speaker: string;
  text: string;
}

export interface ComplianceCheck {
  id: string;
  /** The rule, as a question or statement given to the reviewer. */
  description: string;
  /** Labelled outcome of this check, when known. */
  result?: CheckResult;
  reasoning?: string;
}

export interface AgentTrace {
  agent: string;
  /** id of the check this agent handled, when it handled one. */
  check?: string;
  reasoning: string;
  answer: string;
}

export interface ComplianceDialogue {
  index: number;
  id: string;
  dialogue: DialogueTurn[];
  checks: ComplianceCheck[];
  verdict: ComplianceVerdict;
  traces?: AgentTrace[];
  meta?: Record<string, unknown>;
}

export async function* readComplianceDialogues(file: string): AsyncGenerator<ComplianceDialogue> {
  for await (const raw of readJsonRecords(file)) yield toComplianceDialogue(file, raw.index, raw.line, raw.value);
}

export function toComplianceDialogue(file: string, index: number, line: number | undefined, record: Record<string, unknown>): ComplianceDialogue {
  const id = typeof record["id"] === "string" ? record["id"] : undefined;
  const f = new FieldReader(file, { index, line, id }, record);
  f.string("id");
  const dialogue = list(f, "dialogue", (t) => ({ speaker: t.string("speaker"), text: t.string("text") }));
  if (dialogue.length === 0) throw f.fail("has no turns", "dialogue");
  const checks = list(f, "checks", (c): ComplianceCheck => {
    const check: ComplianceCheck = { id: c.string("id"), description: c.string("description") };
    const result = c.optionalString("result");
    if (result !== undefined) {
      if (!(CHECK_RESULTS as readonly string[]).includes(result))
        throw c.fail(`must be one of ${CHECK_RESULTS.join(", ")}, got ${JSON.stringify(result)}`, "result");
      check.result = result as CheckResult;
    }
    const reasoning = c.optionalString("reasoning");
    if (reasoning !== undefined) check.reasoning = reasoning;
    return check;
  });
  const ids = new Set<string>();
  for (const c of checks) {
    if (ids.has(c.id)) throw f.fail(`duplicate check id ${JSON.stringify(c.id)}`, "checks");
    ids.add(c.id);
  }
  const verdict = f.string("verdict");
  if (!(COMPLIANCE_VERDICTS as readonly string[]).includes(verdict))
    throw f.fail(`must be one of ${COMPLIANCE_VERDICTS.join(", ")}, got ${JSON.stringify(verdict)}`, "verdict");
  const failed = checks.filter((c) => c.result === "fail");
  if (verdict === "compliant" && failed.length > 0) throw f.fail(`is "compliant" but check ${failed[0]!.id} failed`, "verdict");
  if (verdict === "violation" && checks.length > 0 && checks.every((c) => c.result !== undefined) && failed.length === 0)
    throw f.fail('is "violation" but no check failed', "verdict");
  const item: ComplianceDialogue = { index, id: id!, dialogue, checks, verdict: verdict as ComplianceVerdict };
  if (f.has("traces")) {
    item.traces = list(f, "traces", (t): AgentTrace => {
      const trace: AgentTrace = { agent: t.string("agent"), reasoning: t.string("reasoning"), answer: t.string("answer") };
      const check = t.optionalString("check");
      if (check !== undefined) {
        if (!ids.has(check)) throw t.fail(`refers to unknown check ${JSON.stringify(check)}`, "check");
        trace.check = check;
      }
      return trace;
    });
  }
  if (f.has("meta")) item.meta = f.object("meta");
  return item;
}

/** Reads field `name` as a list of objects, each checked by `each` with errors naming `name[i].field`. */
function list<T>(f: FieldReader, name: string, each: (item: FieldReader) => T): T[] {
  const v = f.record[name];
  if (!Array.isArray(v)) throw f.fail(v === undefined ? "missing" : `must be a list, got ${typeOf(v)}`, name);
  return v.map((x, i) => {
    const path = `${name}[${i}]`;
    if (typeof x !== "object" || x === null || Array.isArray(x)) throw f.fail(`must be an object, got ${typeOf(x)}`, path);
    const parent = f;
    const reader = new (class extends FieldReader {
      override fail(message: string, sub?: string): Error {
        return parent.fail(message, sub ? `${path}.${sub}` : path);
      }
    })(f.file, f.ref, x as Record<string, unknown>);
    return each(reader);
  });
}
