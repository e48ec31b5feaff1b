import { describe, expect, it } from "vitest";
import { LaunchError } from "../../../src/errors.js";
import { parseSbatchOutput } from "../../../src/launch/slurm/index.js";

describe("parseSbatchOutput", () => {
  it("reads --parsable output with and without a cluster", () => {
    expect(parseSbatchOutput("4711\n")).toEqual({ jobId: "4711" });
    expect(parseSbatchOutput("4711;cluster-a\n")).toEqual({ jobId: "4711", cluster: "cluster-a" });
  });

  it("ignores warnings printed before the id", () => {
    expect(parseSbatchOutput("sbatch: warning: something odd\n88\n")).toEqual({ jobId: "88" });
  });

  it("accepts the human form too", () => {
    expect(parseSbatchOutput("Submitted batch job 12 on cluster b\n")).toEqual({ jobId: "12", cluster: "b" });
    expect(parseSbatchOutput("Submitted batch job 12\n")).toEqual({ jobId: "12" });
  });

  it("refuses output without a job id", () => {
    expect(() => parseSbatchOutput("sbatch: error: invalid partition\n")).toThrow(LaunchError);
    expect(() => parseSbatchOutput("")).toThrow(/job id/);
  });
});
