// data → sft: the SFT stage trains on the files the data stage registered (released DianJin-R1-Data mode, no LLM).
import { describe, expect, it } from "vitest";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cli, stageState } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

const RELEASED = fileURLToPath(new URL("../fixtures/data/dianjin-r1", import.meta.url));

describe("data then sft", () => {
  it("SFT reads the datasets the data stage built; a changed data stage makes SFT stale", async () => {
    const dir = await tempDir("dianjin-dsft-");
    const file = join(dir, "exp.yaml");
    await writeFile(
      file,
      `name: dsft
workdir: runs
model: { base: Qwen/Qwen2.5-0.5B-Instruct }
cluster: { gpus_per_node: 1 }
stages:
  data: { released: ${JSON.stringify(RELEASED)} }
  sft:
    datasets: [cflue_mcq_r1, cflue_oe_r1, fin_qa_r1]
    deepspeed: none
    args: { per_device_train_batch_size: 1, logging_steps: 1, save_strategy: steps, save_steps: 5, num_train_epochs: 1 }
`,
    );
    const result = await cli(["run", file]);
    expect(result.exitCode, result.all).toBe(0);
    expect((await stageState({ workdir: join(dir, "runs") } as never, "data")).status).toBe("completed");
    expect((await stageState({ workdir: join(dir, "runs") } as never, "sft")).status).toBe("completed");
    const info = JSON.parse(await readFile(join(dir, "runs/sft/rendered/dataset_info.json"), "utf8")) as Record<string, { file_name: string }>;
    expect(Object.keys(info).sort()).toEqual(["cflue_mcq_r1", "cflue_oe_r1", "fin_qa_r1"]);
    for (const entry of Object.values(info)) expect(entry.file_name.startsWith(join(dir, "runs/data/output"))).toBe(true);

    const again = JSON.parse((await cli(["plan", file, "--json"])).stdout) as { stages: Array<{ name: string; action: string }> };
    expect(again.stages.map((s) => s.action)).toEqual(["skip", "skip"]);

    // A different data seed rebuilds the data; SFT is then stale because its input changed upstream.
    const stale = JSON.parse((await cli(["plan", file, "--json", "--set", "stages.data.seed=7"])).stdout) as {
      stages: Array<{ name: string; action: string; reason: string }>;
    };
    expect(stale.stages.map((s) => s.action)).toEqual(["run", "run"]);
    expect(stale.stages[1]!.reason).toMatch(/upstream\.data/);
  });
});
