// Before any work: is each endpoint there, does it take our key, does it serve the model? GET <base>/models (vLLM,
// OpenAI, DeepSeek serve it); where that route is not served, a 1-token chat completion. A dead port then fails in
// a second naming the endpoint, instead of after every request's retries.
import { request } from "undici";
import { LLM_DEFAULTS } from "./defaults.js";
import { excerpt, redact } from "./redact.js";

export interface ProbeTarget {
  /** …/v1 */
  baseUrl: string;
  /** Served model name. */
  model: string;
  /** The key value (from the variable the config names); only ever put in the Authorization header. */
  apiKey?: string;
}

export type ProbeProblem = "unreachable" | "unauthorised" | "model-missing";

export interface ProbeFailure {
  baseUrl: string;
  model: string;
  problem: ProbeProblem;
  message: string;
}

/** Probes every target at once; resolves with the failures (empty when all answer). */
export async function probeEndpoints(targets: readonly ProbeTarget[], timeoutMs: number = LLM_DEFAULTS.probeTimeoutMs): Promise<ProbeFailure[]> {
  const results = await Promise.all(targets.map((t) => probeEndpoint(t, timeoutMs)));
  return results.filter((r): r is ProbeFailure => r !== undefined);
}

export async function probeEndpoint(target: ProbeTarget, timeoutMs: number = LLM_DEFAULTS.probeTimeoutMs): Promise<ProbeFailure | undefined> {
  const base = target.baseUrl.replace(/\/+$/, "");
  const headers: Record<string, string> = { accept: "application/json", ...(target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {}) };
  const secrets = target.apiKey ? [target.apiKey] : [];
  const fail = (problem: ProbeProblem, message: string): ProbeFailure => ({ baseUrl: base, model: target.model, problem, message: redact(message, secrets) });
  let listed: { status: number; text: string };
  try {
    listed = await fetchText(`${base}/models`, { method: "GET", headers }, timeoutMs);
  } catch (e) {
    return fail("unreachable", `nothing answers (${networkMessage(e)})`);
  }
  if (listed.status === 401 || listed.status === 403) return fail("unauthorised", `the key was refused (HTTP ${listed.status} from ${base}/models)`);
  if (listed.status === 200) {
    const ids = modelIds(listed.text);
    // An empty or unreadable list says nothing about the model: only a list without it is a failure.
    if (ids.length && !ids.includes(target.model))
      return fail("model-missing", `model "${target.model}" is not served (it serves: ${ids.slice(0, 10).join(", ")})`);
    return undefined;
  }
  // No model list here: ask for one token instead.
  let asked: { status: number; text: string };
  try {
    const body = JSON.stringify({ model: target.model, messages: [{ role: "user", content: "ping" }], max_tokens: 1, stream: false });
    asked = await fetchText(`${base}/chat/completions`, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body }, timeoutMs);
  } catch (e) {
    return fail("unreachable", `no answer to a 1-token completion (${networkMessage(e)})`);
  }
  if (asked.status === 401 || asked.status === 403) return fail("unauthorised", `the key was refused (HTTP ${asked.status} from ${base}/chat/completions)`);
  if (asked.status === 404) return fail("model-missing", `model "${target.model}" is not served (HTTP 404: ${excerpt(asked.text, 200)})`);
  return undefined; // answered (even 429/5xx): reachable; the client retries what is transient
}

async function fetchText(
  url: string,
  init: { method: "GET" | "POST"; headers: Record<string, string>; body?: string },
  timeoutMs: number,
): Promise<{ status: number; text: string }> {
  const res = await request(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  // A body cut after the status line still tells us the server is there.
  const text = await res.body.text().catch(() => "");
  return { status: res.statusCode, text };
}

function modelIds(text: string): string[] {
  try {
    const body = JSON.parse(text) as { data?: unknown };
    return Array.isArray(body.data) ? body.data.map((m) => (m as { id?: unknown }).id).filter((id): id is string => typeof id === "string") : [];
  } catch {
    return [];
  }
}

function networkMessage(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  const name = (e as { name?: unknown }).name;
  if (name === "TimeoutError" || name === "AbortError") return "no answer in time";
  return `${typeof code === "string" ? `${code}: ` : ""}${e instanceof Error ? e.message : String(e)}`;
}

export interface EndpointCheck {
  /** Dotted config path the problem is reported at. */
  path: string;
  target: ProbeTarget;
}

/** Pre-flight problems for the endpoints a stage will call, each distinct endpoint asked once. */
export async function probeProblems(checks: readonly EndpointCheck[], timeoutMs?: number): Promise<Array<{ path: string; message: string }>> {
  const distinct = new Map<string, EndpointCheck>();
  for (const c of checks) {
    const id = JSON.stringify([c.target.baseUrl.replace(/\/+$/, ""), c.target.model, c.target.apiKey ?? ""]);
    if (!distinct.has(id)) distinct.set(id, c);
  }
  const results = await Promise.all([...distinct.values()].map(async (c) => ({ c, failure: await probeEndpoint(c.target, timeoutMs) })));
  return results.flatMap(({ c, failure }) => (failure ? [{ path: c.path, message: `${failure.baseUrl} (model ${failure.model}): ${failure.message}` }] : []));
}
