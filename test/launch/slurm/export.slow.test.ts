// What leaves the submitting machine with a job, on the real local Slurm cluster: the script names the variables the
// job gets (sbatch --export), the stage's secret reaches the job from sbatch's environment, and a token the stage does
// not need stays here: not in the job, not in slurmctld's saved job environment, not in the script, not in any argv.
// The optional mail directives are taken by sbatch too.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createSlurmCommands, createSlurmLauncher, type SlurmCommands } from "../../../src/launch/slurm/index.js";
import { skipAllIf } from "../../helpers/skip.js";
import { clusterSkipReason, slurm, SLURM_ENV, STATE_DIR } from "./local-cluster.js";
import { tempDirs } from "./temp-dirs.js";

const newDir = tempDirs("dianjin-export-");
const NEEDED = "needed-secret-value-5f2c";
const NOT_NEEDED = "hf_not_needed_value_77aa";

describe("the variables a Slurm job gets", () => {
  skipAllIf(clusterSkipReason());

  it("only the base, the user's list and the stage's secrets; other tokens stay on the submitting machine", async () => {
    const work = newDir();
    const argvs: string[][] = [];
    const real = createSlurmCommands({ env: { ...SLURM_ENV, HF_TOKEN: NOT_NEEDED, TEAM_NAME: "listed" } });
    const commands: SlurmCommands = {
      run: (tool, args, extra) => {
        argvs.push([tool, ...args]);
        return real.run(tool, args, extra);
      },
    };
    const launcher = createSlurmLauncher({
      jobDir: join(work, "jobs"),
      commands,
      pollIntervalMs: 250,
      exportNames: ["TEAM_NAME"],
      resources: { mailType: ["END", "FAIL"], mailUser: "ops@example.com" },
    });
    const logFile = join(work, "job.log");
    const job = await launcher.submit({
      stage: `export-${process.pid}`,
      argv: ["bash", "-c", 'echo "needed=${NEEDED_API_TOKEN:-absent} hf=${HF_TOKEN:-absent} team=${TEAM_NAME:-absent} visible=$VISIBLE"'],
      env: { NEEDED_API_TOKEN: NEEDED, VISIBLE: "plain" },
      cwd: work,
      logFile,
      nodes: 1,
    });
    const outcome = await job.wait();
    // The mail directives are Slurm's: sbatch took them and slurmctld keeps them with the job.
    const shown = slurm("scontrol", ["show", "job", job.record.id]);
    expect(shown).toMatch(/MailUser=ops@example\.com MailType=(END,FAIL|FAIL,END)/);
    expect(outcome, readFileSync(logFile, "utf8")).toMatchObject({ state: "completed" });
    expect(readFileSync(logFile, "utf8")).toContain(`needed=${NEEDED} hf=absent team=listed visible=plain`);
    const script = readFileSync(String(job.record.extra!.script), "utf8");
    expect(script).toMatch(/^#SBATCH --export=HOME,LANG,LC_ALL,LC_CTYPE,LOGNAME,NEEDED_API_TOKEN,PATH,TEAM_NAME,USER$/m);
    expect(script).not.toContain(NEEDED);
    for (const argv of argvs) expect(argv.join(" ")).not.toMatch(new RegExp(`${NEEDED}|${NOT_NEEDED}`));
    // slurmctld keeps the job's environment in its state folder (readable here, where the test runs the cluster).
    const saved = readFileSync(join(STATE_DIR, "ctld", `hash.${Number(job.record.id) % 10}`, `job.${job.record.id}`, "environment"), "latin1");
    expect(saved).not.toContain(NOT_NEEDED);
    expect(saved).toContain(`NEEDED_API_TOKEN=${NEEDED}`);
  });
});
