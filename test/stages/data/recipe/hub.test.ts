import { describe, expect, it } from "vitest";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { downloadArgv, downloadFromHub, hubDir } from "../../../../src/stages/data/recipe/index.js";
import { StageError } from "../../../../src/errors.js";
import { tempDir } from "../../../helpers/tmp.js";

const FAKE = fileURLToPath(new URL("./bin/fake-hub.mjs", import.meta.url));
const cli = { huggingface: [process.execPath, FAKE], modelscope: [process.execPath, FAKE] };

describe("hub downloads", () => {
  it("builds each provider's own download argv", () => {
    expect(
      downloadArgv({ id: "tongyi_dianjin/CFLUE", provider: "modelscope", file: "k.json", revision: "v1" }, ["k.json"], "/d", {
        huggingface: ["hf"],
        modelscope: ["modelscope"],
      }),
    ).toEqual(["modelscope", "download", "--dataset", "tongyi_dianjin/CFLUE", "k.json", "--local_dir", "/d", "--revision", "v1"]);
    expect(
      downloadArgv({ id: "DianJin/DianJin-R1-Data", provider: "huggingface" }, ["train/a.json"], "/d", { huggingface: ["huggingface-cli"], modelscope: ["m"] }),
    ).toEqual(["huggingface-cli", "download", "DianJin/DianJin-R1-Data", "train/a.json", "--repo-type", "dataset", "--local-dir", "/d"]);
  });

  it("downloads once, then reuses the folder for the same spec", async () => {
    const root = await tempDir();
    const log = join(root, "calls.log");
    const env = { ...process.env, FAKE_HUB_LOG: log };
    const spec = { id: "org/cflue", provider: "huggingface" as const, file: "data/k.json" };
    const dir = await downloadFromHub(spec, ["data/k.json"], root, cli, { env });
    expect(dir).toBe(hubDir(root, spec));
    expect(JSON.parse(await readFile(join(dir, "data/k.json"), "utf8"))).toHaveLength(1);
    await downloadFromHub(spec, ["data/k.json"], root, cli, { env });
    expect((await readFile(log, "utf8")).trim().split("\n")).toHaveLength(1);
  });

  it("a failed download is a StageError with the tool's last lines and a hint", async () => {
    const root = await tempDir();
    const error = (await downloadFromHub({ id: "org/x", provider: "modelscope", file: "a.json" }, ["a.json"], root, cli, {
      env: { ...process.env, FAKE_HUB_FAIL: "1" },
    }).then(
      () => undefined,
      (e: unknown) => e,
    )) as StageError;
    expect(error).toBeInstanceOf(StageError);
    expect(error.failure.id).toBe("download-failed");
    expect(error.failure.hint).toMatch(/pip install modelscope/);
    expect(error.detail.logTail?.join("\n")).toMatch(/401 Client Error/);
    const missing = (await downloadFromHub({ id: "org/x", provider: "huggingface", file: "a.json" }, ["a.json"], root, {
      huggingface: ["/nonexistent/hf-cli"],
      modelscope: ["m"],
    }).then(
      () => undefined,
      (e: unknown) => e,
    )) as StageError;
    expect(missing.failure.id).toBe("tool-missing");
  });
});
