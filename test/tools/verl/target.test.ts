// Which verl a stage renders for, from the stated or probed version.
import { describe, expect, it } from "vitest";
import { verlTarget } from "../../../src/tools/verl/target.js";

describe("verlTarget", () => {
  it("a listed release: its tree, its file logger and merger, no warning", () => {
    expect(verlTarget("0.3.0.post1", "stated")).toEqual({
      era: "0.3.0.post1",
      release: "0.3.0.post1",
      known: true,
      fileLogger: false,
      modelMerger: false,
      warnings: [],
    });
    expect(verlTarget("0.4.1", "probed")).toMatchObject({ era: "0.4.1", fileLogger: false, modelMerger: true, warnings: [] });
    expect(verlTarget("0.6.0")).toMatchObject({ era: "0.6.0", fileLogger: true, modelMerger: true, warnings: [] });
  });

  it("between listed releases: the nearest older one, with a warning", () => {
    const t = verlTarget("0.5.2");
    expect(t).toMatchObject({ era: "0.5.0", release: "0.5.0", fileLogger: false });
    expect(t.warnings[0]).toMatch(/verl 0\.5\.2 is not a listed release/);
  });

  it("newer than every listed release: the kept main snapshot, with a warning", () => {
    const t = verlTarget("0.8.0.dev");
    expect(t).toMatchObject({ era: "current", known: true, fileLogger: true });
    expect(t.release).toBeUndefined();
    expect(t.warnings[0]).toMatch(/newer than the listed releases \(newest 0\.7\.0\)/);
  });

  it("unknown: no file logger, and the warning says whether the probe failed or was not run", () => {
    expect(verlTarget(undefined, "unknown")).toMatchObject({ era: "current", known: false, fileLogger: false });
    expect(verlTarget(undefined, "unknown").warnings[0]).toMatch(/not stated and was not probed yet \(plan runs no tool\)/);
    expect(verlTarget(undefined, "probe-failed").warnings[0]).toMatch(/asking the installed tool failed/);
  });
});
