// The per-node batch script (torchrun style): one task per node runs the stage command with
// NODE_RANK taken from that node's SLURM_NODEID, so LLaMA-Factory's torchrun joins the rendezvous.
import { commandLines, renderPrologue, srunExtras } from "./prologue.js";
import { shellQuote } from "./quote.js";
import { toolCheckLines } from "./tool-check.js";
import { nodeCheckLines } from "./node-check.js";
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
    // A failing task still ends the others at once (--kill-on-bad-exit). A task that ends well never does: rank 0 may
    // write the final ZeRO-3 model for many minutes after the others are done, so --wait=0 (no limit, also over the
    // cluster's WaitTime) where a --wait=60 would kill it mid-write (srun(1): --wait, --kill-on-bad-exit).
    "--kill-on-bad-exit=1",
    "--wait=0",
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
    ...nodeCheckLines(job),
    "",
    "# The first task to fail writes its status here (the job folder is on storage every node sees).",
    `first_failure=${shellQuote(job.outputDir)}/"$SLURM_JOB_NAME-$SLURM_JOB_ID-\${SLURM_RESTART_COUNT:-0}.first-failure"`,
    'rm -f -- "$first_failure"',
    ...commandLines(srun.join(" ")),
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
