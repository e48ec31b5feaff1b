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

  it("a watched request names its endpoint and model; 'longest attempt' restarts with each attempt, 'silent' with each byte, and the idle timeout's countdown follows", () => {
    let now = 0;
    const board = new WaitBoard(() => now);
    board.progress("distill", 5, 9);
    const target = { model: "deepseek-r1", endpoint: "http://gpu1:8000/v1" };
    const w = board.begin("distill", target);
    w.attempt(1, 120_000);
    now += 120_000; // the first attempt hangs until its idle timeout
    w.backoff(2_000);
    board.retry("distill", "timeout");
    expect(board.lines()).toEqual(["distill: 5/9 done, 1 in flight to deepseek-r1 at http://gpu1:8000/v1 (1 waiting to retry), 1 retry (1×timeout)"]);
    now += 2_000;
    w.attempt(2, 120_000);
    now += 30_000;
    w.byte();
    now += 45_000;
    // 197 s since the request began, but its current attempt is 75 s old and silent for 45 s: 75 s left before the cut.
    expect(board.lines()).toEqual([
      "distill: 5/9 done, 1 in flight to deepseek-r1 at http://gpu1:8000/v1 (longest attempt 75 s; silent 45 s, idle timeout 120 s fires in 75 s), 1 retry (1×timeout)",
    ]);
    const plain = board.begin("distill", target);
    plain.attempt(1, undefined);
    now += 10_000;
    expect(board.lines()[0]).toMatch(/2 in flight .*\(longest attempt 85 s; silent 55 s, idle timeout 120 s fires in 65 s\)/);
    w();
    expect(board.lines()[0]).toMatch(/1 in flight .*\(longest attempt 10 s; silent 10 s, no idle timeout \(not streamed\)\)/);
    plain();
    expect(board.lines()).toEqual([]);
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
