// Small helpers shared by the benchmark scripts: repeat, median, spread.
import { execFileSync } from "node:child_process";
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
 * Transpiles src/errors.ts, src/llm/** and the stand-in OpenAI server (with the test PRNG) to plain ESM in a temp
 * dir, so a benchmark can run them without a TypeScript loader. Returns the dir (node_modules linked in).
 */
export async function transpileLlm(repo) {
  const { mkdtemp, mkdir, readFile, readdir, symlink, writeFile } = await import("node:fs/promises");
  const { tmpdir } = await import("node:os");
  const { dirname, join, relative } = await import("node:path");
  const ts = (await import("typescript")).default;
  const out = await mkdtemp(join(tmpdir(), "bench-llm-"));
  const llm = (await readdir(join(repo, "src/llm"), { withFileTypes: true, recursive: true }))
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => join(e.parentPath, e.name));
  const files = [
    join(repo, "src/errors.ts"),
    join(repo, "test/fixtures/openai-server.ts"),
    join(repo, "test/fixtures/openai-stream.ts"),
    join(repo, "test/helpers/prng.ts"),
    ...llm,
  ];
  for (const file of files) {
    const { outputText } = ts.transpileModule(await readFile(file, "utf8"), {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    const target = join(out, relative(repo, file)).replace(/\.ts$/, ".js");
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, outputText);
  }
  await writeFile(join(out, "package.json"), '{"type":"module"}\n');
  await symlink(join(repo, "node_modules"), join(out, "node_modules"));
  return out;
}
