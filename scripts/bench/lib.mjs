// Small helpers shared by the benchmark scripts: quick mode, repeat, median, spread.
import { execFileSync } from "node:child_process";

/**
 * Quick mode (`--quick` or BENCH_QUICK=1, which child processes inherit): tiny inputs and one run, so
 * test/scripts/bench.slow.test.ts runs every benchmark in seconds and none can rot. Its figures are not
 * measurements, and targets are not judged. The flag is taken out of process.argv before a script reads its arguments.
 */
export const QUICK = takeQuickFlag();

function takeQuickFlag() {
  const at = process.argv.indexOf("--quick");
  if (at >= 0) {
    process.argv.splice(at, 1);
    process.env.BENCH_QUICK = "1";
  }
  return process.env.BENCH_QUICK === "1";
}

/** The full-run value, or the quick-mode one. */
export const full = (value, quick) => (QUICK ? quick : value);
export function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length };
}

export function show(label, s, unit, digits = 1) {
  const f = (x) => x.toFixed(digits);
  console.log(`${label}: median ${f(s.median)} ${unit} (min ${f(s.min)}, max ${f(s.max)}, n=${s.n})`);
}

/** Runs `script --child ...args` `times` times, each in a fresh process, and collects each run's last JSON line. */
export function runChildren(script, args, times) {
  const results = [];
  for (let i = 0; i < times; i++) {
    const out = execFileSync(process.execPath, [script, "--child", ...args], { encoding: "utf8", maxBuffer: 16 << 20 });
    results.push(JSON.parse(out.trim().split("\n").pop()));
  }
  return results;
}

export const fmt = (s, digits = 0) => `${s.median.toFixed(digits)} (min ${s.min.toFixed(digits)}, max ${s.max.toFixed(digits)})`;

/**
 * Transpiles `entries` (repo-relative .ts files) and every file they import by a relative path, to plain ESM in a temp
 * dir, so a benchmark can run src/ and the test stand-ins without a TypeScript loader or a build. Following the
 * imports (instead of listing files) keeps the benchmarks working when src/ moves code between files.
 * Returns the dir (`out`, or a new temp dir; node_modules linked in); the files keep their repo-relative paths with .js
 * for .ts. Tests use it too (the Slurm launcher for a child process), so it is not a benchmark-only helper.
 */
export async function transpileTree(repo, entries, out) {
  const { existsSync } = await import("node:fs");
  const { mkdtemp, mkdir, readFile, symlink, writeFile } = await import("node:fs/promises");
  const { tmpdir } = await import("node:os");
  const { dirname, join, relative, resolve } = await import("node:path");
  const ts = (await import("typescript")).default;
  out ??= await mkdtemp(join(tmpdir(), "bench-src-"));
  const seen = new Set();
  const queue = entries.map((e) => resolve(repo, e));
  while (queue.length) {
    const file = queue.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    const target = join(out, relative(repo, file)).replace(/\.ts$/, ".js");
    await mkdir(dirname(target), { recursive: true });
    if (!file.endsWith(".ts")) {
      await writeFile(target, await readFile(file));
      continue;
    }
    const source = await readFile(file, "utf8");
    for (const [, spec] of source.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)) {
      const path = resolve(dirname(file), spec);
      const asTs = path.replace(/\.js$/, ".ts");
      queue.push(existsSync(asTs) ? asTs : path);
    }
    const { outputText } = ts.transpileModule(source, {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    await writeFile(target, outputText);
  }
  await writeFile(join(out, "package.json"), '{"type":"module"}\n');
  await symlink(join(repo, "node_modules"), join(out, "node_modules"));
  return out;
}

/** src/llm (client, journal) and the stand-in OpenAI server, transpiled (see transpileTree). */
export function transpileLlm(repo) {
  return transpileTree(repo, ["src/llm/index.ts", "test/fixtures/openai-server.ts"]);
}
