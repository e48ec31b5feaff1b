// Test helper: the real single-host Slurm cluster from scripts/slurm, started on demand, and the
// launcher built to plain JavaScript for child processes (Node 20 cannot run .ts files).
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, symlinkSync, writeFileSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

export const ROOT = resolve(import.meta.dirname, "../../..");
export const STATE_DIR = process.env.DIANJIN_TEST_SLURM_DIR ?? "/tmp/dianjin-slurm";
export const SLURM_ENV = { SLURM_CONF: join(STATE_DIR, "etc/slurm.conf") };

export type ClusterCheck = { ready: true } | { ready: false; reason: string };

/** Starts (or finds) the local cluster; the reason says why the Slurm tests cannot run. */
export function ensureLocalCluster(): ClusterCheck {
  if (process.platform !== "linux") return { ready: false, reason: "the local Slurm cluster needs Linux" };
  if (process.getuid?.() !== 0) return { ready: false, reason: "starting the local Slurm cluster needs root" };
  const started = spawnSync("bash", [join(ROOT, "scripts/slurm/start-local-slurm.sh"), STATE_DIR], {
    encoding: "utf8",
    timeout: 240_000,
  });
  if (started.status !== 0) {
    const why = (started.stderr || String(started.error ?? "")).trim().split("\n").slice(-3).join(" / ");
    return { ready: false, reason: `start-local-slurm.sh failed: ${why}` };
  }
  return { ready: true };
}

export function slurm(command: string, args: string[]): string {
  return execFileSync(command, args, { encoding: "utf8", env: { ...process.env, ...SLURM_ENV } });
}

/** Job ids Slurm knows (any state) with this job name. */
export function jobIdsNamed(name: string): string[] {
  return slurm("squeue", ["-h", "-t", "all", "-n", name, "-o", "%i"]).split("\n").filter(Boolean);
}

/** src/launch/slurm and what it imports, transpiled to .js in `out`; returns the index path. */
export function buildLauncherForChild(out: string): string {
  symlinkSync(join(ROOT, "node_modules"), join(out, "node_modules"));
  const files = [
    ...readdirSync(join(ROOT, "src/launch/slurm")).map((f) => join("src/launch/slurm", f)),
    "src/launch/types.ts",
    "src/launch/watch.ts",
    "src/launch/exit-record.ts",
    "src/launch/defaults.ts",
    "src/util/abortable.ts",
    "src/util/line-reader.ts",
    "src/errors.ts",
    "src/util/atomic-write.ts",
    "src/util/secrets.ts",
  ].filter((f) => f.endsWith(".ts"));
  for (const file of files) {
    const js = ts.transpileModule(readFileSync(join(ROOT, file), "utf8"), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    const target = join(out, file.replace(/\.ts$/, ".js"));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, js);
  }
  writeFileSync(join(out, "package.json"), JSON.stringify({ type: "module" }));
  return join(out, relative(ROOT, join(ROOT, "src/launch/slurm/index.js")));
}
