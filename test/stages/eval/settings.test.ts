import { describe, expect, it } from "vitest";
import { evalStageSchema } from "../../../src/stages/eval/config.js";
import { deployStageSchema } from "../../../src/stages/deploy/config.js";
import { maxNumSeqs, modelIdentity, resolveConcurrency, resolveEndpoint, resolveSampling } from "../../../src/stages/eval/settings.js";
import { ReplicaPool } from "../../../src/stages/eval/engine/replicas.js";

const base = { benchmarks: { cflue: { path: "/x.json" } } };

describe("eval settings", () => {
  it("fills every sampling parameter; vLLM extras only for our own server unless set", () => {
    expect(resolveSampling(evalStageSchema.parse(base))).toEqual({
      temperature: 0.6,
      top_p: 0.95,
      max_tokens: 8192,
      n: 1,
      seed: 42,
      top_k: -1,
      repetition_penalty: 1,
    });
    const external = evalStageSchema.parse({ ...base, endpoint: { base_url: "https://api.example.com/v1", model: "m" }, sampling: { temperature: 0 } });
    expect(resolveSampling(external)).toEqual({ temperature: 0, top_p: 0.95, max_tokens: 8192, n: 1, seed: 42 });
  });

  it("defaults concurrency to max_num_seqs per replica", () => {
    const cfg = evalStageSchema.parse(base);
    expect(resolveConcurrency(cfg, undefined, 2)).toBe(512);
    const deploy = deployStageSchema.parse({ extra_args: ["--enforce-eager", "--max-num-seqs", "64"] });
    expect(maxNumSeqs(deploy)).toBe(64);
    expect(maxNumSeqs(deployStageSchema.parse({ extra_args: ["--max_num_seqs=128"] }))).toBe(128);
    expect(resolveConcurrency(cfg, deploy, 4)).toBe(256);
    expect(resolveConcurrency(evalStageSchema.parse({ ...base, concurrency: 7 }), deploy, 4)).toBe(7);
  });

  it("takes the endpoint from config or the deploy outputs, and keys answers by model, not URL", () => {
    const cfg = evalStageSchema.parse(base);
    expect(resolveEndpoint(cfg, { baseUrl: "http://a", baseUrls: "http://a,http://b/v1/", model: "m", apiKeyEnv: "K" })).toEqual({
      baseUrls: ["http://a/v1", "http://b/v1"],
      model: "m",
      apiKeyEnv: "K",
      timeouts: { connectMs: 10_000, idleMs: 120_000, totalMs: 3_600_000 },
    });
    expect(resolveEndpoint(cfg, {})).toBeUndefined();
    expect(modelIdentity(cfg, "abc")).toBe("deploy:abc");
    expect(modelIdentity(evalStageSchema.parse({ ...base, endpoint: { base_url: "http://x/v1", model: "gpt" } }), "abc")).toBe("endpoint:gpt");
  });

  it("timeouts: stage defaults 10 s / 120 s / 3600 s, overridden key by key per endpoint; stream off per endpoint", () => {
    const cfg = evalStageSchema.parse({
      ...base,
      timeouts: { idle_s: 30 },
      endpoint: { base_url: "http://x/v1", model: "gpt", timeouts: { total_s: 90.5 }, stream: false },
    });
    expect(cfg.timeouts).toEqual({ connect_s: 10, idle_s: 30, total_s: 3600 });
    expect(resolveEndpoint(cfg, undefined)).toMatchObject({ timeouts: { connectMs: 10_000, idleMs: 30_000, totalMs: 90_500 }, stream: false });
    expect(() => evalStageSchema.parse({ ...base, timeouts: { idle_s: 0 } })).toThrow();
    expect(() => evalStageSchema.parse({ ...base, timeouts: { idle: 3 } })).toThrow();
  });

  it("rejects an empty benchmark list, unknown keys and a key value in api_key_env", () => {
    expect(() => evalStageSchema.parse({ benchmarks: {} })).toThrow(/at least one benchmark/);
    expect(() => evalStageSchema.parse({ ...base, sampling: { temprature: 1 } })).toThrow();
    expect(() => evalStageSchema.parse({ ...base, endpoint: { base_url: "http://x", model: "m", api_key_env: "sk-123-abc" } })).toThrow(
      /NAME of an environment variable/,
    );
  });
});

describe("ReplicaPool", () => {
  it("sends each request to the replica with the fewest in flight", async () => {
    const pool = new ReplicaPool(["a", "b", "c"]);
    const gates: Array<() => void> = [];
    const used: string[] = [];
    const hold = (name: string) => {
      used.push(name);
      return new Promise<void>((r) => gates.push(r));
    };
    const running = [pool.use(hold), pool.use(hold), pool.use(hold), pool.use(hold)];
    expect(used).toEqual(["a", "b", "c", "a"]);
    expect(pool.load()).toEqual([2, 1, 1]);
    gates[1]!(); // b finishes
    await running[1];
    void pool.use(hold);
    expect(used.at(-1)).toBe("b");
    for (const g of gates) g();
  });
});
