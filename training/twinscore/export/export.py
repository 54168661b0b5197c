"""export: a trained reward model -> public/models/<name>/ for the browser and the CLI.

    twinscore-export --model_dir runs/toy --dataset data/toy --name toy-tiny --default

Writes, in the layout transformers.js expects:
  config.json, tokenizer.json, tokenizer_config.json (with chat_template),
  onnx/model.onnx (fp32), onnx/model_quantized.onnx (int8 weight-only MatMulNBits),
  onnx/dual.onnx, onnx/dual_quantized.onnx (single-pass dual scoring, see dual.py; besides
  the rewards they return the features the rewards are read from),
  onnx/dual_fp16.onnx, onnx/dual_q4.onnx (WebGPU only, each only where its decisions
  equal fp32's on every evaluation record, see webgpu.py),
  parity.json (records -> exact texts, token ids and reference rewards, for the TS side),
  manifest.json (label words, prompt version, threshold, metrics, SHA-256 of every file).

It refuses to write a model that does not match PyTorch: fp32 ONNX rewards must be
within --atol of PyTorch's, and the int8 model's decisions must agree with PyTorch's
on at least --min_agreement of the evaluation records. The dual graphs' features (the
score head's input at both label positions) are held to PyTorch's too: fp32 within
--features_atol, int8 within --features_int8_rtol (see check_features).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import shutil
import sys
import tempfile
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from .. import prompt, record_template
from ..dataset.read import read_records
from ..model.scoring import onnx_runner, prepare, score, torch_runner
from . import dual, webgpu
from .weights import quantize

MANIFEST_FORMAT_VERSION = 1

# The features' tolerances (--features_atol, --features_int8_rtol). fp32 is held as tightly
# as the rewards are, scaled by the features' size: a larger model's final hidden states
# reach into the tens, where float32 rounding alone nears 1e-5. int8 weights move every
# feature a little, so its check is on whole vectors, relative to their length: measured
# at most 0.5% on the tests' tiny model and 2.5% on twin-default's graphs (H=128, its
# parity and toy test records); a wrong tensor or a broken graph is off by far more.
FEATURES_ATOL = 1e-4
FEATURES_INT8_RTOL = 0.1
# parity.json keeps, per feature vector, its first values and its L2 norm: enough for the
# TypeScript side to prove it reads the same tensor, without the whole vectors.
FEATURES_HEAD = 8

# Records beyond the evaluation split that parity.json always covers: truncation,
# characters outside the BMP, full-width digits, ASCII, whitespace inside a record.
EDGE_CASES = [
    "北京市海淀区学院路29号" * 80,
    "联系电话：１３８１２３４５６７８",
    "Room 5, 123 Main St.\tTel: +86 138 1234 5678",
    "张三 😀，广州市天河区#?@!路",
    "  上海市静安区南京西路1000号  ",
    # Lookup tokens (tiny.py): area codes with and without separators, a postcode that
    # starts with 0, digit runs one too long, and place names nested or side by side.
    "电话：(0571)88234567，邮编：050000，座机057188234567",
    "吉林省吉林市船营区，0432-6234567，邮编132011，3100123，01012345678901",
    "新县城区东区西区矿区，0371-",
    # A label's colon before Latin letters, full-width and ASCII (regroup --detach_colon
    # cuts it off them; a tokenizer without that joins them into one token).
    "联系电话：lo2-6284-4127，电话:hn627410599",
]


class ExportError(RuntimeError):
    pass


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="twinscore-export", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model_dir", required=True, help="output_dir of twinscore-train (full model or LoRA adapter)")
    p.add_argument("--dataset", required=True, help="labelled records for the parity checks and metrics: a build-dataset folder (its test.jsonl), .jsonl, .csv ...")
    p.add_argument("--split", default="test", help="which split of a build-dataset folder to use: the threshold is chosen on it, so pass 'validation' when the folder has one")
    p.add_argument("--name", required=True, help="model name: the folder under --out_root")
    p.add_argument("--out_root", default="public/models", help="where model folders live")
    p.add_argument("--max_length", type=int, default=256, help="longest sequence scored; longer records are cut (with a warning)")
    p.add_argument("--max_eval", type=int, default=2000, help="evaluation records used for parity and metrics")
    p.add_argument("--parity_cases", type=int, default=24, help="evaluation records written to parity.json (plus fixed edge cases)")
    p.add_argument("--atol", type=float, default=1e-4, help="largest allowed |ONNX fp32 - PyTorch| reward difference")
    p.add_argument("--min_agreement", type=float, default=0.999, help="least fraction of int8 decisions equal to PyTorch's")
    p.add_argument("--features_atol", type=float, default=FEATURES_ATOL,
                   help="largest allowed |ONNX fp32 - PyTorch| feature difference, in units of the largest |PyTorch feature| where that is over 1")
    p.add_argument("--features_int8_rtol", type=float, default=FEATURES_INT8_RTOL,
                   help="largest allowed |int8 - PyTorch| / |PyTorch| of a feature vector (L2 norms), over every record and both label words")
    p.add_argument("--max_false_alarms", type=float, metavar="SHARE",
                   help="lower the threshold until at most this share of the eval split's correct records is called wrong (e.g. 0.005)")
    p.add_argument("--default", action="store_true", help="make this the default model of the app and the CLI (public/models/index.json)")
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.max_false_alarms is not None and not 0 <= args.max_false_alarms < 1:
        parser.error(f"--max_false_alarms {args.max_false_alarms:g}: a share of the correct records, from 0 up to 1")
    try:
        out = export(args)
    except ExportError as e:
        print(f"export: FAILED: {e}", file=sys.stderr)
        return 1
    print(f"export: wrote {out}")
    return 0


def load_model(model_dir: Path):
    from transformers import AutoModelForSequenceClassification

    from ..model.tokenizer import load_tokenizer

    if (model_dir / "adapter_config.json").exists():  # LoRA: fold the adapter into the base weights
        from peft import AutoPeftModelForSequenceClassification

        model = AutoPeftModelForSequenceClassification.from_pretrained(model_dir, num_labels=1).merge_and_unload()
    else:
        model = AutoModelForSequenceClassification.from_pretrained(model_dir, num_labels=1)
    tokenizer = load_tokenizer(model_dir)
    if tokenizer.pad_token_id is None or model.config.pad_token_id != tokenizer.pad_token_id:
        raise ExportError(f"{model_dir}: model pad_token_id {model.config.pad_token_id} != tokenizer's {tokenizer.pad_token_id}; the classifier would pool the wrong token")
    if not tokenizer.chat_template:
        raise ExportError(f"{model_dir}: tokenizer has no chat template; training and scoring would format records differently")
    model.config.use_cache = False
    return model.float().eval(), tokenizer


def eval_records(dataset: str, limit: int, split: str = "test"):
    path = Path(dataset)
    if path.is_dir():
        path = path / f"{split}.jsonl"
    return read_records(path)[:limit]


def export_onnx(model, tokenizer, path: Path) -> None:
    import torch

    class RewardOnly(torch.nn.Module):
        """input_ids, attention_mask -> logits [batch, 1]: the reward, nothing else."""

        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask, use_cache=False).logits

    ids = torch.tensor([prompt.encode(tokenizer, "北京市海淀区学院路29号", prompt.LABEL_CORRECT)] * 2)
    mask = torch.ones_like(ids)
    batch, seq = torch.export.Dim("batch"), torch.export.Dim("sequence")
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(
        RewardOnly(model).eval(), (ids, mask), str(path),
        input_names=["input_ids", "attention_mask"], output_names=["logits"],
        dynamic_shapes={"input_ids": {0: batch, 1: seq}, "attention_mask": {0: batch, 1: seq}},
        dynamo=True, external_data=False, verbose=False,
    )


def choose_threshold(p_correct: list[float], correct: list[bool]) -> float:
    """The cut on P(correct): 0.5 unless another cut is clearly better on these records.

    0.5 is where the two label words' rewards are equal. Another cut is taken only when it
    makes more than 2 sqrt(k) fewer errors than 0.5 does, k the records scored between the
    two (two standard deviations of that difference were their labels coin flips: the
    records it moves across must be mostly of the other label, not a few); of those, the
    one with the fewest errors, ties nearest 0.5. A trained model's validation accuracy is
    flat over a wide band, and the plain best cut there is noise: five candidates of the
    default model fell at 0.69-0.91 on the 6,047 validation records by one or two records,
    and each made more errors on 20,000 fresh records there than at 0.5-0.58
    (the v1 notes, now summed up in docs/model-history.md).

    Cuts lie halfway between neighbouring scores, never on one, so a score that moves a
    hair (int8 rounding, another runtime) does not change its side.
    """
    ps = np.asarray(p_correct, dtype=np.float64)
    ok = np.asarray(correct, dtype=bool)
    order = np.argsort(ps, kind="stable")
    ps, ok = ps[order], ok[order]
    uniq = np.unique(ps)
    cuts = np.concatenate([[0.5], (uniq[1:] + uniq[:-1]) / 2])
    below = np.searchsorted(ps, cuts, side="left")  # records under each cut: called wrong
    correct_below = np.concatenate([[0], np.cumsum(ok)])[below]
    wrong_at_or_above = (~ok).sum() - (below - correct_below)
    errors = correct_below + wrong_at_or_above
    between = np.abs(below - below[0])  # records whose side differs from 0.5's
    clearly = (errors[0] - errors) > 2 * np.sqrt(between)
    if not clearly.any():
        return 0.5
    idx = np.flatnonzero(clearly)
    best = idx[errors[idx] == errors[idx].min()]
    return float(cuts[best[np.argmin(np.abs(cuts[best] - 0.5))]])


def cap_false_alarms(p_correct: list[float], correct: list[bool], threshold: float, share: float) -> float:
    """threshold, or the highest cut below it that calls at most `share` of the correct
    records wrong. A reviewer pays for every false alarm, and a model that cannot yet
    tell every error from every way of writing a correct record is worth more to them
    flagging fewer records, most of them wrong, than flagging many, a tenth of them right.
    Cuts lie halfway between neighbouring scores, as choose_threshold's do."""
    ps = np.asarray(p_correct, dtype=np.float64)
    ok = np.asarray(correct, dtype=bool)
    if not ok.any() or (ps[ok] < threshold).mean() <= share:
        return threshold
    uniq = np.unique(ps)
    cuts = np.concatenate([[0.0], (uniq[1:] + uniq[:-1]) / 2])
    cuts = cuts[cuts < threshold]
    good = np.sort(ps[ok])
    alarms = np.searchsorted(good, cuts, side="left") / len(good)  # correct records under each cut
    return float(cuts[alarms <= share].max())


def metrics(p_correct: list[float], correct: list[bool], threshold: float) -> dict:
    predicted_wrong = [p < threshold for p in p_correct]
    actual_wrong = [not c for c in correct]
    tp = sum(a and b for a, b in zip(predicted_wrong, actual_wrong))
    n_pred, n_true = sum(predicted_wrong), sum(actual_wrong)
    return {
        "n": len(correct),
        "accuracy": sum(pw == aw for pw, aw in zip(predicted_wrong, actual_wrong)) / len(correct),
        "precision_wrong": tp / n_pred if n_pred else None,
        "recall_wrong": tp / n_true if n_true else None,
    }


def features_summary(features: np.ndarray) -> dict:
    """One record's features [2, H] in parity.json: each vector's first values and L2 norm (正确 first)."""
    f = np.asarray(features, dtype=np.float64)
    return {"head": [[float(x) for x in v[:FEATURES_HEAD]] for v in f], "norm": [float(np.linalg.norm(v)) for v in f]}


def dual_case(scored, fp32, int8, features: dict | None = None) -> dict:
    """parity.json's single-pass vectors: the packed ids and lengths, both graphs' rewards and,
    given ``features`` ({"pytorch": [2, H], "onnx_fp32": ..., "onnx_int8": ...}), their summaries."""
    ids, lengths = dual.pack(scored.ids_correct, scored.ids_wrong)

    def outcome(r):
        return {"reward_correct": float(r[0]), "reward_wrong": float(r[1]), "p_correct": 1.0 / (1.0 + math.exp(r[1] - r[0]))}

    case = {"ids": ids, "lengths": list(lengths), "onnx_fp32": outcome(fp32), "onnx_int8": outcome(int8)}
    if features is not None:
        case["features"] = {k: features_summary(v) for k, v in features.items()}
    return case


def check_features(reference: np.ndarray, fp32: np.ndarray, int8: np.ndarray, atol: float, int8_rtol: float) -> dict:
    """The dual graphs' features [N, 2, H] against PyTorch's: manifest.json's metrics, or ExportError.

    fp32: the largest |difference| of any one feature, within ``atol`` times the largest
    |PyTorch feature| (or 1 when that is smaller). int8: each vector's |difference| / |PyTorch
    vector| (L2), within ``int8_rtol``; its largest single |difference| is reported as well.
    """
    ref = np.asarray(reference, dtype=np.float64)
    scale = float(np.abs(ref).max())
    fp32_diff = float(np.abs(np.asarray(fp32, dtype=np.float64) - ref).max())
    int8_delta = np.asarray(int8, dtype=np.float64) - ref
    int8_diff = float(np.abs(int8_delta).max())
    int8_rel = float((np.linalg.norm(int8_delta, axis=-1) / np.maximum(np.linalg.norm(ref, axis=-1), 1e-12)).max())
    fp32_limit = atol * max(1.0, scale)
    if not (np.isfinite(fp32_diff) and fp32_diff <= fp32_limit):
        raise ExportError(f"ONNX fp32 features differ from PyTorch's by up to {fp32_diff:.2e} (> {fp32_limit:.1e}, largest |feature| {scale:.3g})")
    if not (np.isfinite(int8_rel) and int8_rel <= int8_rtol):
        raise ExportError(f"int8 features differ from PyTorch's by up to {int8_rel:.2%} of a vector's length (> {int8_rtol:.0%})")
    return {
        "dual_features_max_abs": scale,
        "dual_features_fp32_max_abs_diff": fp32_diff,
        "dual_features_int8_max_abs_diff": int8_diff,
        "dual_features_int8_max_rel_l2_diff": int8_rel,
        "dual_features_tolerance": {"fp32_max_abs_diff": fp32_limit, "int8_max_rel_l2_diff": int8_rtol},
    }


def graph_outputs(path: Path) -> list[str]:
    import onnx

    return [o.name for o in onnx.load(str(path), load_external_data=False).graph.output]


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def export(args) -> Path:
    import onnxruntime as ort

    model, tokenizer = load_model(Path(args.model_dir))
    labelled = eval_records(args.dataset, args.max_eval, args.split)
    if not labelled:
        raise ExportError(f"{args.dataset}: no evaluation records")
    max_length = min(args.max_length, model.config.max_position_embeddings)

    with tempfile.TemporaryDirectory() as tmp:
        stage = Path(tmp) / args.name
        fp32, int8 = stage / "onnx" / "model.onnx", stage / "onnx" / "model_quantized.onnx"
        export_onnx(model, tokenizer, fp32)
        quantize(fp32, int8)
        dual_fp32, dual_int8 = stage / "onnx" / "dual.onnx", stage / "onnx" / "dual_quantized.onnx"
        dual.export_onnx(model, tokenizer, dual_fp32)
        quantize(dual_fp32, dual_int8)

        texts = [r.text for r in labelled] + EDGE_CASES
        prepared = prepare(tokenizer, texts, max_length)  # tokenize and fit once, score three ways

        def score_with(run):
            return score(run, [replace(s) for s in prepared], tokenizer.pad_token_id)

        ref = score_with(torch_runner(model))
        onx = score_with(onnx_runner(ort.InferenceSession(str(fp32))))
        q = score_with(onnx_runner(ort.InferenceSession(str(int8))))

        worst = max(max(abs(a.reward_correct - b.reward_correct), abs(a.reward_wrong - b.reward_wrong)) for a, b in zip(ref, onx))
        if worst > args.atol:
            raise ExportError(f"ONNX fp32 rewards differ from PyTorch by up to {worst:.2e} (> {args.atol:.0e})")

        ids_c, ids_w = [s.ids_correct for s in prepared], [s.ids_wrong for s in prepared]

        def dual_with(path):
            """Rewards [N, 2] and features [N, 2, H] of the dual graph at path."""
            return dual.score_features(dual.onnx_runner(ort.InferenceSession(str(path)), features=True), ids_c, ids_w, tokenizer.pad_token_id)

        # The single-pass graph must give the two-pass rewards: fp32 against PyTorch's
        # two passes, int8 against the int8 two-pass graph (same weights, same rounding).
        (dual_onx, features_onx), (dual_q, features_q) = dual_with(dual_fp32), dual_with(dual_int8)
        worst_dual = max(max(abs(d[0] - a.reward_correct), abs(d[1] - a.reward_wrong)) for d, a in zip(dual_onx, ref))
        worst_dual_int8 = max(max(abs(d[0] - a.reward_correct), abs(d[1] - a.reward_wrong)) for d, a in zip(dual_q, q))
        if worst_dual > args.atol or worst_dual_int8 > args.atol:
            raise ExportError(f"single-pass dual rewards differ from two-pass ones by up to {worst_dual:.2e} (fp32) / {worst_dual_int8:.2e} (int8) (> {args.atol:.0e})")
        # Their features: against PyTorch's single pass (the same tensor the score head reads).
        _, features_ref = dual.score_features(dual.torch_runner(model, features=True), ids_c, ids_w, tokenizer.pad_token_id)
        features_metrics = check_features(features_ref, features_onx, features_q, args.features_atol, args.features_int8_rtol)

        n = len(labelled)
        correct = [r.correct for r in labelled]
        threshold = choose_threshold([s.p_correct for s in ref[:n]], correct)
        if args.max_false_alarms is not None:
            threshold = cap_false_alarms([s.p_correct for s in ref[:n]], correct, threshold, args.max_false_alarms)
        agree = sum((a.p_correct >= threshold) == (b.p_correct >= threshold) for a, b in zip(ref, q)) / len(ref)
        if agree < args.min_agreement:
            raise ExportError(f"int8 model's decisions agree with PyTorch's on only {agree:.4%} of records (< {args.min_agreement:.2%})")

        # WebGPU weights are checked against fp32 on the same records as int8, but held to
        # identical decisions: they are optional, so any doubt drops them.
        webgpu_kept, webgpu_tried = webgpu.candidates(
            stage, dual_fp32, lambda path: dual.p_correct(dual_with(path)[0]), dual.p_correct(dual_onx), threshold,
        )
        # Every dual graph written, quantized and WebGPU ones included, returns both outputs.
        for rel in [dual_fp32.relative_to(stage).as_posix(), dual_int8.relative_to(stage).as_posix(), *(g["file"] for g in webgpu_kept)]:
            if graph_outputs(stage / rel) != [dual.OUTPUT, dual.FEATURES]:
                raise ExportError(f"{rel}: outputs {graph_outputs(stage / rel)}, expected {[dual.OUTPUT, dual.FEATURES]}")

        parity_index = list(range(min(args.parity_cases, n))) + list(range(n, len(texts)))
        parity = {
            "max_length": max_length,
            "pad_token_id": tokenizer.pad_token_id,
            "threshold": threshold,
            # Each case's dual.features: for each graph, per label word (正确, 错误), the first
            # `head` features and the vector's L2 norm; `size` features in all.
            "features": {"size": int(features_ref.shape[2]), "head": FEATURES_HEAD},
            "cases": [
                {
                    "record": ref[i].record, "fitted": ref[i].fitted, "truncated": ref[i].truncated,
                    "text_correct": prompt.render(tokenizer, ref[i].fitted, prompt.LABEL_CORRECT),
                    "text_wrong": prompt.render(tokenizer, ref[i].fitted, prompt.LABEL_WRONG),
                    "ids_correct": ref[i].ids_correct, "ids_wrong": ref[i].ids_wrong,
                    "pytorch": {"reward_correct": ref[i].reward_correct, "reward_wrong": ref[i].reward_wrong, "p_correct": ref[i].p_correct},
                    "onnx_fp32": {"reward_correct": onx[i].reward_correct, "reward_wrong": onx[i].reward_wrong, "p_correct": onx[i].p_correct},
                    "onnx_int8": {"reward_correct": q[i].reward_correct, "reward_wrong": q[i].reward_wrong, "p_correct": q[i].p_correct},
                    "dual": dual_case(ref[i], dual_onx[i], dual_q[i], {"pytorch": features_ref[i], "onnx_fp32": features_onx[i], "onnx_int8": features_q[i]}),
                }
                for i in parity_index
            ],
        }
        (stage / "parity.json").write_text(json.dumps(parity, ensure_ascii=False, indent=1), encoding="utf-8")

        tokenizer.save_pretrained(stage)
        model.config.save_pretrained(stage)  # also right for a merged LoRA model, which has no config.json of its own
        # transformers writes the template to chat_template.jinja; transformers.js and our
        # manifest validation read it from tokenizer_config.json, so it lives there.
        tok_config = json.loads((stage / "tokenizer_config.json").read_text(encoding="utf-8"))
        tok_config["chat_template"] = tokenizer.chat_template
        tok_config["padding_side"] = "right"
        (stage / "tokenizer_config.json").write_text(json.dumps(tok_config, indent=2, ensure_ascii=False), encoding="utf-8")
        (stage / "chat_template.jinja").unlink(missing_ok=True)

        eval_results = Path(args.model_dir) / "eval_results.json"
        manifest = {
            "format_version": MANIFEST_FORMAT_VERSION,
            "name": args.name,
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "architecture": (model.config.architectures or ["?"])[0],
            "prompt": {
                "version": prompt.PROMPT_FORMAT_VERSION,
                "label_correct": prompt.LABEL_CORRECT,
                "label_wrong": prompt.LABEL_WRONG,
                "template": "chat_template in tokenizer_config.json: [user: record, assistant: label word]",
            },
            "record_template": record_template.manifest_entry(),
            "threshold": threshold,
            "max_length": max_length,
            "pad_token_id": tokenizer.pad_token_id,
            "padding_side": "right",
            "onnx": {
                "inputs": ["input_ids", "attention_mask"], "output": "logits", "fp32": "onnx/model.onnx", "quantized": "onnx/model_quantized.onnx",
                "dual": {
                    "inputs": dual.INPUTS, "output": dual.OUTPUT, "fp32": "onnx/dual.onnx", "quantized": "onnx/dual_quantized.onnx",
                    # [] when no candidate decided as fp32 did: WebGPU then runs the quantized file.
                    "webgpu": webgpu_kept,
                    # Every dual file's second output: [N, 2, size] float32, the hidden states the
                    # score head reads at the 正确 and 错误 label positions (absent in older exports).
                    "features": {"output": dual.FEATURES, "size": int(features_ref.shape[2])},
                },
            },
            "metrics": {
                "eval_split": f"{args.dataset} ({args.split})" if Path(args.dataset).is_dir() else str(args.dataset),
                "pytorch": metrics([s.p_correct for s in ref[:n]], correct, threshold),
                "onnx_int8": metrics([s.p_correct for s in q[:n]], correct, threshold),
                "int8_agreement_with_pytorch": agree,
                "onnx_fp32_max_abs_diff": worst,
                "dual_fp32_max_abs_diff": worst_dual,
                "dual_int8_max_abs_diff_vs_two_pass_int8": worst_dual_int8,
                **features_metrics,
                "webgpu_candidates": webgpu_tried,
                "trainer": json.loads(eval_results.read_text()) if eval_results.exists() else None,
            },
            "files": {
                str(p.relative_to(stage)): {"sha256": sha256(p), "bytes": p.stat().st_size}
                for p in sorted(stage.rglob("*")) if p.is_file()
            },
        }
        (stage / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")

        dest = Path(args.out_root) / args.name
        if dest.exists():
            shutil.rmtree(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(stage, dest)

    if args.default:
        index_path = Path(args.out_root) / "index.json"
        index = json.loads(index_path.read_text()) if index_path.exists() else {}
        index["default"] = args.name
        index_path.write_text(json.dumps(index, indent=2) + "\n")
    m = manifest["metrics"]
    print(f"export: {n} eval records: accuracy {m['pytorch']['accuracy']:.4f} (PyTorch) / {m['onnx_int8']['accuracy']:.4f} (int8), "
          f"threshold {threshold:.4f}, fp32 max |diff| {worst:.1e}, int8 agreement {agree:.2%}")
    print(f"export: WebGPU candidates vs fp32 on {len(prepared)} records: {webgpu.summary(m['webgpu_candidates'])}")
    print(f"export: dual features ({manifest['onnx']['dual']['features']['size']} per label word) vs PyTorch: fp32 max |diff| {m['dual_features_fp32_max_abs_diff']:.1e}, "
          f"int8 max |diff| {m['dual_features_int8_max_abs_diff']:.1e} ({m['dual_features_int8_max_rel_l2_diff']:.2%} of a vector's length at most)")
    return dest


if __name__ == "__main__":
    raise SystemExit(main())
