// What a stage is waiting for, said every few seconds while requests are outstanding — on a terminal and in plain
// output alike — one line per step and endpoint:
//   distill: 77/80 done, 3 in flight to deepseek-r1 at http://gpu1:8000/v1/chat/completions (longest attempt 95 s;
//   silent 40 s, idle timeout 120 s fires in 80 s; 1 waiting to retry), 12 retries (5×429, 4×timeout, 3×5xx)
// "longest attempt" counts from the current attempt's start (a retried request starts over), and "silent" from the
// last byte received, so both stay below the timeouts that bound them. Requests whose client reports no attempts
// (no watch calls) say how long they have been outstanding: "(longest 95 s)".
// The counts come from the journaled runner (done/total, journal answers included) and the client (retries).
import type { LlmFailureReason } from "./errors.js";

/** Where a request goes, for the heartbeat: the served model and the URL (never credentials). */
export interface WaitTarget {
  model: string;
  endpoint: string;
}

/** What the client reports about one outstanding request (ChatOptions.watch). */
export interface RequestWatch {
  /** Attempt `n` starts; `idleMs` is its idle timeout, undefined when none applies (not streamed). */
  attempt(n: number, idleMs: number | undefined): void;
  /** Bytes arrived (headers or body). */
  byte(): void;
  /** The attempt failed; the next starts after `delayMs`. */
  backoff(delayMs: number): void;
}

/** Ends the wait when called; the client reports through its RequestWatch methods. */
export type Waiting = (() => void) & RequestWatch;

interface Token {
  since: number;
  target: WaitTarget | undefined;
  attempt?: { start: number; lastByte: number; idleMs: number | undefined };
  retryAt?: number;
}

interface StepState {
  done: number;
  total: number;
  inFlight: Set<Token>;
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
  begin(step: string, target?: WaitTarget): Waiting {
    const token: Token = { since: this.now(), target };
    const set = this.step(step).inFlight;
    set.add(token);
    const end = () => void set.delete(token);
    return Object.assign(end, {
      attempt: (_n: number, idleMs: number | undefined) => {
        const now = this.now();
        token.attempt = { start: now, lastByte: now, idleMs };
        token.retryAt = undefined;
      },
      byte: () => {
        if (token.attempt) token.attempt.lastByte = this.now();
      },
      backoff: (delayMs: number) => {
        token.retryAt = this.now() + delayMs;
      },
    });
  }

  retry(step: string, reason: LlmFailureReason): void {
    const label = RETRY_LABEL[reason] ?? reason;
    const retries = this.step(step).retries;
    retries.set(label, (retries.get(label) ?? 0) + 1);
  }

  /** One line per step (and endpoint) with requests in flight; none when nothing is outstanding. */
  lines(): string[] {
    const out: string[] = [];
    for (const [name, s] of this.steps) {
      if (s.inFlight.size === 0) continue;
      const retried = [...s.retries].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
      const count = retried.reduce((n, [, c]) => n + c, 0);
      const retries = count ? `, ${count} retr${count === 1 ? "y" : "ies"} (${retried.map(([label, c]) => `${c}×${label}`).join(", ")})` : "";
      const groups = new Map<string, Token[]>();
      for (const t of s.inFlight) {
        const label = t.target ? ` to ${t.target.model} at ${t.target.endpoint}` : "";
        groups.set(label, [...(groups.get(label) ?? []), t]);
      }
      for (const [label, tokens] of groups)
        out.push(`${name}: ${s.done}/${s.total} done, ${tokens.length} in flight${label} (${this.waitDetail(tokens)})${retries}`);
    }
    return out;
  }

  private waitDetail(tokens: Token[]): string {
    const now = this.now();
    const secs = (ms: number) => Math.max(0, Math.round(ms / 1000));
    const watched = tokens.filter((t) => t.attempt);
    if (watched.length === 0) return `longest ${secs(now - Math.min(...tokens.map((t) => t.since)))} s`;
    const waiting = watched.filter((t) => t.retryAt !== undefined).length;
    const sending = watched.filter((t) => t.retryAt === undefined).map((t) => t.attempt!);
    const parts: string[] = [];
    if (sending.length) {
      const longest = secs(now - Math.min(...sending.map((a) => a.start)));
      const quiet = sending.reduce((a, b) => (b.lastByte < a.lastByte ? b : a));
      const silent = secs(now - quiet.lastByte);
      const idle =
        quiet.idleMs === undefined
          ? "no idle timeout (not streamed)"
          : `idle timeout ${quiet.idleMs / 1000} s fires in ${secs(quiet.lastByte + quiet.idleMs - now)} s`;
      parts.push(`longest attempt ${longest} s; silent ${silent} s, ${idle}`);
    }
    if (waiting) parts.push(`${waiting} waiting to retry`);
    return parts.join("; ");
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
