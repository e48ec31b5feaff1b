// The per-node batch script (torchrun style): one task per node runs the stage command with
// NODE_RANK taken from that node's SLURM_NODEID, so LLaMA-Factory's torchrun joins the rendezvous.
import { renderPrologue, srunExtras } from "./prologue.js";
import { shellQuote } from "./quote.js";
import { toolCheckLines } from "./tool-check.js";
import { SLURM_DEFAULTS } from "./defaults.js";
import type { SlurmBatchJob } from "./job.js";

// Expanded on each node by that node's bash, never by the batch shell: that is what makes NODE_RANK per node. A task
// that fails records its own status first (noclobber: only the first failure writes), because srun returns the
// highest status of all tasks, which is usually a sibling it killed with SIGTERM (143) on --kill-on-bad-exit.
const PER_NODE = [
  'first_failure=$1; shift; export NODE_RANK="$SLURM_NODEID"',
  '"$@"; status=$?',
  'if [ "$status" -ne 0 ]; then (set -C; echo "$status $NODE_RANK" >"$first_failure") 2>/dev/null; fi',
  'exit "$status"',
].join("; ");

export function renderSlurmScript(job: SlurmBatchJob): string {
  if (job.argv.length === 0) throw new RangeError("job argv is empty");
  const srun = [
    "srun",
    '--nodes="$SLURM_NNODES"',
    "--ntasks-per-node=1",
    "--kill-on-bad-exit=1",
    `--wait=${SLURM_DEFAULTS.srunWaitSeconds}`,
    ...srunExtras(job),
    "bash",
    "-c",
    shellQuote(PER_NODE),
    "dianjin-node",
    '"$first_failure"',
    ...job.argv.map(shellQuote),
  ];
  return [
    ...renderPrologue(job, { kind: "Per-node job (one task per node)" }),
    ...toolCheckLines(job),
    "",
    "# The first task to fail writes its status here (the job folder is on storage every node sees).",
    `first_failure=${shellQuote(job.outputDir)}/"$SLURM_JOB_NAME-$SLURM_JOB_ID-\${SLURM_RESTART_COUNT:-0}.first-failure"`,
    'rm -f -- "$first_failure"',
    srun.join(" "),
    "status=$?",
    'if [ "$status" -ne 0 ] && read -r first rank <"$first_failure" 2>/dev/null && [[ $first =~ ^[0-9]+$ ]] && [ "$first" != "$status" ]; then',
    '  echo "[dianjin-train] the first task to fail (node rank $rank) ended with status $first; srun reported $status"',
    "  status=$first",
    "fi",
    'rm -f -- "$first_failure"',
    'echo "[dianjin-train] command ended with status $status"',
    'exit "$status"',
    "",
  ].join("\n");
}
