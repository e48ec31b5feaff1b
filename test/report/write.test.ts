import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildReport, writeReport } from "../../src/report/index.js";
import { sampleInput } from "./sample-input.js";

let dir = "";
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("writeReport", () => {
  it("writes report.md and report.html (creating the folder) and leaves no temp files", async () => {
    dir = await mkdtemp(join(tmpdir(), "report-write-"));
    const target = join(dir, "nested", "report");
    const input = sampleInput({}, 200);
    const written = await writeReport(target, input);
    expect(written).toEqual({ markdownPath: join(target, "report.md"), htmlPath: join(target, "report.html") });
    expect((await readdir(target)).sort()).toEqual(["report.html", "report.md"]);
    const built = buildReport(input);
    expect(await readFile(written.markdownPath, "utf8")).toBe(built.markdown);
    expect(await readFile(written.htmlPath, "utf8")).toBe(built.html);
  });

  it("leaves the previous report untouched when the input is invalid", async () => {
    dir = await mkdtemp(join(tmpdir(), "report-write-"));
    await writeFile(join(dir, "report.md"), "old");
    await expect(writeReport(dir, sampleInput({ evalScores: { finqa: 101 } }))).rejects.toThrow(/percentage/);
    expect(await readFile(join(dir, "report.md"), "utf8")).toBe("old");
    expect(await readdir(dir)).toEqual(["report.md"]);
  });
});
