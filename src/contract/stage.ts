// What every stage provides to the pipeline. A stage glues its config to a tool adapter and a launcher; the pipeline
// decides run/skip/resume from the stage key and does all writing and launching.
import type { FailureCause, Problem } from "../errors.js";
import type { ZodType, output } from "zod";
import type { ExperimentBase, LoadedExperiment } from "./experiment.js";
import type { PipelineEvent } from "./events.js";
import type { ToolBinding } from "./tool-binding.js";
import type { StageOutputs } from "./outputs.js";
import type { ReportSection } from "../report/types.js";
import type { VersionSource } from "../tools/releases.js";
import type { StageResources } from "../resources/types.js";

export interface StagePaths {
  /** <workdir>/<stage> */
  root: string;
  /** Files rendered for the tool (YAML, JSON). */
  rendered: string;
  logs: string;
  /** What the tool writes (LLaMA-Factory output_dir, verl default_local_dir...). */
  output: string;
  /** Outputs of an older config and incomplete checkpoints are moved here, never deleted. */
  aside: string;
}

export interface RenderedFile {
  path: string;
  content: string;
}

/** Where an interrupted stage can continue from. */
export interface ResumePoint {
  step: number;
  path: string;
}

export interface StageRender {
  /** name → file, all written before launch. */
  files: Record<string, RenderedFile>;
  argv: string[];
  /** Added to the environment of the tool (never secrets). */
  env: Record<string, string>;
  /** What the stage key is computed from, as a tree whose dotted paths name the experiment keys. */
  keyInputs: Record<string, unknown>;
  /** Files the stage reads; their fingerprints enter the key. */
  inputFiles: string[];
  fingerprint: "mtime" | "content";
  watchdogMs?: number;
  /** Variables set from other variables at launch (target → source name), so a secret's value is never rendered. */
  secretEnv?: Record<string, string>;
  /** Where a service answers once ready. */
  serviceEndpoints?: string[];
  /**
   * Run right before the tool each time a launcher restarts it on its own (a Slurm requeue), where the tool runs: it
   * chooses the newest complete checkpoint then (the tool's own auto-resume may take a half-written one).
   */
  restartArgv?: string[];
  /** Said before anything runs (plan output, run log): e.g. the tool version is not known. */
  warnings?: string[];
}

export interface UpstreamInfo {
  key: string;
  outputs: StageOutputs;
}

export interface StageContext<Config = unknown> {
  experiment: LoadedExperiment;
  config: ExperimentBase;
  /** This stage's own block, `stages.<name>`, parsed by its schema (typed, so a stage needs no cast). */
  stage: Config;
  workdir: string;
  paths: StagePaths;
  /** Keys and outputs of the stages in its `needs` (from the plan, or from state); no other stage is visible. */
  upstream: Partial<Record<string, UpstreamInfo>>;
  /** Version of the stage's tool: stated in config, else as the tool reported it last time (state.json). */
  toolVersion?: string;
  /** How toolVersion became known; "probe-failed" when the tool was asked right before launch and did not say. */
  versionSource?: VersionSource;
  /** Every tool's version as known now (stated, else recorded), for stages that depend on another tool's release. */
  toolVersions?: Partial<Record<string, string>>;
  /** Outputs that earlier selected stages will write in this run; set only for the whole-pipeline pre-flight. */
  promised?: readonly string[];
}

export interface Observer {
  /** Awaited before the job is watched (a reattached observer reads what it must know first, e.g. the planned total). */
  start?(): Promise<void>;
  onLine?(line: string): void;
  onTick?(): Promise<void>;
  /** Called once the job ended, before deciding success (reads remaining progress). */
  finish?(): Promise<void>;
}

export interface ObserveFrom {
  reattached: boolean;
}

export interface InProcessIO {
  signal?: AbortSignal;
  emit: (e: PipelineEvent) => void;
  /** This stage's log file; write a line with `log`. */
  logFile: string;
  log(line: string): void;
  env: NodeJS.ProcessEnv;
}

/** How the pipeline runs a stage: a job it launches and waits for, a server it waits for, or work done here. */
export type StageKind = "job" | "service" | "in-process";
/** Where its job runs: one node whatever the cluster, every node of it, or a Ray cluster (started in the allocation). */
export type Placement = "single-node" | "all-nodes" | "ray";

/** Where a stage's part of the run report is read from (its folder, and what state.json recorded). */
export interface ReportSource {
  paths: StagePaths;
  config: ExperimentBase;
  recorded?: StageOutputs;
}

/**
 * A stage's part of the run report: its sections (curves, scores), which the report renders by their kind, and
 * configuration lines; `sources` says where each part came from, or why it is missing.
 */
export interface ReportPart {
  sections?: ReportSection[];
  summary?: Record<string, string | number | boolean | null>;
  sources?: Record<string, string>;
}

/** The context a stage's own methods get: its block typed by its schema. */
export type ContextOf<Schema extends ZodType> = StageContext<output<Schema>>;

/** What every stage declares and does, whatever its kind. */
interface StageBase<Name extends string, Schema extends ZodType> {
  name: Name;
  /** Bumped when the stage's rendering changes meaning, so old keys no longer match. */
  version: number;
  title: string;
  /** One line for its CLI command (`dianjin-train <name> <config>`). */
  summary: string;
  /** Its block, `stages.<name>` (strict: an unknown key is an error). */
  schema: Schema;
  /** Dotted paths inside the block that hold file paths, resolved against the file that wrote them (`*`: any key). */
  pathFields?: readonly string[];
  /** Model fields inside the block: a hub id stays one; a relative path or an existing folder is a path. */
  modelFields?: readonly string[];
  placement: Placement;
  /** Stages whose outputs this one reads, nearest last; their keys enter this stage's key. */
  needs: readonly string[];
  /** The tools this stage can run with, by backend name; `backend` picks one (default: the first). */
  backends: Readonly<Record<string, ToolBinding>>;
  backend?(config: ExperimentBase): string;
  /** Cross-field rules on the loaded experiment that the schema cannot express (config errors, exit 2). */
  rules?(config: ExperimentBase): Problem[];
  /** Its part of the run report, read leniently from its folder (nothing there: nothing). */
  report?(source: ReportSource): Promise<ReportPart>;
  /** This stage's settings ask for services to stay up after the run (eval's keep_server). */
  keepsServices?(config: ExperimentBase): boolean;
  render(ctx: ContextOf<Schema>, resume: ResumePoint | undefined): StageRender | Promise<StageRender>;
  /**
   * The tool release's contract, from the config alone (keys the stated/recorded release refuses): `plan` runs it and
   * fails with exit 3; `preflight` includes it.
   */
  contract?(ctx: ContextOf<Schema>): Problem[];
  /**
   * GPU stages: per-GPU memory, fit, time and cost (src/resources). Reads files (model config.json, data statistics)
   * but runs nothing; undefined when the model's dimensions are unknown.
   */
  resources?(ctx: ContextOf<Schema>): Promise<StageResources | undefined>;
  /** Checks that need the file system but run nothing: data files, key inventory, tool rules. */
  preflight(ctx: ContextOf<Schema>, render: StageRender): Promise<Problem[]>;
  /** Whether the stage's outputs are there and whole (skip needs this, and so does success). */
  outputsComplete(ctx: ContextOf<Schema>): Promise<boolean>;
  /** Named outputs later stages consume. */
  outputs(ctx: ContextOf<Schema>): StageOutputs;
}

/** A tool the pipeline launches and waits for (SFT, GRPO, merge): resumable from checkpoints. */
export interface JobStage<Name extends string = string, Schema extends ZodType = ZodType> extends StageBase<Name, Schema> {
  kind: "job";
  /** The newest point this stage can continue from, plus incomplete ones to set aside. */
  findResume(ctx: ContextOf<Schema>): Promise<{ point?: ResumePoint; incomplete: ResumePoint[] }>;
  /**
   * Progress and checkpoint events of the job. `from.reattached`: an earlier CLI watched this job until now; what is
   * already on disk (checkpoints, metrics lines) was announced then and is not announced again.
   */
  observe(ctx: ContextOf<Schema>, emit: (e: PipelineEvent) => void, from?: ObserveFrom): Observer;
  /** The cause of a failure, from the tool's log (`ctx`: the launch's context); undefined when nothing known matches. */
  classify(logText: string, ctx?: ContextOf<Schema>): FailureCause | undefined;
  /** After the tool exited 0: a closer look at the outputs; a cause fails the stage. */
  verifyOutputs?(ctx: ContextOf<Schema>): Promise<FailureCause | undefined>;
  /**
   * Work done here right before launch (after pre-flight): files too large or too slow for `plan` to make, such as
   * the RL Parquet. May throw PreflightError for problems only found then (too few rows left).
   */
  prepare?(ctx: ContextOf<Schema>, render: StageRender, emit: (e: PipelineEvent) => void): Promise<void>;
  /** About how many bytes one checkpoint takes (newest on disk, or estimated); low free space is warned about. */
  checkpointBytes?(ctx: ContextOf<Schema>): Promise<number | undefined>;
  /** Checkpoints the stage no longer needs (beyond what it is told to keep), for `gc`. */
  prunable?(ctx: ContextOf<Schema>): Promise<string[]>;
}

/**
 * A server (deploy): launched like a job, but the pipeline waits for `ready` instead of its end, records the outputs
 * it returns (the endpoint), and stops it at the end of the run unless kept.
 */
export interface ServiceStage<Name extends string = string, Schema extends ZodType = ZodType> extends StageBase<Name, Schema> {
  kind: "service";
  /** The cause of a start-up failure, from the server's log. */
  classify(logText: string): FailureCause | undefined;
  service: {
    ready(ctx: ContextOf<Schema>, render: StageRender, job: { pid?: number; logFile: string }, signal?: AbortSignal): Promise<StageOutputs>;
    /** Is a recorded, running service still answering? */
    alive(outputs: StageOutputs): Promise<boolean>;
    /** Where a recorded service answers, for messages: its first address, every address, and the name it serves. */
    address(outputs: StageOutputs): { first: string; all: string; model?: string };
    /** Its own settings ask for it to stay up after the run. */
    keep(config: ExperimentBase): boolean;
  };
}

/**
 * Work done here, not by an external tool (data build, evaluation's request loop): the pipeline calls `runInProcess`,
 * which resumes itself (per-item journals) and throws StageError/InterruptedError. A subprocess it needs is its own
 * business (through `launch`).
 */
export interface InProcessStage<Name extends string = string, Schema extends ZodType = ZodType> extends StageBase<Name, Schema> {
  kind: "in-process";
  runInProcess(ctx: ContextOf<Schema>, render: StageRender, io: InProcessIO): Promise<void>;
}

/**
 * Everything about one stage, in its folder (src/stages/<name>/), by kind. The registry lists the modules in pipeline
 * order; the experiment schema, the CLI commands, path resolution and launch placement are derived from them.
 */
export type StageModule<Name extends string = string, Schema extends ZodType = ZodType> =
  JobStage<Name, Schema> | ServiceStage<Name, Schema> | InProcessStage<Name, Schema>;
