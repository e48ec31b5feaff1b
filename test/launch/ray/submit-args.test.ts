import { describe, expect, it } from "vitest";
import { ENTRY_VARIABLE, rayEntrypoint, rayRuntimeEnv, raySubmitArgs } from "../../../src/launch/ray/index.js";

describe("rayEntrypoint", () => {
  it("passes plain argv as words, changing into the job's directory and looking for the tool there first", () => {
    const tool = { name: "verl", command: "python3" };
    expect(rayEntrypoint(["python3", "-m", "verl.trainer.main_ppo", "trainer.nnodes=2"], "/runs/exp", "python3", tool)).toEqual({
      words: [
        ...["cd", "/runs/exp", "&&", "if", "!", "command", "-v", "python3", ">/dev/null;", "then", "echo"],
        "[dianjin-train] tool missing: verl (python3) is not on PATH on the Ray cluster",
        ...[";", "exit", "127;", "fi", "&&", "exec", "python3", "-m", "verl.trainer.main_ppo", "trainer.nnodes=2"],
      ],
      env: {},
    });
  });

  it("sends argv that the shell would change as JSON, with a decoder as the entrypoint", () => {
    const argv = ["python3", "-m", "verl.trainer.main_ppo", "trainer.logger=['console','wandb']", "a b", "$HOME"];
    const entry = rayEntrypoint(argv, "/runs/exp 1", "python3");
    expect(entry.words.slice(0, 2)).toEqual(["python3", "-c"]);
    expect(entry.words[2]).not.toMatch(/[$`]/);
    expect(JSON.parse(entry.env[ENTRY_VARIABLE]!)).toEqual({ argv, cwd: "/runs/exp 1", tool: { name: "python3", command: "python3" } });
  });

  it("refuses an empty argv", () => {
    expect(() => rayEntrypoint([], "/", "python3")).toThrow(/empty/);
  });
});

describe("raySubmitArgs", () => {
  it("builds the exact command line, env in runtime_env.env_vars of the file named by --runtime-env, the entrypoint's GPUs and CPUs (none asked: no option)", () => {
    const request = {
      address: "http://head:8265",
      submissionId: "dianjin-grpo-1",
      entrypoint: { words: ["cd", "/w", "&&", "exec", "python3", "x.py"], env: {} },
      env: { VLLM_USE_V1: "1" },
      runtimeEnv: { pip: ["math-verify"], env_vars: { NCCL_DEBUG: "WARN", VLLM_USE_V1: "0" } },
      entrypointResources: { numGpus: 8, numCpus: 16, memory: 0 },
    };
    expect(rayRuntimeEnv(request)).toEqual({ pip: ["math-verify"], env_vars: { NCCL_DEBUG: "WARN", VLLM_USE_V1: "1" } });
    expect(raySubmitArgs(request, "/tmp/x/runtime_env.yaml")).toEqual([
      "job",
      "submit",
      "--address",
      "http://head:8265",
      "--submission-id",
      "dianjin-grpo-1",
      "--runtime-env",
      "/tmp/x/runtime_env.yaml",
      "--entrypoint-num-gpus",
      "8",
      "--entrypoint-num-cpus",
      "16",
      "--no-wait",
      "--",
      "cd",
      "/w",
      "&&",
      "exec",
      "python3",
      "x.py",
    ]);
  });
});
