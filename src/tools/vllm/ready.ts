// Waits until a vLLM server answers: GET /health == 200, then GET /v1/models lists the served name.
// Before the engine is up vLLM refuses connections, so network errors mean "still starting".
// If the server process dies first, its log says why; that is turned into a StageError.

import { setTimeout as sleep } from "node:timers/promises";
import { InterruptedError, StageError, type FailureCause } from "../../errors.js";
import { classifyVllmLog } from "./classify.js";
import { VLLM_DEFAULTS } from "./defaults.js";
import type { Endpoint, ReadyEndpoint } from "./endpoint.js";
import { readLogTail } from "./log-tail.js";

export interface WaitReadyOptions {
  /** Default 15 minutes. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** The server's log: its tail is classified and shown on failure. */
  logFile?: string;
  /** Sent as a Bearer token to /v1/models (vLLM guards /v1 only). */
  apiKey?: string;
  pollIntervalMs?: number;
  /** The stage that runs the server, named in errors. */
  stage: string;
}

/** Lines searched for the cause; a Python traceback can push the root error well above the last 40. */
const CLASSIFY_LINES = 400;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

type Probe = { state: "down" } | { state: "up"; maxModelLen?: number } | { state: "fatal"; cause: FailureCause };

async function probe(endpoint: Endpoint, options: WaitReadyOptions, signal: AbortSignal): Promise<Probe> {
  const timeout = AbortSignal.timeout(VLLM_DEFAULTS.requestTimeoutMs);
  const requestSignal = AbortSignal.any([signal, timeout]);
  try {
    const health = await fetch(`${endpoint.baseUrl}/health`, { signal: requestSignal });
    await health.body?.cancel();
    if (health.status !== 200) return { state: "down" };
    const headers: Record<string, string> = options.apiKey ? { Authorization: `Bearer ${options.apiKey}` } : {};
    const res = await fetch(`${endpoint.baseUrl}/v1/models`, { headers, signal: requestSignal });
    if (res.status === 401) {
      await res.body?.cancel();
      return {
        state: "fatal",
        cause: {
          id: "vllm-api-key",
          summary: "the server refused the API key (401 on /v1/models)",
          hint: `the client and server must see the same ${VLLM_DEFAULTS.apiKeyEnv}`,
        },
      };
    }
    if (res.status !== 200) {
      await res.body?.cancel();
      return { state: "down" };
    }
    const body = (await res.json()) as { data?: { id?: string; max_model_len?: number }[] };
    const models = body.data ?? [];
    const ours = models.find((m) => m.id === endpoint.model);
    if (ours) return { state: "up", ...(typeof ours.max_model_len === "number" ? { maxModelLen: ours.max_model_len } : {}) };
    // A listing without our name will not change: the server was started with another --served-model-name.
    return {
      state: "fatal",
      cause: {
        id: "vllm-served-model-name",
        summary: `the server is up but serves ${models.map((m) => JSON.stringify(m.id)).join(", ") || "no model"}, not ${JSON.stringify(endpoint.model)}`,
        hint: "another server may hold this port, or the served model name differs from the one the client uses",
      },
    };
  } catch (e) {
    if (signal.aborted) throw e;
    return { state: "down" };
  }
}

export async function waitUntilReady(endpoint: Endpoint, options: WaitReadyOptions): Promise<ReadyEndpoint> {
  const stage = options.stage;
  const timeoutMs = options.timeoutMs ?? VLLM_DEFAULTS.startupTimeoutMs;
  const interval = options.pollIntervalMs ?? VLLM_DEFAULTS.pollIntervalMs;
  const signal = options.signal ?? new AbortController().signal;
  const deadline = Date.now() + timeoutMs;

  const fail = async (cause: FailureCause | undefined, exited: boolean): Promise<never> => {
    const lines = options.logFile ? await readLogTail(options.logFile, CLASSIFY_LINES) : [];
    const found = classifyVllmLog(lines);
    const failure: FailureCause =
      cause ??
      (found.id !== "unknown"
        ? found
        : exited
          ? found
          : {
              id: "startup-timeout",
              summary: `vLLM did not become ready at ${endpoint.baseUrl} within ${Math.round(timeoutMs / 1000)} s`,
              hint: "large models and a first torch.compile take minutes: raise the start-up timeout, or read the log tail for a stuck step",
            });
    throw new StageError(stage, failure, {
      ...(options.logFile ? { logFile: options.logFile } : {}),
      logTail: lines.slice(-VLLM_DEFAULTS.logTailLines),
    });
  };

  // Watches the server process next to the HTTP probe: a port held by something that never answers
  // must not hide that vLLM itself already exited.
  const done = new AbortController();
  const exited = endpoint.pid !== undefined ? watchExit(endpoint.pid, interval, AbortSignal.any([signal, done.signal])) : new Promise<never>(() => {});
  try {
    for (;;) {
      if (signal.aborted) throw new InterruptedError(stage);
      const probing = probe(endpoint, options, AbortSignal.any([signal, done.signal]));
      probing.catch(() => {}); // may lose the race below and reject later on abort
      let result: Probe | "exited";
      try {
        result = await Promise.race([probing, exited.then(() => "exited" as const)]);
      } catch {
        throw new InterruptedError(stage);
      }
      if (result === "exited") return await fail(undefined, true);
      if (result.state === "up") return { ...endpoint, ...(result.maxModelLen !== undefined ? { maxModelLen: result.maxModelLen } : {}) };
      if (result.state === "fatal") return await fail(result.cause, false);
      const left = deadline - Date.now();
      if (left <= 0) return await fail(undefined, false);
      try {
        await Promise.race([sleep(Math.min(interval, left), undefined, { signal }), exited]);
      } catch {
        throw new InterruptedError(stage);
      }
    }
  } finally {
    done.abort();
  }
}

/** Resolves once the process is gone; never resolves if `signal` aborts first. */
async function watchExit(pid: number, interval: number, signal: AbortSignal): Promise<void> {
  while (alive(pid)) {
    try {
      await sleep(interval, undefined, { signal });
    } catch {
      return new Promise<never>(() => {});
    }
  }
}
