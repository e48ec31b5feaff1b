// The data stage through the real CLI (`dianjin-train data exp.yaml`): kill -9 in the middle of a build and
// rerun → the same bytes as an uninterrupted build; the released data used as it is, with no model call.
import { afterEach, describe, expect, it } from "vitest";
import { execa } from "execa";
import { readFile, readdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cli, cliEnv, CLI, stageState, waitFor } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";
import type { StandInServer } from "../fixtures/openai-server.js";
import { finqaRecords, mcqRecords, outputFiles, standIn, writeSources } from "../stages/data/recipe/fixtures.js";

const RELEASE = fileURLToPath(new URL("../fixtures/data/dianjin-r1", import.meta.url));
const servers: StandInServer[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});

async function experiment(baseUrl: string, dataBlock?: string): Promise<{ file: string; workdir: string; out: string }> {
  const dir = await tempDir("dianjin-data-");
  await writeSources(join(dir, "src"), {
    cflue_mcq: mcqRecords(Array.from({ length: 40 }, (_, i) => ({ gold: "ABCD"[i % 4]!, tags: i % 9 === 4 ? "HARD" : "" }))),
    finqa: finqaRecords(4),
  });
  const ep = (model: string) => `{ model: ${model}, base_url: "${baseUrl}" }`;
  const file = join(dir, "exp.yaml");
  await writeFile(
    file,
    `name: data-int
workdir: runs
model: { base: Qwen/Qwen2.5-0.5B-Instruct }
stages:
  data:
${
  dataBlock ??
  `    sources: { cflue_mcq: src/cflue_mcq.json, finqa: src/finqa.json }
    endpoints: { convert: ${ep("gpt-4o")}, distill: ${ep("deepseek-r1")}, judge: ${ep("gpt-4o")}, check: ${ep("gpt-4o")} }
    concurrency: 2
    convert_fraction: 0.3`
}
`,
  );
  const workdir = join(dir, "runs");
  return { file, workdir, out: join(workdir, "data", "output") };
}

async function lines(file: string): Promise<number> {
  return (await readFile(file, "utf8").catch(() => "")).split("\n").filter(Boolean).length;
}

describe("data stage (CLI)", () => {
  it("kill -9 in the middle of a build, then a rerun: the outputs are byte-identical to an uninterrupted build", async () => {
    const server = await standIn({ latencyMs: 25 });
    servers.push(server);
    const reference = await experiment(server.baseUrl);
    const done = await cli(["data", reference.file]);
    expect(done.exitCode, done.all).toBe(0);
    const expected = await outputFiles(reference.out);
    expect(Object.keys(expected)).toEqual(
      expect.arrayContaining(["sft/cflue_mcq_r1.json", "sft/dataset_info.json", "rl/cflue_mcq_rl_train.parquet", "stats.md", "complete.json"]),
    );

    const killedServer = await standIn({ latencyMs: 40 }); // slower, so the kill lands mid-build
    servers.push(killedServer);
    const exp = await experiment(killedServer.baseUrl);
    const child = execa(process.execPath, [CLI, "data", exp.file], { env: cliEnv(), extendEnv: false, reject: false, all: true });
    await waitFor(async () => (await lines(join(exp.out, "journals", "distill.jsonl"))) >= 8, 30_000, "distillation under way");
    child.kill("SIGKILL");
    const killed = await child;
    expect(killed.signal).toBe("SIGKILL");
    expect(await stat(join(exp.out, "complete.json")).catch(() => undefined)).toBeUndefined();
    let journaled = 0;
    for (const f of await readdir(join(exp.out, "journals"))) journaled += await lines(join(exp.out, "journals", f));
    const completedBefore = killedServer.stats.completed;

    const rerun = await cli(["data", exp.file]);
    expect(rerun.exitCode, rerun.all).toBe(0);
    expect(await outputFiles(exp.out)).toEqual(expected);
    // The rerun sent exactly the requests that were not journaled; only those in flight at the kill (≤ concurrency)
    // had been answered before.
    expect(killedServer.stats.completed - completedBefore).toBe(server.stats.completed - journaled);
    expect(killedServer.duplicateCompletions()).toBeLessThanOrEqual(2);
    expect((await stageState({ ...exp, dir: "" }, "data")).status).toBe("completed");

    const plan = JSON.parse((await cli(["plan", exp.file, "--json"])).stdout) as { stages: Array<{ name: string; action: string }> };
    expect(plan.stages.find((s) => s.name === "data")?.action).toBe("skip");
  });

  it("released: writes the registered SFT files and statistics with zero model calls", async () => {
    const server = await standIn();
    servers.push(server);
    const exp = await experiment(
      server.baseUrl,
      `    released: ${JSON.stringify(RELEASE)}\n    endpoints: { distill: { model: deepseek-r1, base_url: "${server.baseUrl}" } }`,
    );
    const result = await cli(["data", exp.file]);
    expect(result.exitCode, result.all).toBe(0);
    expect(server.stats.requests).toBe(0);
    const info = JSON.parse(await readFile(join(exp.out, "sft", "dataset_info.json"), "utf8"));
    expect(Object.keys(info)).toEqual(["cflue_mcq_r1", "cflue_oe_r1", "fin_qa_r1"]);
    const mcq = JSON.parse(await readFile(join(exp.out, "sft", "cflue_mcq_r1.json"), "utf8")) as Array<{ instruction: string; output: string }>;
    const released = JSON.parse(await readFile(join(RELEASE, "train", "cflue_mcq.json"), "utf8")) as Array<{ instruction: string; output: string }>;
    expect(mcq.map((r) => [r.instruction, r.output])).toEqual(released.map((r) => [r.instruction, r.output]));
    expect(await readFile(join(exp.out, "stats.md"), "utf8")).toMatch(/\| SFT \| CFLUE_MCQ \| cflue_mcq_r1 \| zh \| 2 \|/);
    expect(await stat(join(exp.out, "journals")).catch(() => undefined)).toBeUndefined();
  });

  it("a bad record past the first fails the stage with exit 2 naming the file and record, before any request", async () => {
    const server = await standIn();
    servers.push(server);
    const exp = await experiment(server.baseUrl);
    const file = join(exp.file, "..", "src", "cflue_mcq.json");
    const records = JSON.parse(await readFile(file, "utf8")) as Array<Record<string, unknown>>;
    records[5]!.choices = "{'A': '甲', 'B': 乙}";
    await writeFile(file, JSON.stringify(records));
    const result = await cli(["data", exp.file]);
    expect(result.exitCode, result.all).toBe(2);
    expect(result.stderr).toContain(file);
    expect(result.stderr).toMatch(/record 5 \(line 1\) field choices: is not a readable dict literal/);
    expect(server.stats.requests).toBe(0);
    expect((await stageState({ ...exp, dir: "" }, "data")).status).toBe("failed");
  });

  it("a missing source fails pre-flight with exit 3, naming the key", async () => {
    const server = await standIn();
    servers.push(server);
    const exp = await experiment(
      server.baseUrl,
      `    sources: { cflue_mcq: src/nope.json }\n    endpoints: { distill: { model: r1, base_url: "${server.baseUrl}", api_key_env: DIANJIN_TEST_UNSET_KEY } }\n    convert_fraction: 0\n    filter: { ambiguity_check: false }`,
    );
    const result = await cli(["data", exp.file]);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/stages\.data\.sources\.cflue_mcq: .*nope\.json does not exist/);
    expect(result.stderr).toMatch(/stages\.data\.endpoints\.distill\.api_key_env: environment variable DIANJIN_TEST_UNSET_KEY is not set/);
    expect(server.stats.requests).toBe(0);
  });

  it("an endpoint nothing answers at fails pre-flight with exit 3 naming it, before any request", async () => {
    const server = await standIn({ models: ["deepseek-r1", "gpt-4o"] });
    servers.push(server);
    const port = server.port;
    await server.close(); // the port is now dead
    servers.pop();
    const alive = await standIn({ models: ["gpt-4o"] });
    servers.push(alive);
    const exp = await experiment(
      alive.baseUrl,
      `    sources: { cflue_mcq: src/cflue_mcq.json }
    endpoints: { distill: { model: deepseek-r1, base_url: "http://127.0.0.1:${port}/v1" }, judge: { model: gpt-4o, base_url: "${alive.baseUrl}" }, convert: { model: gpt-4o, base_url: "${alive.baseUrl}" }, check: { model: gpt-5, base_url: "${alive.baseUrl}" } }`,
    );
    const t0 = Date.now();
    const result = await cli(["data", exp.file]);
    expect(result.exitCode, result.all).toBe(3);
    expect(result.stderr).toContain(`stages.data.endpoints.distill: http://127.0.0.1:${port}/v1 (model deepseek-r1): nothing answers (ECONNREFUSED`);
    expect(result.stderr).toMatch(
      /stages\.data\.endpoints\.check: .* \(model gpt-5\): model "gpt-5" is not served: a 1-token completion for model "gpt-5" got HTTP 404 .*\/models lists gpt-4o but not "gpt-5"/,
    );
    expect(alive.stats.requests).toBe(1); // only the 1-token probe for the model /v1/models does not list
    expect(Date.now() - t0).toBeLessThan(30_000);
  });
});
