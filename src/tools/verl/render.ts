// Renders the verl trainer command line (Hydra overrides, one argv element each) and its environment.
import { isAbsolute, resolve } from "node:path";
import { OWNED_VERL_KEYS, VERL_DEFAULTS } from "./defaults.js";
import { formatHydraValue } from "./hydra-syntax.js";
import { verlKeyInfo, type VerlEra } from "./inventory.js";
import type { GrpoOptions } from "./options.js";
import { isVerlRelease, verlReleaseFacts } from "./releases.js";
import { grpoSettings, type VerlSetting } from "./settings.js";

export type VerlResume = { mode: "auto" } | { mode: "disable" } | { mode: "resume_path"; path: string };

export interface RenderVerlInput {
  options: GrpoOptions;
  era: VerlEra;
  /** Relative paths are resolved against `cwd`: verl's Ray workers do not share the launch directory. */
  paths: {
    trainFiles: string | readonly string[];
    valFiles: string | readonly string[];
    /** The SFT output (Hugging Face folder) the actor starts from. */
    modelPath: string;
    rewardFile: string;
    /** trainer.default_local_dir: checkpoints and latest_checkpointed_iteration.txt. */
    checkpointDir: string;
  };
  rewardFunction?: string;
  projectName: string;
  experimentName: string;
  /** Tracking backends (wandb, swanlab, ...); console is always on. */
  trackers?: readonly string[];
  /** Add verl's `file` logger (JSONL metrics; verl >= 0.6.0). Default: whether the release has it (true for "current"). */
  fileLogger?: boolean;
  resume?: VerlResume;
  cwd?: string;
}

function absolute(path: string, cwd: string): string {
  return isAbsolute(path) ? resolve(path) : resolve(cwd, path);
}

/** A local folder (/x, ./x, ../x) becomes absolute; anything else is a hub id and stays one. */
function modelReference(path: string, cwd: string): string {
  return isAbsolute(path) || path.startsWith("./") || path.startsWith("../") ? absolute(path, cwd) : path;
}

function fileList(files: string | readonly string[], cwd: string): string | string[] {
  const list = (typeof files === "string" ? [files] : [...files]).map((f) => absolute(f, cwd));
  return list.length === 1 ? list[0]! : list;
}

/** The wrapper-owned settings: paths, logging, run names, resume. */
function ownedSettings(input: RenderVerlInput, configPath: string): VerlSetting[] {
  const cwd = input.cwd ?? process.cwd();
  const fileLogger = input.fileLogger ?? (isVerlRelease(input.era) ? verlReleaseFacts(input.era).fileLogger : input.era === "current");
  const logger = [...new Set(["console", ...(fileLogger ? ["file"] : []), ...(input.trackers ?? [])])];
  const resume = input.resume ?? { mode: "auto" };
  const set = (key: string, value: unknown, source: string): VerlSetting => ({ key, value, kind: "set", source });
  const owned = [
    set("trainer.logger", logger, "tracking.backends"),
    set("trainer.project_name", input.projectName, "tracking.project"),
    set("trainer.experiment_name", input.experimentName, "tracking.run_name"),
    set("trainer.default_local_dir", absolute(input.paths.checkpointDir, cwd), `${configPath}`),
    set("trainer.resume_mode", resume.mode, `${configPath}`),
    // A hub id stays a hub id (verl downloads it); a local folder is absolute by the time it gets here.
    set("actor_rollout_ref.model.path", modelReference(input.paths.modelPath, cwd), "model"),
    set("actor_rollout_ref.rollout.name", input.options.rollout.name, `${configPath}.rollout.name`),
    set("custom_reward_function.path", absolute(input.paths.rewardFile, cwd), `${configPath}`),
    set("custom_reward_function.name", input.rewardFunction ?? VERL_DEFAULTS.rewardFunctionName, `${configPath}`),
    set("data.train_files", fileList(input.paths.trainFiles, cwd), `${configPath}`),
    set("data.val_files", fileList(input.paths.valFiles, cwd), `${configPath}`),
  ];
  if (resume.mode === "resume_path") owned.push(set("trainer.resume_from_path", absolute(resume.path, cwd), `${configPath}`));
  return owned;
}

function renderSetting(setting: VerlSetting, era: VerlEra): string {
  if (setting.kind === "delete") return `~${setting.key}`;
  const prefix = setting.kind === "add" ? "+" : setting.kind === "force-add" ? "++" : "";
  return `${prefix}${setting.key}=${formatHydraValue(setting.value, verlKeyInfo(era, setting.key)?.type)}`;
}

/**
 * Hydra overrides for `python3 -m verl.trainer.main_ppo`: the typed options (in the era's key spelling), then
 * `overrides`, then the keys the wrapper owns (they always win). One element per key.
 */
export function renderVerlOverrides(input: RenderVerlInput, configPath: string): string[] {
  const settings = grpoSettings(input.options, input.era, configPath);
  const merged = new Map(settings.byKey);
  for (const owned of ownedSettings(input, configPath)) {
    merged.delete(owned.key);
    merged.set(owned.key, owned);
  }
  return [...merged.values()].map((s) => renderSetting(s, input.era));
}

/** True when the wrapper sets this key itself (an override of it is refused in pre-flight). */
export function isOwnedVerlKey(key: string): boolean {
  return OWNED_VERL_KEYS.includes(key);
}

export interface VerlEnvInput {
  /** Absolute path for verl's file logger (VERL_FILE_LOGGER_PATH). */
  fileLoggerPath?: string;
  /** e.g. XFORMERS, as the seed exported; only vLLM < 0.8-era setups want it, so it is never set by default. */
  vllmAttentionBackend?: string;
  /** The experiment's tools.verl.env, applied last. */
  extra?: Readonly<Record<string, string>>;
  cwd?: string;
}

export function renderVerlEnv(input: VerlEnvInput = {}): Record<string, string> {
  const env: Record<string, string> = { ...VERL_DEFAULTS.env };
  if (input.fileLoggerPath) env.VERL_FILE_LOGGER_PATH = absolute(input.fileLoggerPath, input.cwd ?? process.cwd());
  if (input.vllmAttentionBackend) env.VLLM_ATTENTION_BACKEND = input.vllmAttentionBackend;
  return { ...env, ...input.extra };
}
