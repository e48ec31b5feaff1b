import { describe, expect, it } from "vitest";
import { backoffDelayMs, retryAfterMs } from "../../src/llm/backoff.js";

describe("retryAfterMs", () => {
  const cap = 60_000;
  it("reads delta seconds, fractional seconds and retry-after-ms", () => {
    expect(retryAfterMs({ "retry-after": "3" }, cap)).toBe(3000);
    expect(retryAfterMs({ "retry-after": "0.5" }, cap)).toBe(500);
    expect(retryAfterMs({ "retry-after-ms": "250", "retry-after": "9" }, cap)).toBe(250);
  });
  it("reads an HTTP date relative to now", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(retryAfterMs({ "retry-after": "Thu, 01 Jan 2026 00:00:07 GMT" }, cap, now)).toBe(7000);
    expect(retryAfterMs({ "retry-after": "Wed, 31 Dec 2025 23:00:00 GMT" }, cap, now)).toBe(0);
  });
  it("caps what the server asks for", () => {
    expect(retryAfterMs({ "retry-after": "3600" }, cap)).toBe(cap);
  });
  it("ignores absent or unreadable values", () => {
    expect(retryAfterMs({}, cap)).toBeUndefined();
    expect(retryAfterMs({ "retry-after": "soon" }, cap)).toBeUndefined();
    expect(retryAfterMs({ "retry-after": "-5" }, cap)).toBeUndefined();
  });
});

describe("backoffDelayMs", () => {
  const policy = { baseMs: 100, maxMs: 1000, jitter: 0.5 };
  it("doubles per retry up to the cap when jitter draws 0", () => {
    expect([1, 2, 3, 4, 5, 9].map((r) => backoffDelayMs(r, policy, () => 0))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
  it("jitter only shortens, by at most the jitter fraction", () => {
    for (const r of [0, 0.3, 0.999]) {
      const d = backoffDelayMs(3, policy, () => r);
      expect(d).toBeLessThanOrEqual(400);
      expect(d).toBeGreaterThanOrEqual(200);
    }
  });
});
