import { describe, expect, it } from "vitest";
import { TrainerConsole, consoleLossCurve, parseLogDict, parseTqdm } from "../../../src/tools/hf-trainer/console.js";

// Lines as transformers' ProgressCallback prints them (tqdm bar redraws, then `training_bar.write(str(logs))`).
const bar = (n: number, total: number) => ` ${Math.floor((100 * n) / total)}%|██        | ${n}/${total} [00:${String(n).padStart(2, "0")}<00:30,  1.00it/s]`;

describe("parseLogDict", () => {
  it("reads bare and quoted numbers", () => {
    expect(parseLogDict("{'loss': 1.234, 'grad_norm': 0.5, 'learning_rate': 1e-05, 'epoch': 0.05}")).toEqual({
      loss: 1.234,
      grad_norm: 0.5,
      learning_rate: 1e-5,
      epoch: 0.05,
    });
    expect(parseLogDict("{'loss': '0.6931', 'learning_rate': '2e-05', 'epoch': '1'}")).toEqual({ loss: 0.6931, learning_rate: 2e-5, epoch: 1 });
  });
  it("ignores other lines", () => {
    expect(parseLogDict("loss is {'loss': 1}")).toBeUndefined();
    expect(parseLogDict("{}")).toBeUndefined();
    expect(parseLogDict("Map: 100%|██████████| 20/20 [00:00<00:00]")).toBeUndefined();
  });
});

describe("parseTqdm", () => {
  it("takes the newest redraw of a carriage-return line", () => {
    expect(parseTqdm(`${bar(1, 40)}\r${bar(2, 40)}\r${bar(3, 40)}`)).toEqual({ step: 3, total: 40, elapsedSeconds: 3, remainingSeconds: 30 });
  });
  it("reads hours and an unknown remainder", () => {
    expect(parseTqdm("  0%|          | 0/400 [1:02:03<?, ?it/s]")).toEqual({ step: 0, total: 400, elapsedSeconds: 3723, remainingSeconds: undefined });
  });
});

describe("TrainerConsole", () => {
  it("puts a logged loss at the step the bar showed last, and marks a resumed run's replay", () => {
    const c = new TrainerConsole();
    expect(c.feed("{'loss': 9.0, 'epoch': 0.0}")).toEqual([]); // no bar yet: no step to put it at
    expect(c.feed(bar(1, 4)).map((e) => [e.step, e.loss])).toEqual([[1, undefined]]);
    expect(c.feed("{'loss': 2.5, 'learning_rate': 1e-05, 'epoch': 0.25}")).toMatchObject([
      { step: 1, total: 4, loss: 2.5, lr: 1e-5, epoch: 0.25, replay: false },
    ]);
    c.feed(bar(2, 4));
    c.feed("{'loss': 2.0, 'epoch': 0.5}");
    c.feed(bar(2, 4)); // resumed from checkpoint-1 … logs step 2 again
    expect(c.feed("{'loss': 1.9, 'epoch': 0.5}")).toMatchObject([{ step: 2, loss: 1.9, replay: true }]);
  });

  it("builds a loss curve in which a replayed step replaces the earlier one; the summary dict is no point", () => {
    const curve = consoleLossCurve([
      bar(1, 3),
      "{'loss': 3.0, 'epoch': 0.3}",
      bar(2, 3),
      "{'loss': 2.0, 'epoch': 0.6}",
      bar(1, 3),
      "{'loss': 2.9, 'epoch': 0.3}",
      bar(2, 3),
      "{'loss': 1.8, 'epoch': 0.6}",
      `${bar(3, 3)}{'loss': 1.5, 'epoch': 1.0}`,
      "{'train_runtime': 3.1, 'train_loss': 2.1, 'epoch': 1.0}",
    ]);
    expect(curve.steps).toEqual([1, 2]);
    expect(curve.losses).toEqual([2.9, 1.8]);
  });
});
