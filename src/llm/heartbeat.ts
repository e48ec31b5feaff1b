// What a stage is waiting for, said every few seconds while requests are outstanding — on a terminal and in plain
// output alike — one line per step:
//   distill: 77/80 done, 3 in flight (longest 95 s), 12 retries (5×429, 4×timeout, 3×5xx)
// The counts come from the journaled runner (done/total, journal answers included) and the client (retries).
import type { LlmFailureReason } from "./errors.js";

interface StepState {
  done: number;
  total: number;
  /** Start time of each request in flight. */
  inFlight: Set<{ since: number }>;
  retries: Map<string, number>;
}

const RETRY_LABEL: Partial<Record<LlmFailureReason, string>> = {
  "rate-limited": "429",
  "server-error": "5xx",
  timeout: "timeout",
  connection: "dropped",
  "malformed-response": "malformed",
};

export class WaitBoard {
  private readonly steps = new Map<string, StepState>();

  constructor(private readonly now: () => number = Date.now) {}

  progress(step: string, done: number, total: number): void {
    const s = this.step(step);
    s.done = done;
    s.total = total;
  }

  /** A request of `step` is outstanding (retries and backoff included) until the returned function is called. */
  begin(step: string): () => void {
    const token = { since: this.now() };
    const set = this.step(step).inFlight;
    set.add(token);
    return () => set.delete(token);
  }

  retry(step: string, reason: LlmFailureReason): void {
    const label = RETRY_LABEL[reason] ?? reason;
    const retries = this.step(step).retries;
    retries.set(label, (retries.get(label) ?? 0) + 1);
  }

  /** One line per step with requests in flight; none when nothing is outstanding. */
  lines(): string[] {
    const out: string[] = [];
    for (const [name, s] of this.steps) {
      if (s.inFlight.size === 0) continue;
      const oldest = Math.min(...[...s.inFlight].map((t) => t.since));
      const longest = Math.round((this.now() - oldest) / 1000);
      const retried = [...s.retries].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
      const count = retried.reduce((n, [, c]) => n + c, 0);
      const retries = count ? `, ${count} retr${count === 1 ? "y" : "ies"} (${retried.map(([label, c]) => `${c}×${label}`).join(", ")})` : "";
      out.push(`${name}: ${s.done}/${s.total} done, ${s.inFlight.size} in flight (longest ${longest} s)${retries}`);
    }
    return out;
  }

  private step(name: string): StepState {
    let s = this.steps.get(name);
    if (!s) {
      s = { done: 0, total: 0, inFlight: new Set(), retries: new Map() };
      this.steps.set(name, s);
    }
    return s;
  }
}

/** Says `board.lines()` every `intervalMs` until the returned function is called. The timer never keeps the process alive. */
export function startHeartbeat(board: WaitBoard, intervalMs: number, say: (line: string) => void): () => void {
  const timer = setInterval(() => {
    for (const line of board.lines()) say(line);
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** DIANJIN_HEARTBEAT_MS shortens the heartbeat (the CLI tests use it). */
export function heartbeatFromEnv(env: NodeJS.ProcessEnv): { heartbeatMs?: number } {
  const ms = Number(env.DIANJIN_HEARTBEAT_MS);
  return env.DIANJIN_HEARTBEAT_MS !== undefined && Number.isFinite(ms) && ms > 0 ? { heartbeatMs: ms } : {};
}
