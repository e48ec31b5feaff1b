// planPipeline: config + state on disk → what would run and why. It reads (state, checkpoints, input files) but never
// writes, launches or asks a tool anything, so `plan` works on any machine.
import { join } from "node:path";
import { loadExperiment, type LoadOptions, type LoadedExperiment } from "../config/load.js";
import { PreflightError, UsageError, type Problem } from "../errors.js";
import type { Experiment } from "../config/schema.js";
import { STAGE_ORDER, enabledStages, isStageName, serviceKept, stageModule, toolOf, type StageName } from "../stages/registry.js";
import type { JobRecord } from "../launch/types.js";
import { jobProbeFor } from "./launchers.js";
import { renderKeyed } from "./keys.js";
import { decide, type JobProbe, type StageAction } from "./decide.js";
import { ReusedOutputs, withStore } from "./store-decide.js";
import { readState, type RunState } from "./state.js";
import type { StageFailure } from "./unwatched-end.js";
import type { StageResources } from "../resources/types.js";
import { renderTiming, type RenderTiming } from "./render-at.js";
import { frozenCopy } from "./freeze.js";
import type { ResumePoint, StageContext, StageModule, StagePaths, StageRender, UpstreamInfo } from "../contract/stage.js";

export type { StageAction, JobProbe };

/**
 * One stage of the plan. The plan is immutable data: planFromLoaded freezes it, and apply renders a stage whose
 * `renderAt` is "launch" again into a separate launch entry (see launch-entry.ts) instead of rewriting it.
 */
export interface PlannedStage extends Readonly<RenderTiming> {
  readonly name: StageName;
  readonly title: string;
  readonly action: StageAction;
  readonly reason: string;
  readonly key: string;
  readonly keyInputs: Readonly<Record<string, unknown>>;
  readonly render: StageRender;
  readonly resumeFrom?: Readonly<ResumePoint>;
  /** Incomplete checkpoints newer than the resume point; apply moves them aside. */
  readonly incomplete: readonly ResumePoint[];
  /**
   * For `run`: why the existing output folder is moved aside as a whole (an older config, or a restart with no
   * complete checkpoint). Incomplete checkpoints then go with it.
   */
  readonly setAsideLabel?: "superseded" | "restart";
  /** An earlier job still running, for reattach. */
  readonly job?: Readonly<JobRecord>;
  /** The earlier attempt ended unwatched without proof of completion; recorded as failed before this one. */
  readonly priorFailure?: Readonly<StageFailure>;
  readonly context: StageContext;
  readonly definition: StageModule;
  /** GPU stages: memory per GPU, fit, time and cost. */
  readonly resources?: StageResources;
}

export interface Plan {
  readonly experiment: string;
  readonly workdir: string;
  readonly configFile: string;
  readonly stages: readonly PlannedStage[];
  readonly loaded: LoadedExperiment;
  readonly state: RunState;
}

export interface SelectOptions {
  from?: string;
  until?: string;
  only?: string[];
  /** Stages to run even when up to date. */
  force?: string[];
}

export interface PlanOptions extends LoadOptions, SelectOptions {
  /** Servers are wanted running after the run (`--detach`), even when no stage needs them. */
  detach?: boolean;
  /** Default: the launcher cluster.launcher names. */
  jobs?: JobProbe;
  /**
   * Check each stage that would run against its tool release's contract and throw PreflightError (exit 3) with every
   * problem. `plan` does; `run` checks the same in pre-flight, after asking the tool for its version.
   */
  contract?: boolean;
}

function checkNames(names: Array<string | undefined>, enabled: StageName[]): void {
  for (const name of names) {
    if (name === undefined) continue;
    if (!isStageName(name)) throw new UsageError(`unknown stage "${name}"; stages are ${STAGE_ORDER.join(", ")}`);
    if (!enabled.includes(name)) throw new UsageError(`stage "${name}" is not in this experiment (its stages: ${enabled.join(", ") || "none"})`);
  }
}

export function selectStages(enabled: StageName[], options: SelectOptions): Set<StageName> {
  checkNames([options.from, options.until, ...(options.only ?? []), ...(options.force ?? [])], enabled);
  if (options.only?.length) return new Set(options.only as StageName[]);
  const from = options.from ? enabled.indexOf(options.from as StageName) : 0;
  const until = options.until ? enabled.indexOf(options.until as StageName) : enabled.length - 1;
  return new Set(enabled.slice(from, until + 1));
}

export function stagePaths(workdir: string, name: string): StagePaths {
  const root = join(workdir, name);
  return { root, rendered: join(root, "rendered"), logs: join(root, "logs"), output: join(root, "output"), aside: join(root, "set-aside") };
}

type Draft = Omit<PlannedStage, keyof RenderTiming>;

/** Every tool's version as known without running anything: stated in the experiment, else recorded by a probe. */
function knownVersions(config: Experiment, state: RunState): Partial<Record<string, string>> {
  const out: Partial<Record<string, string>> = {};
  for (const [tool, settings] of Object.entries(config.tools)) {
    const version = settings.version ?? state.tools[tool]?.version;
    if (version) out[tool] = version;
  }
  return out;
}

export async function planFromLoaded(
  loaded: LoadedExperiment,
  options: SelectOptions & { detach?: boolean; jobs?: JobProbe; contract?: boolean } = {},
): Promise<Plan> {
  const config = loaded.config;
  const jobs = options.jobs ?? jobProbeFor(config);
  const workdir = config.workdir;
  const state = await readState(workdir, config.name);
  const enabled = enabledStages(config).map((s) => s.name as StageName);
  const selected = selectStages(enabled, options);
  const force = new Set(options.force ?? []);
  const upstream: Partial<Record<string, UpstreamInfo>> = {};
  const drafts: Draft[] = [];
  const toolVersions = knownVersions(config, state);
  const reused = new ReusedOutputs();

  for (const name of enabled) {
    const def = stageModule(name)!;
    const tool = toolOf(def, config);
    const toolVersion = toolVersions[tool];
    const versionSource = config.tools[tool]?.version ? "stated" : toolVersion ? "probed" : "unknown";
    // A stage sees only the stages it needs: what it reads through their handles is what enters its key.
    const needed = Object.fromEntries(def.needs.filter((u) => upstream[u]).map((u) => [u, upstream[u]!]));
    const ctx: StageContext = {
      experiment: loaded,
      config,
      workdir,
      paths: stagePaths(workdir, name),
      stage: config.stages[name],
      upstream: needed,
      versionSource,
      toolVersions,
      ...(toolVersion ? { toolVersion } : {}),
    };
    const consumed = Object.fromEntries(Object.entries(needed).map(([u, info]) => [u, info.key]));
    const { render: base, keyInputs, key, legacyKey, namedKey } = await renderKeyed(def, ctx, undefined, consumed, reused.readAt);
    const prior = acceptLegacyKey(state.stages[name], [legacyKey, ...(namedKey ? [namedKey] : [])], key);
    // A service a selected stage consumes is started when needed (`eval` alone starts the server), or reused.
    const neededBy = def.kind === "service" ? enabled.find((later) => selected.has(later) && stageModule(later)!.needs.includes(name)) : undefined;
    if (neededBy && !selected.has(name)) selected.add(name);
    const decision = selected.has(name)
      ? await withStore(config.store, def, key, await decide(def, ctx, key, keyInputs, prior, force.has(name), jobs), force.has(name))
      : { action: "not-selected" as const, reason: "not selected (--from/--until/--only)", incomplete: [] };
    const render = decision.resumeFrom ? await def.render(ctx, decision.resumeFrom) : base;
    const resources = decision.action === "not-selected" ? undefined : await def.resources?.(ctx);
    drafts.push({ name, title: def.title, key, keyInputs, render, context: ctx, definition: def, ...decision, ...(resources ? { resources } : {}) });
    if (decision.action === "reuse") await reused.add(config.store!, name, key, ctx.paths.output);
    upstream[name] = { key: decision.action === "not-selected" && prior ? prior.key : key, outputs: def.outputs(ctx) };
  }
  const settled = skipIdleServices(drafts, config, options.detach === true);
  const stages = settled.map((s, i) => ({ ...s, ...renderTiming(s, settled.slice(0, i), config) }));
  if (options.contract) checkContracts(stages);
  // The plan owns its data, frozen; stage definitions are code every plan shares.
  return frozenCopy({ experiment: config.name, workdir, configFile: loaded.file, stages, loaded, state }, new Set(["definition"]));
}

/**
 * A stage recorded with the key of absolute workdir paths (before keys were workdir-relative), or with its run's name
 * (before the experiment named a store), is the same stage.
 */
function acceptLegacyKey<T extends { key: string }>(prior: T | undefined, legacy: readonly string[], key: string): T | undefined {
  return prior && legacy.includes(prior.key) ? { ...prior, key } : prior;
}

/**
 * A server is started only for a stage that will use it, or when it is wanted for itself (a lone `deploy`,
 * `--detach`, keep). Starting GPUs for an up-to-date eval would load a model only to stop it again.
 */
function skipIdleServices(stages: readonly Draft[], config: Experiment, detach: boolean): Draft[] {
  return stages.map((s) => {
    if (s.definition.kind !== "service" || (s.action !== "run" && s.action !== "resume")) return s;
    const consumers = stages.filter((c) => c.definition.needs.includes(s.name) && c.action !== "not-selected");
    if (!consumers.length || detach || serviceKept(s.definition, config)) return s;
    if (!consumers.every((c) => c.action === "skip")) return s;
    return { ...s, action: "skip", reason: `not started: ${consumers.map((c) => c.name).join(", ")} up to date` };
  });
}

/** The tool-release contract of every stage that would run; all problems at once, the first failing stage named. */
function checkContracts(stages: readonly PlannedStage[]): void {
  const failing: Array<{ stage: string; problems: Problem[] }> = [];
  for (const s of stages) {
    if (s.action !== "run" && s.action !== "resume") continue;
    const problems = s.definition.contract?.(s.context) ?? [];
    if (problems.length) failing.push({ stage: s.name, problems });
  }
  if (!failing.length) return;
  const stageNames = failing.map((f) => f.stage).join(", ");
  throw new PreflightError(
    stageNames,
    failing.flatMap((f) => f.problems),
  );
}

export async function planPipeline(configPath: string, options: PlanOptions = {}): Promise<Plan> {
  return planFromLoaded(await loadExperiment(configPath, options), options);
}

/** The serializable view printed by `plan --json`. */
export function planToJson(plan: Plan) {
  return {
    experiment: plan.experiment,
    workdir: plan.workdir,
    stages: plan.stages.map((s) => ({
      name: s.name,
      action: s.action,
      reason: s.reason,
      key: s.key,
      command: s.render.argv,
      env: s.render.env,
      files: Object.fromEntries(Object.entries(s.render.files).map(([name, f]) => [name, f.path])),
      ...(s.render.warnings?.length ? { warnings: s.render.warnings } : {}),
      ...(s.resumeFrom ? { resumeFrom: s.resumeFrom } : {}),
      ...(s.resources ? { resources: s.resources } : {}),
    })),
  };
}
