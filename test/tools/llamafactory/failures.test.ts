import { describe, expect, it } from "vitest";
import { classifyLlamaFactoryFailure } from "../../../src/tools/llamafactory/failures.js";

const AT = { configPath: "stages.sft", forceOption: "--force sft" };

// Log excerpts in the shapes LLaMA-Factory, transformers, torch and torchrun print them.
const CASES: Array<[string, string]> = [
  ["torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.15 GiB", "cuda-oom"],
  ["torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 MiB", "cuda-oom"],
  [
    "[rank3]:[E ProcessGroupNCCL.cpp:616] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=9, OpType=ALLREDUCE, Timeout(ms)=1800000) ran for 1800094 milliseconds before timing out.",
    "nccl-timeout",
  ],
  ["ValueError: Undefined dataset fin_qa_r1 in dataset_info.json.", "dataset-missing"],
  ["ValueError: File /data/x.json not found.", "dataset-missing"],
  ["RuntimeError: Cannot find valid samples, check `data/README.md` for the data format.", "dataset-missing"],
  ["ValueError: Template qwen4 does not exist.", "template-missing"],
  ["ValueError: Some keys are not used by the HfArgumentParser: ['learning_rat']", "unknown-keys"],
  ["ValueError: Output directory already exists and is not empty. Please set `overwrite_output_dir`.", "output-dir-not-empty"],
  ["ValueError: Please use `FORCE_TORCHRUN=1` to launch DeepSpeed training.", "deepspeed-launch"],
  ["  exitcode  : -9 (pid: 1234)\n  error_file: <N/A>\n  traceback : Signal 9 (SIGKILL) received by PID 1234", "host-oom"],
  ["ValueError: Can't find a valid checkpoint at /out/checkpoint-30", "bad-checkpoint"],
  ["FileNotFoundError: [Errno 2] No such file or directory: '/out/checkpoint-30/global_step30/zero_pp_rank_4_mp_rank_00_optim_states.pt'", "bad-checkpoint"],
  ["ImportError: transformers>=4.45.0,<=4.51.3 is required for a normal functioning of this module, but found transformers==4.57.1.", "dependency-version"],
];

describe("classifyLlamaFactoryFailure", () => {
  it.each(CASES)("%s → %s", (log, id) => {
    const cause = classifyLlamaFactoryFailure(`some earlier output\n${log}\nmore output`, AT);
    expect(cause?.id).toBe(id);
    expect(cause!.hint.length).toBeGreaterThan(10);
  });

  it("names the missing dataset and the rejected keys", () => {
    expect(classifyLlamaFactoryFailure("Undefined dataset ccc_r1 in dataset_info.json.", AT)!.summary).toContain("ccc_r1");
    expect(classifyLlamaFactoryFailure("Some keys are not used by the HfArgumentParser: ['a', 'b']", AT)!.summary).toContain("['a', 'b']");
  });

  it("points its hints at the config path and force option it is given", () => {
    const at = { configPath: "stages.pretrain", forceOption: "--force pretrain" };
    expect(classifyLlamaFactoryFailure("Some keys are not used by the HfArgumentParser: ['x']", at)!.hint).toContain("stages.pretrain.args");
    expect(classifyLlamaFactoryFailure("Output directory already exists and is not empty.", at)!.hint).toContain("--force pretrain");
    expect(classifyLlamaFactoryFailure("Undefined dataset d in dataset_info.json.", at)!.hint).not.toContain("stages.sft");
  });

  it("says nothing for an unrecognized failure", () => {
    expect(classifyLlamaFactoryFailure("Segmentation fault", AT)).toBeUndefined();
  });
});
