// Pre-flight probes through the real CLI (`plan`, which runs the whole pre-flight) against gateways that answer
// completions for models their /v1/models does not show: a LiteLLM wildcard route (lists "*") and a gateway whose
// listing answers 401 while completions accept the key. The data stage's endpoints and the eval endpoint alike pass;
// a model the gateway will not route is refused (exit 3) naming the endpoint, the model and the HTTP status.
import { afterEach, describe, expect, it } from "vitest";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { cli } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";
import { startGateway, type Gateway } from "../fixtures/gateway-server.js";
import { mcqRecords, writeSources } from "../stages/data/recipe/fixtures.js";

const KEY = "sk-gateway-SECRET-24680";
const gateways: Gateway[] = [];
afterEach(async () => {
  while (gateways.length) await gateways.pop()!.close();
});
async function gateway(options: Parameters<typeof startGateway>[0]): Promise<Gateway> {
  const g = await startGateway(options);
  gateways.push(g);
  return g;
}

async function experiment(stages: string): Promise<string> {
  const dir = await tempDir("dianjin-gw-");
  await writeSources(join(dir, "src"), { cflue_mcq: mcqRecords(Array.from({ length: 8 }, (_, i) => ({ gold: "ABCD"[i % 4]!, tags: "" }))) });
  await writeFile(join(dir, "cflue.jsonl"), `${JSON.stringify({ id: "q0", prompt: "问题", answer: "A" })}\n`);
  const file = join(dir, "exp.yaml");
  await writeFile(file, `name: gw\nworkdir: runs\nmodel: { base: Qwen/Qwen2.5-0.5B-Instruct }\nstages:\n${stages}`);
  return file;
}

const dataStage = (baseUrl: string, distill: string) => `  data:
    sources: { cflue_mcq: src/cflue_mcq.json }
    endpoints:
      distill: { model: ${distill}, base_url: "${baseUrl}", api_key_env: GW_KEY }
    convert_fraction: 0
    filter: { ambiguity_check: false }
`;

const evalStage = (baseUrl: string, model: string) => `  eval:
    benchmarks: { cflue: { path: cflue.jsonl } }
    endpoint: { base_url: "${baseUrl}", model: ${model}, api_key_env: GW_KEY }
`;

describe("probes refuse only what fails", () => {
  it('a LiteLLM wildcard gateway listing only "*": data and eval endpoints pass pre-flight by a 1-token completion', async () => {
    const g = await gateway({ listing: ["*"], routes: (m) => ["deepseek-r1", "fin-r1"].includes(m), apiKey: KEY });
    const file = await experiment(dataStage(g.baseUrl, "deepseek-r1") + evalStage(g.baseUrl, "fin-r1"));
    const result = await cli(["plan", file], { standins: false, env: { GW_KEY: KEY } });
    expect(result.exitCode, result.all).toBe(0);
    expect(g.completionsFor.sort()).toEqual(["deepseek-r1", "fin-r1"]);
    expect(result.all).not.toContain(KEY);
  });

  it("the same gateway refuses a model no route takes: exit 3 naming the endpoint, the model and the HTTP status", async () => {
    const g = await gateway({ listing: ["*"], routes: (m) => m === "deepseek-r1", apiKey: KEY });
    const file = await experiment(dataStage(g.baseUrl, "qwen-max") + evalStage(g.baseUrl, "fin-r1"));
    const result = await cli(["plan", file], { standins: false, env: { GW_KEY: KEY } });
    expect(result.exitCode, result.all).toBe(3);
    expect(result.stderr).toContain(
      `stages.data.endpoints.distill: ${g.baseUrl} (model qwen-max): the request was refused: a 1-token completion for model "qwen-max" got HTTP 400 from ${g.baseUrl}/chat/completions`,
    );
    expect(result.stderr).toContain(
      `stages.eval.endpoint: ${g.baseUrl} (model fin-r1): the request was refused: a 1-token completion for model "fin-r1" got HTTP 400`,
    );
    expect(result.stderr).toContain(`${g.baseUrl}/models lists * but not "fin-r1"`);
    expect(result.stderr).toContain("Invalid model name passed in model=qwen-max");
    expect(result.all).not.toContain(KEY);
  });

  it("/v1/models answers 401 while completions take the key: passes; a wrong key is refused by the completion, exit 3", async () => {
    const g = await gateway({ listing: { status: 401 }, routes: () => true, apiKey: KEY });
    const file = await experiment(dataStage(g.baseUrl, "deepseek-r1") + evalStage(g.baseUrl, "fin-r1"));
    const ok = await cli(["plan", file], { standins: false, env: { GW_KEY: KEY } });
    expect(ok.exitCode, ok.all).toBe(0);
    const wrong = await cli(["plan", file], { standins: false, env: { GW_KEY: "sk-wrong-13579" } });
    expect(wrong.exitCode).toBe(3);
    expect(wrong.stderr).toContain(
      `stages.eval.endpoint: ${g.baseUrl} (model fin-r1): the key was refused: a 1-token completion for model "fin-r1" got HTTP 401 from ${g.baseUrl}/chat/completions`,
    );
    expect(wrong.stderr).toMatch(/stages\.data\.endpoints\.distill: .*the key was refused: .*HTTP 401.*models answered HTTP 401/);
    expect(wrong.all).not.toContain("sk-wrong-13579");
  });
});
