// The Node check of a batch script whose command runs Node (deploy's replica supervisor, a stage run through
// dianjin-train inside the allocation): like the tool check it runs on the job's node after the setup lines, and ends
// the job at once with a line naming the executable, the node and the key to set when that Node is not there.
import { TOOL_MISSING_EXIT, TOOL_MISSING_MARK } from "../tool-missing.js";
import { shellQuote } from "./quote.js";
import type { SlurmBatchJob } from "./job.js";

export function nodeCheckLines(job: SlurmBatchJob): string[] {
  const node = job.node;
  if (!node) return [];
  if (job.container) return [`# Node (${node}) runs inside the container image ${job.container.image}: srun reports it if missing`];
  const setup = job.setup?.length ? "after the setup lines" : "(no cluster.slurm.setup lines ran)";
  const head = shellQuote(`${TOOL_MISSING_MARK}node (\`${node}\`) does not run on `);
  const tail = shellQuote(` ${setup}; set cluster.slurm.node to the path of the node executable on the compute nodes`);
  return [
    "",
    "# The Node executable the command runs (cluster.slurm.node) must run here, on the job's node after the setup lines.",
    `if ! ${shellQuote(node)} --version >/dev/null 2>&1; then`,
    `  echo ${head}"$(hostname)"${tail}`,
    `  exit ${TOOL_MISSING_EXIT}`,
    "fi",
  ];
}
