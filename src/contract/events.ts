// Typed events that flow back up from a running stage to the CLI display, state and report.

export type PipelineEvent =
  | { type: "stage-start"; stage: string; action: "run" | "resume" | "reattach"; reason: string; attempt: number }
  | { type: "stage-skip"; stage: string; reason: string }
  | { type: "stage-end"; stage: string; status: "completed" | "failed" | "interrupted" | "cancelled"; seconds: number }
  | {
      type: "progress";
      stage: string;
      step: number;
      total: number;
      etaSeconds?: number;
      /** Seconds the last step took, as the tool measured it (verl's timing_s/step); the displayed rate prefers it. */
      stepSeconds?: number;
      metrics: Record<string, number>;
    }
  | { type: "checkpoint"; stage: string; step: number; path: string }
  | { type: "log"; stage: string; level: "info" | "warn"; message: string }
  /** A transient failure that will be tried again after `waitMs` (an LLM request answered 429/5xx, a dropped connection). */
  | { type: "retry"; stage: string; attempt: number; reason: string; waitMs: number; status?: number; model?: string };

export type EventSink = (event: PipelineEvent) => void;
