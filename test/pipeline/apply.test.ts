// apply only reads the plan: a whole run (a job, a service and an in-process stage) leaves it exactly as planned, and
// the plan refuses changes. What the run learned goes to state.json and the results, from launch entries.
import { describe, expect, it } from "vitest";
import { cp, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { createLocalLauncher } from "../../src/index.js";
import { loadExperiment } from "../../src/config/load.js";
import { applyPlan } from "../../src/pipeline/apply.js";
import { planFromLoaded, type Plan } from "../../src/pipeline/plan.js";
import { cliEnv, makeExperiment } from "../helpers/cli.js";
import { TINY_QWEN2_DIR } from "../fixtures/merge/make-checkpoint.js";

const EVAL_FIXTURES = fileURLToPath(new URL("../fixtures/eval/", import.meta.url));

async function sftDeployEval() {
  const exp = await makeExperiment({
    sft: `  deploy: { model: served-model, startup_timeout_minutes: 1 }
  eval:
    benchmarks:
      cflue: { path: ${JSON.stringify(join(EVAL_FIXTURES, "cflue.json"))} }
    sampling: { max_tokens: 256 }
`,
  });
  await cp(TINY_QWEN2_DIR, join(exp.dir, "served-model"), { recursive: true });
  return exp;
}

/** Everything in the plan but the stage definitions (code, shared by every plan). */
function data(plan: Plan) {
  return structuredClone({ ...plan, stages: plan.stages.map(({ definition: _definition, ...rest }) => rest) });
}

describe("apply and the plan", () => {
  it("a whole run leaves the plan exactly as planned, and records what it learned at launch", async () => {
    const exp = await sftDeployEval();
    const env = cliEnv({ VLLM_STANDIN_STARTUP_MS: "150" });
    const plan = await planFromLoaded(await loadExperiment(exp.file, { env }), { jobs: createLocalLauncher({ env }) });
    const before = data(plan);
    expect(plan.stages.map((s) => [s.name, s.action])).toEqual([
      ["sft", "run"],
      ["deploy", "run"],
      ["eval", "run"],
    ]);
    // eval reads the endpoint deploy serves at, known only once it serves
    const evalEntry = plan.stages.find((s) => s.name === "eval")!;
    expect(evalEntry).toMatchObject({ renderAt: "launch", renderReason: expect.stringContaining("deploy") });

    const result = await applyPlan(plan, { env, launcher: createLocalLauncher({ env, pollMs: 50 }) });

    expect(result.stages.map((s) => [s.name, s.status])).toEqual([
      ["sft", "completed"],
      ["deploy", "stopped"],
      ["eval", "completed"],
    ]);
    expect(data(plan)).toEqual(before);
    const state = JSON.parse(await readFile(join(exp.workdir, "state.json"), "utf8")) as {
      stages: Record<string, { key: string; keyInputs: { upstream?: Record<string, string> } }>;
    };
    // eval's recorded key names the deploy key this run recorded, and matches what the run reported
    expect(state.stages.eval!.keyInputs.upstream).toEqual({ deploy: state.stages.deploy!.key });
    expect(result.stages.map((s) => s.key)).toEqual(["sft", "deploy", "eval"].map((n) => state.stages[n]!.key));
  });

  it("the plan is frozen all the way down", async () => {
    const exp = await makeExperiment();
    const env = cliEnv();
    const plan = await planFromLoaded(await loadExperiment(exp.file, { env }), { jobs: createLocalLauncher({ env }) });
    const sft = plan.stages[0]! as unknown as Record<string, any>;
    expect(() => (sft.action = "skip")).toThrow(TypeError);
    expect(() => sft.render.argv.push("--more")).toThrow(TypeError);
    expect(() => (sft.keyInputs.files = {})).toThrow(TypeError);
    expect(() => (sft.context.upstream.data = { key: "x", outputs: {} })).toThrow(TypeError);
    expect(() => (sft.context.toolVersions.llamafactory = "9.9.9")).toThrow(TypeError);
    expect(() => ((plan.loaded.config as Record<string, any>).name = "other")).toThrow(TypeError);
    expect(() => (plan.stages as unknown[]).pop()).toThrow(TypeError);
    // stage definitions are shared code, not plan data
    expect(Object.isFrozen(plan.stages[0]!.definition)).toBe(false);
  });
});
