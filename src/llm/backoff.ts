// When to try again: exponential backoff with jitter, or the server's Retry-After (capped).

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  /** 0..1: the delay is reduced by up to this fraction at random, so workers that failed together spread out. */
  jitter: number;
}

/** Delay before retry number `retry` (1 = first retry). `random` returns [0, 1). */
export function backoffDelayMs(retry: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, retry - 1));
  return Math.round(exp * (1 - policy.jitter * random()));
}

/**
 * Milliseconds a server asked us to wait, from `retry-after-ms` or `Retry-After` (delta seconds or an HTTP date),
 * capped at `capMs`. Undefined when absent or unreadable.
 */
export function retryAfterMs(headers: Record<string, string | string[] | undefined>, capMs: number, now: number = Date.now()): number | undefined {
  const ms = parseNumber(first(headers["retry-after-ms"]));
  if (ms !== undefined) return clamp(ms, capMs);
  const value = first(headers["retry-after"])?.trim();
  if (!value) return undefined;
  const seconds = parseNumber(value);
  if (seconds !== undefined) return clamp(seconds * 1000, capMs);
  // HTTP-date form, e.g. "Wed, 21 Oct 2015 07:28:00 GMT"; anything else (like "-5") is ignored.
  const date = /^[A-Za-z]{3}, /.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(date)) return undefined;
  return clamp(date - now, capMs);
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function parseNumber(v: string | undefined): number | undefined {
  if (v === undefined || !/^\s*\d+(\.\d+)?\s*$/.test(v)) return undefined;
  return Number(v);
}

function clamp(ms: number, capMs: number): number {
  return Math.round(Math.min(Math.max(0, ms), capMs));
}
