"""Average the weights of trained model folders (a "model soup").

    python -m twinscore.average runs/a runs/b --out runs/soup [--weights 0.5 0.5]

Two fine-tuning rounds from the same weights end in the same basin; the mean of their
weights often scores better than either. The default model's last round did: a round on
mined area codes and false alarms caught more wrong codes and flagged more correct
landlines, and half of it with half of the weights it started from kept the codes it had
learnt and gave back the landlines (training/default-model-notes.md).

The folders must hold the same model: the same config (architecture and sizes), the same
tokenizer (a token's row means the same in each), and the same parameter names and
shapes; anything else is refused, naming what differs. The first folder's config and
tokenizer are written beside the averaged weights.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from .tokenizer import SAVED_FILES

WEIGHTS = "model.safetensors"
# What a folder must hold; the rest of tokenizer.SAVED_FILES is copied where it is there.
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json")
# Fields of config.json that may differ between rounds of the same model.
CONFIG_NOISE = {"transformers_version", "_name_or_path", "dtype", "torch_dtype"}


class AverageError(ValueError):
    """Folders that cannot be averaged: the message says which and why."""


def _config(folder: Path) -> dict:
    return {k: v for k, v in json.loads((folder / "config.json").read_text(encoding="utf-8")).items() if k not in CONFIG_NOISE}


def _tokenizer(folder: Path) -> dict:
    return json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))


def check_folders(folders: list[Path]) -> None:
    for folder in folders:
        missing = [f for f in ("config.json", WEIGHTS, *TOKENIZER_FILES) if not (folder / f).is_file()]
        if missing:
            raise AverageError(f"{folder}: no {', '.join(missing)} there (a folder twinscore-train wrote)")
    first = folders[0]
    for folder in folders[1:]:
        a, b = _config(first), _config(folder)
        differ = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
        if differ:
            raise AverageError(f"{folder}: config.json differs from {first}'s in {', '.join(differ)}: not the same model")
        if _tokenizer(folder) != _tokenizer(first):
            raise AverageError(f"{folder}: tokenizer.json differs from {first}'s: a token's row would not mean the same")


def average(tensors: list[dict], weights: list[float], names: list[str]) -> dict:
    """The weighted mean of each parameter; every state dict must have the same names and shapes."""
    first = tensors[0]
    for name, t in zip(names[1:], tensors[1:]):
        if t.keys() != first.keys():
            extra = sorted(t.keys() ^ first.keys())
            raise AverageError(f"{name}: its parameters differ from {names[0]}'s ({', '.join(extra[:5])})")
        shapes = [k for k in first if t[k].shape != first[k].shape]
        if shapes:
            raise AverageError(f"{name}: {shapes[0]} is {tuple(t[shapes[0]].shape)}, {tuple(first[shapes[0]].shape)} in {names[0]}")
    return {k: sum(w * t[k].double() for w, t in zip(weights, tensors)).to(first[k].dtype) for k in first}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m twinscore.average", description=__doc__.split("\n\n")[0])
    ap.add_argument("folders", nargs="+", metavar="RUN", help="model folders twinscore-train wrote (two or more)")
    ap.add_argument("--weights", nargs="*", type=float, help="each folder's share (default: equal); they must sum to 1")
    ap.add_argument("--out", required=True, help="output model folder")
    args = ap.parse_args(argv)
    folders = [Path(f) for f in args.folders]
    if len(folders) < 2:
        ap.error("give two or more folders to average")
    weights = args.weights or [1 / len(folders)] * len(folders)
    if len(weights) != len(folders):
        ap.error(f"--weights: {len(weights)} given for {len(folders)} folders")
    if any(w < 0 for w in weights) or abs(sum(weights) - 1) > 1e-6:
        ap.error(f"--weights must be shares that sum to 1, not {' '.join(map(str, weights))}")
    out = Path(args.out)
    if out.resolve() in {f.resolve() for f in folders}:
        ap.error(f"--out {out} is one of the folders averaged")
    try:
        check_folders(folders)
        from safetensors.torch import load_file, save_file

        state = average([load_file(str(f / WEIGHTS)) for f in folders], weights, [str(f) for f in folders])
    except AverageError as e:
        ap.error(str(e))
    out.mkdir(parents=True, exist_ok=True)
    for name in ("config.json", *SAVED_FILES):
        if (folders[0] / name).is_file():
            shutil.copyfile(folders[0] / name, out / name)
    save_file(state, str(out / WEIGHTS), metadata={"format": "pt"})
    print(f"average: wrote {out} ({', '.join(f'{w:g} x {f}' for w, f in zip(weights, folders))})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
