// Which planned stages are rendered again at launch, and why.
import { describe, expect, it } from "vitest";
import type { Experiment } from "../../src/config/schema.js";
import type { StageModule } from "../../src/contract/stage.js";
import type { ToolBinding } from "../../src/contract/tool-binding.js";
import { renderTiming } from "../../src/pipeline/render-at.js";
import type { StageName } from "../../src/stages/registry.js";

const config = { tools: { llamafactory: {}, vllm: {}, evalscope: {}, python: {}, verl: { version: "0.4.1" } } } as unknown as Experiment;

function entry(name: StageName, action: string, def: Partial<StageModule>, binding: Partial<ToolBinding> = {}) {
  const backends = { only: { tool: "python", defaultCommand: [], install: "", ...binding } };
  return { name, action, definition: { name, kind: "job", needs: [], backends, ...def } as StageModule };
}

const data = (action: string) => entry("data", action, {});
const sft = (action: string, probe = false) =>
  entry("sft", action, { needs: ["data"] }, { tool: "llamafactory", ...(probe ? { versionArgs: ["version"], parseVersion: () => "0.9.3" } : {}) });
const deploy = (action: string) => entry("deploy", action, { kind: "service" }, { tool: "vllm" });

describe("renderTiming", () => {
  it("renders at launch a stage that reads what an earlier stage produces in this run", () => {
    for (const action of ["run", "resume", "reattach"]) {
      expect(renderTiming(sft("run"), [data(action)], config)).toEqual({ renderAt: "launch", renderReason: "reads what data produces in this run" });
    }
  });

  it("keeps the planned render when what it reads is already there (skipped or not selected upstream)", () => {
    for (const action of ["skip", "not-selected"]) expect(renderTiming(sft("run"), [data(action)], config).renderAt).toBe("plan");
    expect(renderTiming(data("run"), [], config)).toEqual({ renderAt: "plan", renderReason: "nothing it reads is produced in this run" });
  });

  it("a service's endpoint is known only once it serves, even when it is not started again", () => {
    const evalStage = entry("eval", "run", { needs: ["deploy"] }, { tool: "evalscope" });
    expect(renderTiming(evalStage, [deploy("skip")], config).renderReason).toBe("reads the endpoint deploy answers at, known once it serves");
  });

  it("a tool whose release is asked right before launch, unless the experiment states it", () => {
    expect(renderTiming(sft("run", true), [], config)).toEqual({ renderAt: "launch", renderReason: "the llamafactory release is asked right before launch" });
    const stated = { tools: { ...config.tools, llamafactory: { version: "0.9.3" } } } as unknown as Experiment;
    expect(renderTiming(sft("run", true), [], stated).renderAt).toBe("plan");
  });

  it("only stages it consumes count", () => {
    const grpo = entry("grpo", "run", { needs: ["sft"] }, { tool: "verl" });
    expect(renderTiming(grpo, [data("run"), sft("skip")], config).renderAt).toBe("plan");
  });
});
