// EvalScope's CLI changed at v1.0.0 (`--eval-type service` -> `openai_api`, `gpqa` -> `gpqa_diamond`), so
// every command is rendered for a detected version.

import { execa } from "execa";
import { PreflightError, ToolMissingError } from "../../errors.js";
import { EVALSCOPE_DEFAULTS } from "./defaults.js";
import type { EvalscopeOrigin } from "./origin.js";

/** Named after the `--eval-type` value each era takes for an OpenAI-compatible endpoint. */
export type EvalscopeEra = "service" | "openai_api";

export interface EvalscopeVersion {
  major: number;
  minor: number;
  patch: number;
  text: string;
}

export function parseEvalscopeVersion(output: string): EvalscopeVersion | undefined {
  // `evalscope --version` prints "evalscope 1.4.0"; accept a bare version too (pip show / __version__).
  const m = /evalscope[^\d\n]*v?(\d+)\.(\d+)\.(\d+)\S*/i.exec(output) ?? /^\s*v?(\d+)\.(\d+)\.(\d+)\S*\s*$/.exec(output);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), text: `${m[1]}.${m[2]}.${m[3]}` };
}

export function eraOf(v: EvalscopeVersion): EvalscopeEra {
  return v.major >= 1 ? "openai_api" : "service";
}

export function atLeast(v: EvalscopeVersion, major: number, minor: number): boolean {
  return v.major > major || (v.major === major && v.minor >= minor);
}

/** Runs `<command> --version` and parses it. Throws ToolMissingError when the executable is absent. */
export async function detectEvalscopeVersion(
  command: readonly string[],
  env: Record<string, string> | undefined,
  origin: EvalscopeOrigin,
): Promise<EvalscopeVersion> {
  const { stage, configPath } = origin;
  const [file, ...args] = command;
  if (!file) throw new PreflightError(stage, [{ path: `${configPath}.command`, message: "empty command" }]);
  const r = await execa(file, [...args, "--version"], { reject: false, timeout: EVALSCOPE_DEFAULTS.versionTimeoutMs, env, all: true });
  if ((r as { code?: string }).code === "ENOENT") throw new ToolMissingError(stage, "EvalScope", command, "pip install evalscope", `${configPath}.command`);
  const version = parseEvalscopeVersion(String(r.all ?? ""));
  if (!version)
    throw new PreflightError(stage, [
      {
        path: `${configPath}.version`,
        message: `could not read the EvalScope version from \`${[...command, "--version"].join(" ")}\` (exit ${r.exitCode}): ${
          String(r.all ?? "")
            .trim()
            .slice(0, 200) || "no output"
        }. Set the version explicitly.`,
      },
    ]);
  return version;
}
