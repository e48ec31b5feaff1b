// `timeouts:` of the stages that call models (data, eval), and of each endpoint (partial overrides): bounds on one
// HTTP attempt, in seconds. Defaults come from the LLM client's (src/llm/defaults.ts).
import { z } from "zod";
import { LLM_DEFAULTS } from "./defaults.js";
import { LIMITS } from "../util/limits.js";

const D = LLM_DEFAULTS.timeouts;
const seconds = z.number().positive().max(LIMITS.seconds);

const fields = {
  /** TCP (+TLS) connection set-up. */
  connect_s: seconds,
  /** No byte of a streamed answer for this long: the attempt is aborted and retried like a 5xx. */
  idle_s: seconds,
  /** One attempt, streaming or not. */
  total_s: seconds,
};

export const STAGE_TIMEOUT_DEFAULTS = { connect_s: D.connectMs / 1000, idle_s: D.idleMs / 1000, total_s: D.totalMs / 1000 } as const;

/** Stage level: every key has its default. */
export const stageTimeoutsSchema = z
  .object({
    connect_s: fields.connect_s.default(STAGE_TIMEOUT_DEFAULTS.connect_s),
    idle_s: fields.idle_s.default(STAGE_TIMEOUT_DEFAULTS.idle_s),
    total_s: fields.total_s.default(STAGE_TIMEOUT_DEFAULTS.total_s),
  })
  .strict()
  .default({ ...STAGE_TIMEOUT_DEFAULTS });

/** Endpoint level: only what differs from the stage's. */
export const endpointTimeoutsSchema = z
  .object({ connect_s: fields.connect_s.optional(), idle_s: fields.idle_s.optional(), total_s: fields.total_s.optional() })
  .strict();

/** `stream: false` for servers that cannot stream (only total_s then bounds a long generation). */
export const streamSchema = z.boolean().optional();

export type TimeoutsConfig = z.infer<typeof endpointTimeoutsSchema>;
