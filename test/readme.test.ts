// README code is tested. A fenced block right after a `<!-- doc-test -->` line runs here against the built package
// (dist/, as `import ... from "dianjin-train"`) and a copy of the shipped configs/:
//   - ts: type-checked strictly (unused names are errors), then run with node, without and with the stand-in tools;
//   - shell: each line is one command (`npx dianjin-train` → the built bin, no shell), run with the stand-in tools on
//     PATH (a machine with LLaMA-Factory); every command must exit 0.
// Also: the API (planPipeline + preflightPlan) reports exactly the stages and problems the CLI's `plan` prints.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import { cliEnv, waitFor } from "./helpers/cli.js";

const ROOT = realpathSync(join(import.meta.dirname, ".."));
const BIN = join(ROOT, "dist/bin/dianjin-train.mjs");
const NO_TOOLS_PATH = "/usr/bin:/bin";

interface Block {
  lang: string;
  code: string;
  /** 1-based line of the opening fence in README.md. */
  line: number;
}

/** The fenced blocks that follow a `<!-- doc-test -->` line. */
function docTestBlocks(markdown: string): Block[] {
  const lines = markdown.split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length - 1; i++) {
    if (lines[i]!.trim() !== "<!-- doc-test -->") continue;
    const open = /^```(\w*)\s*$/.exec(lines[i + 1]!);
    if (!open) throw new Error(`README.md:${i + 1}: <!-- doc-test --> must be followed by a code fence`);
    const end = lines.findIndex((l, k) => k > i + 1 && l.startsWith("```"));
    if (end < 0) throw new Error(`README.md:${i + 2}: the code fence is not closed`);
    blocks.push({ lang: open[1]!, code: lines.slice(i + 2, end).join("\n"), line: i + 2 });
  }
  return blocks;
}

const blocks = docTestBlocks(readFileSync(join(ROOT, "README.md"), "utf8"));
const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A folder like a user's project: the shipped configs/ and the package installed as node_modules/dianjin-train. */
function project(): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "dianjin-readme-")));
  made.push(dir);
  cpSync(join(ROOT, "configs"), join(dir, "configs"), { recursive: true });
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(ROOT, join(dir, "node_modules/dianjin-train"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
  return dir;
}

/** Strict type errors of a snippet importing "dianjin-train", as `file:line: message`. */
function typeErrors(dir: string, code: string): string[] {
  const file = join(dir, "snippet.ts");
  writeFileSync(file, code);
  const program = ts.createProgram([file], {
    strict: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: ["node"],
    typeRoots: [join(ROOT, "node_modules/@types")],
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}` : "";
    return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
  });
}

/** The environment of a user's shell, with or without the stand-in tools, and the recipe's data folders unset. */
function userEnv(withTools: boolean): Record<string, string> {
  const env = cliEnv({}, withTools);
  delete env.DIANJIN_DATA;
  delete env.DIANJIN_BENCH;
  return env;
}

function runSnippet(dir: string, code: string, withTools: boolean) {
  const file = join(dir, "snippet.mjs");
  writeFileSync(file, ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText);
  return execa(process.execPath, [file], { cwd: dir, env: userEnv(withTools), extendEnv: false, reject: false, timeout: 120_000 });
}

describe("README code blocks marked <!-- doc-test -->", () => {
  it("include the TypeScript API example and the quickstart commands", () => {
    expect(blocks.find((b) => b.lang === "ts")?.code).toContain("planPipeline");
    expect(blocks.find((b) => b.lang === "")?.code).toContain("dianjin-train plan configs/quickstart.yaml");
  });

  for (const block of blocks.filter((b) => b.lang === "ts")) {
    it(`README.md:${block.line} (ts) type-checks strictly against the built package's types`, () => {
      expect(typeErrors(project(), block.code)).toEqual([]);
    });

    it(`README.md:${block.line} (ts) runs: without LLaMA-Factory it prints the plan, notes the missing tool, then reports the pre-flight refusal with exit 3`, async () => {
      const run = await runSnippet(project(), block.code, false);
      expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(3);
      expect(run.stdout).toContain("sft: run (never run in this workdir)");
      expect(run.stdout).toMatch(/^note: llamafactory is not installed or not on PATH/m);
      expect(run.stderr).toMatch(/^preflight \(exit 3\): /m);
    });

    it(`README.md:${block.line} (ts) runs: with the (stand-in) tools it trains and prints each stage's outputs`, async () => {
      const dir = project();
      const run = await runSnippet(dir, block.code, true);
      expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.stdout).toMatch(/^sft: completed in \d+ s$/m);
      expect(run.stdout).toContain(`sft: completed, outputs ${JSON.stringify({ model: join(dir, "experiments/quickstart/sft/output") })}`);
      expect(run.stderr).toBe("");
    });

    it(`README.md:${block.line} (ts) runs: Ctrl-C stops the running stage with exit 130; the next run resumes it`, async () => {
      const dir = project();
      const file = join(dir, "snippet.mjs");
      writeFileSync(file, ts.transpileModule(block.code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText);
      // The stand-in trainer saves checkpoint-2, then holds at step 3 (as a long step would) until it is stopped.
      const run = execa(process.execPath, [file], { cwd: dir, env: { ...userEnv(true), LF_STANDIN_HANG_AT_STEP: "3" }, extendEnv: false, reject: false });
      const checkpoint = join(dir, "experiments/quickstart/sft/output/checkpoint-2/trainer_state.json");
      await waitFor(async () => existsSync(checkpoint), 60_000, "the first checkpoint");
      run.kill("SIGINT");
      const stopped = await run;
      expect(stopped.exitCode, `${stopped.stdout}\n${stopped.stderr}`).toBe(130);
      expect(stopped.stderr).toMatch(/^interrupted \(exit 130\): /m);
      const again = await runSnippet(dir, block.code, true);
      expect(again.exitCode, `${again.stdout}\n${again.stderr}`).toBe(0);
      expect(again.stdout).toMatch(/^sft: resume \(.*\)$/m);
      expect(again.stdout).toMatch(/^sft: completed in \d+ s$/m);
    });
  }

  for (const block of blocks.filter((b) => b.lang === "" || b.lang === "sh" || b.lang === "bash")) {
    it(`README.md:${block.line} (shell): every command exits 0 with the (stand-in) tools installed`, async () => {
      const dir = project();
      const commands = block.code
        .split("\n")
        .map((l) => l.replace(/\s+#.*$/, "").trim())
        .filter(Boolean);
      expect(commands.length).toBeGreaterThan(0);
      for (const command of commands) {
        const [npx, name, ...args] = command.split(/\s+/);
        expect(`${npx} ${name}`, `README.md:${block.line}: a doc-test shell line runs \`npx dianjin-train …\``).toBe("npx dianjin-train");
        const run = await execa(process.execPath, [BIN, ...args], { cwd: dir, env: userEnv(true), extendEnv: false, reject: false, all: true });
        expect(run.exitCode, `${command}\n${run.all}`).toBe(0);
      }
    });
  }
});

describe("the API and `plan` agree", () => {
  for (const config of ["configs/quickstart.yaml", "configs/dianjin-r1-7b.yaml"]) {
    it(`on ${config}: the same stages, actions and reasons, pre-flight problems and missing tools`, async () => {
      const dir = project();
      const env = { PATH: NO_TOOLS_PATH, HOME: dir };
      const api = (await import(join(ROOT, "dist/index.js"))) as typeof import("../src/index.js");
      const plan = await api.planPipeline(join(dir, config), { env });
      const report = await api.preflightPlan(plan, { env });

      const cli = await execa(process.execPath, [BIN, "plan", config, "--json"], { cwd: dir, env, extendEnv: false, reject: false });
      const printed = JSON.parse(cli.stdout) as {
        stages: Array<{ name: string; action: string; reason: string }>;
        problems: unknown[];
        missingTools: Array<{ message: string }>;
      };
      expect(printed.stages.map((s) => [s.name, s.action, s.reason])).toEqual(plan.stages.map((s) => [s.name, s.action, s.reason]));
      expect(printed.problems).toEqual(report.problems);
      expect(printed.missingTools).toEqual(report.missingTools.map((t) => ({ ...t, message: api.describeMissingTool(t) })));
      expect(cli.exitCode).toBe(report.problems.length ? 3 : 0);
      if (config.includes("quickstart"))
        expect(report.problems).toEqual([]); // its data ships with the repository
      else expect(report.problems.length).toBeGreaterThan(0); // the recipe's data does not
    });
  }
});
