#!/usr/bin/env python3
"""Runs an `accelerate launch`-based command (`trl sft --config x.yaml --accelerate_config <file>`) on one node of
several, written by dianjin-train.

The accelerate config is rendered once for the whole job, but the machine rank is per node and the head node's
address is known only inside the allocation: the Slurm per-node script exports NODE_RANK, NNODES, MASTER_ADDR and
MASTER_PORT on every node. They are appended as accelerate's own flags, which win over the config file
(accelerate/commands/launch.py, _validate_launch_command: a config value is used only where the flag is unset);
`trl sft` hands the arguments its parser does not know to accelerate's launch parser (trl/cli.py). No shell runs.

Usage: dianjin_accelerate_node.py <command> [args...]
"""
import os
import sys

NAMES = ("NODE_RANK", "NNODES", "MASTER_ADDR", "MASTER_PORT")


def fail(message):
    print(f"[dianjin-train] {message}", file=sys.stderr, flush=True)
    sys.exit(2)


def main():
    command = sys.argv[1:]
    if not command:
        fail("usage: dianjin_accelerate_node.py <command> [args...]")
    missing = [name for name in NAMES if not os.environ.get(name)]
    if missing:
        fail(f"{', '.join(missing)} not set: each node's rank and the head's address come from the Slurm per-node script")
    rank, nodes = os.environ["NODE_RANK"], os.environ["NNODES"]
    if not (rank.isdigit() and nodes.isdigit() and int(rank) < int(nodes)):
        fail(f"NODE_RANK {rank!r} is not a node rank below NNODES {nodes!r}")
    addr, port = os.environ["MASTER_ADDR"], os.environ["MASTER_PORT"]
    argv = command + ["--machine_rank", rank, "--main_process_ip", addr, "--main_process_port", port]
    print(f"[dianjin-train] node {rank} of {nodes}: accelerate rendezvous at {addr}:{port}", flush=True)
    try:
        os.execvp(argv[0], argv)
    except OSError as error:
        print(f"[dianjin-train] cannot run {argv[0]}: {error.strerror}", file=sys.stderr, flush=True)
        sys.exit(127)


if __name__ == "__main__":
    main()
