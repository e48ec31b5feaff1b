// The launch entry: a planned stage as it is really launched. The plan is frozen; what only this run knows (what earlier
// stages produced, their keys, a probed tool version) goes into a new record, and the stage is rendered again into it
// when its plan entry says the render depends on those (renderAt "launch"). Apply records what happened from these.
import type { UpstreamInfo } from "../contract/stage.js";
import { keyedWith, renderKeyed } from "./keys.js";
import type { Plan, PlannedStage } from "./plan.js";
import { toolOf, type StageName } from "../stages/registry.js";
import { stageHasVersionProbe } from "./tools.js";

export interface LaunchEntry extends PlannedStage {
  /** The plan entry this record was made from (unchanged). */
  readonly planned: PlannedStage;
}

/** What this run has learned so far: each finished stage's key and outputs, and tool versions the tools reported. */
export interface RunFacts {
  readonly upstream: Partial<Record<StageName, UpstreamInfo>>;
  readonly toolVersions: Partial<Record<string, string>>;
}

export function runFacts(plan: Plan): RunFacts {
  return { upstream: {}, toolVersions: { ...plan.stages[0]?.context.toolVersions } };
}

/** After a stage ended (or was skipped): later stages read its real key and outputs (a service's endpoint). */
export function learnProduced(facts: RunFacts, name: StageName, key: string, outputs: Record<string, string>): void {
  facts.upstream[name] = { key, outputs };
}

/** The record exactly as planned: a stage planned again on its own (a reattach that found no job) is launched so. */
export function asPlanned(entry: PlannedStage): LaunchEntry {
  return { ...entry, planned: entry };
}

/**
 * The plan entry with what earlier stages of this run produced in its context and key; rendered again when
 * `render` is asked and the entry's render depends on them.
 */
export async function atLaunch(entry: PlannedStage, facts: RunFacts, options: { render: boolean }): Promise<LaunchEntry> {
  const upstream = { ...entry.context.upstream };
  for (const name of Object.keys(upstream) as StageName[]) if (facts.upstream[name]) upstream[name] = facts.upstream[name];
  const context = { ...entry.context, upstream, toolVersions: { ...facts.toolVersions } };
  const record: LaunchEntry = { ...entry, planned: entry, context, ...keyedWith(entry.definition, entry.keyInputs, upstreamKeys(entry.keyInputs, facts)) };
  return options.render && entry.renderAt === "launch" ? rerender(record) : record;
}

/** The keys of consumed upstream stages as this run knows them. */
function upstreamKeys(keyInputs: Readonly<Record<string, unknown>>, facts: RunFacts): Record<string, string> | undefined {
  const consumed = keyInputs.upstream as Readonly<Record<string, string>> | undefined;
  if (!consumed) return undefined;
  const keys = { ...consumed };
  for (const name of Object.keys(keys) as StageName[]) if (facts.upstream[name]) keys[name] = facts.upstream[name].key;
  return keys;
}

/** Renders the record's stage for its context now; the key then describes what the tool really reads. */
export async function rerender(record: LaunchEntry): Promise<LaunchEntry> {
  const upstream = record.keyInputs.upstream as Record<string, string> | undefined;
  const { legacyKey: _legacy, namedKey: _named, ...keyed } = await renderKeyed(record.definition, record.context, record.resumeFrom, upstream);
  return { ...record, ...keyed };
}

/**
 * The installed tool said which release it is (keys, verl's config layout): render again for it, and let later stages
 * that depend on this tool's release (merge on verl) know too. A tool that was asked and did not say is rendered
 * for "probe failed"; one that runs elsewhere and was not asked, for "not here".
 */
export async function withProbedVersion(record: LaunchEntry, version: string | undefined, facts: RunFacts, asked = true): Promise<LaunchEntry> {
  const ctx = record.context;
  if (version && version !== ctx.toolVersion) {
    facts.toolVersions[toolOf(record.definition, ctx.config)] = version;
    const versionSource = ctx.versionSource === "stated" ? "stated" : "probed";
    return rerender({ ...record, context: { ...ctx, toolVersion: version, versionSource, toolVersions: { ...facts.toolVersions } } });
  }
  if (!version && !ctx.toolVersion && stageHasVersionProbe(record.definition, ctx.config))
    return rerender({ ...record, context: { ...ctx, versionSource: asked ? "probe-failed" : "not-here" } });
  return record;
}
