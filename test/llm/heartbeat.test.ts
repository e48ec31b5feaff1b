import { describe, expect, it } from "vitest";
import { heartbeatFromEnv, startHeartbeat, WaitBoard } from "../../src/llm/heartbeat.js";

describe("WaitBoard", () => {
  it("one line per step with requests outstanding: done/total, in flight, the longest wait, retries by kind", () => {
    let now = 1_000_000;
    const board = new WaitBoard(() => now);
    board.progress("check", 10, 10);
    board.progress("distill", 77, 80);
    const first = board.begin("distill");
    now += 20_000;
    board.begin("distill");
    board.begin("distill");
    for (const r of [
      "rate-limited",
      "rate-limited",
      "rate-limited",
      "rate-limited",
      "rate-limited",
      "timeout",
      "timeout",
      "timeout",
      "timeout",
      "server-error",
      "server-error",
      "server-error",
    ] as const)
      board.retry("distill", r);
    now += 75_000;
    expect(board.lines()).toEqual(["distill: 77/80 done, 3 in flight (longest 95 s), 12 retries (5×429, 4×timeout, 3×5xx)"]);
    first();
    expect(board.lines()).toEqual(["distill: 77/80 done, 2 in flight (longest 75 s), 12 retries (5×429, 4×timeout, 3×5xx)"]);
  });

  it("says nothing when nothing is outstanding", () => {
    const board = new WaitBoard();
    const end = board.begin("judge");
    board.retry("judge", "connection");
    expect(board.lines()).toEqual([expect.stringMatching(/^judge: 0\/0 done, 1 in flight \(longest \d+ s\), 1 retry \(1×dropped\)$/)]);
    end();
    expect(board.lines()).toEqual([]);
  });

  it("the heartbeat repeats at its interval until stopped; the interval comes from DIANJIN_HEARTBEAT_MS", async () => {
    const board = new WaitBoard();
    board.begin("cflue");
    const said: string[] = [];
    const stop = startHeartbeat(board, 20, (l) => said.push(l));
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (said.length >= 2) {
          clearInterval(poll);
          resolve();
        }
      }, 5);
    });
    stop();
    const count = said.length;
    await new Promise((r) => setTimeout(r, 60));
    expect(said.length).toBe(count);
    expect(said[0]).toMatch(/^cflue: 0\/0 done, 1 in flight/);
    expect(heartbeatFromEnv({ DIANJIN_HEARTBEAT_MS: "250" })).toEqual({ heartbeatMs: 250 });
    expect(heartbeatFromEnv({ DIANJIN_HEARTBEAT_MS: "x" })).toEqual({});
  });
});
