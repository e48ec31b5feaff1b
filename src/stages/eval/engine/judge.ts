// FinQA by LLM judge (the paper's method): each sample's final answer is shown to a judge model with the question and
// the reference; its last \boxed{0|1} decides. Judge calls are journaled like the model's own answers.
import { StageError } from "../../../errors.js";
import { Journal, LlmError, requestKey, runJournaled, type SamplingParams } from "../../../llm/index.js";
import { parseJudgeVerdict } from "../../../scoring/index.js";
import { EVAL_DEFAULTS } from "./defaults.js";
import { endpointFailure } from "./failures.js";
import type { EvalItem } from "./items.js";
import { finqaJudgePrompt } from "./prompts.js";
import type { ItemResult } from "./results.js";
import { createEndpointClient, type EvalEndpoint } from "./endpoint-client.js";

export interface JudgeOptions {
  endpoint: EvalEndpoint;
  maxTokens?: number;
  concurrency: number;
  journalFile: string;
  maxAttempts?: number;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
}

interface JudgeTask {
  item: number;
  sample: number;
  messages: { role: "user"; content: string }[];
}

export async function judgeFinqa(items: readonly EvalItem[], results: ItemResult[], options: JudgeOptions): Promise<ItemResult[]> {
  const params: SamplingParams = {
    temperature: EVAL_DEFAULTS.judge.temperature,
    max_tokens: options.maxTokens ?? EVAL_DEFAULTS.judge.max_tokens,
    seed: EVAL_DEFAULTS.sampling.seed,
  };
  const tasks: JudgeTask[] = [];
  results.forEach((r, i) =>
    r.samples.forEach((s, j) => {
      // A sample with no readable answer is wrong without asking anyone.
      if (s.answer === null) return;
      const question = items[i]!.question ?? items[i]!.messages.at(-1)!.content;
      tasks.push({ item: i, sample: j, messages: [{ role: "user", content: finqaJudgePrompt(question, r.gold, s.answer) }] });
    }),
  );
  const journal = await Journal.open<string | null>(options.journalFile);
  const { client, pool } = createEndpointClient(options.endpoint, options);
  const keyOf = (t: JudgeTask) => requestKey({ model: `judge:${options.endpoint.model}`, messages: t.messages, params });
  let outcomes;
  try {
    outcomes = await runJournaled(
      tasks,
      (t, ctx) => pool.use(async (replica) => (await client.chat({ model: replica, messages: t.messages, params }, { signal: ctx.signal })).content),
      {
        journal,
        keyOf,
        concurrency: options.concurrency,
        signal: options.signal,
      },
    );
  } finally {
    await journal.close();
    await client.destroy();
  }
  const out = results.map((r) => ({
    ...r,
    samples: r.samples.map((s) => ({ ...s, judge: { verdict: null, form: null, output: null, numericCorrect: s.correct }, correct: false })),
  })) as ItemResult[];
  for (const [k, o] of outcomes.entries()) {
    const t = tasks[k]!;
    if (o.status === "failed") {
      const done = outcomes.filter((x) => x.status === "succeeded").length;
      const cause = endpointFailure(new LlmError(o.reason as never, o.message), options.endpoint.baseUrls.join(", "), {
        benchmark: "finqa judge",
        done,
        total: tasks.length,
      });
      throw new StageError("eval", cause, {});
    }
    const verdict = parseJudgeVerdict(o.value);
    const sample = out[t.item]!.samples[t.sample]!;
    sample.judge = { verdict: verdict.verdict, form: verdict.form, output: o.value, numericCorrect: sample.judge!.numericCorrect };
    sample.correct = verdict.verdict === 1;
  }
  for (const r of out) r.score = r.samples.length ? r.samples.filter((s) => s.correct).length / r.samples.length : 0;
  return out;
}
