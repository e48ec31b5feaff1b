// Mutated experiment files (seeded, so every run tries the same ones) end in exit 0, 2 or 3, never an internal error.
import { describe, expect, it } from "vitest";
import { cp, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { loadExperiment } from "../../src/config/load.js";
import { planFromLoaded } from "../../src/pipeline/plan.js";
import { preflightPlan } from "../../src/pipeline/preflight.js";
import { isDianjinError } from "../../src/errors.js";
import { mulberry32 } from "../helpers/prng.js";
import { cli, ROOT } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

const NASTY = [
  "*nope",
  "&a [*a]",
  "${",
  "${}",
  "${1BAD}",
  "__proto__: 1",
  "constructor:",
  "prototype: {}",
  "[",
  "{",
  "}",
  ": :",
  "~",
  "!!binary x",
  "!!python/object:os.system",
  "<<: *a",
  "0x1F",
  "1e400",
  "-1",
  "''",
  '"\\u0000"',
  "?",
  "- - -",
  "\t",
  "a,b",
  "../../../../etc",
  "/",
  "",
  "null",
  "[1, 2",
  "|",
  ">-",
  "&a",
  "*a",
  "\u00e9",
  "K: v\nK: w",
];

function mutate(text: string, random: () => number): Buffer {
  const lines = text.split("\n");
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const at = Math.floor(random() * lines.length);
  switch (Math.floor(random() * 7)) {
    case 0:
      lines.splice(at, 1);
      break;
    case 1:
      lines.splice(at, 0, lines[Math.floor(random() * lines.length)]!);
      break;
    case 2: {
      // Replace a value with something hostile.
      const line = lines[at]!;
      const colon = line.indexOf(": ");
      lines[at] = colon > 0 ? `${line.slice(0, colon + 2)}${pick(NASTY)}` : `${line}${pick(NASTY)}`;
      break;
    }
    case 3:
      lines.splice(at, 0, `${" ".repeat(Math.floor(random() * 8))}${pick(NASTY)}`);
      break;
    case 4:
      lines[at] = lines[at]!.replace(/^ +/, (s) => " ".repeat(Math.max(0, s.length + pick([-2, -1, 1, 2]))));
      break;
    case 5: {
      const bytes = Buffer.from(lines.join("\n"));
      bytes[Math.floor(random() * bytes.length)] = pick([0xff, 0xc3, 0xe9, 0x80, 0x00, 0xd6]);
      return bytes;
    }
    default: {
      const line = lines[at]!;
      const i = Math.floor(random() * (line.length + 1));
      lines[at] = line.slice(0, i) + pick(["*", "&", "!", "%", "@", "`", "#", "'", '"', "${", "\\"]) + line.slice(i);
    }
  }
  return Buffer.from(lines.join("\n"));
}

async function experimentCopy(): Promise<string> {
  const dir = await tempDir("dianjin-fuzz-");
  await cp(join(ROOT, "configs"), join(dir, "configs"), { recursive: true });
  return dir;
}

describe("mutated experiment files", () => {
  it("400 seeded mutations load, plan and pre-flight to exit 0, 2 or 3", async () => {
    const dir = await experimentCopy();
    const random = mulberry32(12);
    const failures: string[] = [];
    for (const source of ["quickstart.yaml", "dianjin-r1-7b.yaml"]) {
      const original = (await import("node:fs/promises")).readFile(join(ROOT, "configs", source), "utf8");
      const text = await original;
      for (let i = 0; i < 200; i++) {
        const bytes = mutate(text, random);
        const file = join(dir, "configs", `m-${i}-${source}`);
        await writeFile(file, bytes);
        try {
          const loaded = await loadExperiment(file, { env: {}, set: [`workdir=${join(dir, "runs")}`] });
          await preflightPlan(await planFromLoaded(loaded), { env: { PATH: "/nonexistent" } });
        } catch (error) {
          if (!isDianjinError(error) || ![2, 3].includes(error.exitCode))
            failures.push(`${source} #${i}: ${(error as Error).stack?.split("\n").slice(0, 3).join(" | ")}\n${bytes.toString("utf8")}`);
        }
      }
    }
    expect(failures.slice(0, 3)).toEqual([]);
  }, 300_000);

  it("through the CLI: no internal error and no stack trace, whatever the mutation", async () => {
    const dir = await experimentCopy();
    const random = mulberry32(2026);
    const text = await (await import("node:fs/promises")).readFile(join(ROOT, "configs/quickstart.yaml"), "utf8");
    for (let i = 0; i < 12; i++) {
      const file = join(dir, "configs", `cli-${i}.yaml`);
      await writeFile(file, mutate(text, random));
      const result = await cli(["plan", file, "--set", `workdir=${join(dir, "runs")}`]);
      expect([0, 2, 3], result.all).toContain(result.exitCode);
      expect(result.all).not.toMatch(/internal error|\n\s+at /);
    }
  }, 120_000);
});
