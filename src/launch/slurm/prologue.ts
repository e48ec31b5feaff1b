// The part every dianjin-train batch script shares: directives, logging of each attempt, working
// directory, environment, setup lines, and the head node / rendezvous values for the allocation.
import { renderDirectives } from "./directives.js";
import { shellQuote } from "./quote.js";
import { SLURM_DEFAULTS } from "./defaults.js";
import type { SlurmBatchJob } from "./job.js";
import { exitRecordPath } from "../exit-record.js";

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function envExports(env: Record<string, string>): string[] {
  return Object.keys(env)
    .sort()
    .map((name) => {
      if (!ENV_NAME.test(name)) throw new RangeError(`not a valid environment variable name: ${JSON.stringify(name)}`);
      return `export ${name}=${shellQuote(env[name]!)}`;
    });
}

export interface PrologueParts {
  /** What the script is, for the comment at the top. */
  kind: string;
  /** Lines run by the EXIT trap before the log is closed (e.g. stopping Ray). */
  cleanup?: string[];
}

export function renderPrologue(job: SlurmBatchJob, parts: PrologueParts): string[] {
  const attemptLog = `${shellQuote(job.outputDir)}/"$SLURM_JOB_NAME-$SLURM_JOB_ID-\${SLURM_RESTART_COUNT:-0}.log"`;
  const port = job.masterPort ?? SLURM_DEFAULTS.masterPort;
  return [
    "#!/bin/bash",
    `# ${parts.kind}, written by dianjin-train. Submitted with: sbatch --parsable --comment=dianjin-launch=<launch id> <this file>`,
    ...renderDirectives(job),
    "",
    "set -uo pipefail",
    "# Each attempt (Slurm may requeue) gets its own log named with the restart count; all of them",
    "# are also appended to the stage log that dianjin-train follows.",
    `attempt_log=${attemptLog}`,
    // scancel and the time limit signal every process of the job, tee too: it ignores them and writes to the end (the
    // command's last lines, the status line, the cleanup), so the command never dies of SIGPIPE on a dead log.
    `exec > >(trap '' TERM INT; exec tee -a -- "$attempt_log" >>${shellQuote(job.logFile)}) 2>&1`,
    "log_writer=$!",
    "cleanup() {",
    "  local status=$?",
    "  set +e",
    "  # How this attempt ended, next to the log, for a CLI that did not watch (a requeue's next start removes it).",
    `  printf '%s\\n' "$status" > ${shellQuote(exitRecordPath(job.logFile) + ".tmp")} && mv -f ${shellQuote(exitRecordPath(job.logFile) + ".tmp")} ${shellQuote(exitRecordPath(job.logFile))}`,
    ...(parts.cleanup ?? []).map((l) => `  ${l}`),
    "  # Close our side of the log pipe and let tee write the last lines.",
    "  exec >&- 2>&-",
    '  wait "$log_writer" 2>/dev/null',
    "}",
    "trap cleanup EXIT",
    "# scancel and the time limit send SIGTERM; exiting through the trap still runs the cleanup.",
    "trap 'exit 143' TERM INT",
    'echo "[dianjin-train] slurm job $SLURM_JOB_ID attempt ${SLURM_RESTART_COUNT:-0} on $(hostname) at $(date -u +%Y-%m-%dT%H:%M:%SZ)"',
    "",
    `rm -f -- ${shellQuote(exitRecordPath(job.logFile))}`,
    `cd ${shellQuote(job.cwd)} || exit 1`,
    "export PYTHONUNBUFFERED=1",
    // sbatch hands its --export list on to srun (SLURM_EXPORT_ENV); the steps get this script's environment instead.
    "export SLURM_EXPORT_ENV=ALL",
    ...envExports(job.env),
    // Setup may source activate scripts that read unset variables, so -u is off while it runs.
    ...(job.setup?.length ? ["# setup lines from the experiment", "set -e +u", ...job.setup, "set +e -u"] : []),
    ...restartLines(job),
    "",
    "# The batch script runs on the first node of the allocation, which is the head node.",
    'head_node=$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n1)',
    "# NodeAddr is how Slurm itself reaches the node (its hostname unless the admin set an address).",
    "head_addr=$(scontrol show node \"$head_node\" | sed -n 's/.*NodeAddr=\\([^ ]*\\).*/\\1/p' | head -n1)",
    'export MASTER_ADDR="${head_addr:-$head_node}"',
    `export MASTER_PORT=${shellQuote(String(port))}`,
    'export NNODES="$SLURM_NNODES"',
    ...(job.resources.gpusPerNode ? [`export NPROC_PER_NODE="\${NPROC_PER_NODE:-${job.resources.gpusPerNode}}"`] : []),
    'echo "[dianjin-train] nodes: $SLURM_JOB_NODELIST ($NNODES), head: $head_node, rendezvous: $MASTER_ADDR:$MASTER_PORT"',
  ];
}

/**
 * The command, and its status whatever ends it. scancel and the time limit send SIGTERM to every process of the job:
 * the command ends by its own, and this shell, which runs a trap only once its foreground command has ended, notes it
 * and goes on to print and record the status (a trap that exits would skip both). A handler, unlike an ignored signal,
 * is not inherited by the command.
 */
export function commandLines(command: string): string[] {
  return [
    `trap 'echo "[dianjin-train] SIGTERM received (scancel or the time limit)"' TERM`,
    `trap 'echo "[dianjin-train] SIGINT received"' INT`,
    command,
    "status=$?",
  ];
}

/**
 * A requeued start (Slurm restarts the same script) chooses its checkpoint again, here, before the tool: never the
 * tool's own auto-resume, which may take the half-written checkpoint the last attempt died in.
 */
function restartLines(job: SlurmBatchJob): string[] {
  if (!job.restartArgv?.length) return [];
  return [
    'if [ "${SLURM_RESTART_COUNT:-0}" -gt 0 ]; then',
    '  echo "[dianjin-train] requeued start: choosing the newest complete checkpoint"',
    `  ${job.restartArgv.map(shellQuote).join(" ")} || exit 1`,
    "fi",
  ];
}

/** srun flags for the optional Pyxis container and the user's extra srun arguments. */
export function srunExtras(job: SlurmBatchJob): string[] {
  const words: string[] = [];
  const c = job.container;
  if (c) {
    words.push(`--container-image=${c.image}`);
    if (c.mounts?.length) words.push(`--container-mounts=${c.mounts.join(",")}`);
    if (c.workdir) words.push(`--container-workdir=${c.workdir}`);
  }
  words.push(...(job.srunArgs ?? []));
  return words.map(shellQuote);
}
