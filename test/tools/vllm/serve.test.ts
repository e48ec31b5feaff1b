// Process tests against the stand-in `vllm` (test/fixtures/bin/vllm), started with the argv renderServe produces.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa, type ResultPromise } from "execa";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { InterruptedError, StageError } from "../../../src/errors.js";
import { isPortFree, renderServe, waitUntilReady, type ServeOptions } from "../../../src/tools/vllm/index.js";
import { TINY_QWEN2_DIR } from "../../fixtures/merge/make-checkpoint.js";
import { waitFor } from "../../helpers/cli.js";

const VLLM = fileURLToPath(new URL("../../fixtures/bin/vllm", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "dj-vllm-"));
const children: ResultPromise[] = [];
const held: Server[] = [];
let n = 0;

async function start(options: Partial<ServeOptions> = {}, env: Record<string, string> = {}, beforeSpawn?: (port: number) => Promise<void>) {
  const cmd = await renderServe({ stage: "deploy", configKey: "deploy.vllm", model: TINY_QWEN2_DIR, servedModelName: "tiny", command: [VLLM], ...options });
  await beforeSpawn?.(cmd.port);
  const logFile = join(dir, `vllm-${n++}.log`);
  const child = execa(cmd.argv[0]!, cmd.argv.slice(1), {
    env: { ...cmd.env, ...env },
    stdout: { file: logFile, append: true },
    stderr: { file: logFile, append: true },
    reject: false,
  });
  children.push(child);
  return { cmd, child, logFile, endpoint: { baseUrl: cmd.baseUrl, model: "tiny", pid: child.pid! } };
}

async function stageError(p: Promise<unknown>): Promise<StageError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(StageError);
  return e as StageError;
}

function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ESRCH";
  }
}

afterEach(async () => {
  for (const c of children.splice(0)) {
    c.kill("SIGKILL");
    await c;
  }
  held.splice(0).forEach((s) => s.close());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FAST = { pollIntervalMs: 100, timeoutMs: 10_000 };

describe("vLLM stand-in + waitUntilReady", () => {
  it("becomes ready after the start-up delay, answers chat with the sampling params, and leaves no process after SIGTERM", async () => {
    const t0 = Date.now();
    const { child, logFile, endpoint, cmd } = await start({}, { VLLM_STANDIN_STARTUP_MS: "600", VLLM_STANDIN_LATENCY_MS: "150" });
    const ready = await waitUntilReady(endpoint, { stage: "deploy", ...FAST, logFile });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(550);
    expect(ready).toMatchObject({ baseUrl: cmd.baseUrl, model: "tiny", maxModelLen: 2048 });

    const t1 = Date.now();
    const res = await fetch(`${cmd.baseUrl}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "tiny", messages: [{ role: "user", content: "1+1?" }], temperature: 0.6, top_p: 0.95, max_tokens: 512, seed: 7 }),
    });
    const body = (await res.json()) as { choices: { message: { content: string }; finish_reason: string }[]; standin_sampling: unknown };
    expect(Date.now() - t1).toBeGreaterThanOrEqual(140);
    expect(body.choices[0]!.message.content).toContain("\\boxed{42}");
    expect(body.choices[0]!.finish_reason).toBe("stop");
    expect(body.standin_sampling).toEqual({ temperature: 0.6, top_p: 0.95, max_tokens: 512, seed: 7 });

    child.kill("SIGTERM");
    const result = await child;
    expect(result.exitCode).toBe(0);
    expect(gone(endpoint.pid)).toBe(true);
    expect(await isPortFree("127.0.0.1", cmd.port)).toBe(true);
    expect(readFileSync(logFile, "utf8")).toContain("Application startup complete");
  });

  it("times out with the log tail when start-up takes too long", async () => {
    const { logFile, endpoint } = await start({}, { VLLM_STANDIN_STARTUP_MS: "60000" });
    // The server has written its first lines (a loaded machine may take longer than the timeout just to start it).
    const started = async () => readFileSync(logFile, "utf8").includes("Initializing a V1 LLM engine");
    await waitFor(async () => await started().catch(() => false), 20_000, "the stand-in server to start");
    const t0 = Date.now();
    const err = await stageError(waitUntilReady(endpoint, { stage: "deploy", pollIntervalMs: 100, timeoutMs: 800, logFile }));
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(err.failure.id).toBe("startup-timeout");
    expect(err.detail.logFile).toBe(logFile);
    expect(err.detail.logTail?.some((l) => l.includes("Initializing a V1 LLM engine"))).toBe(true);
    expect(err.message).toContain("last lines of");
  });

  it.each([
    ["oom", "cuda-oom", "CUDA out of memory"],
    ["kv", "vllm-no-kv-cache", "No available memory for the cache blocks"],
    ["port", "port-in-use", "Address already in use"],
  ])("classifies a start-up crash (VLLM_STANDIN_FAIL=%s → %s)", async (fail, id, text) => {
    const { logFile, endpoint, child } = await start({}, { VLLM_STANDIN_FAIL: fail, VLLM_STANDIN_STARTUP_MS: "200" });
    const err = await stageError(waitUntilReady(endpoint, { stage: "deploy", ...FAST, logFile }));
    expect(err.failure.id).toBe(id);
    expect(err.detail.logTail?.join("\n")).toContain(text);
    expect((await child).exitCode).toBe(1);
  });

  it("classifies a port taken between planning and start as port-in-use", async () => {
    const { logFile, endpoint } = await start({}, {}, async (port) => {
      const blocker = createServer();
      held.push(blocker);
      await new Promise<void>((r) => blocker.listen(port, "127.0.0.1", r));
    });
    const err = await stageError(waitUntilReady(endpoint, { stage: "deploy", ...FAST, logFile }));
    expect(err.failure.id).toBe("port-in-use");
    expect(err.detail.logTail?.join("\n")).toContain("Address already in use");
  });

  it("classifies vLLM's own config check (TP not dividing the heads)", async () => {
    const { logFile, endpoint } = await start({ tensorParallelSize: 3 });
    const err = await stageError(waitUntilReady(endpoint, { stage: "deploy", ...FAST, logFile }));
    expect(err.failure.id).toBe("vllm-tp-heads");
  });

  it("uses the API key from the environment only: not in ps, not in the log; a wrong key fails clearly", async () => {
    const key = "sk-test-d1anj1n";
    const { logFile, endpoint, cmd } = await start({ apiKey: key });
    const cmdline = readFileSync(`/proc/${endpoint.pid}/cmdline`, "utf8");
    expect(cmdline).not.toContain(key);
    await waitUntilReady(endpoint, { stage: "deploy", ...FAST, logFile, apiKey: key });
    expect(readFileSync(logFile, "utf8")).not.toContain(key);
    expect((await fetch(`${cmd.baseUrl}/v1/models`)).status).toBe(401);
    const err = await stageError(waitUntilReady(endpoint, { stage: "deploy", ...FAST, logFile, apiKey: "wrong" }));
    expect(err.failure.id).toBe("vllm-api-key");
  });

  it("fails fast when the server lists another model name", async () => {
    const { logFile, endpoint } = await start();
    const err = await stageError(waitUntilReady({ ...endpoint, model: "other" }, { stage: "deploy", ...FAST, logFile }));
    expect(err.failure.id).toBe("vllm-served-model-name");
    expect(err.failure.summary).toContain('"tiny"');
  });

  it("stops waiting when aborted", async () => {
    const { endpoint } = await start({}, { VLLM_STANDIN_STARTUP_MS: "60000" });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    await expect(waitUntilReady(endpoint, { stage: "deploy", ...FAST, signal: ac.signal })).rejects.toBeInstanceOf(InterruptedError);
  });

  it("stand-in speaks vLLM's chat API: n choices, length cut-off, SSE stream, 404 for an unknown model", async () => {
    const { logFile, endpoint, cmd } = await start();
    await waitUntilReady(endpoint, { stage: "deploy", ...FAST, logFile });
    const post = (body: object) =>
      fetch(`${cmd.baseUrl}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const messages = [{ role: "user", content: "q" }];
    const cut = (await (await post({ model: "tiny", messages, n: 2, max_tokens: 3 })).json()) as {
      choices: { finish_reason: string; message: { content: string } }[];
    };
    expect(cut.choices).toHaveLength(2);
    expect(cut.choices[0]!.finish_reason).toBe("length");
    expect(cut.choices[0]!.message.content).toHaveLength(12);
    const stream = await (await post({ model: "tiny", messages, stream: true, stream_options: { include_usage: true } })).text();
    expect(stream.trim().endsWith("data: [DONE]")).toBe(true);
    expect(stream).toContain('"usage"');
    const missing = await post({ model: "nope", messages });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { message: string }).message).toBe("The model `nope` does not exist.");
  });

  it("rejects an unknown flag with exit code 2, like argparse", async () => {
    const { child, logFile } = await start({ extraArgs: ["--no-such-flag"] });
    expect((await child).exitCode).toBe(2);
    expect(readFileSync(logFile, "utf8")).toContain("unrecognized arguments: --no-such-flag");
  });
});
