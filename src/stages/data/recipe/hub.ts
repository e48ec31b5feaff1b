// Dataset downloads from Hugging Face or ModelScope, by running their own CLIs (argv arrays, never a shell string).
// A finished download is recorded next to the files, so a rerun with the same spec does not download again.
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { HubSpec } from "../config.js";
import { StageError } from "../../../errors.js";
import { writeFileAtomic } from "../../../util/atomic-write.js";
import { canonicalJson } from "../../../llm/canonical.js";

export interface HubCli {
  huggingface: readonly string[];
  modelscope: readonly string[];
}

const MARKER = ".dianjin-download.json";

/** Folder a hub dataset is downloaded into, under `downloadRoot`. */
export function hubDir(downloadRoot: string, spec: HubSpec): string {
  return join(downloadRoot, spec.provider, spec.id.replace(/[^A-Za-z0-9._-]+/g, "__"));
}

export function downloadArgv(spec: HubSpec, files: readonly string[], dir: string, cli: HubCli): string[] {
  const revision = spec.revision ? ["--revision", spec.revision] : [];
  if (spec.provider === "huggingface") return [...cli.huggingface, "download", spec.id, ...files, "--repo-type", "dataset", "--local-dir", dir, ...revision];
  return [...cli.modelscope, "download", "--dataset", spec.id, ...files, "--local_dir", dir, ...revision];
}

async function alreadyThere(dir: string, spec: HubSpec, files: readonly string[]): Promise<boolean> {
  try {
    const marker = await readFile(join(dir, MARKER), "utf8");
    if (marker.trim() !== canonicalJson({ spec, files })) return false;
    for (const f of files) await stat(join(dir, f));
    return true;
  } catch {
    return false;
  }
}

/** Downloads `files` of a dataset repository; returns the folder they are in. */
export async function downloadFromHub(
  spec: HubSpec,
  files: readonly string[],
  downloadRoot: string,
  cli: HubCli,
  options: { env?: NodeJS.ProcessEnv; signal?: AbortSignal; log?: (line: string) => void } = {},
): Promise<string> {
  const dir = hubDir(downloadRoot, spec);
  if (await alreadyThere(dir, spec, files)) return dir;
  const argv = downloadArgv(spec, files, dir, cli);
  options.log?.(`downloading ${spec.provider} dataset ${spec.id} (${files.join(", ")}): ${argv.join(" ")}`);
  const { execa } = await import("execa"); // only when downloading
  const result = await execa(argv[0]!, argv.slice(1), {
    env: options.env,
    extendEnv: options.env === undefined,
    reject: false,
    all: true,
    stdin: "ignore",
    cancelSignal: options.signal,
  });
  if (result.failed || result.exitCode !== 0) {
    const tail = String(result.all ?? "")
      .split("\n")
      .filter(Boolean)
      .slice(-10);
    const missing = (result as { code?: string }).code === "ENOENT";
    throw new StageError(
      "data",
      {
        id: missing ? "tool-missing" : "download-failed",
        summary: missing
          ? `\`${argv[0]}\` is not installed or not on PATH`
          : `downloading ${spec.id} from ${spec.provider} failed (exit ${result.exitCode ?? "?"})`,
        hint:
          spec.provider === "huggingface"
            ? "pip install -U huggingface_hub (log in with `huggingface-cli login` for gated data) or set stages.data.hub_cli.huggingface"
            : "pip install modelscope or set stages.data.hub_cli.modelscope",
      },
      { exitCode: result.exitCode ?? null, logTail: tail },
    );
  }
  for (const f of files) {
    if (!(await stat(join(dir, f)).catch(() => undefined))) {
      throw new StageError(
        "data",
        {
          id: "download-incomplete",
          summary: `${spec.id}: ${f} is not in ${dir} after the download`,
          hint: "check the file path inside the dataset repository (stages.data.sources.*.hub.file)",
        },
        {},
      );
    }
  }
  await writeFileAtomic(join(dir, MARKER), `${canonicalJson({ spec, files })}\n`);
  return dir;
}
