// Tools are looked for where they run, on the real local Slurm cluster (scripts/slurm): the CLI runs with no tool on
// its PATH (the login node); the experiment's cluster.slurm.setup puts the stand-in llamafactory-cli on PATH the way
// `source <venv>/bin/activate` would. Run must not refuse at pre-flight, and the job finds the tool after setup; with
// setup lines that do not provide it, the stage fails at once with cause tool-missing naming the setup lines.
import { describe, expect, it } from "vitest";
import { clusterSkipReason, SLURM_ENV } from "../launch/slurm/local-cluster.js";
import { skipAllIf } from "../helpers/skip.js";
import { cli, makeExperiment, stageState, STANDIN_BIN } from "../helpers/cli.js";

const skipReason = clusterSkipReason();

const slurmWith = (setup: string) => `{ launcher: slurm, nodes: 1, gpus_per_node: 1, slurm: { time: '00:10:00', setup: [${JSON.stringify(setup)}] } }`;

describe("tool check in the Slurm job", () => {
  skipAllIf(skipReason);

  it("a tool that only the setup lines provide: no refusal at pre-flight, the job finds it and SFT completes", async () => {
    const exp = await makeExperiment({ cluster: slurmWith(`export PATH=${STANDIN_BIN}:$PATH`) });
    const result = await cli(["sft", exp.file], { standins: false, env: { ...SLURM_ENV, DIANJIN_POLL_MS: "300" } });
    expect(result.exitCode, result.all).toBe(0);
    expect(result.stderr).not.toMatch(/not installed or not on PATH|asking the installed tool failed/);
    // Not asked here (it is not here): the version is unknown, not a failed probe, so no key is refused for it.
    expect(result.stderr).toContain("it runs on the cluster, not on this machine, so it was not asked");
    expect(await stageState(exp)).toMatchObject({ status: "completed", job: { launcher: "slurm" } });
  });

  it("a tool missing even after the setup lines: the stage fails with cause tool-missing and the setup lines", async () => {
    const setup = "export PATH=/nonexistent/dianjin-venv/bin:$PATH";
    const exp = await makeExperiment({ cluster: slurmWith(setup) });
    const result = await cli(["sft", exp.file], { standins: false, env: { ...SLURM_ENV, DIANJIN_POLL_MS: "300" } });
    expect(result.exitCode, result.all).toBe(1);
    expect(result.stderr).toContain("llamafactory (`llamafactory-cli`) is not on PATH on");
    expect(result.stderr).toContain(`after the setup lines: ${setup}`);
    const state = await stageState(exp);
    expect(state).toMatchObject({ status: "failed", failure: { id: "tool-missing", exitCode: 127 } });
  });
});
