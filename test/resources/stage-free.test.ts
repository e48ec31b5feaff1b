// resources/ estimates for any stage: the config keys a fix names come from the stage that asks (issue 21, item 4).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const dir = join(import.meta.dirname, "../../src/resources");

describe("resources/ knows no stage", () => {
  it("no source line outside comments names a stage's config block", () => {
    const hits = readdirSync(dir)
      .filter((f) => f.endsWith(".ts"))
      .flatMap((f) =>
        readFileSync(join(dir, f), "utf8")
          .split("\n")
          .filter((line) => !/^\s*(\/\/|\/\*\*|\*)/.test(line) && /stages\.[a-z]/.test(line))
          .map((line) => `${f}: ${line.trim()}`),
      );
    expect(hits).toEqual([]);
  });
});
