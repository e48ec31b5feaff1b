// Options shared by the commands that load an experiment.
import { Command, Option } from "commander";
import { UsageError } from "../errors.js";
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from "../pipeline/log-level.js";

export interface CommonOptions {
  set: string[];
  from?: string;
  until?: string;
  only: string[];
  force: string[];
  /** `--variant NAME` (repeatable): of a family, only these variants. */
  variant?: string[];
}

export interface LogOptions {
  logLevel: LogLevel;
  logFormat?: LogFormat;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** The load options of a command that takes one experiment: of a family, the one `--variant` names. */
export function oneExperiment<T extends { set: string[]; variant?: string[] }>(options: T): Omit<T, "variant"> & { variant?: string } {
  const { variant, ...rest } = options;
  if ((variant?.length ?? 0) > 1) throw new UsageError(`this command takes one experiment; --variant was given ${variant!.length} times`);
  return { ...rest, ...(variant?.length ? { variant: variant[0] } : {}) };
}

/** The plan options of each variant (the variants themselves are the family's selection). */
export function planOptions<T extends CommonOptions>(options: T): Omit<T, "variant" | "only"> & { only?: string[] } {
  const { variant: _selected, only, ...rest } = options;
  return { ...rest, only: only.length ? only : undefined };
}

export function withConfigOptions(command: Command, select = true): Command {
  command.option("--set <key=value>", "override a config key (repeatable), e.g. --set stages.sft.args.learning_rate=2e-5", collect, []);
  command.option("--variant <name>", "of a family (variants: or grid:), only this variant (repeatable)", collect, []);
  if (select) {
    command
      .option("--from <stage>", "start at this stage")
      .option("--until <stage>", "stop after this stage")
      .option("--only <stage>", "run only this stage (repeatable)", collect, [])
      .addOption(new Option("--force <stage>", "run this stage even when up to date (repeatable)").argParser(collect).default([]));
  }
  return command;
}

/** --log-level and --log-format, for every command that runs something. */
export function withLogOptions(command: Command): Command {
  return command
    .addOption(new Option("--log-level <level>", "lowest level written to events.jsonl and shown").choices(LOG_LEVELS).default("info"))
    .addOption(
      new Option(
        "--log-format <format>",
        "pretty (live display; default on a terminal), plain (lines; default in CI and pipes), json (only pino lines on stdout)",
      ).choices(LOG_FORMATS),
    );
}
