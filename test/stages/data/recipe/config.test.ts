import { describe, expect, it } from "vitest";
import { dataStageSchema } from "../../../../src/stages/data/config.js";
import { clientModels } from "../../../../src/stages/data/recipe/requests.js";

const ep = { model: "m", base_url: "http://127.0.0.1:8000/v1" };
const all = { convert: ep, distill: ep, judge: ep, check: ep };

function issues(input: unknown): string[] {
  const r = dataStageSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

describe("stages.data schema", () => {
  it("fills the defaults: 3 attempts, the registry names, seeded conversion", () => {
    const c = dataStageSchema.parse({ sources: { cflue_mcq: "a.json" }, endpoints: all });
    expect(c.max_attempts).toBe(3);
    expect(c.outputs).toEqual({ cflue_mcq: "cflue_mcq_r1", cflue_oe: "cflue_oe_r1", finqa: "fin_qa_r1", ccc: "ccc_r1", rl: "cflue_mcq_rl" });
    expect(c.endpoints.distill?.send_seed).toBe(true);
    expect(c.hub_cli.huggingface).toEqual(["huggingface-cli"]);
  });

  it("timeouts: 10 s connect, 120 s idle, 3600 s total by default; an endpoint overrides key by key and can turn streaming off", () => {
    const c = dataStageSchema.parse({
      sources: { cflue_mcq: "a.json" },
      endpoints: { ...all, judge: { ...ep, model: "j", timeouts: { idle_s: 5 }, stream: false } },
      timeouts: { total_s: 600 },
    });
    expect(c.timeouts).toEqual({ connect_s: 10, idle_s: 120, total_s: 600 });
    const models = clientModels(c);
    expect(models["distill:m"]).toMatchObject({ timeouts: { connectMs: 10_000, idleMs: 120_000, totalMs: 600_000 } });
    expect(models["distill:m"]?.stream).toBeUndefined();
    expect(models["judge:j"]).toMatchObject({ timeouts: { connectMs: 10_000, idleMs: 5_000, totalMs: 600_000 }, stream: false });
    expect(issues({ sources: { cflue_mcq: "a.json" }, endpoints: all, timeouts: { idle_s: -1 } })).toEqual([expect.stringMatching(/^timeouts.idle_s/)]);
  });

  it("needs sources or released, not both", () => {
    expect(issues({})).toEqual([expect.stringMatching(/^sources: give at least one source/)]);
    expect(issues({ released: "/d", sources: { finqa: "f.json" }, endpoints: all })).toEqual([expect.stringMatching(/^released: use either/)]);
    expect(issues({ released: "/d" })).toEqual([]);
    expect(issues({ released: { hub: { id: "DianJin/DianJin-R1-Data" } } })).toEqual([]);
  });

  it("names each endpoint the sources need", () => {
    expect(issues({ sources: { cflue_mcq: "a.json" }, endpoints: { distill: ep } })).toEqual([
      expect.stringMatching(/^endpoints.judge: required/),
      expect.stringMatching(/^endpoints.convert: required/),
      expect.stringMatching(/^endpoints.check: required/),
    ]);
    expect(issues({ sources: { cflue_mcq: "a.json" }, endpoints: { distill: ep }, convert_fraction: 0, filter: { ambiguity_check: false } })).toEqual([]);
  });

  it("is strict: unknown keys, a hub source without a file, an API key in place of a variable name", () => {
    expect(issues({ sources: { cflue_mcq: "a.json" }, endpoints: all, max_attempt: 3 }).join("\n")).toMatch(/max_attempt/);
    expect(issues({ sources: { finqa: { hub: { id: "x/finqa", provider: "huggingface" } } }, endpoints: all }).join("\n")).toMatch(/needs `file`/);
    expect(issues({ sources: { finqa: "f.json" }, endpoints: { ...all, judge: { ...ep, api_key_env: "sk-abc123" } } }).join("\n")).toMatch(
      /endpoints.judge.api_key_env: an environment variable name/,
    );
  });
});
