// A run killed with SIGKILL part-way and started again must end with exactly the output of an uninterrupted
// run, without re-sending work that was recorded before the kill.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startOpenAIServer, type StandInServer } from "../fixtures/openai-server.js";
import { compileLlmModule } from "./helpers/compile-llm.js";

const CHILD = fileURLToPath(new URL("./child/journaled-run.mjs", import.meta.url));
const KEY = "sk-child-key-never-written-77";
const N = 60;
let moduleDir: string;
let server: StandInServer;

beforeAll(async () => {
  moduleDir = await compileLlmModule();
  server = await startOpenAIServer({ latencyMs: 25, apiKey: KEY });
});
afterAll(async () => {
  await server?.close();
  if (moduleDir) await rm(moduleDir, { recursive: true, force: true });
});

function startChild(journal: string) {
  const child = spawn(process.execPath, [CHILD, moduleDir, server.baseUrl, journal, String(N), "4"], {
    env: { ...process.env, DJ_CHILD_KEY: KEY },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

async function journalLines(file: string): Promise<string[]> {
  const text = await readFile(file, "utf8").catch(() => "");
  return text.split("\n").filter((l) => l.length > 0);
}

describe("kill -9 and resume", () => {
  it("rerun after SIGKILL gives output identical to an uninterrupted run, with no recorded item sent again", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kill-resume-"));

    const reference = await startChild(join(dir, "reference.jsonl")).done;
    expect(reference.stderr).toBe("");
    expect(reference.code).toBe(0);

    const journal = join(dir, "killed.jsonl");
    const first = startChild(journal);
    // Kill once a good part (but not all) of the work is recorded.
    for (let i = 0; i < 400 && (await journalLines(journal)).length < N / 3; i++) await new Promise((r) => setTimeout(r, 10));
    first.child.kill("SIGKILL");
    const killed = await first.done;
    expect(killed.signal).toBe("SIGKILL");
    expect(killed.stdout).toBe("");
    const recorded = (await journalLines(journal)).filter((l) => l.endsWith("}"));
    expect(recorded.length).toBeGreaterThan(0);
    expect(recorded.length).toBeLessThan(N);

    const receivedBefore = new Map(server.stats.receivedByHash);
    const rerun = await startChild(journal).done;
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toBe(reference.stdout);
    expect(JSON.parse(rerun.stdout)).toHaveLength(N);

    // The journal holds each item exactly once; the API key is nowhere in it.
    const lines = await journalLines(journal);
    const keys = lines.map((l) => (JSON.parse(l) as { key: string }).key);
    expect(keys).toHaveLength(N);
    expect(new Set(keys).size).toBe(N);
    expect(await readFile(journal, "utf8")).not.toContain(KEY);
    expect((await stat(journal)).size).toBeGreaterThan(0);

    // Items recorded before the kill were not sent again by the rerun.
    const recordedContents = new Set(recorded.map((l) => (JSON.parse(l) as { value: { content: string } }).value.content));
    for (let i = 0; i < N; i++) {
      const body = { model: "m", messages: [{ role: "user", content: `item ${i}` }], temperature: 0, stream: false };
      const hash = server.hashBody(body);
      const content = (JSON.parse(reference.stdout) as { ok: string }[])[i]!.ok;
      if (recordedContents.has(content)) expect(server.stats.receivedByHash.get(hash)).toBe(receivedBefore.get(hash));
    }
    await rm(dir, { recursive: true, force: true });
  });
});
