// One tool a job stage can run with, as one object: everything that differs between tools sits behind it, so the
// stage keeps only what is the same whatever the tool (its schema, rules, outputs) and delegates the rest. Adding a
// backend = its tool folder (src/tools/<tool>/), one file src/stages/<stage>/backends/<tool>.ts and one line in the
// stage's backend table.
import type { FailureCause, Problem } from "../errors.js";
import type { PipelineEvent } from "./events.js";
import type { ObserveFrom, Observer, ReportPart, ReportSource, ResumePoint, StageContext, StageRender } from "./stage.js";
import type { ToolBinding } from "./tool-binding.js";
import type { StageResources } from "../resources/types.js";

export interface JobBackend<Config> {
  /** How its tool is found and asked for its version (`tools.<binding.tool>`). */
  binding: ToolBinding;
  /** The tool's name in messages, e.g. "LLaMA-Factory". */
  label: string;
  /** Files, argv and env for one launch (resuming from `resume` when set), and what the stage key is made from. */
  render(ctx: StageContext<Config>, config: Config, resume: ResumePoint | undefined): StageRender;
  /** What the stated or probed release refuses, from the config alone (plan fails with exit 3). */
  contract(ctx: StageContext<Config>, config: Config): Problem[];
  /** The contract plus checks that read files (data, model folder), all listed at once. */
  preflight(ctx: StageContext<Config>, config: Config): Promise<Problem[]>;
  /** Work right before launch that plan does not do (converted data). */
  prepare?(ctx: StageContext<Config>, config: Config, render: StageRender, emit: (e: PipelineEvent) => void): Promise<void>;
  /** The newest complete checkpoint, plus newer incomplete ones to set aside. */
  findResume(ctx: StageContext<Config>, config: Config): Promise<{ point?: ResumePoint; incomplete: ResumePoint[] }>;
  checkpointBytes(ctx: StageContext<Config>, config: Config): Promise<number | undefined>;
  /** The finished outputs are there and whole (the tool's own proof of completion). */
  outputsComplete(ctx: StageContext<Config>, config: Config): Promise<boolean>;
  observe(ctx: StageContext<Config>, config: Config, emit: (e: PipelineEvent) => void, from?: ObserveFrom): Observer;
  /** The cause of a failure from the tool's log; `ctx` says where the hints point. */
  classify(logText: string, ctx: StageContext<Config> | undefined): FailureCause | undefined;
  /** Its part of the run report (curves), read leniently from the stage folder. */
  report(source: ReportSource, config: Config): Promise<ReportPart>;
  /** Memory, fit and time from the tool's own defaults. */
  resources(ctx: StageContext<Config>, config: Config): Promise<StageResources | undefined>;
}
