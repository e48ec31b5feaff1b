// The resource planner through the real CLI: `plan --json` carries the estimates; a stage whose lower bound exceeds the
// card is refused by pre-flight (exit 3) with the figures and fixes, before anything launches; one only the upper
// bound rules out is planned with a warning.
import { describe, expect, it } from "vitest";
import { createServer, type AddressInfo } from "node:net";
import { join } from "node:path";
import { stat } from "node:fs/promises";
import { cli, makeExperiment, ROOT } from "../helpers/cli.js";
import { recipeDataEnv } from "../helpers/recipe-data.js";
import { tempDir } from "../helpers/tmp.js";

const GIB = 2 ** 30;
const QWEN25_7B_PARAMS = 7_615_616_512;
const config7b = join(ROOT, "configs/dianjin-r1-7b.yaml");
const config32b = join(ROOT, "configs/dianjin-r1-32b.yaml");

type Json = { stages: Array<{ name: string; resources?: any }> };
const stage = (plan: Json, name: string) => plan.stages.find((s) => s.name === name)!;

/** A port nothing listens on now: the shipped configs' server port may be taken by a test running beside this one. */
async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

async function planJson(file: string, ...args: string[]): Promise<Json> {
  // Pre-flight refuses a server port in use (exit 3); the estimates are what this test is about.
  const port = ["--set", `stages.deploy.port=${await unusedPort()}`];
  const result = await cli(["plan", file, "--json", ...port, ...args], { standins: false, env: await recipeDataEnv() });
  expect(result.exitCode, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Json;
}

describe("resources in plan and pre-flight", () => {
  it("plan --json: each GPU stage of the 7B recipe has resources; ZeRO-3 states within 15% of 16 × params ÷ GPUs", async () => {
    const plan = await planJson(config7b);
    const sft = stage(plan, "sft").resources;
    expect(sft).toMatchObject({ gpus: 8, gpu_type: "A100-80GB", gpu_memory_gb: 80, fit: "fits", model: { params: QWEN25_7B_PARAMS } });
    const expected = (16 * QWEN25_7B_PARAMS) / 8 / GIB;
    expect(Math.abs(sft.per_gpu_gb.parts.model_states - expected) / expected).toBeLessThanOrEqual(0.15);
    expect(Object.keys(sft.per_gpu_gb.parts)).toEqual(expect.arrayContaining(["model_states", "activations", "logits", "framework"]));
    expect(stage(plan, "grpo").resources).toMatchObject({ gpus: 8, kv_cache: { min_tokens: 5120 } });
    expect(stage(plan, "deploy").resources).toMatchObject({ gpus: 8, kv_cache: { min_tokens: 16384 } });
    expect(stage(plan, "merge").resources).toBeUndefined();
  });

  it("the 32B estimate exceeds the 7B one", async () => {
    // Training stages at the same settings (the 32B recipe offloads and shrinks its micro batch to fit) on a GPU both
    // fit on; the server as shipped (vLLM's share of the GPU is fixed, so only the default GPU tells them apart).
    const same = [
      "--set",
      "cluster.gpu.memory_gb=400",
      "--set",
      "stages.sft.deepspeed=zero3",
      "--set",
      "stages.grpo.actor.ppo_micro_batch_size_per_gpu=8",
      // A small rollout share, so GRPO's peak is the update phase (the rollout phase is vLLM's fixed share of the GPU).
      "--set",
      "stages.grpo.rollout.gpu_memory_utilization=0.1",
    ];
    const [t7, t32, d7, d32] = await Promise.all([planJson(config7b, ...same), planJson(config32b, ...same), planJson(config7b), planJson(config32b)]);
    expect(stage(t32, "sft").resources.per_gpu_gb.total).toBeGreaterThan(stage(t7, "sft").resources.per_gpu_gb.total);
    expect(stage(t32, "grpo").resources.per_gpu_gb.total).toBeGreaterThan(stage(t7, "grpo").resources.per_gpu_gb.total);
    expect(stage(d32, "deploy").resources.per_gpu_gb.total).toBeGreaterThan(stage(d7, "deploy").resources.per_gpu_gb.total);
  });

  it("--set cluster.gpu.memory_gb=16: even the lower bound exceeds the card, refused before launch (exit 3) with the figures and the fixes", async () => {
    const dir = await tempDir("dianjin-res-");
    const workdir = join(dir, "w");
    const result = await cli(["sft", config7b, "--set", "cluster.gpu.memory_gb=16", "--set", `workdir=${workdir}`]);
    expect(result.exitCode).toBe(3);
    // ZeRO-3 on 8 GPUs: 18 bytes/param ÷ 8 = 15.96 GiB of states + the gathered embedding + 1.5 GiB overhead > 16 GB.
    expect(result.stderr).toMatch(
      /cluster\.gpu: stage sft cannot fit on the GPUs: even the lower bound, [\d.]+ GB per GPU \(model_states [\d.]+ \+ zero3_gathered_layer [\d.]+ \+ framework 1\.5\), exceeds the 16 GB it has/,
    );
    expect(result.stderr).toContain("against a limit of 14.4 GB");
    // Offload still needs the gathered layer + activations + logits at cutoff 16384 (18.7 GB > 14.4): no single fix.
    expect(result.stderr).toContain("No single change found that fits");
    expect(result.stderr).not.toMatch(/\n\s+at /);
    await expect(stat(join(workdir, "sft/output"))).rejects.toThrow(); // nothing launched
  });

  it("verl's published 7B minimum (examples/tuning/7b/qwen2-7b_grpo_2_h800_fsdp_vllm.sh) plans with exit 0 and a warning", async () => {
    // docs/perf/device_tuning.rst lists it as the 7B MIN setup: 2 × H800, both offloads, micro batch 16, n 5, TP 2.
    const sets = [
      "cluster.gpus_per_node=2",
      "cluster.gpu.type=H800-80GB",
      "stages.grpo.data.max_response_length=1024",
      "stages.grpo.actor.ppo_micro_batch_size_per_gpu=16",
      "stages.grpo.rollout.n=5",
      "stages.grpo.rollout.tensor_model_parallel_size=2",
      "stages.grpo.rollout.gpu_memory_utilization=0.5",
      "stages.deploy.tensor_parallel_size=2",
      "stages.deploy.replicas=1",
    ].flatMap((s) => ["--set", s]);
    const result = await cli(["plan", config7b, ...sets], { standins: false, env: await recipeDataEnv() });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/warning: stage grpo may not fit on the GPUs: the upper bound \(every sequence at its maximum length\) is 78\.36 GB per GPU/);
    expect(result.stdout).toMatch(/the lower bound, 58\.24 GB \(actor_states 56\.74 \+ ref_params 0 \+ framework 1\.5\), fits the 80 GB/);
    expect(result.stdout).toMatch(/\n {2}grpo +2 × H800-80GB +78\.4 +58\.2 +72 +maybe/);
  });

  it("plan prints a resources table and states time and cost when the data is readable and a price is set", async () => {
    const exp = await makeExperiment({ records: 40 });
    const text = await cli(["plan", exp.file, "--set", "cluster.gpu.hourly_cost=2.5"], { standins: false });
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toMatch(/resources \(estimates/);
    expect(text.stdout).toMatch(/\n {2}sft +1 × A100-80GB +[\d.]+ +[\d.]+ +72 +yes/);
    const plan = await planJson(exp.file, "--set", "cluster.gpu.hourly_cost=2.5");
    const sft = stage(plan, "sft").resources;
    expect(sft.tokens.per_epoch).toBeGreaterThan(40 * 34);
    expect(sft.tokens.source).toMatch(/estimated from the dataset files/);
    expect(sft.gpu_hours).toBeGreaterThanOrEqual(0);
    expect(sft.cost).toBeCloseTo(sft.gpu_hours * 2.5, 1);
  });

  it("an unknown GPU type is a config error (exit 2) with a suggestion", async () => {
    const exp = await makeExperiment({ cluster: "{ gpus_per_node: 1, gpu: { type: H100-80G } }" });
    const result = await cli(["plan", exp.file], { standins: false });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/cluster\.gpu\.type: "H100-80G" is not in the GPU table \(did you mean "H100-80GB"\?\)/);
  });
});

describe("resources for a model of unknown shape", () => {
  it("plan says the estimate is missing and why", async () => {
    const exp = await makeExperiment();
    const result = await cli(["plan", exp.file, "--set", "model.base=org/custom-model"], { standins: false });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("sft: no resource estimate: the model's dimensions are unknown");
    const plan = await planJson(exp.file, "--set", "model.base=org/custom-model");
    expect(stage(plan, "sft").resources).toBeUndefined();
  });
});
