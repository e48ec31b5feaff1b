// What a failed Trainer run's log says, for every tool built on the HF Trainer: a table of patterns, first match
// wins, and the torch/NCCL signatures all such tools share (each tool words its own hint, naming its own keys).
import type { FailureCause } from "../../errors.js";

export interface FailurePattern<At> {
  id: string;
  test: RegExp;
  summary: (m: RegExpExecArray) => string;
  /** `at` says where in the experiment file the hint points. */
  hint: (at: At) => string;
}

/** The cause from the first pattern that matches, or undefined. */
export function classifyWith<At>(patterns: ReadonlyArray<FailurePattern<At>>, logText: string, at: At): FailureCause | undefined {
  for (const p of patterns) {
    const m = p.test.exec(logText);
    if (m) return { id: p.id, summary: p.summary(m), hint: p.hint(at) };
  }
  return undefined;
}

/** torch's out-of-memory error, old and new spelling. */
export const CUDA_OOM = /(?:torch\.(?:cuda\.)?OutOfMemoryError|CUDA out of memory)/;
/** A collective between GPUs or nodes that timed out. */
export const NCCL_TIMEOUT = /Watchdog caught collective operation timeout|NCCL.*[Tt]imeout|waitForInput.*likely a timeout/;
/** torchrun/accelerate reporting a rank killed with SIGKILL (most often the host's OOM killer). */
export const RANK_SIGKILL = /exitcode\s*:\s*-9|Signal 9 \(SIGKILL\)/;
