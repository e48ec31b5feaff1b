import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { PreflightError } from "../../../src/errors.js";
import { renderServe } from "../../../src/tools/vllm/index.js";

function flag(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

const held: Server[] = [];
afterEach(() => held.splice(0).forEach((s) => s.close()));

describe("renderServe", () => {
  it("renders vllm serve with explicit dtype, neutral generation config, localhost and a free port", async () => {
    const cmd = await renderServe({
      stage: "deploy",
      configKey: "deploy.vllm",
      model: "/ckpt/hf",
      servedModelName: "dianjin-r1-7b",
      tensorParallelSize: 2,
      maxModelLen: 16384,
      gpus: [2, 3],
    });
    expect(cmd.argv.slice(0, 3)).toEqual(["vllm", "serve", "/ckpt/hf"]);
    expect(flag(cmd.argv, "--served-model-name")).toBe("dianjin-r1-7b");
    expect(flag(cmd.argv, "--dtype")).toBe("bfloat16");
    expect(flag(cmd.argv, "--generation-config")).toBe("vllm");
    expect(flag(cmd.argv, "--host")).toBe("127.0.0.1");
    expect(flag(cmd.argv, "--tensor-parallel-size")).toBe("2");
    expect(flag(cmd.argv, "--max-model-len")).toBe("16384");
    expect(flag(cmd.argv, "--gpu-memory-utilization")).toBe("0.9");
    expect(Number(flag(cmd.argv, "--port"))).toBe(cmd.port);
    expect(cmd.port).toBeGreaterThan(0);
    expect(cmd.baseUrl).toBe(`http://127.0.0.1:${cmd.port}`);
    expect(cmd.env).toEqual({ CUDA_VISIBLE_DEVICES: "2,3" });
  });

  it("passes the API key only through the environment", async () => {
    const cmd = await renderServe({ stage: "deploy", configKey: "deploy.vllm", model: "/m", apiKey: "sk-secret-123" });
    expect(cmd.argv.join(" ")).not.toContain("sk-secret-123");
    expect(cmd.argv.some((a) => a.startsWith("--api-key") || a.startsWith("--api_key"))).toBe(false);
    expect(cmd.env.VLLM_API_KEY).toBe("sk-secret-123");
    expect(cmd.secretEnvKeys).toEqual(["VLLM_API_KEY"]);
  });

  it("refuses an --api-key smuggled in through extra args", async () => {
    await expect(renderServe({ stage: "deploy", configKey: "deploy.vllm", model: "/m", extraArgs: ["--api_key=abc"] })).rejects.toThrow(/visible in ps/);
  });

  it("defaults the served name to the folder name and checks shape errors up front", async () => {
    expect((await renderServe({ stage: "deploy", configKey: "deploy.vllm", model: "/ckpts/DianJin-R1-7B" })).servedModelName).toBe("DianJin-R1-7B");
    const err = await renderServe({
      stage: "deploy",
      configKey: "deploy.vllm",
      model: "/m",
      tensorParallelSize: 2,
      gpus: [0],
      gpuMemoryUtilization: 1.5,
    }).catch((e) => e);
    expect(err).toBeInstanceOf(PreflightError);
    expect(err.message).toContain("1 GPU(s) given for tensor parallel size 2");
    expect(err.message).toContain("gpu_memory_utilization");
  });

  it("refuses a port that is already taken (vLLM would silently share it)", async () => {
    const server = createServer();
    held.push(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    await expect(renderServe({ stage: "deploy", configKey: "deploy.vllm", model: "/m", port })).rejects.toThrow(`port ${port} on 127.0.0.1 is already in use`);
  });
});
