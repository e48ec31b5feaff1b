// No step barrier: a request that hangs delays only its own item. While one item's distillation is held silent by
// the stand-in, every other item goes through check, conversion, distillation (all its attempts) and the judge; the
// heartbeat names the endpoint and model, the silence and when the idle timeout fires. Released, the build ends with
// the same bytes as a build where nothing hung.
import { afterEach, describe, expect, it } from "vitest";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { buildData } from "../../../../src/stages/data/recipe/index.js";
import { waitFor } from "../../../helpers/cli.js";
import { tempDir } from "../../../helpers/tmp.js";
import type { ChatBody, StandInServer } from "../../../fixtures/openai-server.js";
import { FAST_CLIENT, finqaRecords, mcqRecords, outputFiles, recipeConfig, standIn, writeSources } from "./fixtures.js";

const servers: StandInServer[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});

async function lines(file: string): Promise<number> {
  return (await readFile(file, "utf8").catch(() => "")).split("\n").filter(Boolean).length;
}

describe("data build without a step barrier", () => {
  it("one hung distillation holds only its item: every other item is judged and retried meanwhile; the outputs equal an unhung build", async () => {
    const dir = await tempDir("recipe-nobarrier-");
    const mcq = mcqRecords(Array.from({ length: 12 }, (_, i) => ({ gold: "ABCD"[i % 4]!, tags: i === 0 ? "STUCK NOCONV" : i % 5 === 2 ? "HARD" : "" })));
    const paths = await writeSources(join(dir, "src"), { cflue_mcq: mcq, finqa: finqaRecords(3) });
    const extra = { timeouts: { idle_s: 600 } };

    const clean = await standIn();
    servers.push(clean);
    const cleanOut = join(dir, "clean");
    await buildData({ config: recipeConfig(paths, clean.baseUrl, extra), outputDir: cleanOut, downloadRoot: dir, client: FAST_CLIENT });
    const distills = await lines(join(cleanOut, "journals", "distill.jsonl"));
    const judged = await lines(join(cleanOut, "journals", "judge.jsonl"));
    expect(judged).toBeGreaterThan(0);

    let holding = true;
    const stuck = (body: ChatBody) => holding && body.model === "deepseek-r1" && (body.messages.at(-1)?.content ?? "").includes("STUCK");
    const server = await standIn({ holdIf: stuck });
    servers.push(server);
    const out = join(dir, "held");
    const said: string[] = [];
    const build = buildData({
      config: recipeConfig(paths, server.baseUrl, extra),
      outputDir: out,
      downloadRoot: dir,
      client: FAST_CLIENT,
      heartbeatMs: 50,
      log: (line) => said.push(line),
    });
    const failed = build.then(
      () => "the build ended while a request was held",
      (e: unknown) => String(e),
    );
    // Everything but the held request is answered and journaled while it hangs (with a barrier, no judge request
    // would be sent before every distillation had come back).
    await waitFor(
      async () => {
        const ended = await Promise.race([failed, new Promise<undefined>((r) => setTimeout(r, 0, undefined))]);
        if (ended) throw new Error(ended);
        return (
          server.held() === 1 &&
          (await lines(join(out, "journals", "distill.jsonl"))) === distills - 1 &&
          (await lines(join(out, "journals", "judge.jsonl"))) === judged
        );
      },
      30_000,
      "every other item to finish while one request is held",
    );
    // The heartbeat says what is waited on, how long it has been silent, and when its idle timeout fires.
    const beat =
      /^distill: \d+\/\d+ done, 1 in flight to deepseek-r1 at http:\/\/127\.0\.0\.1:\d+\/v1 \(longest attempt (\d+) s; silent (\d+) s, idle timeout 600 s fires in (\d+) s\)$/;
    await waitFor(async () => said.some((l) => Number(beat.exec(l)?.[2]) >= 1), 30_000, "a heartbeat after a second of silence");
    const [, longest, silent, firesIn] = beat.exec(said.findLast((l) => beat.test(l))!)!.map(Number);
    expect(longest).toBeGreaterThanOrEqual(silent!);
    expect(Math.abs(silent! + firesIn! - 600)).toBeLessThanOrEqual(1);

    holding = false;
    server.releaseHeld(); // the dropped connection is retried, and answered
    const result = await build;
    expect(result.counts.unfinished).toBe(0);
    expect(await outputFiles(out)).toEqual(await outputFiles(cleanOut));
    expect(server.duplicateCompletions()).toBe(0);
  });
});
