// Right before a launch, the tool is required on this machine only when it runs here; under Slurm and Ray a copy on
// this machine is only a hint: its version is used when it gives one, and a copy that cannot say (verl's python3
// without verl, as on a login node without the venv) is not a failed probe.
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { experimentSchema } from "../../src/config/schema.js";
import { ToolMissingError } from "../../src/errors.js";
import { toolBeforeLaunch } from "../../src/pipeline/tools.js";
import { stageModule } from "../../src/stages/registry.js";

const grpo = stageModule("grpo")!;

function config(launcher: "local" | "slurm" | "ray", command: string, version?: string) {
  return experimentSchema.parse({
    name: "x",
    workdir: "/tmp/x",
    model: { base: "Qwen/Qwen2.5-7B-Instruct" },
    cluster: { launcher, ...(launcher === "ray" ? { ray: { address: "http://head:8265" } } : {}) },
    tools: { verl: { command: [command], ...(version ? { version } : {}) } },
    stages: { grpo: {} },
  });
}

/** A `python3` that prints what `import verl; print(verl.__version__)` would, or fails like a python without verl. */
function fakePython(output: string | undefined): string {
  const dir = mkdtempSync(join(tmpdir(), "tool-site-"));
  const file = join(dir, "python3");
  writeFileSync(file, output === undefined ? "#!/bin/sh\necho \"ModuleNotFoundError: No module named 'verl'\" >&2\nexit 1\n" : `#!/bin/sh\necho ${output}\n`);
  chmodSync(file, 0o755);
  return file;
}

describe("toolBeforeLaunch", () => {
  it("local: a missing tool is refused here", async () => {
    await expect(toolBeforeLaunch(config("local", "dj-no-such-python"), grpo, process.env)).rejects.toBeInstanceOf(ToolMissingError);
  });

  it("Slurm and Ray: a tool missing here is not refused; the version is the stated one, else unknown and not asked", async () => {
    for (const launcher of ["slurm", "ray"] as const) {
      expect(await toolBeforeLaunch(config(launcher, "dj-no-such-python"), grpo, process.env)).toEqual({ asked: false });
      expect(await toolBeforeLaunch(config(launcher, "dj-no-such-python", "0.4.1"), grpo, process.env)).toEqual({ version: "0.4.1", asked: false });
    }
  });

  it("Slurm: a copy here that cannot say its version is not a failed probe; one that can gives it", async () => {
    expect(await toolBeforeLaunch(config("slurm", fakePython(undefined)), grpo, process.env)).toEqual({ asked: false });
    expect(await toolBeforeLaunch(config("slurm", fakePython("0.5.0")), grpo, process.env)).toEqual({ version: "0.5.0", asked: false });
  });

  it("local: the probe is asked, and its failure says so", async () => {
    expect(await toolBeforeLaunch(config("local", fakePython(undefined)), grpo, process.env)).toEqual({ asked: true });
  });
});
