// The SFT data pre-flight refuses exactly what Python's json (and so LLaMA-Factory's `datasets` loader, which opens
// the file as UTF-8 text) refuses: a byte order mark, control bytes (NULs padding a file), text after the value.
// Each file is first shown to fail in python3 itself, then `plan` must exit 3 naming the file and the byte offset.
import { spawnSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hasPython } from "../helpers/python.js";
import { cli, makeExperiment } from "../helpers/cli.js";

// As `datasets` does: the file opened as encoding="utf-8" text; JSON Lines read one json value per line.
const PY_LOAD = `
import json, sys
path = sys.argv[1]
with open(path, encoding="utf-8") as f:
    if path.endswith(".jsonl"):
        for line in f:
            if line.strip():
                json.loads(line)
    else:
        json.load(f)
`;

function pythonError(file: string): string | undefined {
  const r = spawnSync("python3", ["-c", PY_LOAD, file], { encoding: "utf8" });
  return r.status === 0 ? undefined : (r.stderr.trim().split("\n").at(-1) ?? "failed");
}

const record = (i: number) => ({ instruction: `问题 ${i}`, input: "", output: `<think>\n${i}\n</think>\n\n<answer>\\boxed{${i}}</answer>` });
const array = (n: number) => Buffer.from(JSON.stringify(Array.from({ length: n }, (_, i) => record(i))));
const lines = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => JSON.stringify(record(i)) + "\n").join(""));

const CASES: Array<{ name: string; file: string; bytes: () => Buffer; python: RegExp; ours: (b: Buffer) => RegExp }> = [
  {
    name: "a UTF-8 byte order mark",
    file: "bom.json",
    bytes: () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), array(3)]),
    python: /Unexpected UTF-8 BOM/,
    ours: () => /byte order mark \(BOM\) at byte 0/,
  },
  {
    name: "NUL bytes after a valid array",
    file: "nul-tail.json",
    bytes: () => Buffer.concat([array(3), Buffer.alloc(4096)]),
    python: /Extra data/,
    ours: (b) => new RegExp(`control byte 0x00 \\(NUL\\) at byte ${b.length - 4096}:`),
  },
  {
    name: "a NUL inside a string of record 2000 (past the records that are parsed whole)",
    file: "nul-string.jsonl",
    bytes: () => {
      const b = lines(3000);
      const at = b.indexOf("问题 2000") + Buffer.byteLength("问题 ");
      b[at] = 0;
      return b;
    },
    python: /Invalid control character/,
    ours: (b) => new RegExp(`control byte 0x00 \\(NUL\\) at byte ${b.indexOf(0)}:`),
  },
  {
    name: "text after the value on line 2001 of JSON Lines",
    file: "tail.jsonl",
    bytes: () => {
      const text = lines(3000).toString();
      const cut = text.split("\n");
      cut[2000] += " 附注";
      return Buffer.from(cut.join("\n"));
    },
    python: /Extra data/,
    ours: (b) => new RegExp(`record 2000 \\(byte ${b.indexOf(JSON.stringify(record(2000)))}\\) is not valid JSON`),
  },
  {
    name: "text after the closing ] of an array",
    file: "after.json",
    bytes: () => Buffer.concat([array(3), Buffer.from("\n附注")]),
    python: /Extra data/,
    ours: (b) => new RegExp(`text after the closing \\] of the array at byte ${b.length - Buffer.byteLength("附注")}`),
  },
];

describe("dataset pre-flight matches Python's json", () => {
  for (const c of CASES) {
    it.skipIf(!hasPython())(`${c.name}: python3 rejects it, and plan exits 3 naming the file and byte offset (needs python3)`, async () => {
      const exp = await makeExperiment();
      const bytes = c.bytes();
      const file = join(exp.dir, "data", c.file);
      await writeFile(file, bytes);
      expect(pythonError(file)).toMatch(c.python);
      const result = await cli(["plan", exp.file, "--set", `stages.sft.dataset_files.fin.path=${file}`]);
      expect(result.exitCode, result.all).toBe(3);
      expect(result.stderr).toContain(`stages.sft.dataset_files.fin.path: ${file}: `);
      expect(result.stderr).toMatch(c.ours(bytes));
      expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
    });
  }

  it.skipIf(!hasPython())("what python3 reads (whitespace around the array, CRLF lines, a blank last line) passes (needs python3)", async () => {
    const exp = await makeExperiment();
    const json = join(exp.dir, "data", "ok.json");
    const jsonl = join(exp.dir, "data", "ok.jsonl");
    await writeFile(json, Buffer.concat([Buffer.from(" \t\r\n"), array(1500), Buffer.from("\r\n\n")]));
    await writeFile(jsonl, lines(1500).toString().replaceAll("\n", "\r\n") + "\r\n");
    for (const file of [json, jsonl]) {
      expect(pythonError(file)).toBeUndefined();
      const result = await cli(["plan", exp.file, "--set", `stages.sft.dataset_files.fin.path=${file}`]);
      expect(result.exitCode, result.all).toBe(0);
    }
  });
});
