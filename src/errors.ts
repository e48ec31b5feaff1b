// Errors are values with a code and an exit code. The API throws these; the CLI prints them as one paragraph.

export type ExitCode = 0 | 1 | 2 | 3 | 130;

export interface Problem {
  /** Dotted path into the experiment file (or a file path) that the problem is about. */
  path: string;
  message: string;
  /** Where in a file the problem is (config errors). */
  at?: { file: string; line: number; col: number };
  /** The `--set` argument the value came from (then `at` is absent: the file did not write it). */
  set?: string;
  /** The variant of a family whose experiment has the problem. */
  variant?: string;
}

export abstract class DianjinError extends Error {
  abstract readonly code: string;
  abstract readonly exitCode: ExitCode;
  /** One readable paragraph for the terminal; no stack. */
  describe(): string {
    return this.message;
  }
}

function listProblems(problems: readonly Problem[]): string {
  return problems
    .map(
      (p) =>
        `  - ${p.variant ? `variant ${p.variant}: ` : ""}${p.set ? `--set ${p.set}: ` : ""}${p.at ? `${p.at.file}:${p.at.line}:${p.at.col}: ` : ""}${p.path ? `${p.path}: ` : ""}${p.message}`,
    )
    .join("\n");
}

/** Bad YAML, wrong types, unknown keys, missing files named by the config. Exit 2. */
export class ConfigError extends DianjinError {
  readonly code = "config";
  readonly exitCode = 2;
  constructor(
    readonly file: string,
    readonly problems: Problem[],
  ) {
    super(`${file}: ${problems.length} problem${problems.length === 1 ? "" : "s"}\n${listProblems(problems)}`);
    this.name = "ConfigError";
  }
}

/** Wrong command-line usage. Exit 2. */
export class UsageError extends DianjinError {
  readonly code = "usage";
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Something the run needs is not there or breaks a tool's rules; found before anything starts. Exit 3. */
export class PreflightError extends DianjinError {
  readonly code: string = "preflight";
  readonly exitCode = 3;
  constructor(
    readonly stage: string,
    readonly problems: Problem[],
  ) {
    super(`pre-flight failed for stage ${stage}:\n${listProblems(problems)}`);
    this.name = "PreflightError";
  }
}

/** Problems of several stages, found by the whole-pipeline pre-flight before any stage started. Exit 3. */
export class PipelinePreflightError extends PreflightError {
  override readonly code: string = "preflight";
  constructor(
    readonly file: string,
    readonly stageProblems: Array<Problem & { stage: string }>,
  ) {
    const stages = [...new Set(stageProblems.map((p) => p.stage))];
    super(stages.join(", "), stageProblems);
    const n = stageProblems.length;
    this.message = `pre-flight found ${n} problem${n === 1 ? "" : "s"} (stage${stages.length === 1 ? "" : "s"} ${stages.join(", ")}) in ${file}; nothing was started:\n${stageProblems
      .map((p) => `  - [${p.stage}] ${p.path ? `${p.path}: ` : ""}${p.message}`)
      .join("\n")}`;
    this.name = "PipelinePreflightError";
  }
}

/** The executable for a tool cannot be found. Exit 3, with how to install it or point to it. */
export class ToolMissingError extends PreflightError {
  override readonly code = "tool-missing";
  constructor(
    stage: string,
    readonly tool: string,
    readonly command: readonly string[],
    readonly install: string,
    readonly configKey: string,
  ) {
    super(stage, [
      {
        path: configKey,
        message: `${tool} is not installed or not on PATH (looked for \`${command[0]}\`). Install it (${install}) or point ${configKey} at it.`,
      },
    ]);
    this.name = "ToolMissingError";
  }
}

/** Another run holds the workdir. Exit 2 (nothing was touched). */
export class LockError extends DianjinError {
  readonly code = "locked";
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = "LockError";
  }
}

export interface FailureCause {
  /** Stable id such as `cuda-oom`, `nccl-timeout`, `dataset-missing`, `hang`, `unknown`. */
  id: string;
  summary: string;
  hint: string;
}

/** A stage ran and failed. Exit 1. */
export class StageError extends DianjinError {
  readonly code = "stage-failed";
  readonly exitCode = 1;
  constructor(
    readonly stage: string,
    readonly failure: FailureCause,
    readonly detail: { exitCode?: number | null; signal?: string | null; logFile?: string; logTail?: string[] },
  ) {
    const how = detail.signal
      ? `killed by ${detail.signal}`
      : detail.exitCode === 0
        ? "the tool exited 0, but its outputs did not pass the check"
        : detail.exitCode != null
          ? `exit code ${detail.exitCode}`
          : "failed";
    const tail = detail.logTail?.length ? `\nlast lines of ${detail.logFile ?? "the log"}:\n${detail.logTail.map((l) => `  | ${l}`).join("\n")}` : "";
    // A cancel is not a failure of the tool: say who ended it instead of how the process went.
    const head = failure.id === "cancelled" ? `stage ${stage} was ${failure.summary}` : `stage ${stage} failed (${how}): ${failure.summary}`;
    super(`${head}\nhint: ${failure.hint}${tail}`);
    this.name = "StageError";
  }
}

/** The user pressed Ctrl-C or sent SIGTERM; the stage is marked interrupted. Exit 130. */
export class InterruptedError extends DianjinError {
  readonly code = "interrupted";
  readonly exitCode = 130;
  constructor(readonly stage: string | undefined) {
    super(stage ? `interrupted during stage ${stage}; run the same command again to resume` : "interrupted");
    this.name = "InterruptedError";
  }
}

/** The launcher could not start or watch a job (sbatch refused, job vanished). Exit 1. */
export class LaunchError extends DianjinError {
  readonly code = "launch";
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = "LaunchError";
  }
}

export function isDianjinError(e: unknown): e is DianjinError {
  return e instanceof DianjinError;
}
