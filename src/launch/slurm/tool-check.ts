// The tool check of a batch script: it runs where the tool will — on the job's node, after the experiment's setup
// lines (which may activate the venv that provides it) — and ends the job at once, with a line naming the tool, the
// node and the setup lines, when the tool is not there. The login node that submits needs no tool of its own.
import { TOOL_MISSING_EXIT, TOOL_MISSING_MARK } from "../tool-missing.js";
import { shellQuote } from "./quote.js";
import type { SlurmBatchJob } from "./job.js";

export function toolCheckLines(job: SlurmBatchJob): string[] {
  const tool = job.tool;
  if (!tool) return [];
  // srun starts the tool inside the image; the batch script itself runs outside it, so it cannot look there.
  if (job.container) return [`# ${tool.name} (${tool.command}) runs inside the container image ${job.container.image}: srun reports it if missing`];
  const setup = job.setup?.length ? `after the setup lines: ${job.setup.join("; ")}` : "(no cluster.slurm.setup lines ran)";
  const message = `${shellQuote(`${TOOL_MISSING_MARK}${tool.name} (\`${tool.command}\`) is not on PATH on `)}"$(hostname)"${shellQuote(` ${setup}`)}`;
  return [
    "",
    "# The tool is looked for here, on the job's node after the setup lines, before anything starts.",
    `if ! command -v ${shellQuote(tool.command)} >/dev/null 2>&1; then`,
    `  echo ${message}`,
    `  exit ${TOOL_MISSING_EXIT}`,
    "fi",
  ];
}
