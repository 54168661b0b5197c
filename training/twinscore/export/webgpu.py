"""WebGPU candidates of the single-pass dual graph: fp16 and q4 weights, shipped only
where they decide exactly as the fp32 graph does.

Each candidate is made from the fp32 dual graph (weights.py), scored with onnxruntime
on CPU over the export's evaluation records and compared with fp32 at the model's
threshold. One record on the other side of the threshold and the candidate is dropped
and its file deleted: a manifest never lists WebGPU weights that change a verdict on
those records. Every candidate tried, kept or not, is reported with its agreement and
largest |ΔP| for manifest.json's metrics.

The browser (src/core/model-files.ts) runs the first kept candidate its WebGPU adapter
can: fp16 needs the adapter feature 'shader-f16', q4 (MatMulNBits, 4 bits) runs on any.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from .weights import quantize, to_fp16

# In the browser's order of preference: fp16 stays closest to fp32 where the adapter
# has shader-f16; q4 is the one every adapter runs.
CANDIDATES: tuple[tuple[str, str], ...] = (("fp16", "onnx/dual_fp16.onnx"), ("q4", "onnx/dual_q4.onnx"))


def build(precision: str, fp32: Path, dst: Path) -> None:
    if precision == "fp16":
        to_fp16(fp32, dst)
    elif precision == "q4":
        quantize(fp32, dst, bits=4)
    else:
        raise ValueError(f"unknown WebGPU candidate precision {precision!r}")


def compare(reference: np.ndarray, p: np.ndarray, threshold: float) -> dict:
    """How a candidate's P(correct) decides next to fp32's on the same records.

    A non-finite P (fp16 overflow) counts as a changed decision whatever side it falls on.
    """
    finite = np.isfinite(p)
    same = finite & ((p >= threshold) == (reference >= threshold))
    disagreements = int((~same).sum())
    diff = np.where(finite, np.abs(p - reference), 1.0)
    return {
        "n": int(len(p)),
        "agreement_with_fp32": 1.0 - disagreements / len(p),
        "disagreements": disagreements,
        "max_abs_diff_p": float(diff.max()),
        "kept": disagreements == 0,
    }


def candidates(stage: Path, fp32: Path, p_correct: Callable[[Path], np.ndarray], reference: np.ndarray, threshold: float) -> tuple[list[dict], list[dict]]:
    """Make, score and keep or delete every candidate under ``stage``.

    ``p_correct(path)`` scores the evaluation records with the graph at ``path``;
    ``reference`` is fp32's P(correct) on them. Returns manifest.json's
    ``onnx.dual.webgpu`` (the kept files, in order of preference) and the report of
    every candidate tried. A candidate that cannot be made or run is reported, not kept.
    """
    kept, tried = [], []
    for precision, rel in CANDIDATES:
        path = stage / rel
        try:
            build(precision, fp32, path)
            result = compare(reference, np.asarray(p_correct(path), dtype=np.float64), threshold)
        except Exception as e:  # noqa: BLE001 - an optional file; the export goes on without it
            result = {"n": int(len(reference)), "kept": False, "error": f"{type(e).__name__}: {e}"}
        tried.append({"precision": precision, "file": rel, **result})
        if result["kept"]:
            kept.append({"file": rel, "precision": precision})
        else:
            path.unlink(missing_ok=True)
    return kept, tried


def summary(tried: list[dict]) -> str:
    """One line for the export's log."""
    def one(c: dict) -> str:
        if "error" in c:
            return f"{c['precision']} failed ({c['error']})"
        verdict = "kept" if c["kept"] else f"dropped, {c['disagreements']} decision(s) changed"
        return f"{c['precision']} {verdict} (agreement {c['agreement_with_fp32']:.2%}, max |dP| {c['max_abs_diff_p']:.1e})"

    return "; ".join(one(c) for c in tried)
