// What a chain job takes from the submitting environment: the base, the user's list, what the experiment file reads,
// and the secret variables of the job's own stages; nothing another job's stage needs.
import { describe, expect, it } from "vitest";
import { chainExportNames } from "../../src/pipeline/chain-export.js";
import { stageModule } from "../../src/stages/registry.js";
import type { Plan } from "../../src/pipeline/plan.js";

const plan = {
  loaded: {
    variables: ["DATA_ROOT", "HF_HOME"],
    config: {
      cluster: { slurm: { export: ["TEAM"] } },
      stages: { deploy: { api_key_env: "SERVE_KEY" }, eval: { endpoints: { judge: { base_url: "x", api_key_env: "JUDGE_KEY" } } }, sft: {} },
    },
  },
  stages: [
    { name: "sft", render: { secretEnv: { HF_TOKEN: "MY_HF_TOKEN" } } },
    { name: "deploy", render: { secretEnv: { VLLM_API_KEY: "SERVE_KEY" } } },
    { name: "eval", render: {} },
  ].map((s) => ({ ...s, definition: stageModule(s.name) })),
} as unknown as Plan;

describe("chainExportNames", () => {
  it("the server's job: base, user's list, file variables, its stages' secrets; not SFT's token", () => {
    expect(chainExportNames(plan, ["deploy", "eval"])).toEqual([
      "DATA_ROOT",
      "HF_HOME",
      "HOME",
      "JUDGE_KEY",
      "LANG",
      "LC_ALL",
      "LC_CTYPE",
      "LOGNAME",
      "PATH",
      "SERVE_KEY",
      "TEAM",
      "USER",
    ]);
  });

  it("SFT's job gets the variable its render reads the token from", () => {
    const names = chainExportNames(plan, ["sft"]);
    expect(names).toContain("MY_HF_TOKEN");
    expect(names).not.toContain("SERVE_KEY");
    expect(names).not.toContain("JUDGE_KEY");
  });

  it("eval alone (its server already serving) still gets the server's key variable", () => {
    expect(chainExportNames(plan, ["eval"])).toEqual(expect.arrayContaining(["SERVE_KEY", "JUDGE_KEY"]));
  });
});
