#!/usr/bin/env python3
"""Merge a seed-era verl FSDP actor checkpoint into a bf16 Hugging Face folder.

For checkpoints written by verl before `verl.model_merger` existed (no fsdp_config.json). Unlike the
DianJin-R1 seed's merge script it:
  * reads the world size from the shard file names (model_world_size_{W}_rank_{R}.pt), never a default;
  * joins each tensor along the dimension its DTensor placement records (replicated tensors taken once);
  * writes bfloat16 safetensors shards plus model.safetensors.index.json;
  * copies config and tokenizer from the checkpoint's own huggingface/ folder (not the base model).

Usage: python3 merge_fsdp_seed.py --local_dir <ckpt>/global_step_N/actor --target_dir <out>
Needs torch and safetensors (both are in any verl environment).
"""

import argparse
import json
import math
import os
import re
import shutil
import sys

SHARD_NAME = re.compile(r"^model_world_size_(\d+)_rank_(\d+)\.pt$")
# Weight files in huggingface/ are not copied: the merged weights replace them.
SKIP_COPY = re.compile(r"(\.safetensors|\.bin|\.pt|\.index\.json)$")


def parse_size(text):
    units = {"KB": 10**3, "MB": 10**6, "GB": 10**9, "KIB": 2**10, "MIB": 2**20, "GIB": 2**30}
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMG]I?B)?\s*", text.upper())
    if not m:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 5GB)")
    return int(float(m.group(1)) * units.get(m.group(2) or "", 1))


def find_shards(local_dir):
    found = {}
    for name in os.listdir(local_dir):
        m = SHARD_NAME.match(name)
        if m:
            found.setdefault(int(m.group(1)), {})[int(m.group(2))] = os.path.join(local_dir, name)
    if not found:
        sys.exit(f"error: no model_world_size_W_rank_R.pt files in {local_dir}")
    if len(found) > 1:
        sys.exit(f"error: shard files from several world sizes {sorted(found)} in {local_dir}; remove the stale ones")
    world_size, by_rank = next(iter(found.items()))
    missing = [r for r in range(world_size) if r not in by_rank]
    if missing:
        sys.exit(f"error: world size {world_size} but ranks {missing} have no shard file in {local_dir}")
    return world_size, [by_rank[r] for r in range(world_size)]


def load_shard(path):
    import torch

    # mmap keeps the fp32 shards on disk instead of in RAM; older files (non-zip format) cannot be mapped.
    try:
        return torch.load(path, map_location="cpu", weights_only=False, mmap=True)
    except (RuntimeError, TypeError, ValueError):
        return torch.load(path, map_location="cpu", weights_only=False)


def dtensor_types():
    try:
        from torch.distributed.tensor import DTensor, Replicate, Shard
    except ImportError:  # torch < 2.4
        from torch.distributed._tensor import DTensor, Replicate, Shard
    return DTensor, Replicate, Shard


def clean_name(name):
    return name.replace("_fsdp_wrapped_module.", "").replace("_checkpoint_wrapped_module.", "")


class Plan:
    """How one tensor is rebuilt: which ranks hold pieces and along which dim they are joined."""

    def __init__(self, key, ranks, dim, shape):
        self.key, self.ranks, self.dim, self.shape = key, ranks, dim, shape


def plan_tensors(shards):
    DTensor, Replicate, Shard = dtensor_types()
    first = shards[0]
    plans = []
    for key, value in first.items():
        if not isinstance(value, DTensor):
            # Plain tensors are whole copies on every rank.
            plans.append(Plan(key, [0], None, tuple(value.shape)))
            continue
        mesh = value.device_mesh.mesh
        placements = value.placements
        if mesh.ndim == 1:
            shard_ranks = list(range(mesh.shape[0]))
            placement = placements[0]
        elif mesh.ndim == 2 and isinstance(placements[0], Replicate):
            # HSDP mesh (ddp, fsdp): ranks of the first replica group hold one full copy between them.
            shard_ranks = [int(r) for r in mesh[0].tolist()]
            placement = placements[1]
        else:
            sys.exit(f"error: {key}: device mesh {tuple(mesh.shape)} with placements {placements} is not supported (FSDP+TP)")
        if isinstance(placement, Replicate):
            plans.append(Plan(key, [shard_ranks[0]], None, tuple(value.shape)))
        elif isinstance(placement, Shard):
            plans.append(Plan(key, shard_ranks, placement.dim, tuple(value.shape)))
        else:
            sys.exit(f"error: {key}: unsupported placement {placement}")
    return plans


def local(value):
    DTensor, _, _ = dtensor_types()
    return value.to_local() if isinstance(value, DTensor) else value


def build(plan, shards):
    import torch

    pieces = [local(shards[r][plan.key]) for r in plan.ranks]
    full = pieces[0] if plan.dim is None else torch.cat(pieces, dim=plan.dim)
    if tuple(full.shape) != plan.shape:
        sys.exit(f"error: {plan.key}: joined shape {tuple(full.shape)} differs from the recorded global shape {plan.shape}")
    return full.to(torch.bfloat16).contiguous()


def group_by_size(plans, max_bytes):
    groups, current, size = [], [], 0
    for plan in plans:
        nbytes = 2 * math.prod(plan.shape)  # bf16
        if current and size + nbytes > max_bytes:
            groups.append(current)
            current, size = [], 0
        current.append(plan)
        size += nbytes
    if current:
        groups.append(current)
    return groups


def copy_hf_files(hf_dir, target_dir):
    for name in sorted(os.listdir(hf_dir)):
        src = os.path.join(hf_dir, name)
        if os.path.isfile(src) and not SKIP_COPY.search(name):
            shutil.copy2(src, os.path.join(target_dir, name))
    config_path = os.path.join(target_dir, "config.json")
    with open(config_path) as f:
        config = json.load(f)
    config["torch_dtype"] = "bfloat16"  # the weights written below are bf16
    with open(config_path, "w") as f:
        json.dump(config, f, indent=2)
    return config


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--local_dir", required=True, help="<ckpt>/global_step_N/actor")
    parser.add_argument("--target_dir", required=True, help="output Hugging Face folder")
    parser.add_argument("--hf_dir", default=None, help="config/tokenizer source (default: <local_dir>/huggingface)")
    parser.add_argument("--max_shard_size", type=parse_size, default=parse_size("5GB"))
    args = parser.parse_args(argv)

    from safetensors.torch import save_file

    hf_dir = args.hf_dir or os.path.join(args.local_dir, "huggingface")
    if not os.path.isfile(os.path.join(hf_dir, "config.json")):
        sys.exit(f"error: {hf_dir}/config.json not found; the merged model takes config and tokenizer from there")
    world_size, paths = find_shards(args.local_dir)
    print(f"world size {world_size} (from shard file names); loading {len(paths)} shards", flush=True)
    shards = [{clean_name(k): v for k, v in load_shard(p).items()} for p in paths]

    os.makedirs(args.target_dir, exist_ok=True)
    config = copy_hf_files(hf_dir, args.target_dir)
    plans = plan_tensors(shards)
    if config.get("tie_word_embeddings") and any(p.key == "lm_head.weight" for p in plans):
        plans = [p for p in plans if p.key != "lm_head.weight"]  # tied: transformers does not store it

    groups = group_by_size(plans, args.max_shard_size)
    weight_map, total = {}, 0
    for i, group in enumerate(groups, start=1):
        name = f"model-{i:05d}-of-{len(groups):05d}.safetensors"
        tensors = {p.key: build(p, shards) for p in group}
        save_file(tensors, os.path.join(args.target_dir, name), metadata={"format": "pt"})
        for key, t in tensors.items():
            weight_map[key] = name
            total += t.numel() * t.element_size()
        print(f"wrote {name} ({len(tensors)} tensors)", flush=True)
        del tensors
    with open(os.path.join(args.target_dir, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": total}, "weight_map": dict(sorted(weight_map.items()))}, f, indent=2)
    print(f"merged {len(weight_map)} tensors ({total} bytes, bf16) into {args.target_dir}", flush=True)


if __name__ == "__main__":
    main()
