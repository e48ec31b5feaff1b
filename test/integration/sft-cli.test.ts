// The SFT stage end to end through the real CLI, with the stand-in llamafactory-cli on PATH.
import { describe, expect, it } from "vitest";
import { readFile, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { cli, makeExperiment, readJson, stageState } from "../helpers/cli.js";

const output = (workdir: string) => join(workdir, "sft/output");

describe("sft through the CLI", () => {
  it("plan works without the tool installed and prints the argv, env and files as JSON", async () => {
    const exp = await makeExperiment();
    const result = await cli(["plan", exp.file, "--json"], { standins: false });
    expect(result.exitCode).toBe(0);
    const plan = JSON.parse(result.stdout) as { experiment: string; workdir: string; stages: Array<Record<string, any>> };
    expect(plan.experiment).toBe("int-test");
    expect(plan.workdir).toBe(exp.workdir);
    expect(plan.stages[0]).toMatchObject({
      name: "sft",
      action: "run",
      reason: "never run in this workdir",
      command: ["llamafactory-cli", "train", join(exp.workdir, "sft/rendered/train.yaml")],
      env: { CUDA_VISIBLE_DEVICES: "0" },
      files: { train: join(exp.workdir, "sft/rendered/train.yaml"), datasetInfo: join(exp.workdir, "sft/rendered/dataset_info.json") },
    });
    expect(plan.stages[0]!.key).toMatch(/^[0-9a-f]{16}$/);
    await expect(stat(exp.workdir)).rejects.toThrow(); // plan wrote nothing
  });

  it("plan --out writes every rendered file under DIR/<stage>/", async () => {
    const exp = await makeExperiment();
    const out = join(exp.dir, "rendered");
    expect((await cli(["plan", exp.file, "--out", out])).exitCode).toBe(0);
    expect((await readdir(join(out, "sft"))).sort()).toEqual(["dataset_info.json", "restart.py", "train.yaml"]);
    expect(await readFile(join(out, "sft/train.yaml"), "utf8")).toContain("learning_rate: 1.0e-05");
  });

  it("stops with exit 3 before launching when the tool is missing, saying how to fix it", async () => {
    const exp = await makeExperiment();
    const result = await cli(["run", exp.file], { standins: false });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/llamafactory is not installed or not on PATH \(looked for `llamafactory-cli`\)/);
    expect(result.stderr).toMatch(/pip install llamafactory/);
    expect(result.stderr).toMatch(/tools\.llamafactory\.command/);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("a config typo is exit 2 with the dotted path and a suggestion", async () => {
    const exp = await makeExperiment({ top: "clustr: { nodes: 1 }" });
    const result = await cli(["plan", exp.file]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/clustr: unknown key \(did you mean "cluster"\?\)/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("an unknown LLaMA-Factory key fails pre-flight (exit 3) with every problem listed; nothing is launched", async () => {
    const exp = await makeExperiment({ sft: "      learning_rat: 2.0e-5\n      lr_scheduler_type: cosin" });
    const result = await cli(["sft", exp.file]);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/stages\.sft\.args\.learning_rat: .*did you mean "learning_rate"/);
    expect(result.stderr).toMatch(/stages\.sft\.args\.lr_scheduler_type: .*did you mean "cosine"/);
    await expect(stat(join(exp.workdir, "sft/logs"))).rejects.toThrow();
  });

  it("a missing dataset file fails pre-flight with its path", async () => {
    const exp = await makeExperiment({ sft: "    fingerprint: content" });
    const { rm } = await import("node:fs/promises");
    await rm(join(exp.dir, "data/train.json"));
    const result = await cli(["run", exp.file]);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/stages\.sft\.dataset_files\.fin\.path: file not found/);
  });

  it("crash (kill -9) mid-training → rerun resumes from the newest complete checkpoint → third run skips → changed lr re-runs", async () => {
    const exp = await makeExperiment();
    const crashed = await cli(["run", exp.file], { env: { LF_STANDIN_CRASH_AT_STEP: "13" } });
    expect(crashed.exitCode).toBe(1);
    expect(crashed.stderr).toMatch(/stage sft failed \(killed by SIGKILL\)/);
    expect(crashed.stderr).toMatch(/hint: /);
    expect((await stageState(exp)).status).toBe("failed");

    const plan = JSON.parse((await cli(["plan", exp.file, "--json"])).stdout) as {
      stages: Array<{ action: string; reason: string; resumeFrom: { step: number } }>;
    };
    expect(plan.stages[0]).toMatchObject({ action: "resume", resumeFrom: { step: 10 } });

    const resumed = await cli(["run", exp.file]);
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stderr).toMatch(/resuming .*newest complete checkpoint \(step 10\)/);
    const env = await readJson<{ resumed_from: number; args: Record<string, unknown> }>(join(output(exp.workdir), "standin-env.json"));
    expect(env.resumed_from).toBe(10);
    expect(env.args.resume_from_checkpoint).toBe(join(output(exp.workdir), "checkpoint-10"));
    expect((await stageState(exp)).status).toBe("completed");

    const third = await cli(["run", exp.file]);
    expect(third.exitCode).toBe(0);
    expect(third.stderr).toMatch(/sft: skipped — up to date/);

    const changed = await cli(["run", exp.file, "--set", "stages.sft.args.learning_rate=2e-5"]);
    expect(changed.exitCode).toBe(0);
    expect(changed.stderr).toMatch(/stages\.sft\.args\.learning_rate 1e-5 → 2e-5/);
    // The old output was moved aside, not deleted, and the new run started from scratch.
    expect((await readdir(join(exp.workdir, "sft/set-aside"))).some((n) => n.startsWith("output.superseded"))).toBe(true);
    expect((await readJson<{ resumed_from: number }>(join(output(exp.workdir), "standin-env.json"))).resumed_from).toBe(0);
  });

  it("a half-written newest checkpoint is set aside and the one before it is used", async () => {
    const exp = await makeExperiment();
    const crashed = await cli(["run", exp.file], { env: { LF_STANDIN_HALF_CHECKPOINT_AT: "15" } });
    expect(crashed.exitCode).toBe(1);
    expect((await readdir(output(exp.workdir))).filter((n) => n.startsWith("checkpoint-")).sort()).toEqual(["checkpoint-10", "checkpoint-15", "checkpoint-5"]);

    const resumed = await cli(["run", exp.file]);
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stderr).toMatch(/setting aside incomplete checkpoint 15/);
    expect((await readJson<{ resumed_from: number }>(join(output(exp.workdir), "standin-env.json"))).resumed_from).toBe(10);
    expect((await readdir(join(exp.workdir, "sft/set-aside"))).some((n) => n.startsWith("checkpoint-15.incomplete"))).toBe(true);
  });

  it("a CUDA OOM is named, with the log tail and a hint (exit 1)", async () => {
    const exp = await makeExperiment();
    const result = await cli(["run", exp.file], { env: { LF_STANDIN_FAIL: "oom", LF_STANDIN_FAIL_AT_STEP: "3" } });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/stage sft failed \(exit code 1\): a GPU ran out of memory/);
    expect(result.stderr).toMatch(/hint: lower per_device_train_batch_size/);
    expect(result.stderr).toMatch(/\| torch\.OutOfMemoryError: CUDA out of memory/);
    expect((await stageState(exp)).failure).toMatchObject({ id: "cuda-oom", exitCode: 1 });
  });

  it("a hang is ended by the watchdog and reported as such", async () => {
    const exp = await makeExperiment({ sft: "    watchdog_minutes: 0.02" });
    const started = Date.now();
    const result = await cli(["run", exp.file], { env: { LF_STANDIN_HANG_AT_STEP: "4" } });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/stopped producing output/);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect((await stageState(exp)).failure.id).toBe("hang");
  });

  it("no secret from the environment reaches state, manifest, rendered files or logs", async () => {
    const exp = await makeExperiment({ top: "tracking: { backends: [wandb], project: fin }" });
    const secret = "wandb-secret-0123456789abcdef";
    expect((await cli(["run", exp.file], { env: { WANDB_API_KEY: secret, HF_TOKEN: "hf_tokenvalue12345" } })).exitCode).toBe(0);
    const files: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path);
        else files.push(path);
      }
    };
    await walk(exp.workdir);
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const text = await readFile(file, "utf8");
      expect(text, file).not.toContain(secret);
      expect(text, file).not.toContain("hf_tokenvalue12345");
    }
    const manifest = await readJson<Record<string, any>>(join(exp.workdir, "manifest.json"));
    expect(manifest.tools.llamafactory.version).toBe("0.9.3");
    expect(manifest.node).toBe(process.version);
    expect(manifest.config.name).toBe("int-test");
  });
});

describe("status and progress output", () => {
  it("prints checkpoints as they complete and a status line per stage", async () => {
    const exp = await makeExperiment();
    const run = await cli(["run", exp.file]);
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toMatch(/\[sft\] checkpoint at step 5: .*checkpoint-5/);
    expect(run.stderr).toMatch(/\[sft\] \d+\/40 \d+%\s.*loss \d/);
    const status = await cli(["status", exp.file]);
    expect(status.stdout).toMatch(/sft\s+completed in \d+s, attempt 1, key [0-9a-f]{16}/);
  });
});
