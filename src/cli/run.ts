// `run` (and the per-stage commands): apply the plan, with live progress; Ctrl-C ends the tool's whole process tree.
import { runPipeline } from "../pipeline/apply.js";
import { createDisplay } from "./display.js";
import type { CommonOptions } from "./options.js";

export async function runCommand(config: string, options: CommonOptions & { json?: boolean; detach?: boolean }): Promise<number> {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    process.stderr.write(`\n${signal}: stopping the running stage and its processes (again to quit at once)\n`);
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  process.on("SIGHUP", onSignal);
  try {
    const result = await runPipeline(config, {
      ...options,
      only: options.only.length ? options.only : undefined,
      signal: controller.signal,
      onEvent: createDisplay(),
    });
    if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else process.stderr.write(`done: ${result.stages.map((s) => `${s.name} ${s.status}`).join(", ")}\n`);
    return 0;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    process.off("SIGHUP", onSignal);
  }
}
