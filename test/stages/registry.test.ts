// The registry is the one list of stages: everything that needs "every stage" must follow it.
import { describe, expect, it } from "vitest";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { STAGES, STAGE_MODULES, STAGE_ORDER, backendOf, serviceKept, toolNames } from "../../src/stages/registry.js";
import { experimentSchema } from "../../src/config/schema.js";
import { slurmResources, stageNeedsRay } from "../../src/pipeline/launchers.js";
import { resolvePaths } from "../../src/config/paths.js";
import type { StageModule } from "../../src/contract/stage.js";
import type { ExperimentBase } from "../../src/contract/experiment.js";

const STAGES_DIR = join(import.meta.dirname, "../../src/stages");
const base = { name: "x", workdir: "/w", model: { base: "Qwen/Qwen2.5-7B-Instruct" } };

describe("stage registry", () => {
  it("every stage folder is registered once, in the registry's order; every registered stage has its folder", () => {
    expect(STAGE_ORDER).toEqual(STAGES.map((s) => s.name));
    expect(new Set(STAGE_ORDER).size).toBe(STAGE_ORDER.length);
    const folders = readdirSync(STAGES_DIR, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    expect(folders.sort()).toEqual([...STAGE_ORDER].sort());
    for (const name of STAGE_ORDER) expect(existsSync(join(STAGES_DIR, name, "index.ts")), name).toBe(true);
  });

  it("each module's kind matches what it implements, and it needs only stages listed before it", () => {
    for (const [i, stage] of STAGE_MODULES.entries()) {
      // The kind says which runner starts it; what that runner calls must be there (modules are plain objects).
      const has = (member: string) => typeof (stage as unknown as Record<string, unknown>)[member] !== "undefined";
      expect(has("runInProcess"), stage.name).toBe(stage.kind === "in-process");
      expect(has("service"), stage.name).toBe(stage.kind === "service");
      expect(has("findResume") && has("observe"), stage.name).toBe(stage.kind === "job");
      for (const need of stage.needs) expect(STAGE_ORDER.indexOf(need as never), `${stage.name} needs ${need}`).toBeGreaterThanOrEqual(0);
      for (const need of stage.needs) expect(STAGE_ORDER.indexOf(need as never)).toBeLessThan(i);
      expect(Object.keys(stage.backends).length, stage.name).toBeGreaterThan(0);
    }
  });

  it("the experiment schema has exactly the registered stage blocks and a tools entry per backend tool", () => {
    const stagesShape = (experimentSchema.shape.stages as unknown as z.ZodDefault<z.ZodObject>).unwrap().shape;
    expect(Object.keys(stagesShape)).toEqual([...STAGE_ORDER]);
    const parsed = experimentSchema.parse(base);
    // Every tool any module's backend runs with, read off the modules themselves (a new backend adds its entry).
    const backendTools = new Set(STAGE_MODULES.flatMap((s) => Object.values(s.backends).map((b) => b.tool)));
    expect(Object.keys(parsed.tools).sort()).toEqual([...backendTools].sort());
    expect(toolNames().sort()).toEqual([...backendTools].sort());
    for (const tool of backendTools) expect(experimentSchema.safeParse({ ...base, tools: { [tool]: { command: ["x"] } } }).success, tool).toBe(true);
    // Strict: an unregistered stage is a config error.
    expect(experimentSchema.safeParse({ ...base, stages: { dpo: {} } }).success).toBe(false);
  });

  it("placement decides the Slurm node count and whether Ray is started", () => {
    const config = experimentSchema.parse({ ...base, cluster: { launcher: "slurm", nodes: 4, slurm: {} } });
    for (const stage of STAGES) {
      expect(slurmResources(config, stage.name).nodes, stage.name).toBe(stage.placement === "single-node" ? 1 : 4);
      expect(stageNeedsRay(stage.name), stage.name).toBe(stage.placement === "ray");
    }
  });

  it("path fields come from the modules: a stage's relative path is resolved, a hub id is left alone", () => {
    const tree = resolvePaths(
      { stages: { eval: { benchmarks: { cflue: { path: "b/cflue.jsonl" } } }, deploy: { model: "Qwen/Qwen2.5-7B-Instruct" } } },
      "/cfg",
    ) as {
      stages: { eval: { benchmarks: { cflue: { path: string } } }; deploy: { model: string } };
    };
    expect(tree.stages.eval.benchmarks.cflue.path).toBe("/cfg/b/cflue.jsonl");
    expect(tree.stages.deploy.model).toBe("Qwen/Qwen2.5-7B-Instruct");
  });

  it("a stage with several backends runs the one its block names (the first by default); a name it lacks is refused", () => {
    const choosing = STAGE_MODULES.filter((s) => Object.keys(s.backends).length > 1);
    for (const stage of choosing) {
      const names = Object.keys(stage.backends);
      const config = (backend?: string) => ({ stages: { [stage.name]: backend ? { backend } : {} } }) as unknown as ExperimentBase;
      expect(backendOf(stage, config()), stage.name).toBe(stage.backends[names[0]!]);
      for (const name of names) expect(backendOf(stage, config(name)), `${stage.name} ${name}`).toBe(stage.backends[name]);
      const backendIssue = (backend: string) => (stage.schema.safeParse({ backend }).error?.issues ?? []).some((i) => i.path[0] === "backend");
      for (const name of names) expect(backendIssue(name), `${stage.name} ${name}`).toBe(false);
      expect(backendIssue("no-such-backend"), stage.name).toBe(true);
    }
  });

  it("a stage with two backends runs the one its config selects", () => {
    const two = {
      ...STAGE_MODULES[1]!,
      backends: { a: { tool: "tool_a", defaultCommand: ["a"], install: "" }, b: { tool: "tool_b", defaultCommand: ["b"], install: "" } },
      backend: (config: ExperimentBase) => (config.stages.sft as { backend?: string } | undefined)?.backend ?? "a",
    } satisfies StageModule;
    const config = (backend?: string) => ({ stages: { sft: backend ? { backend } : {} } }) as unknown as ExperimentBase;
    expect(backendOf(two, config()).tool).toBe("tool_a");
    expect(backendOf(two, config("b")).tool).toBe("tool_b");
  });

  it("eval's keep_server keeps the deploy server it uses; deploy's own keep does too", () => {
    const deploy = STAGE_MODULES.find((s) => s.name === "deploy")!;
    const config = (stages: Record<string, unknown>) => experimentSchema.parse({ ...base, stages });
    expect(serviceKept(deploy, config({ deploy: {}, eval: { benchmarks: { cflue: { path: "/b.jsonl" } } } }))).toBe(false);
    expect(serviceKept(deploy, config({ deploy: {}, eval: { benchmarks: { cflue: { path: "/b.jsonl" } }, keep_server: true } }))).toBe(true);
    expect(serviceKept(deploy, config({ deploy: { keep: true } }))).toBe(true);
  });
});
