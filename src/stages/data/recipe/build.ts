// The data build, end to end. Recipe mode: read sources → rule filter → ambiguity check → MCQ→open-ended conversion
// → distillation with verification (up to max_attempts) → SFT files, RL pool, statistics, ledger. Released mode:
// the release's SFT files, rewritten with the same names and statistics, without any model call.
// Every request goes through a per-step journal under <output>/journals/, so an interrupted build resumes without
// re-sending finished requests, and the outputs of a resumed build are byte-identical to an uninterrupted one.
import { join } from "node:path";
import type { DataStageConfig } from "../config.js";
import { InterruptedError, StageError } from "../../../errors.js";
import {
  LLM_DEFAULTS,
  LlmClient,
  startHeartbeat,
  WaitBoard,
  type LlmClientOptions,
  type ModelUsage,
  type RetryEvent,
  type RunProgress,
} from "../../../llm/index.js";
import { ruleFilter } from "./filter.js";
import { runItem, stepSummaries } from "./flow.js";
import { RECIPE_DEFAULTS, RECIPE_LAYOUT } from "./defaults.js";
import type { RecipeItem, SftSet } from "./items.js";
import type { ItemStatus, ItemVerdict, LedgerLine } from "./ledger.js";
import { RecipeLlm, type RecipeStep } from "./llm-step.js";
import { writeOutputs, type BuiltData, type SftOut } from "./outputs.js";
import { loadPrompts } from "./prompts.js";
import { readRelease, releasedDir } from "./released.js";
import { clientModels, RequestBuilder } from "./requests.js";
import type { ItemContext } from "./item-context.js";
import { fetchSources, readItems } from "./sources.js";
import { producedSets } from "./layout.js";

export interface BuildDataOptions {
  config: DataStageConfig;
  /** The stage's output folder (SFT files, RL Parquet, statistics, ledger, journals). */
  outputDir: string;
  /** Where hub datasets are downloaded. */
  downloadRoot: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** Per step: requests done / total so far (journal answers included); totals grow as items reach the step. */
  onProgress?: (step: RecipeStep, progress: RunProgress) => void;
  /** Items settled (every step done, or stopped) / items past the rule filter. */
  onItems?: (done: number, total: number) => void;
  /** Each transient LLM failure that will be retried (for the run log and the display's retry count). */
  onRetry?: (event: RetryEvent) => void;
  /** How often to say what the build waits for while requests are outstanding (default 10 s). */
  heartbeatMs?: number;
  /** Overrides of the LLM client's transport settings (tests shorten the backoff). */
  client?: Partial<Pick<LlmClientOptions, "backoff" | "retryAfterCapMs" | "maxAttempts" | "timeouts" | "random">>;
}

export interface BuildDataResult {
  mode: "recipe" | "released";
  outputs: Record<string, string>;
  counts: Record<ItemStatus, number>;
  /** Requests sent this run per step (answers taken from journals are not counted). */
  sent: Record<RecipeStep, number>;
  usage: Record<string, ModelUsage>;
}

const emptyCounts = (): Record<ItemStatus, number> => ({ sft: 0, rl: 0, rejected: 0, unfinished: 0 });

export async function buildData(options: BuildDataOptions): Promise<BuildDataResult> {
  const log = options.log ?? (() => undefined);
  const { config } = options;
  const fetchOptions = { env: options.env, signal: options.signal, log };
  if (config.released !== undefined) {
    const dir = await releasedDir(config, options.downloadRoot, fetchOptions);
    log(`released mode: using ${dir} as it is (no model calls)`);
    const built = await readRelease(config, dir);
    const outputs = await writeOutputs(config, options.outputDir, built);
    return {
      mode: "released",
      outputs,
      counts: { ...emptyCounts(), sft: built.ledger.length },
      sent: { check: 0, convert: 0, distill: 0, judge: 0, merge: 0 },
      usage: {},
    };
  }

  const prompts = loadPrompts(config.prompts);
  const paths = await fetchSources(config, options.downloadRoot, fetchOptions);
  const items = await readItems(paths, prompts);
  log(
    `read ${items.length} records (${Object.entries(paths)
      .map(([k, v]) => `${k}: ${v}`)
      .join(", ")})`,
  );

  const board = new WaitBoard();
  const models = clientModels(config);
  const targets = Object.fromEntries(Object.entries(models).map(([name, m]) => [name, { model: m.servedName ?? name, endpoint: m.baseUrl }]));
  const endpoints = new Set(Object.values(targets).map((t) => t.endpoint)).size;
  const client = new LlmClient({
    models,
    // The recipe bounds each endpoint to `concurrency`; the client only must not be the tighter bound.
    concurrency: config.concurrency * Math.max(1, endpoints),
    maxAttempts: RECIPE_DEFAULTS.clientMaxAttempts,
    env: options.env,
    onRetry: (e) => {
      board.retry(e.model.slice(0, e.model.indexOf(":")), e.reason); // logical names are `<role>:<model>`
      log(`retry ${e.model} after attempt ${e.attempt}: ${e.reason}${e.status ? ` (HTTP ${e.status})` : ""}, waiting ${e.delayMs} ms`);
      options.onRetry?.(e);
    },
    ...options.client,
  });
  const llm = new RecipeLlm({
    client,
    journalDir: join(options.outputDir, RECIPE_LAYOUT.journals),
    concurrency: config.concurrency,
    targets,
    signal: options.signal,
    onProgress: options.onProgress,
    board,
  });
  const stopHeartbeat = startHeartbeat(board, options.heartbeatMs ?? LLM_DEFAULTS.heartbeatMs, log);
  try {
    const built = await runRecipe(config, items, { llm, requests: new RequestBuilder(config), prompts }, log, options.onItems);
    const counts = emptyCounts();
    for (const line of built.ledger) counts[line.status]++;
    const usage = client.usage();
    log(
      `requests sent this run: ${Object.entries(llm.sent)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}`,
    );
    for (const [model, u] of Object.entries(usage))
      log(
        `usage ${model}: ${u.requests} requests, ${u.promptTokens} prompt + ${u.completionTokens} completion tokens${u.cost !== undefined ? `, cost ${u.cost.toFixed(4)}` : ""}`,
      );
    if (options.signal?.aborted) throw new InterruptedError("data");
    if (counts.unfinished > 0) throw unfinishedError(built.ledger, counts.unfinished);
    const outputs = await writeOutputs(config, options.outputDir, built);
    log(`built: ${counts.sft} SFT records, ${counts.rl} RL items, ${counts.rejected} rejected (see items.jsonl)`);
    return { mode: "recipe", outputs, counts, sent: { ...llm.sent }, usage };
  } finally {
    stopHeartbeat();
    await llm.close();
    await client.destroy();
  }
}

async function runRecipe(
  config: DataStageConfig,
  items: RecipeItem[],
  parts: Pick<ItemContext, "llm" | "requests" | "prompts">,
  log: (line: string) => void,
  onItems?: (done: number, total: number) => void,
): Promise<BuiltData> {
  const { prompts } = parts;
  const verdicts = new Map<string, ItemVerdict>();
  const rules = ruleFilter(items, config.filter);
  rules.verdicts.forEach((v, k) => verdicts.set(k, v));
  log(`filter: ${rules.kept.length} kept, ${rules.verdicts.size} dropped by length / missing answer`);
  const ctx: ItemContext = {
    ...parts,
    seed: config.seed,
    convertFraction: config.convert_fraction,
    maxAttempts: config.max_attempts,
    ambiguityCheck: config.filter.ambiguity_check,
  };
  let settled = 0;
  const outcomes = await Promise.all(
    rules.kept.map(async (item, order) => {
      const outcome = await runItem(item, order, ctx);
      onItems?.(++settled, rules.kept.length);
      return outcome;
    }),
  );
  for (const line of stepSummaries(outcomes, config.max_attempts)) log(line);
  const targets = new Map<string, string>();
  for (const o of outcomes) {
    verdicts.set(o.item.id, o.verdict);
    if (o.target !== undefined) targets.set(o.item.id, o.target);
  }
  // Items that ended before distillation (dropped by the check, unfinished) are not in any set.
  const current = outcomes.filter((o) => o.check !== "dropped" && o.check !== "unfinished" && o.convert !== "unfinished").map((o) => o.item);
  const finalSet = new Map(current.map((i) => [i.id, i.set]));
  const sets = producedSets(config);
  const sft: Partial<Record<SftSet, SftOut[]>> = Object.fromEntries(sets.map((s) => [s, []]));
  for (const item of current) {
    const target = targets.get(item.id);
    if (target !== undefined) sft[item.set]!.push({ instruction: item.instruction, input: "", output: target });
  }
  const ledger: LedgerLine[] = items.map((item) => ({
    id: item.id,
    source: item.source,
    set: finalSet.get(item.id) ?? item.set,
    ...(verdicts.get(item.id) ?? { status: "unfinished", reason: "not-reached" }),
  }));
  const rl = current.filter((i) => verdicts.get(i.id)?.status === "rl" && i.mcq).map((i) => i.mcq!);
  return {
    sft,
    rl: config.sources?.cflue_mcq ? rl : undefined,
    rlTemplatePath: config.rl_prompt ?? prompts.question_mcq.path,
    ledger,
    meta: {
      mode: "recipe",
      seed: config.seed,
      max_attempts: config.max_attempts,
      convert_fraction: config.convert_fraction,
      rl_val_fraction: config.rl_val_fraction,
      prompts: Object.fromEntries(Object.entries(prompts).map(([k, t]) => [k, t.sha256])),
    },
  };
}

function unfinishedError(ledger: readonly LedgerLine[], count: number): StageError {
  const examples = ledger.filter((l) => l.status === "unfinished").slice(0, 5);
  return new StageError(
    "data",
    {
      id: "requests-unfinished",
      summary: `${count} item${count === 1 ? "" : "s"} could not be finished (model requests failed after retries): ${examples.map((l) => `${l.id} (${l.reason}${l.message ? `: ${l.message}` : ""})`).join("; ")}`,
      hint: "check the endpoints (base_url, api_key_env, served model name) and run the same command again: finished requests are kept in the journals and not sent again",
    },
    {},
  );
}
