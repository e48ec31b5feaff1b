// Words for a job outcome no tool-specific pattern explained.
import type { FailureCause } from "../errors.js";
import type { JobOutcome } from "../launch/types.js";

const BY_STATE: Partial<Record<JobOutcome["state"], Omit<FailureCause, "id">>> = {
  timeout: { summary: "the job hit its time limit", hint: "raise cluster.slurm.time; the next run resumes from the newest checkpoint" },
  "node-fail": { summary: "a node failed under the job", hint: "run again; it resumes from the newest checkpoint" },
  preempted: { summary: "the job was preempted", hint: "run again (or let Slurm requeue it); it resumes from the newest checkpoint" },
  "out-of-memory": { summary: "the job ran out of host memory", hint: "ask for more memory (cluster.slurm.mem) or lower data workers" },
  cancelled: { summary: "the job was cancelled outside this run", hint: "run again to resume" },
  "ended-unobserved": {
    summary: "the job ended while no CLI watched and no exit status was recorded",
    hint: "look at the log; run again to resume from the newest complete checkpoint",
  },
};

export function describeOutcome(outcome: JobOutcome): FailureCause {
  const known = BY_STATE[outcome.state];
  if (known) return { id: outcome.state, ...known };
  if (outcome.signal === "SIGKILL" || outcome.exitCode === 137) {
    return {
      id: "killed",
      summary: "the tool was killed (SIGKILL)",
      hint: "often the host's out-of-memory killer; run again to resume from the newest checkpoint",
    };
  }
  // No exit code at all (the job never started, or the launcher lost it): the launcher's own words say more.
  if (outcome.exitCode === null && outcome.signal === null && outcome.reason) {
    return { id: "unknown", summary: `the job ended without an exit code: ${outcome.reason}`, hint: "read the launcher's message and the log tail below" };
  }
  return {
    id: "unknown",
    summary: `the tool exited with ${outcome.signal ?? `code ${outcome.exitCode}`}`,
    hint: "read the log tail below; run again to resume from the newest checkpoint",
  };
}
