// The pre-flight probe against the stand-in: /v1/models when served (model listed or not, key right or wrong), a
// 1-token completion when it is not, a dead port; the key never appears in a message.
import { afterEach, describe, expect, it } from "vitest";
import { createServer } from "node:net";
import { startOpenAIServer, type StandInServer } from "../fixtures/openai-server.js";
import { probeEndpoint, probeProblems } from "../../src/llm/probe.js";

const KEY = "sk-probe-SECRET-987654";
const servers: StandInServer[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});
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

  it("names a model the server does not list, and a refused key without revealing it", async () => {
    const s = await server({ models: ["other"], apiKey: KEY });
    expect(await probeEndpoint({ baseUrl: s.baseUrl, model: "m", apiKey: KEY })).toMatchObject({
      problem: "model-missing",
      message: expect.stringMatching(/"m" is not served \(it serves: other\)/),
    });
    const bad = await probeEndpoint({ baseUrl: s.baseUrl, model: "other", apiKey: "sk-wrong-1234" });
    expect(bad).toMatchObject({ problem: "unauthorised" });
    expect(JSON.stringify(bad)).not.toContain("sk-wrong-1234");
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
