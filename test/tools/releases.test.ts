// Release resolution, "added in / removed in" notes, the committed per-release inventories' facts (as the issue and
// the tools' release notes state them), and the README matrix being the generator's output.
import { describe, expect, it } from "vitest";
import { readFile } from "node:fs/promises";
import { compareVersions, keyPresenceNote, resolveRelease } from "../../src/tools/releases.js";
import { verlReleaseFacts, verlReleases } from "../../src/tools/verl/releases.js";
import { llamafactoryReleases } from "../../src/tools/llamafactory/releases.js";

const root = new URL("../../", import.meta.url);
const LISTED = ["0.3.0.post1", "0.4.0", "0.4.1", "0.5.0", "0.6.0", "0.6.1", "0.7.0"];

describe("resolveRelease", () => {
  it("a listed release, a .post or +local build of one, is that release with no warning", () => {
    expect(resolveRelease("verl", "0.4.1", LISTED)).toEqual({ release: "0.4.1" });
    expect(resolveRelease("verl", "v0.4.1+cu124", LISTED)).toEqual({ release: "0.4.1" });
    expect(resolveRelease("verl", "0.3.0", LISTED)).toEqual({ release: "0.3.0.post1" });
  });

  it("an unlisted version is checked against the nearest older listed release, with a warning", () => {
    const r = resolveRelease("verl", "0.6.2", LISTED)!;
    expect(r.release).toBe("0.6.1");
    expect(r.warning).toMatch(/verl 0\.6\.2 is not a listed release \(0\.3\.0\.post1 … 0\.7\.0\); checked against 0\.6\.1/);
    expect(resolveRelease("LLaMA-Factory", "0.9.3.dev0", ["0.9.2", "0.9.3"])).toMatchObject({
      release: "0.9.2",
      warning: expect.stringMatching(/0\.9\.3\.dev0/),
    });
  });

  it("older than every listed release: the oldest, with a warning; no number: undefined", () => {
    expect(resolveRelease("verl", "0.2.1", LISTED)).toMatchObject({ release: "0.3.0.post1", warning: expect.stringMatching(/oldest listed/) });
    expect(resolveRelease("verl", "unknown", LISTED)).toBeUndefined();
  });

  it("orders .dev before the release and .post after it", () => {
    expect(compareVersions("0.8.0.dev", "0.8.0")).toBeLessThan(0);
    expect(compareVersions("0.3.0.post1", "0.3.0")).toBeGreaterThan(0);
    expect(compareVersions("0.10.0", "0.9.5")).toBeGreaterThan(0);
  });
});

describe("keyPresenceNote", () => {
  const listed = ["0.9.0", "0.9.1", "0.9.2", "0.9.3", "0.9.4", "0.9.5"];
  it("says when a key arrived or left", () => {
    expect(keyPresenceNote("0.9.1", ["0.9.3", "0.9.4", "0.9.5"], listed)).toBe("added in 0.9.3");
    expect(keyPresenceNote("0.9.5", ["0.9.4"], listed)).toBe("removed in 0.9.5");
    expect(keyPresenceNote("0.9.3", ["0.9.0", "0.9.1"], listed)).toBe("removed in 0.9.2");
    expect(keyPresenceNote("0.9.2", ["0.9.0", "0.9.4"], listed)).toBe("removed in 0.9.1, back in 0.9.4");
    expect(keyPresenceNote("0.9.4", ["0.9.4"], listed)).toBeUndefined();
  });
});

describe("the committed inventories", () => {
  it("list the releases the project supports, oldest first", () => {
    expect(verlReleases()).toEqual(LISTED);
    expect(llamafactoryReleases()).toEqual(["0.9.0", "0.9.1", "0.9.2", "0.9.3", "0.9.4", "0.9.5"]);
  });

  it("verl: the file logger from 0.6.0, python -m verl.model_merger from 0.4.1, save_contents from 0.4.1", () => {
    expect(LISTED.filter((r) => verlReleaseFacts(r).fileLogger)).toEqual(["0.6.0", "0.6.1", "0.7.0"]);
    expect(LISTED.filter((r) => verlReleaseFacts(r).modelMerger)).toEqual(["0.4.1", "0.5.0", "0.6.0", "0.6.1", "0.7.0"]);
    expect(LISTED.map((r) => verlReleaseFacts(r).checkpointContents)).toEqual(["contents", "contents", ...Array(5).fill("save_contents")]);
  });

  it("each release file names its source and date", async () => {
    for (const [tool, release] of [
      ["verl", "0.3.0.post1"],
      ["llamafactory", "0.9.3"],
    ] as const) {
      const file = JSON.parse(await readFile(new URL(`src/tools/${tool}/releases/v${release}.json`, root), "utf8")) as {
        source: string;
        date: string;
        generated: string;
      };
      expect(file.source).toContain(`v${release}`);
      expect(file.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(file.generated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });
});

describe("README compatibility matrix", () => {
  it("is the generator's output for the committed indexes (rerun scripts/gen-tool-releases.mjs)", async () => {
    const lib = (await import(new URL("scripts/lib/compat-matrix.mjs", root).href)) as {
      compatibilityMatrix(lf: unknown, verl: unknown): string;
      matrixSection(readme: string): string | undefined;
    };
    const read = async (path: string) => JSON.parse(await readFile(new URL(path, root), "utf8")) as unknown;
    const indexOf = async (tool: string) => ({
      ...((await read(`src/tools/${tool}/releases/index.json`)) as object),
      ...((await read(`src/tools/${tool}/releases/history.json`)) as object),
    });
    const expected = lib.compatibilityMatrix(await indexOf("llamafactory"), await indexOf("verl"));
    const readme = await readFile(new URL("README.md", root), "utf8");
    expect(lib.matrixSection(readme)).toBe(expected);
    // What differs is visible: verl 0.3.0.post1 has neither the file logger nor the merger module.
    expect(readme).toMatch(/\| verl \| 0\.3\.0\.post1 \| 2025-04-03 \| single-file \| `checkpoint\.contents` \| console lines \| shipped seed-era script \|/);
  });
});
