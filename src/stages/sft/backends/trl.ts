// SFT with TRL: `trl sft --config x.yaml` (plus `--accelerate_config` for several GPUs or DeepSpeed) on the SFT data
// converted to TRL's `messages` format. TRL does not resume by itself, so every launch names the newest complete
// checkpoint in resume_from_checkpoint; progress and the loss curve come from the Trainer's console lines.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { JobBackend } from "../../../contract/backend.js";
import type { StageContext, StageRender } from "../../../contract/stage.js";
import { toolCommand, type ToolBinding } from "../../../contract/tool-binding.js";
import type { Problem } from "../../../errors.js";
import type { SftStageConfig } from "../config.js";
import { commonPreflight, estimateWith, pythonOf, restartFor, sftInputFiles } from "../shared.js";
import { versionUnknownNote } from "../../../tools/releases.js";
import { TRL_MANAGED_KEYS, renderTrlSft } from "../../../tools/trl/render.js";
import { TRL_FIX_KEYS, trlDefaultsNote, trlTraining } from "./trl-resources.js";
import { sftLossPart } from "../report.js";
import { checkTrlArgs } from "../../../tools/trl/keys.js";
import { resolveTrlRelease, trlRelease, trlSftAccepts } from "../../../tools/trl/releases.js";
import { writeTrlDataset } from "../../../tools/trl/data.js";
import { classifyTrlFailure } from "../../../tools/trl/failures.js";
import { checkpointWatcher, finalModelMissing, findResumePoint } from "../../../tools/hf-trainer/checkpoints.js";
import { TrainerConsole, consoleLossCurve } from "../../../tools/hf-trainer/console.js";
import { estimateRemaining, type TrainerProgress } from "../../../tools/hf-trainer/progress.js";
import { checkpointBytes } from "../../../resources/checkpoint-size.js";

const CONFIG_PATH = "stages.sft";

const BINDING: ToolBinding = {
  tool: "trl",
  defaultCommand: ["trl"],
  install: "pip install trl (with accelerate and deepspeed for several GPUs)",
  // `trl env` prints "- TRL version: 0.19.1" among the environment (trl/scripts/env.py, print_env).
  versionArgs: ["env"],
  parseVersion: (output) => /TRL version:\s*v?(\d+\.\d+(?:\.\d+)?[\w.+-]*)/i.exec(output)?.[1],
};

function release(ctx: StageContext): { release?: string; warnings: string[] } {
  const version = ctx.toolVersion;
  if (!version) {
    const why = versionUnknownNote("TRL", ctx.versionSource ?? "unknown");
    return { warnings: [`${why}; keys only some TRL releases read fail pre-flight at launch unless the version is known — state tools.trl.version`] };
  }
  const resolved = resolveTrlRelease(version);
  if (!resolved) return { warnings: [`tools.trl.version "${version}" is not a version number; keys are checked against every listed release`] };
  return { release: resolved.release, warnings: resolved.warning ? [resolved.warning] : [] };
}

/** Checkpoints hold DeepSpeed state when DeepSpeed runs, through our preset or a shipped zero* accelerate config. */
function deepspeedState(sft: SftStageConfig): boolean {
  return sft.deepspeed !== "none" || /^zero/.test(sft.accelerate_config ?? "");
}

const dataDir = (ctx: StageContext) => join(ctx.paths.root, "trl-data");

function renderFor(ctx: StageContext, sft: SftStageConfig, resumeFrom?: string) {
  return renderTrlSft({
    experimentName: ctx.config.name,
    modelPath: ctx.config.model.base,
    datasetDir: dataDir(ctx),
    deepspeed: sft.deepspeed,
    accelerateConfig: sft.accelerate_config,
    args: sft.args,
    cluster: ctx.config.cluster,
    tracking: ctx.config.tracking,
    renderedDir: ctx.paths.rendered,
    outputDir: ctx.paths.output,
    command: toolCommand(ctx.config, BINDING),
    python: pythonOf(ctx),
    toolEnv: ctx.config.tools.trl?.env ?? {},
    resumeFrom,
  });
}

function contract(ctx: StageContext, sft: SftStageConfig): Problem[] {
  const problems: Problem[] = [];
  for (const key of Object.keys(sft.args)) {
    if (TRL_MANAGED_KEYS[key]) problems.push({ path: `stages.sft.args.${key}`, message: `set by dianjin-train: ${TRL_MANAGED_KEYS[key]}` });
  }
  const unmanaged = Object.fromEntries(Object.entries(sft.args).filter(([k]) => !TRL_MANAGED_KEYS[k]));
  const known = release(ctx).release;
  problems.push(...checkTrlArgs(unmanaged, "stages.sft.args", known, ctx.versionSource === "probe-failed"));
  for (const key of Object.keys(renderFor(ctx, sft).trainArgs)) {
    if (!Object.hasOwn(unmanaged, key) && !trlSftAccepts(key, known)) {
      problems.push({ path: "tools.trl.version", message: `dianjin-train renders ${key}, which TRL ${known ?? "(any listed release)"} does not read` });
    }
  }
  const facts = known ? trlRelease(known) : undefined;
  if (facts && !facts.commands.includes("sft")) problems.push({ path: "tools.trl.version", message: `TRL ${known} has no \`trl sft\` command` });
  if (sft.accelerate_config && facts && !facts.accelerate_configs.includes(sft.accelerate_config)) {
    problems.push({
      path: "stages.sft.accelerate_config",
      message: `TRL ${known} ships no accelerate config "${sft.accelerate_config}" (it has ${facts.accelerate_configs.join(", ")})`,
    });
  }
  if (ctx.config.cluster.nodes > 1 && ctx.config.cluster.launcher !== "slurm") {
    // Each node's accelerate needs its machine rank, which the Slurm per-node script exports (NODE_RANK).
    problems.push({
      path: "cluster.launcher",
      message: "the trl backend runs on several nodes under the slurm launcher (each node's rank comes from its per-node script)",
    });
  }
  return problems;
}

export const trlBackend: JobBackend<SftStageConfig> = {
  binding: BINDING,
  label: "TRL",

  render(ctx, sft, resume): StageRender {
    const rendered = renderFor(ctx, sft, resume?.path);
    const { resume_from_checkpoint: _ignored, ...keyedArgs } = rendered.trainArgs;
    const restart = restartFor(ctx, rendered.files.train.path, rendered.files.deepspeed !== undefined);
    return {
      files: { ...rendered.files, restart: restart.file },
      argv: rendered.argv,
      restartArgv: restart.argv,
      env: rendered.env,
      keyInputs: {
        model: { base: ctx.config.model.base },
        stages: { sft: { ...sft, args: keyedArgs, dataset_files: sft.dataset_files } },
        cluster: { nodes: ctx.config.cluster.nodes, gpus_per_node: ctx.config.cluster.gpus_per_node },
        tracking: ctx.config.tracking,
        tools: { trl: { command: toolCommand(ctx.config, BINDING), version: ctx.config.tools.trl?.version } },
        ...(rendered.files.deepspeed ? { deepspeed: rendered.files.deepspeed.content } : {}),
        ...(rendered.files.accelerate ? { accelerate: rendered.files.accelerate.content } : {}),
      },
      inputFiles: sftInputFiles(ctx, sft),
      fingerprint: sft.fingerprint,
      watchdogMs: sft.watchdog_minutes ? sft.watchdog_minutes * 60_000 : undefined,
      ...(release(ctx).warnings.length ? { warnings: release(ctx).warnings } : {}),
    };
  },

  contract,

  async preflight(ctx, sft) {
    return [...contract(ctx, sft), ...(await commonPreflight(ctx, sft))];
  },

  async prepare(ctx, sft) {
    await writeTrlDataset(
      dataDir(ctx),
      sft.datasets.map((name) => sft.dataset_files[name]!),
    );
  },

  async findResume(ctx, sft) {
    const { checkpoint, incomplete } = await findResumePoint(ctx.paths.output, deepspeedState(sft));
    return { point: checkpoint, incomplete: incomplete.map((c) => ({ step: c.step, path: c.path })) };
  },

  async checkpointBytes(ctx, sft) {
    const { checkpoint } = await findResumePoint(ctx.paths.output, deepspeedState(sft));
    return checkpointBytes(checkpoint?.path, ctx.config.model.base);
  },

  // trl sft ends with trainer.save_model(output_dir): the weights (every shard) and config.json.
  outputsComplete: async (ctx) => (await finalModelMissing(ctx.paths.output)).length === 0,

  // Lines only update what is newest; a tick reports it once (a tqdm bar redraws many times a second).
  observe(ctx, _sft, emit, from) {
    const console = new TrainerConsole();
    let first: { step: number; at: number } | undefined;
    let newest: TrainerProgress | undefined;
    let logged: TrainerProgress | undefined;
    let replayed = false;
    const checkpoints = checkpointWatcher(ctx.paths.output, ({ step, path }) => emit({ type: "checkpoint", stage: "sft", step, path }));
    const report = () => {
      if (!newest) return;
      const now = Date.now();
      if (!first || replayed) first = { step: newest.step, at: now };
      const metrics: Record<string, number> = {};
      if (logged?.loss !== undefined) metrics.loss = logged.loss;
      if (logged?.lr !== undefined) metrics.lr = logged.lr;
      if (logged?.epoch !== undefined) metrics.epoch = logged.epoch;
      const etaSeconds = estimateRemaining(newest, { firstStep: first.step, firstAt: first.at, now });
      emit({ type: "progress", stage: "sft", step: newest.step, total: newest.total, etaSeconds, metrics });
      newest = undefined;
      replayed = false;
    };
    const tick = async () => {
      report();
      await checkpoints();
    };
    return {
      // A reattached watcher announces only checkpoints saved from now on (the console is followed from its end).
      start: async () => void (from?.reattached && (await checkpoints.skipSaved())),
      onLine(line) {
        for (const entry of console.feed(line)) {
          newest = entry;
          if (entry.loss !== undefined) logged = entry;
          replayed ||= entry.replay;
        }
      },
      onTick: tick,
      finish: tick,
    };
  },

  // The context says which TRL ran (a version-specific hint), never the log: this backend ran, so this is TRL's log.
  classify: (logText, ctx) => classifyTrlFailure(logText, { configPath: CONFIG_PATH, forceOption: "--force sft", version: ctx?.toolVersion }),

  // The loss curve from the attempts' logs, oldest first (a resumed attempt's replayed steps replace earlier ones).
  async report({ paths }) {
    const attempts = (await readdir(paths.logs).catch(() => [] as string[]))
      .map((name) => ({ name, n: Number(/^attempt-(\d+)\.log$/.exec(name)?.[1]) }))
      .filter((a) => Number.isInteger(a.n))
      .sort((a, b) => a.n - b.n);
    const lines: string[] = [];
    for (const a of attempts) lines.push(...(await readFile(join(paths.logs, a.name), "utf8")).split("\n"));
    const curve = consoleLossCurve(lines);
    const points = curve.steps.map((step, i) => ({ step, loss: curve.losses[i]! }));
    return sftLossPart(points, `${paths.logs} (Trainer log lines)`, `no SFT loss (no Trainer log lines in ${paths.logs})`);
  },

  async resources(ctx, sft) {
    const shipped = /^zero[23]$/.exec(sft.accelerate_config ?? "")?.[0] as "zero2" | "zero3" | undefined;
    const known = release(ctx).release;
    const estimate = await estimateWith(ctx, { ...sft, deepspeed: shipped ?? sft.deepspeed }, trlTraining(sft.args, known), TRL_FIX_KEYS);
    return estimate && { ...estimate, notes: [...estimate.notes, trlDefaultsNote(known)] };
  },
};
