"""Recover a trainable model folder from an exported one (public/models/<name>/).

    python -m twinscore.unexport --model public/models/twin-default --out runs/from-shipped

The fp32 ONNX graph that export.py writes (onnx/model.onnx) holds every weight of the
PyTorch model, so a shipped model can be fine-tuned again without the run folder that
produced it: a fresh clone has only public/models, and a lent GPU machine gets only what
fits in the 64 MiB a call carries, where the model's ONNX files already travel and a
second copy of its weights would not fit.

torch.onnx (dynamo) keeps parameter names for what it uses as is (embeddings, norms,
biases) and turns each Linear weight into an anonymous transposed constant; the node
that multiplies by it records the module it came from in its name scopes, which gives
the parameter's name back. The result is checked: every parameter of the config's model
must be found, with its shape (tied or derived buffers such as rotary frequencies are not
parameters and are left to the model's own init).
"""

from __future__ import annotations

import argparse
import ast
import shutil
import sys
from pathlib import Path

# The wrapper export.py puts around the model (RewardOnly.inner).
WRAPPER = "inner."
# The tokenizer as export.py writes it; config.json is read, and written again with the weights.
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json")


def _module(node) -> str | None:
    """The module a node was traced in, from the exporter's name scopes (None if unrecorded)."""
    scopes = next((p.value for p in node.metadata_props if p.key == "pkg.torch.onnx.name_scopes"), None)
    if scopes is None:
        return None
    # A Python list literal: ['', 'inner', ..., 'inner.model.layers.0.mlp.up_proj', 'linear_5'].
    return ast.literal_eval(scopes)[-2].removeprefix(WRAPPER)


def onnx_state_dict(onnx_path: Path) -> dict:
    """Parameter name -> torch tensor, from an fp32 graph written by export.export_onnx."""
    import onnx
    import torch
    from onnx import numpy_helper

    graph = onnx.load(str(onnx_path)).graph
    initializers = {i.name: i for i in graph.initializer}

    def tensor(name: str, transpose: bool = False):
        array = numpy_helper.to_array(initializers[name])
        return torch.from_numpy((array.T if transpose else array).copy())

    state = {name.removeprefix(WRAPPER): tensor(name) for name in initializers if name.startswith(WRAPPER)}
    for node in graph.node:
        used = [x for x in node.input if x in initializers]
        if not used:
            continue
        module = _module(node)
        if node.op_type == "MatMul" and not used[-1].startswith(WRAPPER):
            if module is None:
                raise SystemExit(f"unexport: {onnx_path}: MatMul {node.name} records no module (pkg.torch.onnx.name_scopes); "
                                 "was the file written by twinscore.export?")
            state[f"{module}.weight"] = tensor(used[-1], transpose=True)  # torch computes x @ W.T
        elif module is not None:
            # The exporter drops an initializer equal to another (a fresh model's norms are
            # all ones) and feeds the survivor to both nodes: name it after this node too.
            for name in (n for n in used if n.startswith(WRAPPER)):
                key = f"{module}.{name.rsplit('.', 1)[1]}"
                if key not in state:  # converted once, not at every node that reads it
                    state[key] = tensor(name)
    return state


def load_exported(model_dir: Path):
    """The config's PyTorch model holding the weights of model_dir's fp32 graph, checked:
    every parameter found, with its shape."""
    import torch
    from transformers import AutoConfig, AutoModelForSequenceClassification

    onnx_path = model_dir / "onnx" / "model.onnx"
    state = onnx_state_dict(onnx_path)
    model = AutoModelForSequenceClassification.from_config(AutoConfig.from_pretrained(str(model_dir)))
    expected = dict(model.named_parameters())
    missing = sorted(set(expected) - set(state))
    if missing:
        raise SystemExit(f"unexport: {onnx_path} lacks {len(missing)} parameters of the config's model, e.g. {missing[:3]}")
    wrong = [f"{k} {tuple(state[k].shape)} != {tuple(p.shape)}" for k, p in expected.items() if state[k].shape != p.shape]
    if wrong:
        raise SystemExit(f"unexport: {onnx_path}: shapes differ from the config's model: {wrong[:3]}")
    with torch.no_grad():
        for k, p in expected.items():
            p.copy_(state[k])
    return model


def unexport(model_dir: Path, out: Path) -> Path:
    """Write out/ as a model folder (config, tokenizer, model.safetensors) that
    twinscore-train takes as --model_name_or_path."""
    for f in (model_dir / "onnx" / "model.onnx", model_dir / "config.json", *(model_dir / n for n in TOKENIZER_FILES)):
        if not f.is_file():
            raise SystemExit(f"unexport: {f} is missing; expected a folder written by twinscore.export")
    model = load_exported(model_dir)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(out))
    for n in TOKENIZER_FILES:
        shutil.copy(model_dir / n, out / n)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", required=True, type=Path, help="an exported model folder (public/models/<name>)")
    ap.add_argument("--out", required=True, type=Path, help="the model folder to write")
    args = ap.parse_args(argv)
    print(f"unexport: wrote {unexport(args.model, args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
