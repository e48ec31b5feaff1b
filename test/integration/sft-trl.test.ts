// SFT with `stages.sft.backend: trl` end to end through the real CLI, with the stand-in `trl` on PATH
// (test/fixtures/bin/trl, written from TRL's documented behaviour).
import { describe, expect, it } from "vitest";
import { readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import YAML from "yaml";
import { ROOT, cli, readJson, stageState } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

const QUICKSTART = join(ROOT, "configs/quickstart-trl.yaml");

async function quickstart(...sets: string[]) {
  const dir = await tempDir("dianjin-trl-");
  const workdir = join(dir, "runs");
  const args = [QUICKSTART, "--set", `workdir=${workdir}`, ...sets.flatMap((s) => ["--set", s])];
  return { dir, workdir, args, exp: { dir, file: QUICKSTART, workdir } };
}

const events = async (workdir: string) =>
  (await readFile(join(workdir, "events.jsonl"), "utf8"))
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, any>);

describe("sft with the trl backend", () => {
  it("plans `trl sft --config` with one YAML and a GPU estimate from TRL's defaults, without the tool installed", async () => {
    const q = await quickstart();
    const planned = await cli(["plan", ...q.args, "--json"], { standins: false });
    expect(planned.exitCode).toBe(0);
    const sft = (JSON.parse(planned.stdout) as { stages: Array<Record<string, any>> }).stages[0]!;
    const yamlPath = join(q.workdir, "sft/rendered/trl_sft.yaml");
    expect(sft.command).toEqual(["trl", "sft", "--config", yamlPath]);
    expect(sft.env).toEqual({ CUDA_VISIBLE_DEVICES: "0" });
    expect(sft.resources).toMatchObject({ gpus: 1, fit: "fits" });
    expect(sft.resources.notes.join("\n")).toMatch(/cutoff 2048 × micro batch 1, gradient checkpointing on/);
    // Unset max_length is TRL's 1024, not LLaMA-Factory's 2048.
    const unset = join(q.dir, "no-max-length.yaml");
    const text = (await readFile(QUICKSTART, "utf8"))
      .replace(/^\s+max_length: .*\n/m, "")
      .replace("data/quickstart_sft.json", join(ROOT, "configs/data/quickstart_sft.json"));
    await writeFile(unset, text);
    const defaults = await cli(["plan", unset, "--set", `workdir=${q.workdir}`, "--json"], { standins: false });
    expect(JSON.parse(defaults.stdout).stages[0].resources.notes.join("\n")).toMatch(/cutoff 1024 × micro batch 1/);

    const out = join(q.dir, "out");
    expect((await cli(["plan", ...q.args, "--out", out], { standins: false })).exitCode).toBe(0);
    const rendered = YAML.parse(await readFile(join(out, "sft/trl_sft.yaml"), "utf8"), { version: "1.1" }) as Record<string, unknown>;
    expect(rendered).toMatchObject({
      model_name_or_path: "Qwen/Qwen2.5-0.5B-Instruct",
      dataset_name: join(q.workdir, "sft/trl-data"),
      output_dir: join(q.workdir, "sft/output"),
      max_length: 2048,
      learning_rate: 1e-5,
    });
    expect(rendered).not.toHaveProperty("resume_from_checkpoint");
  });

  it("trains, resumes from the last complete checkpoint after a crash mid-save, skips when done, reports a loss curve", async () => {
    const q = await quickstart();
    const crashed = await cli(["run", ...q.args], { env: { TRL_STANDIN_HALF_CHECKPOINT_AT: "6" } });
    expect(crashed.exitCode).not.toBe(0);
    const output = join(q.workdir, "sft/output");
    expect((await readdir(output)).sort()).toEqual(["checkpoint-2", "checkpoint-4", "checkpoint-6"]);
    // The data was converted once to TRL's conversational format.
    const converted = (await readFile(join(q.workdir, "sft/trl-data/train.jsonl"), "utf8")).trim().split("\n");
    expect(JSON.parse(converted[0]!).messages.map((m: { role: string }) => m.role)).toEqual(["user", "assistant"]);

    const resumed = await cli(["run", ...q.args]);
    expect(resumed.exitCode, resumed.all).toBe(0);
    // TRL does not resume by itself: the rendered YAML names checkpoint-4 (checkpoint-6 has no trainer_state.json).
    const yaml = YAML.parse(await readFile(join(q.workdir, "sft/rendered/trl_sft.yaml"), "utf8"), { version: "1.1" }) as Record<string, unknown>;
    expect(yaml.resume_from_checkpoint).toBe(join(output, "checkpoint-4"));
    expect(await readFile(join(q.workdir, "sft/logs/attempt-2.log"), "utf8")).toMatch(/Continuing training from checkpoint, will skip to saved global_step 4/);
    expect((await readdir(join(q.workdir, "sft/set-aside"))).some((n) => n.startsWith("checkpoint-6.incomplete"))).toBe(true);
    expect(await stageState(q.exp)).toMatchObject({ status: "completed" });

    const progress = (await events(q.workdir)).filter((e) => e.event === "progress" && e.stage === "sft");
    expect(progress.some((e) => e.total === 12 && typeof e.metrics.loss === "number")).toBe(true);
    expect(progress.at(-1)).toMatchObject({ step: 12, total: 12 });

    const again = await cli(["run", ...q.args]);
    expect(again.exitCode).toBe(0);
    expect(again.all).toMatch(/sft: skipped — up to date/);

    expect((await cli(["report", ...q.args])).exitCode).toBe(0);
    const md = await readFile(join(q.workdir, "report/report.md"), "utf8");
    // Steps 1–4 from the crashed attempt and 5–12 from the resumed one (its replayed steps replace earlier ones).
    expect(md).toMatch(/SFT loss vs step\]\(report\.html#sft-loss\): 12 points, steps 1–12/);
  });

  it("probes the version with `trl env` and refuses keys that release does not read (exit 3, all listed)", async () => {
    const q = await quickstart("stages.sft.args.torch_dtype=bfloat16", "stages.sft.args.truncation_mode=keep_end", "stages.sft.args.cutoff_len=1024");
    const stated = await cli(["plan", ...q.args, "--set", "tools.trl.version=0.29.1"]);
    expect(stated.exitCode).toBe(3);
    expect(stated.stderr).toMatch(/stages\.sft\.args\.torch_dtype: TRL 0\.29\.1 does not read torch_dtype \(removed in 0\.27\.2\)/);
    expect(stated.stderr).toMatch(/stages\.sft\.args\.truncation_mode: TRL 0\.29\.1 does not read truncation_mode \(added in 1\.0\.0\)/);
    expect(stated.stderr).toMatch(/stages\.sft\.args\.cutoff_len: `trl sft` reads no key "cutoff_len"/);
    expect(stated.stderr).not.toMatch(/\n\s+at /);

    // Not stated: `run` asks the installed TRL (`trl env`) and checks against what it says.
    const probed = await quickstart("stages.sft.args.torch_dtype=bfloat16");
    const ran = await cli(["run", ...probed.args], { env: { TRL_STANDIN_VERSION: "0.26.2" } });
    expect(ran.exitCode, ran.all).toBe(0);
    const newer = await quickstart("stages.sft.args.torch_dtype=bfloat16");
    const refused = await cli(["run", ...newer.args], { env: { TRL_STANDIN_VERSION: "1.9.0" } });
    expect(refused.exitCode).toBe(3);
    expect(refused.stderr).toMatch(/TRL 1\.9\.0 does not read torch_dtype \(removed in 0\.27\.2\)/);
    expect(await readdir(join(newer.workdir, "sft")).catch(() => [])).not.toContain("output");
  });

  it("several GPUs and DeepSpeed go through --accelerate_config: a rendered file, or a name TRL ships", async () => {
    const q = await quickstart("cluster.gpus_per_node=2", "stages.sft.deepspeed=zero3");
    const planned = JSON.parse((await cli(["plan", ...q.args, "--json"], { standins: false })).stdout).stages[0];
    const accelerate = join(q.workdir, "sft/rendered/accelerate.yaml");
    expect(planned.command).toEqual(["trl", "sft", "--config", join(q.workdir, "sft/rendered/trl_sft.yaml"), "--accelerate_config", accelerate]);
    const out = join(q.dir, "out");
    await cli(["plan", ...q.args, "--out", out], { standins: false });
    const file = YAML.parse(await readFile(join(out, "sft/accelerate.yaml"), "utf8")) as Record<string, any>;
    expect(file).toMatchObject({
      distributed_type: "DEEPSPEED",
      num_machines: 1,
      num_processes: 2,
      machine_rank: 0,
      main_process_ip: "127.0.0.1",
      main_process_port: 29500,
    });
    expect(file.deepspeed_config.deepspeed_config_file).toBe(join(q.workdir, "sft/rendered/ds_zero3.json"));
    expect((await readdir(join(out, "sft"))).sort()).toEqual(["accelerate.yaml", "ds_zero3.json", "restart.py", "trl_sft.yaml"]);

    const shipped = await quickstart("cluster.gpus_per_node=2", "stages.sft.accelerate_config=zero3", "tools.trl.version=1.0.0");
    expect(JSON.parse((await cli(["plan", ...shipped.args, "--json"], { standins: false })).stdout).stages[0].command.slice(-2)).toEqual([
      "--accelerate_config",
      "zero3",
    ]);
    const unknown = await cli(["plan", ...shipped.args, "--set", "stages.sft.accelerate_config=zero9"]);
    expect(unknown.exitCode).toBe(3);
    expect(unknown.stderr).toMatch(/stages\.sft\.accelerate_config: TRL 1\.0\.0 ships no accelerate config "zero9"/);
  });

  it("several nodes: one rendered accelerate file, and a per-node wrapper adding the node's rank and the head's address", async () => {
    const q = await quickstart("cluster.launcher=slurm", "cluster.nodes=2", "cluster.gpus_per_node=2", "stages.sft.deepspeed=zero3");
    const planned = await cli(["plan", ...q.args, "--json"], { standins: false });
    expect(planned.exitCode, planned.all).toBe(0);
    const rendered = join(q.workdir, "sft/rendered");
    const accelerate = join(rendered, "accelerate.yaml");
    expect(JSON.parse(planned.stdout).stages[0].command).toEqual([
      "python3",
      join(rendered, "accelerate_node.py"),
      "trl",
      "sft",
      "--config",
      join(rendered, "trl_sft.yaml"),
      "--accelerate_config",
      accelerate,
    ]);
    const out = join(q.dir, "out");
    expect((await cli(["plan", ...q.args, "--out", out], { standins: false })).exitCode).toBe(0);
    const file = YAML.parse(await readFile(join(out, "sft/accelerate.yaml"), "utf8")) as Record<string, any>;
    expect(file).toMatchObject({ num_machines: 2, num_processes: 4, distributed_type: "DEEPSPEED" });
    // One accelerate launcher per node, as Slurm starts them (pdsh would ssh to the other nodes itself).
    expect(file.deepspeed_config.deepspeed_multinode_launcher).toBe("standard");

    // A shipped config is for one machine: the layout goes as flags, which win over it.
    const shipped = await cli(
      ["plan", ...q.args, "--set", "stages.sft.accelerate_config=zero3", "--set", "stages.sft.deepspeed=none", "--set", "tools.trl.version=1.0.0", "--json"],
      { standins: false },
    );
    expect(shipped.exitCode, shipped.all).toBe(0);
    expect(JSON.parse(shipped.stdout).stages[0].command.slice(-6)).toEqual(["--accelerate_config", "zero3", "--num_machines", "2", "--num_processes", "4"]);
    // Only the Slurm per-node script gives each node its rank.
    const ray = await cli(["plan", ...q.args, "--set", "cluster.launcher=ray", "--set", "cluster.ray.address=http://127.0.0.1:8265"], { standins: false });
    expect(ray.exitCode).toBe(3);
    expect(ray.stderr).toMatch(/cluster\.launcher: the trl backend runs on several nodes under the slurm launcher/);
  });

  it("a failure is classified from TRL's log with the backend known from the run, not from the log", async () => {
    const q = await quickstart();
    const failed = await cli(["run", ...q.args], { env: { TRL_STANDIN_FAIL: "oom" } });
    expect(failed.exitCode).not.toBe(0);
    expect(failed.stderr).toMatch(/a GPU ran out of memory/);
    expect(failed.stderr).toMatch(/stages\.sft\.args\.per_device_train_batch_size or max_length/);
    expect((await readJson<{ stages: Record<string, any> }>(join(q.workdir, "state.json"))).stages.sft.status).toBe("failed");
  });
});
