#!/usr/bin/env node
// The dianjin-train CLI. Commands are thin: parse arguments, call the library, print. Heavy modules load lazily.
import { Command, Option } from "commander";
import { withConfigOptions, withLogOptions, type CommonOptions, type LogOptions } from "./options.js";
import { reportError } from "./errors.js";
import { STAGE_MODULES } from "../stages/registry.js";
import { readFileSync } from "node:fs";
import { packageUrl } from "../util/dist-path.js";

function packageVersion(): string {
  return (JSON.parse(readFileSync(packageUrl("package.json"), "utf8")) as { version: string }).version;
}

async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command("dianjin-train")
    .description("Plan, run, resume and evaluate the DianJin-R1 recipe from one experiment file.")
    .version(packageVersion())
    .exitOverride();

  withConfigOptions(program.command("plan <config>").description("validate, render every file, and say what would run and why"))
    .option("--json", "print the plan as JSON")
    .option("--out <dir>", "also write every rendered file under DIR/<stage>/")
    .action(async (config: string, options: CommonOptions & { json?: boolean; out?: string }) => {
      exitCode = await (await import("./plan.js")).planCommand(config, options);
    });

  withLogOptions(withConfigOptions(program.command("run <config>").description("run the pipeline; a rerun resumes or skips what is up to date")))
    .option("--json", "print the result as JSON")
    .option("--detach", "leave servers (deploy) running after the run; `stop` ends them")
    // DRIVER_FLAG of pipeline/driver.ts, written out so that every command does not load that module.
    .addOption(new Option("--as-driver <id>", "this run is the detached driver `submit` started").hideHelp())
    .action(async (config: string, options: CommonOptions & LogOptions & { json?: boolean; detach?: boolean; asDriver?: string }) => {
      exitCode = await (await import("./run.js")).runCommand(config, options);
    });

  withLogOptions(
    withConfigOptions(
      program
        .command("submit <config>")
        .description(
          "start the pipeline and return: it goes on without this terminal (local, Ray: a detached driver); `status`, `logs -f`, `cancel` follow it",
        ),
    ),
  ).action(async (config: string, options: CommonOptions & LogOptions) => {
    exitCode = await (await import("./submit-detached.js")).submitDetachedCommand(config, options);
  });

  for (const { name: stage, summary: description, kind } of STAGE_MODULES) {
    withLogOptions(withConfigOptions(program.command(`${stage} <config>`).description(`${description} (= run --only ${stage})`), false))
      .addHelpText("after", "\nAdd --force to run it even when it is up to date.")
      .option("--force", "run even when up to date")
      .option("--json", "print the result as JSON");
    if (kind === "service") program.commands.at(-1)!.option("--detach", "return once the server answers and leave it running (`stop` ends it)");
    program.commands.at(-1)!.action(async (config: string, options: LogOptions & { set: string[]; force?: boolean; json?: boolean; detach?: boolean }) => {
      exitCode = await (await import("./run.js")).runCommand(config, { ...options, only: [stage], force: options.force ? [stage] : [] });
    });
  }

  withConfigOptions(program.command("status <config>").description("what each stage last did"), false)
    .option("--json", "print state.json")
    .action(async (config: string, options: { set: string[]; json?: boolean }) => {
      exitCode = await (await import("./status.js")).statusCommand(config, options);
    });

  withConfigOptions(
    program.command("report <config>").description("write the run's report (scores table, training curves) as report.md and report.html"),
    false,
  )
    .option("--out <dir>", "write into DIR instead of <workdir>/report")
    .option("--json", "print the written paths, sources and scores as JSON")
    .action(async (config: string, options: { set: string[]; out?: string; json?: boolean }) => {
      exitCode = await (await import("./report.js")).reportCommand(config, options);
    });

  withConfigOptions(
    program.command("rescore <config>").description("re-score the saved eval answers with the current scorers (no model calls); old scores kept beside"),
    false,
  )
    .option("--json", "print what changed per benchmark as JSON")
    .action(async (config: string, options: { set: string[]; json?: boolean }) => {
      exitCode = await (await import("./rescore.js")).rescoreCommand(config, options);
    });

  withConfigOptions(program.command("logs <config> [stage]").description("print (or follow) a stage's log, or the run log (--events)"), false)
    .option("-f, --follow", "keep printing as the log grows")
    .option("-n, --lines <n>", "how many lines", "50")
    .option("--events", "print the run log (<workdir>/events.jsonl) instead of the tool's log")
    .option("--stage <stage>", "with --events: only this stage's records")
    .option("--json", "with --events: the pino JSON lines as they are")
    .action(
      async (
        config: string,
        stage: string | undefined,
        options: { set: string[]; follow?: boolean; lines: string; events?: boolean; stage?: string; json?: boolean },
      ) => {
        if (options.events) exitCode = await (await import("./events.js")).eventsCommand(config, { ...options, stage: options.stage ?? stage });
        else exitCode = await (await import("./status.js")).logsCommand(config, stage, options);
      },
    );

  withLogOptions(withConfigOptions(program.command("cancel <config>").description("end the jobs a run left running"), false)).action(
    async (config: string, options: LogOptions & { set: string[] }) => {
      exitCode = await (await import("./status.js")).cancelCommand(config, options);
    },
  );

  withLogOptions(
    withConfigOptions(program.command("stop <config>").description("stop the servers `deploy --detach` (or keep: true) left running"), false),
  ).action(async (config: string, options: LogOptions & { set: string[] }) => {
    exitCode = await (await import("./status.js")).cancelCommand(config, { ...options, services: true });
  });

  withConfigOptions(
    program.command("gc <config>").description("remove set-aside outputs, pruned checkpoints and store entries no experiment uses, saying what and how big"),
    false,
  )
    .option("--dry-run", "only list what would be removed")
    .action(async (config: string, options: { set: string[]; dryRun?: boolean }) => {
      exitCode = await (await import("./gc.js")).gcCommand(config, options);
    });

  program
    .command("schema")
    .description("print the experiment file's JSON Schema (for editor completion)")
    .action(async () => {
      exitCode = await (await import("./schema.js")).schemaCommand();
    });

  // A usage error gets commander's message (with "Did you mean …?") and one line pointing to the help, not the help.
  program.showHelpAfterError("(dianjin-train --help lists the commands)");
  for (const command of program.commands) command.showHelpAfterError(`(dianjin-train ${command.name()} --help lists its options)`);

  try {
    await program.parseAsync(argv);
  } catch (error) {
    const code = (error as { code?: string; exitCode?: number }).code;
    if (typeof code === "string" && code.startsWith("commander.")) {
      if (code === "commander.helpDisplayed" || code === "commander.version" || code === "commander.help") return 0;
      return 2;
    }
    return reportError(error);
  }
  return exitCode;
}

// A reader that stops early (`dianjin-train schema | head`) closes the pipe: that ends the output, it is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    process.exit(process.exitCode ?? 0);
  });
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.exitCode = reportError(error);
  },
);
