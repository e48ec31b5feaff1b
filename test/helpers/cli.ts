// Runs the real CLI (built dist/) with the stand-in tools on PATH, against an experiment in a temp folder.
import { execa, type ResultPromise } from "execa";
import { readFile, readdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { tempDir, writeFiles } from "./tmp.js";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The shipped bin: the bundle scripts/bundle.mjs writes (what `npm install` puts on PATH). */
export const CLI = join(ROOT, "dist/bin/dianjin-train.mjs");
/** tsc's output, module by module (what the bundle is made from). */
export const UNBUNDLED_CLI = join(ROOT, "dist/cli/main.js");
export const STANDIN_BIN = join(ROOT, "test/fixtures/bin");

export interface Experiment {
  dir: string;
  file: string;
  workdir: string;
}

export async function makeExperiment(
  options: { sft?: string; top?: string; records?: number; cluster?: string; deepspeed?: string } = {},
): Promise<Experiment> {
  const dir = await tempDir("dianjin-int-");
  const records = Array.from({ length: options.records ?? 20 }, (_, i) => ({
    instruction: `问题 ${i}: 2+${i}=?`,
    input: "",
    output: `<think>\n2+${i}\n</think>\n\n<answer>\\boxed{${2 + i}}</answer>`,
  }));
  await writeFiles(dir, {
    "data/train.json": JSON.stringify(records),
    "exp.yaml": `name: int-test
workdir: runs
model: { base: Qwen/Qwen2.5-0.5B-Instruct, template: qwen }
cluster: ${options.cluster ?? "{ gpus_per_node: 1 }"}
${options.top ?? ""}
stages:
  sft:
    datasets: [fin]
    dataset_files: { fin: { path: data/train.json } }
    deepspeed: ${options.deepspeed ?? "none"}
    args:
      per_device_train_batch_size: 1
      gradient_accumulation_steps: 1
      learning_rate: 1.0e-5
      num_train_epochs: 2
      logging_steps: 1
      save_strategy: steps
      save_steps: 5
${options.sft ?? ""}
`,
  });
  return { dir, file: join(dir, "exp.yaml"), workdir: join(dir, "runs") };
}

export function cliEnv(extra: Record<string, string> = {}, withStandins = true): Record<string, string> {
  const base: Record<string, string> = {
    ...(process.env as Record<string, string>),
    DIANJIN_POLL_MS: "100",
    DIANJIN_KILL_GRACE_MS: "2000",
    LF_STANDIN_STEP_MS: "15",
    NO_COLOR: "1",
  };
  if (withStandins) base.PATH = `${STANDIN_BIN}:${process.env.PATH}`;
  else base.PATH = "/usr/bin:/bin";
  return { ...base, ...extra };
}

export function cli(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; standins?: boolean } = {},
): ResultPromise<{ reject: false; all: true }> {
  return execa(process.execPath, [CLI, ...args], {
    env: cliEnv(options.env, options.standins ?? true),
    extendEnv: false,
    cwd: options.cwd,
    reject: false,
    all: true,
  });
}

export async function readJson<T = Record<string, unknown>>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, "utf8")) as T;
}

export async function stageState(exp: Experiment, stage = "sft"): Promise<Record<string, any>> {
  return (await readJson<{ stages: Record<string, Record<string, any>> }>(join(exp.workdir, "state.json"))).stages[stage]!;
}

/** pids of live processes whose command line mentions `needle`. */
export async function processesMentioning(needle: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = (await readFile(`/proc/${entry}/cmdline`, "utf8")).replaceAll("\0", " ");
      const stat = await readFile(`/proc/${entry}/stat`, "utf8");
      if (cmdline.includes(needle) && !stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) pids.push(Number(entry));
    } catch {
      // gone
    }
  }
  return pids;
}

/** Ends (SIGKILL) every live process whose command line mentions `needle`: what a test started under its folder. */
export async function killProcessesMentioning(needle: string): Promise<void> {
  for (const pid of await processesMentioning(needle)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone
    }
  }
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
