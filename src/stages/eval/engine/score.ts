// One model output → the parsed answer, whether it is right and why, with the scorers of src/scoring.
import { checkFormat, scoreCcc, scoreCflue, scoreFinqa, type CflueMode, type FinqaMatchOptions } from "../../../scoring/index.js";
import type { EvalScoringConfig } from "../config.js";
import type { FileBenchmark } from "./defaults.js";

export interface ScoreOptions {
  cflueMode?: CflueMode;
  finqa?: Omit<FinqaMatchOptions, "question">;
}

export interface SampleScore {
  /** What the scorer read as the final answer (option letters, the answer text, the verdict label), or null. */
  answer: string | null;
  correct: boolean;
  /** The scorer's reason code (ok, wrong, no-box, unparseable, ambiguous, …). */
  reason: string;
  /** The grader's reason in words: what was read, from where, and against which gold. */
  why: string;
  /** Has the trained <think>/<answer>/\boxed{} layout. */
  formatOk: boolean;
  /** Why the layout passed or failed. */
  formatWhy: string;
}

/** The scorer options a `stages.eval.scoring` block asks for (the judge is not a scorer option). */
export function scoreOptions(scoring: EvalScoringConfig): ScoreOptions {
  return {
    cflueMode: scoring.cflue_mode,
    finqa: {
      relTol: scoring.finqa?.rel_tol,
      absTol: scoring.finqa?.abs_tol,
      percentEither: scoring.finqa?.percent_either,
      scaleEither: scoring.finqa?.scale_either,
    },
  };
}

/**
 * `reasoning`: the think part when the server returned it separately (reasoning_content); only format uses it.
 * `question`: the item's question when known; FinQA reads "what was the decrease …" from it.
 */
export function scoreSample(
  benchmark: FileBenchmark,
  content: string | null,
  gold: string | number,
  options: ScoreOptions = {},
  reasoning?: string | null,
  question?: string,
): SampleScore {
  const format = checkFormat(content, reasoning);
  const formatPart = { formatOk: format.ok, formatWhy: format.why };
  switch (benchmark) {
    case "cflue": {
      const s = scoreCflue(content, String(gold), { mode: options.cflueMode });
      return { answer: s.predicted, correct: s.correct, reason: s.reason, why: s.why, ...formatPart };
    }
    case "finqa": {
      const s = scoreFinqa(content, gold, { ...options.finqa, ...(question ? { question } : {}) });
      return { answer: s.answerText, correct: s.correct, reason: s.reason, why: s.why, ...formatPart };
    }
    case "ccc": {
      const s = scoreCcc(content, String(gold));
      return { answer: s.predictedLabel, correct: s.correct, reason: s.reason, why: s.why, ...formatPart };
    }
  }
}
