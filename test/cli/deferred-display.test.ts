// The live display is loaded only when a stage does something: skips alone are printed plainly; once anything else
// happens the live display is loaded once and gets every later event, in order, including those sent while loading.
import { describe, expect, it } from "vitest";
import type { PipelineEvent } from "../../src/contract/events.js";
import { deferLiveDisplay } from "../../src/cli/deferred-display.js";

const skip = (stage: string): PipelineEvent => ({ type: "stage-skip", stage, reason: "up to date" });
const start = (stage: string): PipelineEvent => ({ type: "stage-start", stage, action: "run", attempt: 1, reason: "never run" }) as PipelineEvent;
const log = (stage: string, message: string): PipelineEvent => ({ type: "log", stage, level: "info", message }) as PipelineEvent;

function fakeLive() {
  const got: PipelineEvent[] = [];
  let loads = 0;
  let closed = false;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const load = async () => {
    loads++;
    await gate;
    return { sink: (e: PipelineEvent) => void got.push(e), close: async () => void (closed = true) };
  };
  return { got, load, release, loads: () => loads, closed: () => closed };
}

/** A deferred display over the fake live one, with the plain lines it printed. */
function setup() {
  const live = fakeLive();
  const plain: PipelineEvent[] = [];
  return { live, plain, display: deferLiveDisplay(live.load, (e) => void plain.push(e)) };
}

describe("deferLiveDisplay", () => {
  it("a run of skips never loads the live display", async () => {
    const { live, plain, display } = setup();
    display.sink(skip("sft"));
    display.sink(skip("grpo"));
    await display.close();
    expect(plain.map((e) => e.stage)).toEqual(["sft", "grpo"]);
    expect(live.loads()).toBe(0);
  });

  it("the first other event loads it once; events sent while it loads arrive in order, then everything goes to it", async () => {
    const { live, plain, display } = setup();
    display.sink(skip("sft"));
    display.sink(start("grpo"));
    display.sink(log("grpo", "a"));
    display.sink(skip("merge")); // while loading: queued, not printed plainly out of order
    expect(live.got).toEqual([]);
    live.release();
    const closing = display.close();
    await closing;
    display.sink(log("grpo", "b"));
    expect(live.loads()).toBe(1);
    expect(plain.map((e) => e.stage)).toEqual(["sft"]);
    expect(live.got.map((e) => `${e.type}:${e.stage}`)).toEqual(["stage-start:grpo", "log:grpo", "stage-skip:merge", "log:grpo"]);
    expect(live.closed()).toBe(true);
  });
});
