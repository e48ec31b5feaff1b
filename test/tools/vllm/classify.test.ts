import { describe, expect, it } from "vitest";
import { classifyVllmLog } from "../../../src/tools/vllm/index.js";

// Texts as vLLM prints them (0.8.x and newer wordings).
const CASES: [string, string][] = [
  ["torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 1.02 GiB. GPU 0 has a total capacity of 79.10 GiB of which 356.00 MiB is free.", "cuda-oom"],
  ["ValueError: No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing the engine.", "vllm-no-kv-cache"],
  [
    "ValueError: To serve at least one request with the models's max seq len (32768), (1.75 GiB KV cache is needed, which is larger than the available KV cache memory (0.94 GiB). Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine.",
    "vllm-kv-cache-too-small",
  ],
  [
    "ValueError: The model's max seq len (32768) is larger than the maximum number of tokens that can be stored in KV cache (21440). Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine.",
    "vllm-kv-cache-too-small",
  ],
  [
    "ValueError: User-specified max_model_len (65536) is greater than the derived max_model_len (max_position_embeddings=32768 or model_max_length=None in model's config.json). This may lead to incorrect model outputs or CUDA errors.",
    "vllm-max-model-len",
  ],
  ["ValueError: Total number of attention heads (28) must be divisible by tensor parallel size (8).", "vllm-tp-heads"],
  ["OSError: [Errno 98] Address already in use", "port-in-use"],
  ["ValueError: Free memory on device (30.2/79.1 GiB) on startup is less than desired GPU memory utilization (0.9, 71.2 GiB).", "gpu-busy"],
  ["vllm: error: unrecognized arguments: --enable-reasoning", "vllm-bad-flag"],
  ["OSError: Invalid repository ID or local directory specified: '/nope'.", "vllm-model-not-found"],
  ["RuntimeError: something nobody has seen", "unknown"],
];

describe("classifyVllmLog", () => {
  it.each(CASES)("%s → %s", (line, id) => {
    expect(classifyVllmLog(["INFO starting", line, "Traceback tail"]).id).toBe(id);
  });

  it("puts the numbers from the log into the summary", () => {
    const cause = classifyVllmLog(["ValueError: Total number of attention heads (28) must be divisible by tensor parallel size (8)."]);
    expect(cause.summary).toBe("tensor parallel size 8 does not divide the model's 28 attention heads");
  });

  it("prefers the KV-cache cause over an OOM warning earlier in the same log", () => {
    expect(classifyVllmLog(["WARNING CUDA out of memory during sampler warm-up, retrying", "ValueError: No available memory for the cache blocks."]).id).toBe(
      "vllm-no-kv-cache",
    );
  });
});
