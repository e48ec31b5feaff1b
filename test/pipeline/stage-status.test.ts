// The stage state machine: the store refuses any change the table does not allow.
import { describe, expect, it } from "vitest";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { canMove } from "../../src/pipeline/stage-status.js";
import { StateStore, type StageState } from "../../src/pipeline/state.js";
import { tempDir } from "../helpers/tmp.js";

const state = (status: StageState["status"]): StageState => ({ status, key: "k", keyInputs: {}, attempts: 1 });

describe("stage state machine", () => {
  it("a stage starts by launching (jobs) or running (in-process), or is completed at once by reuse from the store; never otherwise settled", () => {
    expect(canMove(undefined, "launching")).toBe(true);
    expect(canMove(undefined, "running")).toBe(true);
    expect(canMove(undefined, "completed")).toBe(true);
    for (const settled of ["failed", "serving", "stopped", "cancelled", "interrupted"] as const) expect(canMove(undefined, settled)).toBe(false);
  });

  it("only a running job becomes a server, and only a server is stopped", () => {
    expect(canMove("running", "serving")).toBe(true);
    expect(canMove("launching", "serving")).toBe(false);
    expect(canMove("completed", "serving")).toBe(false);
    expect(canMove("serving", "stopped")).toBe(true);
    expect(canMove("completed", "stopped")).toBe(false);
    expect(canMove("failed", "stopped")).toBe(false);
  });

  it("every settled status can start a new attempt", () => {
    for (const settled of ["completed", "failed", "interrupted", "cancelled", "stopped"] as const) {
      expect(canMove(settled, "launching")).toBe(true);
      expect(canMove(settled, "running")).toBe(true);
    }
  });

  it("the store refuses a change the table does not allow and leaves state.json as it was", async () => {
    const dir = await tempDir("dj-state-");
    const store = await StateStore.open(dir, "x");
    await store.updateStage("sft", () => state("launching"));
    await store.updateStage("sft", () => state("running"));
    await store.updateStage("sft", () => state("completed"));
    await expect(store.updateStage("sft", () => state("stopped"))).rejects.toThrow(/completed → stopped is not allowed/);
    const onDisk = JSON.parse(await readFile(join(dir, "state.json"), "utf8"));
    expect(onDisk.stages.sft.status).toBe("completed");
  });
});
