// How a verification report reads: lines for the log, and the failure cause the merge reports when it does not pass.
import type { FailureCause } from "../../errors.js";
import type { VerifyReport } from "./verify.js";

/** Readable lines for a report (caps long lists so an all-fp32 7B model does not print 339 lines). */
export function formatVerifyReport(report: VerifyReport, maxProblems = 20): string {
  if (report.ok) {
    return `${report.dir}: ok — ${report.tensors} tensors, ${report.params.toLocaleString("en-US")} parameters in ${report.files} file(s), ${report.bytes} bytes`;
  }
  const lines = report.problems.slice(0, maxProblems).map((p) => `  - ${p.file}${p.tensor ? ` [${p.tensor}]` : ""}: ${p.message}`);
  const more = report.problems.length - maxProblems;
  if (more > 0) lines.push(`  … and ${more} more`);
  return `${report.dir}: ${report.problems.length} problem(s)\n${lines.join("\n")}`;
}

/** The FailureCause a merge stage reports when its output does not verify. */
export function mergeVerifyFailure(report: VerifyReport): FailureCause {
  const first = report.problems[0];
  const codes = [...new Set(report.problems.map((p) => p.code))];
  return {
    id: "merge-output-invalid",
    summary: first
      ? `merged model failed verification (${codes.join(", ")}): ${first.file}${first.tensor ? ` [${first.tensor}]` : ""}: ${first.message}`
      : "merged model failed verification",
    hint: codes.includes("dtype")
      ? "the merger wrote another dtype than bf16 (the seed's merge_model.py keeps fp32); use the current verl merger or merger: seed"
      : "delete the target folder and merge again; check free disk space and that every rank's shard file is present",
  };
}
