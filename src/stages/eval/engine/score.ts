// One model output → the parsed answer and whether it is right, with the scorers of src/scoring.
import { checkFormat, scoreCcc, scoreCflue, scoreFinqa, type CflueMode, type FinqaMatchOptions } from "../../../scoring/index.js";
import type { FileBenchmark } from "./defaults.js";

export interface ScoreOptions {
  cflueMode?: CflueMode;
  finqa?: FinqaMatchOptions;
}

export interface SampleScore {
  /** What the scorer read as the final answer (option letters, the answer text, the verdict label), or null. */
  answer: string | null;
  correct: boolean;
  /** The scorer's reason code (ok, wrong, no-box, unparseable, …). */
  reason: string;
  /** Has the trained <think>/<answer>/\boxed{} layout. */
  formatOk: boolean;
}

/** `reasoning`: the think part when the server returned it separately (reasoning_content); only format uses it. */
export function scoreSample(
  benchmark: FileBenchmark,
  content: string | null,
  gold: string | number,
  options: ScoreOptions = {},
  reasoning?: string | null,
): SampleScore {
  const formatOk = checkFormat(content, reasoning).ok;
  switch (benchmark) {
    case "cflue": {
      const s = scoreCflue(content, String(gold), { mode: options.cflueMode });
      return { answer: s.predicted, correct: s.correct, reason: s.reason, formatOk };
    }
    case "finqa": {
      const s = scoreFinqa(content, gold, options.finqa);
      return { answer: s.answerText, correct: s.correct, reason: s.reason, formatOk };
    }
    case "ccc": {
      const s = scoreCcc(content, String(gold));
      return { answer: s.predictedLabel, correct: s.correct, reason: s.reason, formatOk };
    }
  }
}
