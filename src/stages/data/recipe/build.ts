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
import { ambiguityFilter, ruleFilter } from "./filter.js";
import { convertStep } from "./convert.js";
import { distillStep } from "./distill.js";
import { RECIPE_DEFAULTS, RECIPE_LAYOUT } from "./defaults.js";
import type { RecipeItem, SftSet } from "./items.js";
import type { ItemStatus, ItemVerdict, LedgerLine } from "./ledger.js";
import { RecipeLlm, type RecipeStep } from "./llm-step.js";
import { writeOutputs, type BuiltData, type SftOut } from "./outputs.js";
import { loadPrompts, type Prompts } from "./prompts.js";
import { readRelease, releasedDir } from "./released.js";
import { clientModels, RequestBuilder } from "./requests.js";
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
  /** Per step: requests done / total (journal answers included). */
  onProgress?: (step: RecipeStep, progress: RunProgress) => void;
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
  const client = new LlmClient({
    models: clientModels(config),
    concurrency: config.concurrency,
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
    signal: options.signal,
    onProgress: options.onProgress,
    board,
  });
  const stopHeartbeat = startHeartbeat(board, options.heartbeatMs ?? LLM_DEFAULTS.heartbeatMs, log);
  try {
    const built = await runRecipe(config, items, prompts, llm, log, options.signal);
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
  prompts: Prompts,
  llm: RecipeLlm,
  log: (line: string) => void,
  signal?: AbortSignal,
): Promise<BuiltData> {
  const requests = new RequestBuilder(config);
  const verdicts = new Map<string, ItemVerdict>();
  const absorb = (m: Map<string, ItemVerdict>) => m.forEach((v, k) => verdicts.set(k, v));
  const stopIfAborted = () => {
    if (signal?.aborted) throw new InterruptedError("data");
  };

  const rules = ruleFilter(items, config.filter);
  absorb(rules.verdicts);
  log(`filter: ${rules.kept.length} kept, ${rules.verdicts.size} dropped by length / missing answer`);
  let current = rules.kept;
  if (config.filter.ambiguity_check) {
    const checked = await ambiguityFilter(current, llm, requests, prompts);
    absorb(checked.verdicts);
    current = checked.kept;
    log(`ambiguity check: ${current.length} kept, ${checked.verdicts.size} dropped or unfinished`);
    stopIfAborted();
  }
  if (config.convert_fraction > 0 && current.some((i) => i.set === "cflue_mcq")) {
    const converted = await convertStep(current, { seed: config.seed, fraction: config.convert_fraction, llm, requests, prompts });
    absorb(converted.verdicts);
    current = converted.items;
    log(`conversion: ${converted.converted} MCQs rewritten as open-ended, ${converted.declined} kept as MCQs`);
    stopIfAborted();
  }
  const distilled = await distillStep(current, {
    maxAttempts: config.max_attempts,
    llm,
    requests,
    prompts,
    onAttempt: (attempt, c) =>
      log(
        `distillation attempt ${attempt}: ${c.passed} passed verification, ${c.retry} failed it${attempt < config.max_attempts ? " (retried)" : " (MCQs go to the RL pool, others are rejected)"}, ${c.unanswered} unanswered (request failed)`,
      ),
  });
  absorb(distilled.verdicts);
  stopIfAborted();

  const finalSet = new Map(current.map((i) => [i.id, i.set]));
  const sets = producedSets(config);
  const sft: Partial<Record<SftSet, SftOut[]>> = Object.fromEntries(sets.map((s) => [s, []]));
  for (const item of current) {
    const target = distilled.targets.get(item.id);
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
