// The pre-flight probe against the stand-ins: /v1/models when it lists the model; otherwise (another list, 401/403/404
// there, no route) a 1-token completion decides, and only its failure is a refusal naming the endpoint, the model and
// the HTTP status; a dead port; the key never appears in a message.
import { afterEach, describe, expect, it } from "vitest";
import { createServer } from "node:net";
import { startOpenAIServer, type StandInServer } from "../fixtures/openai-server.js";
import { startGateway, type Gateway } from "../fixtures/gateway-server.js";
import { probeEndpoint, probeProblems } from "../../src/llm/probe.js";

const KEY = "sk-probe-SECRET-987654";
const servers: Array<StandInServer | Gateway> = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});
async function gateway(options: Parameters<typeof startGateway>[0]) {
  const g = await startGateway(options);
  servers.push(g);
  return g;
}
async function server(options: Parameters<typeof startOpenAIServer>[0]) {
  const s = await startOpenAIServer(options);
  servers.push(s);
  return s;
}

/** A port that was just free: connecting to it is refused. */
async function deadPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe("probeEndpoint", () => {
  it("passes when /v1/models lists the model, with the key", async () => {
    const s = await server({ models: ["m"], apiKey: KEY });
    expect(await probeEndpoint({ baseUrl: s.baseUrl, model: "m", apiKey: KEY })).toBeUndefined();
    expect(s.stats.modelListings).toBe(1);
    expect(s.stats.requests).toBe(0);
  });

  it("a model vLLM does not list nor serve: the completion's 404 decides, named with the status and the listing", async () => {
    const s = await server({ models: ["other"], apiKey: KEY });
    expect(await probeEndpoint({ baseUrl: s.baseUrl, model: "m", apiKey: KEY })).toMatchObject({
      problem: "model-missing",
      message: expect.stringMatching(
        new RegExp(
          `^model "m" is not served: a 1-token completion for model "m" got HTTP 404 from ${s.baseUrl}/chat/completions .*; ${s.baseUrl}/models lists other but not "m"$`,
        ),
      ),
    });
    expect(s.stats.requests).toBe(1);
    const bad = await probeEndpoint({ baseUrl: s.baseUrl, model: "other", apiKey: "sk-wrong-1234" });
    expect(bad).toMatchObject({ problem: "unauthorised", message: expect.stringMatching(/^the key was refused: .* got HTTP 401 .*models answered HTTP 401$/) });
    expect(JSON.stringify(bad)).not.toContain("sk-wrong-1234");
  });

  it('a LiteLLM wildcard gateway lists only "*": the completion for the model answers, so it passes', async () => {
    const g = await gateway({ listing: ["*"], routes: (m) => m.startsWith("deepseek"), apiKey: KEY });
    expect(await probeEndpoint({ baseUrl: g.baseUrl, model: "deepseek-r1", apiKey: KEY })).toBeUndefined();
    expect(g.asked).toEqual(["GET /v1/models", "POST /v1/chat/completions"]);
    // A model no route takes: refused with the gateway's 400 and its words.
    const failure = await probeEndpoint({ baseUrl: g.baseUrl, model: "qwen-max", apiKey: KEY });
    expect(failure).toMatchObject({ baseUrl: g.baseUrl, model: "qwen-max", problem: "refused" });
    expect(failure!.message).toContain("got HTTP 400 from " + g.baseUrl + "/chat/completions");
    expect(failure!.message).toContain("Invalid model name passed in model=qwen-max");
  });

  it("/v1/models answers 401 while completions accept the key: passes; a wrong key is refused by the completion too", async () => {
    const g = await gateway({ listing: { status: 401 }, routes: () => true, apiKey: KEY });
    expect(await probeEndpoint({ baseUrl: g.baseUrl, model: "gpt-4o", apiKey: KEY })).toBeUndefined();
    const wrong = await probeEndpoint({ baseUrl: g.baseUrl, model: "gpt-4o", apiKey: "sk-wrong-5678" });
    expect(wrong).toMatchObject({ problem: "unauthorised" });
    expect(wrong!.message).toContain(`got HTTP 401 from ${g.baseUrl}/chat/completions`);
    expect(JSON.stringify(wrong)).not.toContain("sk-wrong-5678");
  });

  it("without /v1/models, asks for one token: an answer passes, a refused key fails", async () => {
    const s = await server({ models: false });
    expect(await probeEndpoint({ baseUrl: s.baseUrl, model: "m" })).toBeUndefined();
    expect([s.stats.modelListings, s.stats.requests]).toEqual([1, 1]); // GET /v1/models (404 here), then the 1-token completion
    const strict = await server({ models: false, apiKey: KEY });
    expect(await probeEndpoint({ baseUrl: strict.baseUrl, model: "m" })).toMatchObject({ problem: "unauthorised" });
  });

  it("a dead port is unreachable, reported per distinct endpoint at its config path", async () => {
    const port = await deadPort();
    const base = `http://127.0.0.1:${port}/v1`;
    const problems = await probeProblems([
      { path: "stages.data.endpoints.distill", target: { baseUrl: base, model: "r1" } },
      { path: "stages.data.endpoints.judge", target: { baseUrl: `${base}/`, model: "r1" } },
    ]);
    expect(problems).toEqual([
      {
        path: "stages.data.endpoints.distill",
        message: expect.stringMatching(new RegExp(`^http://127.0.0.1:${port}/v1 \\(model r1\\): nothing answers \\(ECONNREFUSED`)),
      },
    ]);
  });
});
