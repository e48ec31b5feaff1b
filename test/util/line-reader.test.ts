import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LineReader, tailLines } from "../../src/util/line-reader.js";
import { tempDirs } from "../launch/slurm/temp-dirs.js";

const newDir = tempDirs("line-reader-");

const file = () => join(newDir(), "job.log");

describe("LineReader", () => {
  it("hands out complete lines only, from where it stopped", async () => {
    const path = file();
    const tail = new LineReader(path);
    expect(await tail.read()).toEqual([]); // no file yet
    writeFileSync(path, "one\ntw");
    expect(await tail.read()).toEqual(["one"]);
    appendFileSync(path, "o\r\nthree\n");
    expect(await tail.read()).toEqual(["two", "three"]);
    expect(await tail.read()).toEqual([]);
    appendFileSync(path, "last, no newline");
    expect(await tail.drain()).toEqual(["last, no newline"]);
  });

  it("does not split a UTF-8 character cut between two reads", async () => {
    const path = file();
    const bytes = Buffer.from("金融推理\n");
    writeFileSync(path, bytes.subarray(0, 4));
    const tail = new LineReader(path);
    expect(await tail.read()).toEqual([]);
    appendFileSync(path, bytes.subarray(4));
    expect(await tail.read()).toEqual(["金融推理"]);
  });

  it("starts at the end when asked, and again at 0 when the file was truncated", async () => {
    const path = file();
    writeFileSync(path, "old\n");
    const tail = await LineReader.fromEnd(path);
    appendFileSync(path, "new\n");
    expect(await tail.read()).toEqual(["new"]);
    writeFileSync(path, "x\n");
    expect(await tail.read()).toEqual(["x"]);
  });
});

describe("tailLines", () => {
  it("gives the last lines, without the empty one after the final newline", async () => {
    const path = file();
    writeFileSync(path, "a\nb\r\nc\nd\n");
    expect(await tailLines(path, 2)).toEqual(["c", "d"]);
    expect(await tailLines(path, 10)).toEqual(["a", "b", "c", "d"]);
  });

  it("drops the first line when only the end of the file was read, and is empty for a missing file", async () => {
    const path = file();
    writeFileSync(path, "0123456789\nshort\nend");
    expect(await tailLines(path, 10, 12)).toEqual(["short", "end"]);
    expect(await tailLines(`${path}.missing`)).toEqual([]);
  });
});
