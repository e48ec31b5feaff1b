// A workdir is relocatable: state.json and manifest.json refer to paths inside it relative to it, so after
// `cp -r wd wd2` (or a move), `report`, `status` and `plan` on wd2 read only wd2 — even when wd is altered or gone.
// State files written before this (absolute paths of the workdir they were written in) are still read, mapped.
import { describe, expect, it } from "vitest";
import { cp, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cli, makeExperiment, readJson } from "../helpers/cli.js";
import { stageKey } from "../../src/pipeline/keys.js";
import { sftStage } from "../../src/stages/sft/index.js";
import { tempDir } from "../helpers/tmp.js";

const FIXTURES = fileURLToPath(new URL("../fixtures/eval/", import.meta.url));
const TINY_MODEL = fileURLToPath(new URL("../fixtures/merge/tiny-qwen2", import.meta.url));

type Json = Record<string, any>;

describe("relocatable workdir", () => {
  it("a copied workdir reads only itself: report, status and plan on the copy after the original is altered, then deleted; old absolute state files are mapped", async () => {
    const dir = await tempDir("dianjin-reloc-");
    const file = join(dir, "exp.yaml");
    await writeFile(
      file,
      `name: reloc\nworkdir: runs\nmodel: { base: Qwen/Qwen2.5-7B-Instruct }\ncluster: { gpus_per_node: 1 }\nstages:
  deploy: { model: ${JSON.stringify(TINY_MODEL)}, replicas: 1, startup_timeout_minutes: 1 }
  eval:
    benchmarks:
      finqa: { path: ${JSON.stringify(join(FIXTURES, "finqa.json"))} }
    sampling: { max_tokens: 64, temperature: 0.0 }
`,
    );
    const wd = join(dir, "runs");
    const run = await cli(["run", file]);
    expect(run.exitCode, run.all).toBe(0);
    // On disk, paths inside the workdir are relative to it.
    const state = await readJson<Json>(join(wd, "state.json"));
    expect(state.stages.eval.outputs).toEqual({ scores: "./eval/output/scores.json", results: "./eval/output/results" });
    expect(state.stages.deploy.job.logFile).toBe("./deploy/logs/attempt-1.log");
    expect(JSON.stringify(state)).not.toContain(`${wd}/`);
    const manifest = await readJson<Json>(join(wd, "manifest.json"));
    expect(manifest.config.workdir).toBe(".");

    const wd2 = join(dir, "copy");
    await cp(wd, wd2, { recursive: true });
    // The original now says something else: the copy must not read it.
    const scores = await readJson<Json>(join(wd2, "eval/output/scores.json"));
    await writeFile(join(wd, "eval/output/scores.json"), JSON.stringify({ ...scores, finqa: 99.99 }));
    const at = (workdir: string, ...args: string[]) => cli([...args, file, "--set", `workdir=${workdir}`]);
    const reportOf = async (workdir: string) => {
      const r = await at(workdir, "report", "--json");
      expect(r.exitCode, r.all).toBe(0);
      return JSON.parse(r.stdout) as Json;
    };
    const report = await reportOf(wd2);
    expect(report.scores.finqa).toBe(scores.finqa);
    expect(report.scores.finqa).not.toBe(99.99);
    expect(JSON.stringify(report)).not.toContain(`${wd}/`);

    await rm(wd, { recursive: true });
    expect((await reportOf(wd2)).scores.finqa).toBe(scores.finqa);
    const status = await at(wd2, "status", "--json");
    expect(status.exitCode, status.all).toBe(0);
    expect(status.all).not.toContain(`${wd}/`);
    expect(status.stdout).toContain(`${wd2}/`);
    const plan = await at(wd2, "plan", "--json");
    expect(plan.exitCode, plan.all).toBe(0);
    expect(plan.all).not.toContain(`${wd}/`);

    // A workdir written before paths were relative: absolute paths of where it was written, which manifest.json
    // records. Moved elsewhere, it reads its own files.
    const wd3 = join(dir, "moved-old");
    await cp(wd2, wd3, { recursive: true });
    const absolute = (text: string) => text.replaceAll('"./', `"${wd}/`);
    await writeFile(join(wd3, "state.json"), absolute(await readFile(join(wd2, "state.json"), "utf8")));
    await writeFile(join(wd3, "manifest.json"), JSON.stringify({ ...manifest, config: { ...manifest.config, workdir: wd } }));
    await writeFile(join(wd3, "eval/output/scores.json"), JSON.stringify({ ...scores, finqa: 12.5 }));
    expect((await readJson<Json>(join(wd3, "state.json"))).stages.eval.outputs.scores).toBe(`${wd}/eval/output/scores.json`);
    expect((await reportOf(wd3)).scores.finqa).toBe(12.5);
    const oldStatus = await at(wd3, "status", "--json");
    expect(oldStatus.all).not.toContain(`${wd}/`);
  });

  it("stage keys hold workdir paths relative to it: a copied or moved SFT workdir is up to date, and a key recorded with absolute paths (before) still counts", async () => {
    const exp = await makeExperiment();
    const run = await cli(["run", exp.file]);
    expect(run.exitCode, run.all).toBe(0);
    const state = await readJson<Json>(join(exp.workdir, "state.json"));
    expect(state.stages.sft.keyInputs.stages.sft.args.output_dir).toBe("./sft/output");
    const planAt = async (workdir: string) => {
      const r = await cli(["plan", exp.file, "--set", `workdir=${workdir}`, "--json"]);
      expect(r.exitCode, r.all).toBe(0);
      return (JSON.parse(r.stdout) as { stages: Array<{ name: string; action: string }> }).stages.map((s) => [s.name, s.action]);
    };
    const copy = join(exp.dir, "copy");
    await cp(exp.workdir, copy, { recursive: true });
    expect(await planAt(copy)).toEqual([["sft", "skip"]]);

    // As an older version wrote it: absolute paths in the key inputs, and the key made from them.
    const keyInputs = JSON.parse(JSON.stringify(state.stages.sft.keyInputs).replaceAll('"./', `"${exp.workdir}/`)) as Json;
    const old = { ...state, stages: { sft: { ...state.stages.sft, keyInputs, key: stageKey("sft", sftStage.version, keyInputs) } } };
    await writeFile(join(exp.workdir, "state.json"), JSON.stringify(old));
    expect(await planAt(exp.workdir)).toEqual([["sft", "skip"]]);
  });
});
