// Secrets planted through every path (tool args, tool env, tracking, an endpoint) reach the tool only through its
// environment: no file written and no line printed holds them.
import { describe, expect, it } from "vitest";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { allFiles } from "../helpers/files.js";
import { cli, makeExperiment, readJson } from "../helpers/cli.js";

const PLANTED = {
  MY_HUB_TOKEN: "planted-hub-7f3a9c1e",
  TRACKER_SECRET: "planted-tracker-5d2b8e",
  TEAM_PROJECT: "planted-listed-41c6aa",
  ENDPOINT_TOKEN: "planted-endpoint-93be07",
};

describe("secrets", () => {
  it("planted values never reach a written file or a printed line, and reach the tool through its environment", async () => {
    const exp = await makeExperiment({
      top: `secrets: [TEAM_PROJECT]
tracking: { backends: [wandb], project: "\${TEAM_PROJECT}" }
tools:
  llamafactory:
    env: { WANDB_API_KEY: "\${TRACKER_SECRET}", PLAIN_SETTING: visible-but-masked-value }`,
      sft: '      hub_token: "${MY_HUB_TOKEN}"',
    });
    const printed: string[] = [];
    const plan = await cli(["plan", exp.file, "--out", join(exp.dir, "out")], { env: PLANTED });
    printed.push(plan.all ?? "");
    expect(plan.exitCode, plan.all).toBe(0);
    expect(plan.stdout).toMatch(/env from your environment .*HF_TOKEN=\$MY_HUB_TOKEN/);
    expect(plan.stdout).toMatch(/WANDB_API_KEY=\$TRACKER_SECRET/);
    expect(plan.stdout).toMatch(/WANDB_PROJECT=\$TEAM_PROJECT/);
    expect(plan.stdout).toContain("PLAIN_SETTING=***");
    const json = await cli(["plan", exp.file, "--json"], { env: PLANTED });
    printed.push(json.all ?? "");
    expect(json.stdout).not.toContain("visible-but-masked-value");

    const run = await cli(["run", exp.file], { env: PLANTED });
    printed.push(run.all ?? "");
    expect(run.exitCode, run.all).toBe(0);
    const seen = await readJson<{ HF_TOKEN_LENGTH?: number; WANDB_PROJECT_LENGTH?: number; args: Record<string, unknown> }>(
      join(exp.workdir, "sft/output/standin-env.json"),
    );
    expect(seen.HF_TOKEN_LENGTH).toBe(PLANTED.MY_HUB_TOKEN.length);
    expect(seen.WANDB_PROJECT_LENGTH).toBe(PLANTED.TEAM_PROJECT.length);
    for (const command of [
      ["status", exp.file],
      ["logs", exp.file, "sft"],
    ])
      printed.push((await cli(command, { env: PLANTED })).all ?? "");

    // An endpoint URL holding a secret: planned (and refused or not), but never printed or written.
    const endpoint = await makeExperiment();
    await writeFile(join(endpoint.dir, "cflue.jsonl"), `${JSON.stringify({ id: "1", question: "q", options: { A: "a", B: "b" }, answer: "A" })}\n`);
    const evalOnly = join(endpoint.dir, "eval.yaml");
    await writeFile(
      evalOnly,
      `name: endpoint-test
workdir: runs
model: { base: Qwen/Qwen2.5-0.5B-Instruct }
stages:
  eval:
    benchmarks: { cflue: { path: cflue.jsonl } }
    endpoint: { base_url: "http://127.0.0.1:9/\${ENDPOINT_TOKEN}/v1", model: standin }
`,
    );
    for (const command of ["plan", "run"]) {
      const result = await cli([command, evalOnly, "--out", join(endpoint.dir, "out")].slice(0, command === "plan" ? 4 : 2), { env: PLANTED });
      expect([0, 1, 2, 3], result.all).toContain(result.exitCode);
      printed.push(result.all ?? "");
    }

    const files = [...(await allFiles(exp.dir)), ...(await allFiles(endpoint.dir))];
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const text = await readFile(file, "latin1");
      for (const value of Object.values(PLANTED)) expect(text, file).not.toContain(value);
    }
    for (const text of printed) for (const value of Object.values(PLANTED)) expect(text).not.toContain(value);
  });
});
