import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LogTail } from "../../../src/launch/slurm/tail.js";
import { tempDirs } from "./temp-dirs.js";

const newDir = tempDirs("tail-");

const file = () => join(newDir(), "job.log");

describe("LogTail", () => {
  it("hands out complete lines only, from where it stopped", async () => {
    const path = file();
    const tail = new LogTail(path);
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
    const tail = new LogTail(path);
    expect(await tail.read()).toEqual([]);
    appendFileSync(path, bytes.subarray(4));
    expect(await tail.read()).toEqual(["金融推理"]);
  });

  it("starts at the end when asked, and again at 0 when the file was truncated", async () => {
    const path = file();
    writeFileSync(path, "old\n");
    const tail = await LogTail.fromEnd(path);
    appendFileSync(path, "new\n");
    expect(await tail.read()).toEqual(["new"]);
    writeFileSync(path, "x\n");
    expect(await tail.read()).toEqual(["x"]);
  });
});
