// The per-node wrapper of a multi-node accelerate launch (assets/python/dianjin_accelerate_node.py): it appends this
// node's rank and the head's address as accelerate flags from the variables the Slurm per-node script exports, and
// refuses to start without them.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { ACCELERATE_NODE_SCRIPT } from "../../../src/tools/hf-trainer/accelerate-node.js";
import { hasPython } from "../../helpers/python.js";

const printArgv = [process.execPath, "-e", "console.log(JSON.stringify(process.argv.slice(1)))", "--"];
const run = (env: Record<string, string>, argv = printArgv) =>
  spawnSync("python3", [ACCELERATE_NODE_SCRIPT, ...argv], { encoding: "utf8", env: { PATH: process.env.PATH ?? "", ...env } });
const slurmNode = { NODE_RANK: "1", NNODES: "2", MASTER_ADDR: "10.0.0.7", MASTER_PORT: "29500" };

describe.skipIf(!hasPython())("accelerate per-node wrapper", () => {
  it("runs the command with --machine_rank, --main_process_ip and --main_process_port from the node's variables", () => {
    const r = run(slurmNode);
    expect(r.status, r.stderr).toBe(0);
    const argv = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as string[];
    expect(argv.slice(-6)).toEqual(["--machine_rank", "1", "--main_process_ip", "10.0.0.7", "--main_process_port", "29500"]);
    expect(r.stdout).toMatch(/node 1 of 2: accelerate rendezvous at 10\.0\.0\.7:29500/);
  });

  it("refuses without the per-node variables, or with a rank that is not below NNODES (exit 2, says why)", () => {
    const missing = run({ NNODES: "2" });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/NODE_RANK, MASTER_ADDR, MASTER_PORT not set/);
    const beyond = run({ ...slurmNode, NODE_RANK: "2" });
    expect(beyond.status).toBe(2);
    expect(beyond.stderr).toMatch(/NODE_RANK '2' is not a node rank below NNODES '2'/);
  });

  it("a command that is not there ends with 127 and its name, no traceback", () => {
    const r = run(slurmNode, ["dianjin-no-such-tool", "sft"]);
    expect(r.status).toBe(127);
    expect(r.stderr).toMatch(/cannot run dianjin-no-such-tool/);
    expect(r.stderr).not.toMatch(/Traceback/);
  });
});
