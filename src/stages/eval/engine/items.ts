// One evaluation item: the chat messages to send and the gold answer to score against.
import type { ChatMessage } from "../../../llm/index.js";
import type { FileBenchmark } from "./defaults.js";

export interface EvalItem {
  benchmark: FileBenchmark;
  /** Stable id: the record's id when it has one, else its position ("#12"). */
  id: string;
  messages: ChatMessage[];
  /** CFLUE: option letters ("ABD"); FinQA: exe_ans number or a display string ("14%", "yes"); CCC: verdict label. */
  gold: string | number;
  /** The question alone (FinQA judge prompt). */
  question?: string;
}
