// The batch script looks for the tool where it runs: on the node, after the setup lines. The rendered check is run
// by bash here with a PATH that lacks the tool, once with setup lines that provide it (as a venv activation would)
// and once with setup lines that do not: the first goes on, the second ends with 127 and a line naming the tool,
// the node and the setup lines, which the pipeline classifies as tool-missing.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderRaySlurmScript, renderSlurmScript, type SlurmBatchJob } from "../../../src/launch/slurm/index.js";
import { toolCheckLines } from "../../../src/launch/slurm/tool-check.js";
import { toolMissingCause } from "../../../src/launch/tool-missing.js";
import { tempDirs } from "./temp-dirs.js";

const newDir = tempDirs("tool-check-");

const job = (over: Partial<SlurmBatchJob>): SlurmBatchJob => ({
  jobName: "dianjin-sft",
  argv: ["llamafactory-cli", "train", "sft.yaml"],
  cwd: "/runs",
  env: {},
  logFile: "/runs/sft.log",
  outputDir: "/runs/slurm",
  resources: { nodes: 1 },
  tool: { name: "llamafactory", command: "llamafactory-cli" },
  ...over,
});

/** The setup lines and the check, as the batch script runs them (set -e +u around setup), then a marker. */
function runCheck(dir: string, setup: string[]): { status: number | null; stdout: string } {
  const script = join(dir, "check.sh");
  const lines = ["set -uo pipefail", "set -e +u", ...setup, "set +e -u", ...toolCheckLines(job({ setup })), "echo tool-found"];
  writeFileSync(script, `${lines.join("\n")}\n`);
  const r = spawnSync("bash", [script], { encoding: "utf8", env: { PATH: "/usr/bin:/bin", HOME: dir } });
  return { status: r.status, stdout: r.stdout };
}

describe("the batch script's tool check", () => {
  it("a tool that only the setup lines put on PATH is found: the script goes on", () => {
    const dir = newDir();
    const venv = join(dir, "venv", "bin");
    mkdirSync(venv, { recursive: true });
    writeFileSync(join(venv, "llamafactory-cli"), "#!/bin/sh\necho lf\n");
    chmodSync(join(venv, "llamafactory-cli"), 0o755);
    writeFileSync(join(dir, "venv", "activate"), `export PATH=${venv}:$PATH\n`);
    const r = runCheck(dir, [`source ${join(dir, "venv", "activate")}`]);
    expect(r).toEqual({ status: 0, stdout: "tool-found\n" });
  });

  it("a tool missing even after the setup lines: exit 127 with the tool, the node and the setup lines; classified tool-missing", () => {
    const dir = newDir();
    const setup = ["module purge 2>/dev/null || true", `export PATH=${join(dir, "empty")}:$PATH`];
    const r = runCheck(dir, setup);
    expect(r.status).toBe(127);
    const host = spawnSync("hostname", { encoding: "utf8" }).stdout.trim();
    expect(r.stdout).toBe(
      `[dianjin-train] tool missing: llamafactory (\`llamafactory-cli\`) is not on PATH on ${host} after the setup lines: ${setup.join("; ")}\n`,
    );
    expect(toolMissingCause(["some line", r.stdout.trim()])).toMatchObject({
      id: "tool-missing",
      summary: expect.stringContaining(`after the setup lines: ${setup.join("; ")}`),
    });
  });

  it("both scripts check after the setup lines and before srun / Ray; a container skips the check (the script runs outside it)", () => {
    const setup = ["source /shared/venvs/dianjin/bin/activate"];
    for (const [render, start] of [
      [renderSlurmScript, "\nsrun --nodes"],
      [renderRaySlurmScript, "start --head"],
    ] as const) {
      const script = render(job({ setup }));
      const at = (s: string) => script.indexOf(s);
      expect(at("command -v llamafactory-cli")).toBeGreaterThan(at(setup[0]!));
      expect(at("command -v llamafactory-cli")).toBeLessThan(at(start));
    }
    const boxed = renderSlurmScript(job({ setup, container: { image: "nvcr.io/x:1" } }));
    expect(boxed).not.toContain("command -v");
    expect(boxed).toContain("runs inside the container image nvcr.io/x:1");
    expect(renderSlurmScript(job({ tool: undefined }))).not.toContain("command -v");
  });
});

describe("a service's start-up log", () => {
  it("vLLM's classifier names tool-missing when the job's check found no vllm", async () => {
    const { classifyVllmLog } = await import("../../../src/tools/vllm/classify.js");
    const line = "[dianjin-train] tool missing: vllm (`vllm`) is not on PATH on n1 after the setup lines: module load vllm";
    expect(classifyVllmLog(["[dianjin-train] slurm job 7 attempt 0", line])).toMatchObject({
      id: "tool-missing",
      summary: expect.stringContaining("module load vllm"),
    });
  });
});
