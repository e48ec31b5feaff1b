// The README's quoted terminal output is the CLI's: every code block marked
// `<!-- checked: test/cli/readme-quotes.test.ts (NAME) -->` is produced by running scenario NAME here, line for line
// (`…` in a quoted line stands for text that changes from run to run: a duration, a key). Paths are compared with
// the README's placeholders: this checkout is /home/you/dianjin-train, the scenario's workdir its experiments/quickstart.
import { describe, expect, it } from "vitest";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { cli, makeExperiment, ROOT } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

const MARKER = /<!-- checked: test\/cli\/readme-quotes\.test\.ts \(([\w-]+)(?:, lines (\d+)-(\d+))?\) -->\n((?:```\n[\s\S]*?\n```\n?)+)/g;
const CHECKOUT = "/home/you/dianjin-train";
const QUICKSTART = join(ROOT, "configs/quickstart.yaml");

/** The quoted blocks of each scenario (a marker may head several consecutive blocks). */
async function quotedBlocks(): Promise<Map<string, string[][]>> {
  const readme = await readFile(join(ROOT, "README.md"), "utf8");
  const found = new Map<string, string[][]>();
  for (const [, name, from, to, blocks] of readme.matchAll(MARKER)) {
    // `, lines 2-3`: only those lines of the block are the CLI's words (the others: a terminal capture of the display).
    const lines = [...blocks!.matchAll(/```\n([\s\S]*?)\n```/g)].map((b) => b[1]!.split("\n").slice(from ? Number(from) - 1 : 0, to ? Number(to) : undefined));
    found.set(name!, lines);
  }
  return found;
}

/** The output as the README shows it: the checkout and the workdir replaced by the README's placeholders. */
function asInReadme(output: string, workdir: string): string {
  return output.replaceAll(workdir, `${CHECKOUT}/experiments/quickstart`).replaceAll(ROOT.replace(/\/$/, ""), CHECKOUT);
}

/** Each quoted block appears in the output as consecutive lines (`…` matching anything within a line). */
function expectQuoted(output: string, block: string[]): void {
  const pattern = block
    .map((line) =>
      line
        .split("…")
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
        .join(".*"),
    )
    .join("\n");
  expect(output, `README quote:\n${block.join("\n")}`).toMatch(new RegExp(`^${pattern}$`, "m"));
}

const SCENARIOS: Record<string, () => Promise<{ outputs: string[]; check?: () => Promise<void> }>> = {
  // No LLaMA-Factory on PATH: exit 3 before anything starts; only the run log is written.
  "run-without-llamafactory": async () => {
    const workdir = await tempDir("readme-quick-");
    const r = await cli(["run", QUICKSTART, "--set", `workdir=${workdir}`], { standins: false });
    return {
      outputs: [asInReadme(r.stderr, workdir)],
      check: async () => {
        expect(r.exitCode).toBe(3);
        expect(await readdir(workdir)).toEqual(["events.jsonl"]);
      },
    };
  },
  // The stand-in LLaMA-Factory: the run's last lines and status name the model folder.
  "run-and-status": async () => {
    const workdir = await tempDir("readme-quick-");
    const set = ["--set", `workdir=${workdir}`];
    const run = await cli(["run", QUICKSTART, ...set]);
    const status = await cli(["status", QUICKSTART, ...set]);
    return {
      outputs: [asInReadme(run.stderr, workdir), asInReadme(status.stdout, workdir)],
      check: async () => {
        expect(run.exitCode, run.all).toBe(0);
        await readFile(join(workdir, "sft/output/model.safetensors"));
      },
    };
  },
  // SFT runs out of GPU memory (the stand-in fails as LLaMA-Factory does): the cause in words and the hint.
  oom: async () => {
    const exp = await makeExperiment({ records: 20 });
    const r = await cli(["run", exp.file], { env: { LF_STANDIN_FAIL: "oom", LF_STANDIN_FAIL_AT_STEP: "12" } });
    return { outputs: [r.stderr], check: async () => expect(r.exitCode).toBe(1) };
  },
  "unknown-command": async () => {
    const r = await cli(["pla"]);
    return { outputs: [r.stderr], check: async () => expect(r.exitCode).toBe(2) };
  },
};

describe("the README's quoted output", () => {
  it("every marked quote has a scenario here and every scenario is quoted", async () => {
    expect([...(await quotedBlocks()).keys()].sort()).toEqual(Object.keys(SCENARIOS).sort());
  });

  for (const [name, scenario] of Object.entries(SCENARIOS)) {
    it(`${name}: the CLI prints the quoted lines`, async () => {
      const blocks = (await quotedBlocks()).get(name) ?? [];
      expect(blocks.length).toBeGreaterThan(0);
      const { outputs, check } = await scenario();
      await check?.();
      // Block i comes from output i; a scenario with one output quotes it in every block.
      blocks.forEach((block, i) => expectQuoted(outputs[Math.min(i, outputs.length - 1)]!, block));
    });
  }
});

describe("the README's data table is the recipe's", () => {
  it("names every file the 7B recipe reads from $DIANJIN_DATA and $DIANJIN_BENCH", async () => {
    const readme = await readFile(join(ROOT, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("### The paper's recipe and its data"), readme.indexOf("## Commands"));
    const recipe = await readFile(join(ROOT, "configs/dianjin-r1-7b.yaml"), "utf8");
    const files = [...recipe.matchAll(/\$\{(DIANJIN_DATA|DIANJIN_BENCH):-[^}]*\}\/([\w.]+)/g)].map((m) => [m[1]!, m[2]!] as const);
    expect(files.length).toBeGreaterThanOrEqual(8);
    for (const [variable, file] of files) {
      expect(section).toContain(`$${variable}/`);
      expect(section, `${variable}/${file}`).toContain(file);
    }
  });
});

describe("the README's options are the CLI's", () => {
  it("run and plan take --force STAGE; a stage command takes a bare --force", async () => {
    const readme = await readFile(join(ROOT, "README.md"), "utf8");
    expect(readme).toContain("`--force STAGE` (repeatable: run it even when up to date); a stage command takes a\nbare `--force`");
    for (const command of ["run", "plan"]) expect((await cli([command, "--help"])).stdout).toMatch(/--force <stage>/);
    const sft = (await cli(["sft", "--help"])).stdout;
    expect(sft).toMatch(/--force {2,}run even when up to date/);
    const bare = await cli(["sft", QUICKSTART, "--force", "--set", `workdir=${await tempDir("readme-force-")}`], { standins: false });
    expect(bare.stderr).toContain("pre-flight found 1 problem (stage sft)"); // parsed: it got as far as pre-flight
  });
});
