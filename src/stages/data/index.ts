// The data stage: builds the DianJin-R1 SFT sets and the RL pool in-process (model calls through per-step journals,
// so a rerun resumes without re-sending), or takes the released DianJin-R1-Data as it is.
// Outputs by name (see dataOutputs): sft_dir, dataset_info, <registered SFT name> per set, rl_parquet (= rl_train),
// rl_train, rl_val, stats, stats_json, ledger, complete.
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import type { DataStageConfig } from "./config.js";
import { ConfigError, type Problem } from "../../errors.js";
import type { StageContext, StageModule, StageRender } from "../../contract/stage.js";
import { dataStageSchema } from "./config.js";
import { dataStageOutputs } from "./outputs.js";
import { which } from "../../util/which.js";
import { loadPromptTemplate } from "../../data/rl-rows.js";
import { DIANJIN_R1_SFT_NAMES, dianjinR1SftFile, readDianjinR1Sft } from "../../data/sources/dianjin-r1.js";
// Only light modules at import time (plan must start fast); the build and its HTTP client load when it runs.
import { dataOutputs } from "./recipe/layout.js";
import { loadPrompts, shippedPromptPath, PROMPT_NAMES } from "./recipe/prompts.js";
import { peekSource, sourcePath, SOURCE_NAMES } from "./recipe/sources.js";
import { missingReleaseFiles } from "./recipe/released.js";
import { roleEndpoint } from "./recipe/requests.js";
import type { EndpointCheck } from "../../llm/probe.js";
import { heartbeatFromEnv } from "../../llm/heartbeat.js";

function dataConfig(ctx: StageContext<DataStageConfig>): DataStageConfig {
  return ctx.stage;
}

function downloadRoot(ctx: StageContext<DataStageConfig>): string {
  return join(ctx.paths.root, "downloads");
}

/** Files whose content decides the output: local sources, the local release, prompt overrides. */
function inputFiles(ctx: StageContext<DataStageConfig>): string[] {
  const data = dataConfig(ctx);
  const files: string[] = [];
  for (const name of SOURCE_NAMES) {
    const s = data.sources?.[name];
    if (typeof s === "string") files.push(s);
  }
  if (typeof data.released === "string") for (const name of DIANJIN_R1_SFT_NAMES) files.push(dianjinR1SftFile(data.released, name));
  files.push(...Object.values(data.prompts).filter((p): p is string => typeof p === "string"));
  if (data.rl_prompt) files.push(data.rl_prompt);
  return files;
}

/** Hashes of the shipped prompt files, so a changed shipped prompt changes the key. */
function shippedPromptHashes(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of PROMPT_NAMES) {
    try {
      out[name] = createHash("sha256")
        .update(readFileSync(shippedPromptPath(name)))
        .digest("hex")
        .slice(0, 16);
    } catch {
      out[name] = "missing";
    }
  }
  return out;
}

/** Roles the config will call. */
function usedRoles(data: DataStageConfig): Array<"convert" | "distill" | "judge" | "check" | "merge"> {
  if (data.released !== undefined) return [];
  const s = data.sources ?? {};
  const roles = new Set<"convert" | "distill" | "judge" | "check" | "merge">(["distill"]);
  if (s.cflue_open || s.finqa || (s.cflue_mcq && data.convert_fraction > 0)) roles.add("judge");
  if (s.cflue_mcq && data.convert_fraction > 0) roles.add("convert");
  if (data.filter.ambiguity_check && (s.cflue_mcq || s.cflue_open)) roles.add("check");
  if (s.compliance && roleEndpoint(data, "merge")) roles.add("merge");
  return [...roles];
}

async function promptProblems(data: DataStageConfig): Promise<Problem[]> {
  const problems: Problem[] = [];
  const collect = (path: string, run: () => unknown) => {
    try {
      run();
    } catch (error) {
      if (error instanceof ConfigError) problems.push(...error.problems.map((p) => ({ path, message: `${error.file}: ${p.message}` })));
      else problems.push({ path, message: (error as Error).message });
    }
  };
  collect("stages.data.prompts", () => loadPrompts(data.prompts));
  if (data.rl_prompt) collect("stages.data.rl_prompt", () => loadPromptTemplate(data.rl_prompt));
  return problems;
}

export const dataStage = {
  name: "data",
  version: 1,
  title: "data (DianJin-R1 recipe)",
  summary: "build the SFT and RL data",
  schema: dataStageSchema,
  pathFields: ["sources.cflue_mcq", "sources.cflue_open", "sources.finqa", "sources.compliance", "released", "prompts.*", "rl_prompt"],
  kind: "in-process",
  placement: "single-node",
  needs: [],
  backends: {
    python: {
      tool: "python",
      defaultCommand: ["python3"],
      install: "no tool needed; hub sources need `pip install -U huggingface_hub` or `pip install modelscope`",
    },
  },

  render(ctx): StageRender {
    const data = dataConfig(ctx);
    // How fast or how it is fetched does not change what is built (journal keys hold the requests themselves).
    const { concurrency: _concurrency, hub_cli: _hubCli, fingerprint: _fingerprint, timeouts: _timeouts, ...keyed } = data;
    const endpoints = Object.fromEntries(
      Object.entries(data.endpoints).map(([role, ep]) => [role, ep && { ...ep, cost_per_1m: undefined, timeouts: undefined, stream: undefined }]),
    );
    return {
      files: {},
      argv: [],
      env: {},
      keyInputs: { stages: { data: { ...keyed, endpoints } }, prompts: shippedPromptHashes() },
      inputFiles: inputFiles(ctx),
      fingerprint: data.fingerprint,
    };
  },

  async preflight(ctx): Promise<Problem[]> {
    const data = dataConfig(ctx);
    const problems: Problem[] = [];
    for (const name of SOURCE_NAMES) {
      const s = data.sources?.[name];
      if (s === undefined) continue;
      if (typeof s === "string") {
        const why = await peekSource(name, s);
        if (why) problems.push({ path: `stages.data.sources.${name}`, message: why });
      } else if (!(await which(data.hub_cli[s.hub.provider][0]!))) {
        problems.push({
          path: `stages.data.hub_cli.${s.hub.provider}`,
          message: `\`${data.hub_cli[s.hub.provider][0]}\` is not on PATH (needed to download ${s.hub.id}); install it or point stages.data.hub_cli.${s.hub.provider} at it`,
        });
      } else {
        // Downloaded earlier: check it like a local file.
        const local = sourcePath(s, downloadRoot(ctx));
        const why = await peekSource(name, local);
        if (why && !why.endsWith("does not exist")) problems.push({ path: `stages.data.sources.${name}`, message: why });
      }
    }
    if (typeof data.released === "string") {
      const missing = await missingReleaseFiles(data.released);
      for (const file of missing)
        problems.push({
          path: "stages.data.released",
          message: `${file} does not exist (expected the DianJin-R1-Data layout: train/cflue_mcq.json, train/cflue_oe.json, train/fin_qa.json)`,
        });
      if (!missing.length) {
        for (const name of DIANJIN_R1_SFT_NAMES) {
          try {
            const gen = readDianjinR1Sft(data.released, name);
            await gen.next();
            await gen.return(undefined);
          } catch (error) {
            problems.push({ path: "stages.data.released", message: (error as Error).message });
          }
        }
      }
    } else if (data.released !== undefined && !(await which(data.hub_cli[data.released.hub.provider][0]!))) {
      problems.push({
        path: `stages.data.hub_cli.${data.released.hub.provider}`,
        message: `\`${data.hub_cli[data.released.hub.provider][0]}\` is not on PATH (needed to download ${data.released.hub.id})`,
      });
    }
    const probes: EndpointCheck[] = [];
    for (const role of usedRoles(data)) {
      const ep = roleEndpoint(data, role);
      if (!ep) continue;
      const path = `stages.data.endpoints.${ep === data.endpoints[role] ? role : "convert"}`;
      const apiKey = ep.api_key_env ? process.env[ep.api_key_env] : undefined;
      if (ep.api_key_env && !apiKey)
        problems.push({ path: `${path}.api_key_env`, message: `environment variable ${ep.api_key_env} is not set (the API key is read from it)` });
      else probes.push({ path, target: { baseUrl: ep.base_url, model: ep.model, ...(apiKey ? { apiKey } : {}) } });
    }
    // Every endpoint answers, takes the key and serves the model, before any request is sent.
    if (probes.length) problems.push(...(await (await import("../../llm/probe.js")).probeProblems(probes)));
    if (data.sources?.compliance && !roleEndpoint(data, "merge")) {
      // Only dialogues with traces need it; say so before hours of distillation rather than at the end.
      problems.push(...(await complianceTracesProblem(data)));
    }
    problems.push(...(await promptProblems(data)));
    return problems;
  },

  outputsComplete: async (ctx) => (await import("./recipe/outputs.js")).outputsWhole(ctx.paths.output),

  outputs: (ctx) => dataStageOutputs.make(dataOutputs(dataConfig(ctx), ctx.paths.output)),

  async runInProcess(ctx, _render, io) {
    // Items move through the steps independently: the progress is items settled, with each step's failures beside it.
    const failed: Record<string, number> = {};
    await (
      await import("./recipe/build.js")
    ).buildData({
      config: dataConfig(ctx),
      outputDir: ctx.paths.output,
      downloadRoot: downloadRoot(ctx),
      env: io.env,
      signal: io.signal,
      log: (line) => {
        io.log(line);
        if (!line.startsWith("retry ")) io.emit({ type: "log", stage: "data", level: "info", message: line });
      },
      onProgress: (step, p) => void (failed[`${step}_failed`] = p.failed),
      onItems: (done, total) => io.emit({ type: "progress", stage: "data", step: done, total, metrics: { ...failed } }),
      onRetry: (e) =>
        io.emit({
          type: "retry",
          stage: "data",
          attempt: e.attempt,
          reason: e.reason,
          waitMs: e.delayMs,
          model: e.model,
          ...(e.status ? { status: e.status } : {}),
        }),
      ...heartbeatFromEnv(io.env),
    });
  },
} satisfies StageModule<"data", typeof dataStageSchema>;

async function complianceTracesProblem(data: DataStageConfig): Promise<Problem[]> {
  const s = data.sources!.compliance!;
  if (typeof s !== "string") return [];
  const { readComplianceDialogues } = await import("../../data/sources/index.js");
  try {
    for await (const d of readComplianceDialogues(s)) {
      if (d.traces?.length)
        return [
          {
            path: "stages.data.endpoints.merge",
            message: `dialogue ${d.id} has multi-agent traces to merge; set endpoints.merge (or endpoints.convert, which merge falls back to)`,
          },
        ];
    }
  } catch {
    // Bad records are reported by the source check.
  }
  return [];
}
