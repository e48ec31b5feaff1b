// What became of every item: one line per source record in items.jsonl, in input order.
export type ItemStatus = "sft" | "rl" | "rejected" | "unfinished";

export interface ItemVerdict {
  status: ItemStatus;
  /** Why it was rejected / sent to RL / not finished (e.g. too-long, ambiguous, wrong-answer, server-error). */
  reason?: string;
  /** Detail of an unfinished item (the request's error message; no secrets: the client redacts them). */
  message?: string;
  /** Distillation attempts used. */
  attempts?: number;
  /** The set the item ended in (an MCQ converted to open-ended ends in cflue_oe). */
  set?: string;
}

export interface LedgerLine extends ItemVerdict {
  id: string;
  source: string;
}
