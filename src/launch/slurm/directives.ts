// The #SBATCH block: typed options sorted by key, then the user's raw extras, every value quoted.
import { directiveQuote } from "./quote.js";
import type { SlurmBatchJob } from "./job.js";

const RAW_DIRECTIVE = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/s;

/** Slurm expands %x, %j, ... in file names; a literal % is written %%. */
function slurmFilename(path: string): string {
  return path.replaceAll("%", "%%");
}

function typedDirectives(job: SlurmBatchJob): Map<string, string | true> {
  const r = job.resources;
  const d = new Map<string, string | true>();
  const put = (key: string, value: string | number | boolean | undefined) => {
    if (value === undefined || value === false) return;
    d.set(key, value === true ? true : String(value));
  };
  put("account", r.account);
  put("chdir", job.cwd);
  put("cpus-per-task", r.cpusPerTask);
  put("exclusive", r.exclusive);
  if (job.exportNames) put("export", job.exportNames.length ? job.exportNames.join(",") : "NONE");
  if (r.gpusPerNode) put("gpus-per-node", r.gpusPerNode);
  put("job-name", job.jobName);
  put("mail-type", r.mailType?.join(","));
  put("mail-user", r.mailUser);
  put("mem", r.mem);
  put("nodes", r.nodes ?? 1);
  // One task per node: torchrun (or ray start) spawns the per-GPU processes itself.
  put("ntasks-per-node", 1);
  put("open-mode", "append");
  put("output", `${slurmFilename(job.outputDir)}/%x-%j.out`);
  put("partition", r.partition);
  put("qos", r.qos);
  if (r.requeue !== undefined) d.set(r.requeue ? "requeue" : "no-requeue", true);
  put("time", r.time);
  return d;
}

function line(key: string, value: string | true): string {
  return value === true ? `#SBATCH --${key}` : `#SBATCH --${key}=${directiveQuote(value)}`;
}

export function renderDirectives(job: SlurmBatchJob): string[] {
  const typed = typedDirectives(job);
  const lines = [...typed.keys()].sort().map((key) => line(key, typed.get(key)!));
  for (const raw of job.resources.extraDirectives ?? []) {
    const m = RAW_DIRECTIVE.exec(raw);
    if (!m) throw new RangeError(`extra Slurm directive must look like --key=value or --flag: ${JSON.stringify(raw)}`);
    lines.push(line(m[1]!, m[2] ?? true));
  }
  return lines;
}
