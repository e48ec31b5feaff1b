// A family through the CLI with the stand-in tools: two GRPO variants on one SFT. The plan shows SFT once ("shared by
// lr1, lr2") and counts its GPU-hours once; `run` trains SFT once and GRPO once per variant with its own value, and a
// rerun starts nothing (both through the content-addressed store, which the family keeps at <workdir>/store); two
// variants started at once in two processes build their shared SFT once; `compare --json` lists both variants with
// the parameter that differs.
import { describe, expect, it } from "vitest";
import { chmod, readFile, writeFile } from "node:fs/promises";
import { execa } from "execa";
import { join } from "node:path";
import { grpoExperiment } from "../helpers/grpo-experiment.js";
import { cli, cliEnv, CLI, readJson, ROOT, STANDIN_BIN, waitFor } from "../helpers/cli.js";
import { tempDir, writeFiles } from "../helpers/tmp.js";

function grpoFamily() {
  return grpoExperiment({
    items: 32,
    totalEpochs: 1,
    saveFreq: 2,
    top: "variants:\n  lr1: { stages.grpo.actor.lr: 1.0e-6 }\n  lr2: { stages.grpo.actor.lr: 2.0e-6 }",
  });
}

interface Stage {
  stage: string;
  key: string;
  variants: string[];
  gpuHours: number | null;
}
interface FamilyPlanJson {
  variants: string[];
  shared: Stage[];
  own: Record<string, Stage[]>;
  gpu_hours: { family: number; separately: number; unknown: number };
  plans: Record<string, { workdir: string; stages: Array<{ name: string; command: string[] }> }>;
}

describe("a family of experiments", () => {
  it("plan shows the shared SFT once, each variant's GRPO with its own value, and GPU-hours with SFT counted once", async () => {
    const exp = await grpoFamily();
    // Many epochs of the small data set, so the SFT estimate is not rounded to 0 GPU-hours.
    const result = await cli(["plan", exp.file, "--json", "--set", "stages.sft.args.num_train_epochs=100000"]);
    expect(result.exitCode, result.all).toBe(0);
    const plan = JSON.parse(result.stdout) as FamilyPlanJson;
    expect(plan.variants).toEqual(["lr1", "lr2"]);
    expect(plan.shared.map((s) => [s.stage, s.variants])).toEqual([["sft", ["lr1", "lr2"]]]);
    expect(plan.own.lr1!.map((s) => s.stage)).toEqual(["grpo"]);
    expect(plan.own.lr2!.map((s) => s.stage)).toEqual(["grpo"]);
    expect(plan.own.lr1![0]!.key).not.toBe(plan.own.lr2![0]!.key);
    const grpo = (v: string) => plan.plans[v]!.stages.find((s) => s.name === "grpo")!.command;
    expect(grpo("lr1")).toContain("actor_rollout_ref.actor.optim.lr=1e-6");
    expect(grpo("lr2")).toContain("actor_rollout_ref.actor.optim.lr=2e-6");
    expect(plan.plans.lr2!.workdir).toBe(join(exp.workdir, "variants", "lr2"));
    // Separately, SFT would count twice: the difference is exactly one SFT.
    const sft = plan.shared[0]!.gpuHours!;
    expect(sft).toBeGreaterThan(0);
    expect(plan.gpu_hours.separately - plan.gpu_hours.family).toBeCloseTo(sft, 9);
    expect(plan.gpu_hours.family).toBeCloseTo(sft + plan.own.lr1![0]!.gpuHours! + plan.own.lr2![0]!.gpuHours!, 9);

    const text = await cli(["plan", exp.file]);
    expect(text.stdout).toMatch(/sft +run +key \w+ +GPU-hours \S+ +shared by lr1, lr2/);
    expect(text.stdout).toMatch(/GPU-hours: \S+ for the family, shared stages once; \S+ if each variant ran separately/);
    const one = await cli(["plan", exp.file, "--json", "--variant", "lr2"]);
    expect((JSON.parse(one.stdout) as FamilyPlanJson).variants).toEqual(["lr2"]);
  });

  it("run --variant runs only that variant (--json: one object by variant); status covers the family", async () => {
    const exp = await grpoFamily();
    const run = await cli(["run", exp.file, "--variant", "lr2", "--json"], { env: { VERL_STANDIN_STEP_MS: "10" } });
    expect(run.exitCode, run.all).toBe(0);
    const result = JSON.parse(run.stdout) as { family: string; variants: Record<string, { workdir: string; stages: Array<{ name: string; status: string }> }> };
    expect(Object.keys(result.variants)).toEqual(["lr2"]);
    expect(result.variants.lr2!.stages.map((s) => `${s.name} ${s.status}`)).toEqual(["sft completed", "grpo completed"]);
    expect(run.stderr).toMatch(/family int-test: lr2 done/);
    const status = JSON.parse((await cli(["status", exp.file, "--json"])).stdout) as {
      variants: Record<string, { stages: Record<string, { status: string }> }>;
    };
    expect(status.variants.lr2!.stages.grpo!.status).toBe("completed");
    expect(status.variants.lr1!.stages).toEqual({});
    // compare reads a family's workdir from the manifests its runs wrote: only lr2 has run.
    const compared = JSON.parse((await cli(["compare", exp.workdir, "--json"])).stdout) as {
      experiments: Array<{ experiment: string; status: string; gpuHours: number }>;
    };
    expect(compared.experiments.map((e) => [e.experiment, e.status])).toEqual([["int-test.lr2", "completed"]]);
    expect(compared.experiments[0]!.gpuHours).toBeGreaterThan(0);
  });

  it("run trains SFT once and GRPO once per variant; a rerun starts nothing", async () => {
    // The shared SFT is found built through the content-addressed store (`store:`, src/pipeline/store.ts).
    const exp = await grpoFamily();
    const first = await cli(["run", exp.file, "--log-format", "plain"], { env: { VERL_STANDIN_STEP_MS: "10" } });
    expect(first.exitCode, first.all).toBe(0);
    expect(first.stderr.match(/sft: running/g) ?? []).toHaveLength(1);
    expect(first.stderr.match(/grpo: running/g) ?? []).toHaveLength(2);
    for (const v of ["lr1", "lr2"]) {
      const state = await readJson<{ stages: Record<string, { status: string }> }>(join(exp.workdir, "variants", v, "state.json"));
      expect(state.stages.grpo!.status).toBe("completed");
    }
    const again = await cli(["run", exp.file, "--log-format", "plain"]);
    expect(again.exitCode, again.all).toBe(0);
    expect(again.stderr).not.toMatch(/: running/);
  });

  it("two variants started at the same moment in two processes, on a fresh workdir, train their shared SFT once", async () => {
    const probe = await tempDir("dianjin-family-race-");
    const starts = join(probe, "trainer-starts.log");
    const wrapper = join(probe, "llamafactory-cli");
    // Counts the trainer's starts in front of the stand-in.
    await writeFiles(probe, {
      "llamafactory-cli": `#!/bin/sh\nif [ "$1" = train ]; then echo "$$ $*" >> "${starts}"; fi\nexec "${join(STANDIN_BIN, "llamafactory-cli")}" "$@"\n`,
    });
    await chmod(wrapper, 0o755);
    const exp = await grpoExperiment({
      items: 32,
      totalEpochs: 1,
      saveFreq: 2,
      tools: [`llamafactory: { command: [${JSON.stringify(wrapper)}], version: "0.9.3" }`],
      top: "variants:\n  lr1: { stages.grpo.actor.lr: 1.0e-6 }\n  lr2: { stages.grpo.actor.lr: 2.0e-6 }",
    });
    const gate = join(exp.dir, "go");
    const count = async () => ((await readFile(starts, "utf8").catch(() => "")).match(/ train /g) ?? []).length;
    const runs = ["lr1", "lr2"].map((v) =>
      execa(process.execPath, [CLI, "run", exp.file, "--variant", v, "--only", "sft"], {
        env: cliEnv({ LF_STANDIN_WAIT_FOR: gate }),
        extendEnv: false,
        reject: false,
        all: true,
      }),
    );
    let output = "";
    for (const r of runs) r.all?.on("data", (d: Buffer) => (output += d.toString()));
    try {
      // The trainer holds at the gate: by then one variant builds the key and the other waits for it, saying so.
      await waitFor(async () => (await count()) === 1 && /waiting for sft key/.test(output), 60_000, "one trainer and one waiting variant");
      await writeFile(gate, "");
      const ended = await Promise.all(runs);
      for (const r of ended) expect(r.exitCode, r.all).toBe(0);
    } finally {
      await writeFile(gate, "");
      for (const r of runs) r.kill("SIGTERM");
      await Promise.all(runs);
    }
    expect(await count()).toBe(1);
    const sft = async (v: string) => (await readJson<{ stages: Record<string, any> }>(join(exp.workdir, "variants", v, "state.json"))).stages.sft!;
    const [a, b] = [await sft("lr1"), await sft("lr2")];
    expect([a.status, b.status]).toEqual(["completed", "completed"]);
    expect(a.key).toBe(b.key);
    expect([a.stored.reused, b.stored.reused].sort()).toEqual([false, true]);
  });
});

describe("compare", () => {
  it("--json lists both variants with the parameter that differs, their scores, GPU-hours and status", async () => {
    const dir = await tempDir("dianjin-compare-");
    await writeFiles(dir, {
      "fam.yaml": `name: cmp
workdir: runs
model: { base: Qwen/Qwen2.5-7B-Instruct }
cluster: { gpus_per_node: 4 }
stages:
  eval:
    benchmarks: { cflue: { path: ${JSON.stringify(join(ROOT, "test/fixtures/eval/cflue.json"))} }, math500: {} }
    endpoint: { base_url: "http://127.0.0.1:9/v1", model: m }
variants:
  t06: { stages.eval.sampling.temperature: 0.6 }
  t10: { stages.eval.sampling.temperature: 1.0 }
`,
      // t06 evaluated, after an SFT on 4 GPUs recorded by an earlier config: its run log saw two attempts end (15 + 30
      // minutes: 3 GPU-hours), state.json holds only the last; t10 never ran.
      "runs/variants/t06/events.jsonl": [
        { event: "stage-end", stage: "sft", status: "failed", seconds: 900 },
        { event: "progress", stage: "sft", step: 3 },
        { event: "stage-end", stage: "sft", status: "completed", seconds: 1800 },
      ]
        .map((r) => JSON.stringify({ level: 30, time: 0, ...r, msg: r.event }))
        .join("\n"),
      "runs/variants/t06/eval/output/scores.json": JSON.stringify({ cflue: 80, math500: 70, scoring_version: 1 }),
      "runs/variants/t06/state.json": JSON.stringify({
        version: 1,
        experiment: "cmp.t06",
        tools: {},
        stages: {
          sft: { status: "completed", key: "a", keyInputs: {}, attempts: 1, startedAt: "2026-01-01T00:00:00Z", endedAt: "2026-01-01T00:30:00Z" },
          eval: { status: "completed", key: "b", keyInputs: {}, attempts: 1, startedAt: "2026-01-01T01:00:00Z", endedAt: "2026-01-01T01:10:00Z" },
        },
      }),
    });
    const result = await cli(["compare", join(dir, "fam.yaml"), "--json"]);
    expect(result.exitCode, result.all).toBe(0);
    const { experiments, table } = JSON.parse(result.stdout) as {
      experiments: Array<{ experiment: string; params: Record<string, unknown>; scores: Record<string, number>; gpuHours: number; status: string }>;
      table: { paramKeys: string[]; common?: string[]; rows: Array<{ label: string; commonAverage?: number; average?: number }> };
    };
    expect(experiments.map((e) => e.experiment)).toEqual(["cmp.t06", "cmp.t10"]);
    expect(table.paramKeys).toEqual(["stages.eval.sampling.temperature"]);
    expect(experiments.map((e) => e.params)).toEqual([{ "stages.eval.sampling.temperature": 0.6 }, { "stages.eval.sampling.temperature": 1 }]);
    expect(experiments[0]).toMatchObject({ scores: { cflue: 80, math500: 70 }, gpuHours: 3, status: "completed" });
    expect(experiments[1]).toMatchObject({ scores: {}, gpuHours: 0, status: "not run" });

    const md = await cli(["compare", join(dir, "fam.yaml"), "--md"]);
    expect(md.stdout).toMatch(/\| cmp\.t06 \| 0\.6 \| 80\.00 \|/);
    expect(md.stdout).toMatch(/Qwen2\.5-7B-Instruct \(paper\)/);

    // The family's report has the same table with the paper's rows, and each variant its own report.
    const report = await cli(["report", join(dir, "fam.yaml")]);
    expect(report.exitCode, report.all).toBe(0);
    const markdown = await readFile(join(dir, "runs/report/report.md"), "utf8");
    expect(markdown).toMatch(/## Comparison[\s\S]*\| cmp\.t06 \| 0\.6 \| 80\.00 \|[\s\S]*DianJin-R1-7B \(paper\)/);
    expect(await readFile(join(dir, "runs/report/report.html"), "utf8")).toMatch(/<section id="comparison">[\s\S]*cmp\.t10/);
    expect(await readFile(join(dir, "runs/variants/t06/report/report.md"), "utf8")).toMatch(/80\.00/);
  });
});
