"""Run by a Slurm batch script before the trainer restarts on its own (a requeue): picks the newest *complete*
HF Trainer checkpoint-N of the output folder, moves incomplete newer ones aside (never deleted), and points the
rendered LLaMA-Factory YAML's resume_from_checkpoint at it (or drops it when none is complete). transformers'
get_last_checkpoint would take the highest number even when its save was cut short ("Can't find a valid checkpoint").
Mirrors src/tools/llamafactory/checkpoints.ts (checkCheckpoint); test/tools/llamafactory/hf-restart.test.ts compares.

usage: python3 dianjin_hf_restart.py <output_dir> <aside_dir> <train.yaml> <deepspeed:0|1>
"""
import json
import os
import re
import sys
import time

SINGLE_WEIGHTS = ["model.safetensors", "pytorch_model.bin", "adapter_model.safetensors", "adapter_model.bin"]
SHARD_INDEXES = ["model.safetensors.index.json", "pytorch_model.bin.index.json"]
CHECKPOINT_DIR = re.compile(r"^checkpoint-(\d+)$")


def read_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except Exception:
        return None


def weights_missing(d):
    if any(os.path.exists(os.path.join(d, n)) for n in SINGLE_WEIGHTS):
        return []
    for name in SHARD_INDEXES:
        index = read_json(os.path.join(d, name))
        if not isinstance(index, dict):
            continue
        shards = sorted(set((index.get("weight_map") or {}).values()))
        return ["weight shard " + s for s in shards if not os.path.exists(os.path.join(d, s))]
    return ["model weights"]


def optimizer_missing(d, deepspeed):
    if not deepspeed:
        return [] if os.path.exists(os.path.join(d, "optimizer.pt")) else ["optimizer.pt"]
    try:
        with open(os.path.join(d, "latest"), encoding="utf-8") as f:
            tag = f.read().strip()
    except Exception:
        return ["DeepSpeed `latest` file"]
    try:
        files = os.listdir(os.path.join(d, tag))
    except Exception:
        return ["DeepSpeed state folder %s/" % tag]
    return [] if any(f.endswith("_optim_states.pt") for f in files) else ["optimizer shards in %s/" % tag]


def missing(d, deepspeed):
    out = []
    state = read_json(os.path.join(d, "trainer_state.json"))
    if not isinstance(state, dict) or not isinstance(state.get("global_step"), (int, float)) or isinstance(state.get("global_step"), bool):
        out.append("trainer_state.json")
    return out + weights_missing(d) + optimizer_missing(d, deepspeed)


def choose(output_dir, deepspeed):
    """(newest complete path or None, [incomplete newer paths]) — newest first, like findResumePoint."""
    try:
        names = os.listdir(output_dir)
    except Exception:
        return None, []
    found = sorted(
        ((int(m.group(1)), os.path.join(output_dir, n)) for n in names for m in [CHECKPOINT_DIR.match(n)] if m and os.path.isdir(os.path.join(output_dir, n))),
        reverse=True,
    )
    incomplete = []
    for _, path in found:
        if not missing(path, deepspeed):
            return path, incomplete
        incomplete.append(path)
    return None, incomplete


def point_config(config, checkpoint):
    with open(config, encoding="utf-8") as f:
        lines = [l for l in f.read().splitlines() if not l.startswith("resume_from_checkpoint:")]
    if checkpoint:
        lines.append("resume_from_checkpoint: " + json.dumps(checkpoint))
    tmp = config + ".restart.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, config)


def main(argv):
    if len(argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    output_dir, aside_dir, config, deepspeed = argv[1], argv[2], argv[3], argv[4] == "1"
    checkpoint, incomplete = choose(output_dir, deepspeed)
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    for path in incomplete:
        os.makedirs(aside_dir, exist_ok=True)
        target = os.path.join(aside_dir, "%s.incomplete-%s" % (os.path.basename(path), stamp))
        os.rename(path, target)
        print("[dianjin-train] restart: set aside incomplete %s (%s) -> %s" % (os.path.basename(path), ", ".join(missing(target, deepspeed)), target), flush=True)
    point_config(config, checkpoint)
    print("[dianjin-train] restart: resuming from %s" % (checkpoint or "the start (no complete checkpoint)"), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
