import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/errors.js";
import {
  API_KEY_ENV_POINTER,
  EVALSCOPE_KEY_LAUNCHER,
  parseEvalscopeVersion,
  renderEvalscopeCommand,
  type EvalscopeRunSpec,
} from "../../../src/tools/evalscope/index.js";

/** The stage and config path problems are reported against, as the eval stage gives them. */
const ORIGIN = { stage: "eval", configPath: "stages.eval.evalscope" };

const v = (text: string) => parseEvalscopeVersion(text)!;
const spec: EvalscopeRunSpec = { model: "dianjin-r1-7b", apiUrl: "http://127.0.0.1:8901/v1", workDir: "/runs/x/eval/evalscope" };

describe("renderEvalscopeCommand, 0.x era (--eval-type service)", () => {
  it("renders the exact argv", () => {
    const c = renderEvalscopeCommand(spec, v("0.14.0"), { origin: ORIGIN });
    expect(c.argv).toEqual([
      "evalscope",
      "eval",
      "--model",
      "dianjin-r1-7b",
      "--api-url",
      "http://127.0.0.1:8901/v1",
      "--eval-type",
      "service",
      "--datasets",
      "math_500",
      "gpqa",
      "--dataset-args",
      '{"gpqa":{"subset_list":["gpqa_diamond"],"few_shot_num":0}}',
      "--generation-config",
      "max_tokens=12288,temperature=0.6,top_p=0.95",
      "--timeout",
      "3600",
      "--stream",
      "--eval-batch-size",
      "64",
      "--work-dir",
      "/runs/x/eval/evalscope",
    ]);
    expect(c).toMatchObject({ era: "service", timestamped: true, modelId: "dianjin-r1-7b", env: {} });
    expect(c.reportFiles).toEqual({ math500: "reports/dianjin-r1-7b/math_500.json", gpqa_diamond: "reports/dianjin-r1-7b/gpqa.json" });
  });
  it("writes integral floats as Python floats and honours limit, seed, stream off and one benchmark", () => {
    const c = renderEvalscopeCommand(
      { ...spec, benchmarks: ["math500"], generation: { temperature: 1, topP: 1, maxTokens: 4096 }, limit: 5, seed: 7, stream: false, evalBatchSize: 8 },
      v("0.17.0"),
      { origin: ORIGIN },
    );
    expect(c.argv).toContain("max_tokens=4096,temperature=1.0,top_p=1.0");
    expect(c.argv).not.toContain("--stream");
    expect(c.argv).not.toContain("--dataset-args");
    expect(c.argv.join(" ")).toContain("--eval-batch-size 8 --limit 5 --seed 7");
  });
});

describe("renderEvalscopeCommand, 1.x era (--eval-type openai_api)", () => {
  it("renders JSON generation config and gpqa_diamond; --no-timestamp from 1.4", () => {
    const c = renderEvalscopeCommand(spec, v("1.4.0"), { origin: ORIGIN });
    expect(c.argv).toEqual([
      "evalscope",
      "eval",
      "--model",
      "dianjin-r1-7b",
      "--api-url",
      "http://127.0.0.1:8901/v1",
      "--eval-type",
      "openai_api",
      "--datasets",
      "math_500",
      "gpqa_diamond",
      "--generation-config",
      '{"max_tokens":12288,"temperature":0.6,"top_p":0.95,"timeout":3600,"stream":true}',
      "--eval-batch-size",
      "64",
      "--work-dir",
      "/runs/x/eval/evalscope",
      "--no-timestamp",
    ]);
    expect(c.timestamped).toBe(false);
    expect(c.reportFiles).toEqual({ math500: "reports/dianjin-r1-7b/math_500.json", gpqa_diamond: "reports/dianjin-r1-7b/gpqa_diamond.json" });
  });
  it("keeps timestamped folders before 1.4 (the flag does not exist there)", () => {
    const c = renderEvalscopeCommand(spec, v("1.3.2"), { origin: ORIGIN });
    expect(c.argv).not.toContain("--no-timestamp");
    expect(c.timestamped).toBe(true);
  });
  it("names reports after the last segment of the model name, like EvalScope's model_id", () => {
    expect(renderEvalscopeCommand({ ...spec, model: "checkpoints/dj-7b/" }, v("1.4.0"), { origin: ORIGIN }).reportFiles.math500).toBe(
      "reports/dj-7b/math_500.json",
    );
  });
});

describe("API key handling", () => {
  it("never puts a key on the command line; without apiKeyEnv there is no --api-key at all", () => {
    for (const ver of ["0.14.0", "1.4.0"]) expect(renderEvalscopeCommand(spec, v(ver), { origin: ORIGIN }).argv).not.toContain("--api-key");
  });
  it("with apiKeyEnv starts EvalScope through the launcher and passes only the variable's name", () => {
    const c = renderEvalscopeCommand({ ...spec, apiKeyEnv: "VLLM_API_KEY" }, v("1.4.0"), { origin: ORIGIN, python: "/opt/venv/bin/python" });
    expect(c.argv.slice(0, 4)).toEqual(["/opt/venv/bin/python", "-c", EVALSCOPE_KEY_LAUNCHER, "eval"]);
    expect(c.argv).not.toContain("--api-key");
    expect(c.env).toEqual({ [API_KEY_ENV_POINTER]: "VLLM_API_KEY" });
  });
  it("rejects something that looks like a key instead of a variable name", () => {
    expect(() => renderEvalscopeCommand({ ...spec, apiKeyEnv: "sk-abc123-xyz" }, v("1.4.0"), { origin: ORIGIN })).toThrow(ConfigError);
  });
});

describe("spec validation", () => {
  it.each([
    [{ apiUrl: "127.0.0.1:8901" }, "apiUrl"],
    [{ apiUrl: "http://user:secret@host/v1" }, "credentials"],
    [{ model: " " }, "model"],
    [{ benchmarks: [] }, "benchmarks"],
    [{ generation: { maxTokens: 0 } }, "maxTokens"],
    [{ generation: { topP: 1.5 } }, "topP"],
    [{ evalBatchSize: 0 }, "evalBatchSize"],
  ] as [Partial<EvalscopeRunSpec>, string][])("rejects %j", (bad, where) => {
    expect(() => renderEvalscopeCommand({ ...spec, ...bad }, v("0.14.0"), { origin: ORIGIN })).toThrow(new RegExp(where));
  });
});
