// Before any work: does each endpoint answer for the model with our key? GET <base>/models first (vLLM, OpenAI,
// DeepSeek serve it): the model listed there passes at once. A list without the model, or a 401/403/404 there, does
// not prove a request would fail — gateways list other names than they route (LiteLLM's wildcard routes list "*",
// BerriAI/litellm#4903; Azure lists deployments by another name) or guard the listing with other rights than the
// completions — so a 1-token chat completion for the model decides, and only its failure is a refusal, naming the
// endpoint, the model and the HTTP status. A dead port fails in a second instead of after every request's retries.
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

export type ProbeProblem = "unreachable" | "unauthorised" | "model-missing" | "refused";

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

/** A completion answered with these is transient or a server fault: the endpoint is there, the client retries. */
const TRANSIENT = new Set([408, 409, 429]);

function completionProblem(status: number): ProbeProblem | undefined {
  if (status < 400 || status >= 500 || TRANSIENT.has(status)) return undefined;
  if (status === 401 || status === 403) return "unauthorised";
  return status === 404 ? "model-missing" : "refused";
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
  const ids = listed.status === 200 ? modelIds(listed.text) : [];
  // Listed, or an empty or unreadable list (which says nothing about the model): nothing more to ask.
  if (listed.status === 200 && (!ids.length || ids.includes(target.model))) return undefined;
  const why =
    listed.status === 200 ? `${base}/models lists ${ids.slice(0, 10).join(", ")} but not "${target.model}"` : `${base}/models answered HTTP ${listed.status}`;
  let asked: { status: number; text: string };
  try {
    const body = JSON.stringify({ model: target.model, messages: [{ role: "user", content: "ping" }], max_tokens: 1, stream: false });
    asked = await fetchText(`${base}/chat/completions`, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body }, timeoutMs);
  } catch (e) {
    return fail("unreachable", `no answer to a 1-token completion for model "${target.model}" (${networkMessage(e)}; ${why})`);
  }
  const problem = completionProblem(asked.status);
  if (!problem) return undefined; // answered (or a transient 429/5xx): reachable; the client retries what is transient
  const what =
    problem === "unauthorised" ? "the key was refused" : problem === "model-missing" ? `model "${target.model}" is not served` : "the request was refused";
  return fail(
    problem,
    `${what}: a 1-token completion for model "${target.model}" got HTTP ${asked.status} from ${base}/chat/completions (${excerpt(asked.text, 200)}); ${why}`,
  );
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
