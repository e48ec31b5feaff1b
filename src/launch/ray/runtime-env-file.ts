// The runtime env of one submission, in a file only our user can read (0600, in a 0700 folder of its own), that
// exists only while `ray job submit` runs: the job's environment, secrets included, stays out of every argv.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export async function withRuntimeEnvFile<T>(runtimeEnv: Record<string, unknown>, use: (file: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "dianjin-ray-env-"));
  try {
    const file = join(dir, "runtime_env.yaml");
    // JSON is YAML: Ray's yaml.safe_load reads it exactly, whatever the values hold.
    await writeFile(file, JSON.stringify(runtimeEnv), { mode: 0o600, flag: "wx" });
    return await use(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
