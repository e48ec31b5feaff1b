// The library API: typed results and typed errors, never a silent success.
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { runPipeline, planPipeline, StageError, PreflightError, createLocalLauncher } from "../../src/index.js";
import { cliEnv, makeExperiment } from "../helpers/cli.js";

describe("library API", () => {
  it("runPipeline returns a typed result, then skips on the second call", async () => {
    const exp = await makeExperiment();
    const env = cliEnv();
    const events: string[] = [];
    const first = await runPipeline(exp.file, { env, launcher: createLocalLauncher({ env, pollMs: 50 }), onEvent: (e) => events.push(e.type) });
    expect(first.stages).toEqual([
      expect.objectContaining({ name: "sft", action: "run", status: "completed", outputs: { model: join(exp.workdir, "sft/output") } }),
    ]);
    expect(events).toContain("progress");
    expect(events.at(-1)).toBe("stage-end");
    const second = await runPipeline(exp.file, { env, launcher: createLocalLauncher({ env, pollMs: 50 }) });
    expect(second.stages[0]).toMatchObject({ action: "skip", status: "skipped" });
    expect((await planPipeline(exp.file)).stages[0]!.action).toBe("skip");
  });

  it("throws StageError with the classified cause when the tool fails", async () => {
    const exp = await makeExperiment();
    const env = cliEnv({ LF_STANDIN_FAIL: "nccl", LF_STANDIN_FAIL_AT_STEP: "2" });
    const error = await runPipeline(exp.file, { env, launcher: createLocalLauncher({ env, pollMs: 50 }) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StageError);
    expect((error as StageError).failure.id).toBe("nccl-timeout");
    expect((error as StageError).exitCode).toBe(1);
  });

  it("throws PreflightError listing the problems before anything starts", async () => {
    const exp = await makeExperiment({ sft: "      not_a_key: 1" });
    const env = cliEnv();
    const error = await runPipeline(exp.file, { env }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreflightError);
    expect((error as PreflightError).problems[0]!.path).toBe("stages.sft.args.not_a_key");
  });
});

describe("manifest", () => {
  it("records the git sha and dirty flag of the experiment's repository, versions and host", async () => {
    const { execa } = await import("execa");
    const { readFile, appendFile } = await import("node:fs/promises");
    const exp = await makeExperiment();
    const git = (...args: string[]) => execa("git", ["-C", exp.dir, ...args]);
    await git("init", "-q");
    await git("-c", "user.email=t@t", "-c", "user.name=t", "add", ".");
    await git("-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "exp");
    const sha = (await git("rev-parse", "HEAD")).stdout.trim();
    const env = cliEnv();
    await runPipeline(exp.file, { env, launcher: createLocalLauncher({ env, pollMs: 50 }) });
    const manifest = JSON.parse(await readFile(join(exp.workdir, "manifest.json"), "utf8")) as Record<string, any>;
    expect(manifest.git).toEqual({ sha, dirty: true }); // runs/ is untracked, so the tree is dirty
    expect(manifest.package.name).toBe("dianjin-train");
    expect(manifest.dependencies.zod).toMatch(/^4\./);
    expect(manifest.tools.llamafactory).toMatchObject({ version: "0.9.3" });
    expect(manifest.host.name).toBeTruthy();
    await appendFile(join(exp.dir, ".gitignore"), "runs/\n.gitignore\n");
    await runPipeline(exp.file, { env, launcher: createLocalLauncher({ env, pollMs: 50 }), force: ["sft"] });
    const again = JSON.parse(await readFile(join(exp.workdir, "manifest.json"), "utf8")) as Record<string, any>;
    expect(again.git).toEqual({ sha, dirty: false });
  });
});
