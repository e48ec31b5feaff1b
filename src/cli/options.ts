// Options shared by the commands that load an experiment.
import { Command, Option } from "commander";

export interface CommonOptions {
  set: string[];
  from?: string;
  until?: string;
  only: string[];
  force: string[];
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function withConfigOptions(command: Command, select = true): Command {
  command.option("--set <key=value>", "override a config key (repeatable), e.g. --set stages.sft.args.learning_rate=2e-5", collect, []);
  if (select) {
    command
      .option("--from <stage>", "start at this stage")
      .option("--until <stage>", "stop after this stage")
      .option("--only <stage>", "run only this stage (repeatable)", collect, [])
      .addOption(new Option("--force <stage>", "run this stage even when up to date (repeatable)").argParser(collect).default([]));
  }
  return command;
}
