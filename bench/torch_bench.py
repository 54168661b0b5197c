"""The Python half of `npm run bench`: records, the matmul peak, FLOPs, and the PyTorch methods.

    python bench/torch_bench.py records --n 5000 --out bench/.work/records.txt
    python bench/torch_bench.py peak --threads 2
    python bench/torch_bench.py gemm-models --model public/models/<name> --out bench/.work/gemm
    python bench/torch_bench.py flops --model public/models/<name> --records bench/.work/records.txt
    python bench/torch_bench.py score --method seed|batched --model ... --records ... --threads 2

Each prints one JSON object on its last line. bench/run.ts runs every method in its own
process, so each peak RSS is that method's alone.

The PyTorch model is re-created from the exported fp32 ONNX graph (model.onnx) and
config.json by twinscore.export.unexport, so the bench runs on exactly the shipped model without
the training run's checkpoint. The rebuilt model must reproduce parity.json's PyTorch
rewards within 1e-4, or the bench stops.
"""

from __future__ import annotations

import argparse
import re
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "training"))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def make_records(n: int, seed: int) -> list[str]:
    """The lead's generator when present (realistic records), the toy records otherwise.

    records.txt holds one record per line, and the generator writes some records with their
    fields on separate lines (as people paste them): those lines are joined with a space,
    another separator the records use. Speed depends on a record's length, not on which
    separator it has.
    """
    try:
        from twinscore.records.generate import generate

        return [re.sub(r"\s*[\r\n]+\s*", " ", r.text) for r in generate(n, seed=seed)]
    except ImportError:
        from twinscore.dataset.toy import toy_records

        return [r.text for r in toy_records(n, seed=seed)]


def torch_model_from_onnx(model_dir: Path):
    from twinscore.model.tokenizer import load_tokenizer
    from twinscore.export.unexport import load_exported

    model = load_exported(model_dir).float().eval()
    model.config.use_cache = False
    tokenizer = load_tokenizer(model_dir)
    check_parity(model, tokenizer, model_dir)
    return model, tokenizer


def check_parity(model, tokenizer, model_dir: Path) -> None:
    from twinscore.model.scoring import prepare, score, torch_runner

    parity = json.loads((model_dir / "parity.json").read_text(encoding="utf-8"))
    cases = parity["cases"]
    got = score(torch_runner(model), prepare(tokenizer, [c["record"] for c in cases], parity["max_length"]), parity["pad_token_id"])
    worst = max(max(abs(g.reward_correct - c["pytorch"]["reward_correct"]), abs(g.reward_wrong - c["pytorch"]["reward_wrong"])) for g, c in zip(got, cases))
    if worst > 1e-4:
        raise SystemExit(f"{model_dir}: PyTorch model rebuilt from ONNX differs from parity.json by {worst:.2e}")


def score_seed(model, tokenizer, records: list[str], max_length: int) -> list[float]:
    """The seed's method: one record at a time, one forward pass per label word."""
    import torch

    from twinscore.prompt import LABEL_CORRECT, LABEL_WRONG, encode, fit_record

    out = []
    with torch.no_grad():
        for record in records:
            fitted, _ = fit_record(tokenizer, record, max_length)
            rewards = [model(input_ids=torch.tensor([encode(tokenizer, fitted, label)]), use_cache=False).logits[0, 0].item() for label in (LABEL_CORRECT, LABEL_WRONG)]
            out.append(1 / (1 + pow(2.718281828459045, rewards[1] - rewards[0])))
    return out


def score_batched(model, tokenizer, records: list[str], max_length: int, batch_size: int) -> list[float]:
    """PyTorch batched, two passes per record in one padded batch (scoring.py, what export uses)."""
    from twinscore.model.scoring import prepare, score, torch_runner

    items = score(torch_runner(model), prepare(tokenizer, records, max_length), tokenizer.pad_token_id, batch_size=batch_size)
    return [s.p_correct for s in items]


def matmul_peak(threads: int, size: int = 1024, repeat: int = 20) -> float:
    """Best fp32 GFLOP/s of a square matmul on this machine with this many threads."""
    import torch

    torch.set_num_threads(threads)
    a, b = torch.randn(size, size), torch.randn(size, size)
    a @ b
    best = 0.0
    for _ in range(repeat):
        start = time.perf_counter()
        a @ b
        best = max(best, 2 * size**3 / (time.perf_counter() - start))
    return best / 1e9


def gemm_models(model_dir: Path, out: Path) -> dict:
    """One-MatMul ONNX graphs in the model's widest shape (hidden x intermediate): fp32, and
    8-bit MatMulNBits made by the quantizer the export uses. onnxruntime-node and
    onnxruntime-web each time them with the bench's thread count, so the bench can tell
    how much of a runtime's gap is its matrix kernels and how much is everything else."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    from twinscore.export.weights import quantize

    config = json.loads((model_dir / "config.json").read_text())
    k, n = config["hidden_size"], config["intermediate_size"]
    weight = (np.random.default_rng(0).standard_normal((k, n)) / np.sqrt(k)).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["a", "w"], ["y"])], "gemm",
        [helper.make_tensor_value_info("a", TensorProto.FLOAT, ["m", k])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["m", n])],
        [numpy_helper.from_array(weight, "w")],
    )
    out.mkdir(parents=True, exist_ok=True)
    fp32, int8 = out / "gemm_fp32.onnx", out / "gemm_int8.onnx"  # the names gemmFile in bench/gemm.ts reads
    # IR 8 (opset 17): what every onnxruntime the bench runs reads, not the newest onnx writes
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8), str(fp32))
    quantize(fp32, int8)
    return {"k": k, "n": n, "fp32": str(fp32), "int8": str(int8)}


def flops(model_dir: Path, records: list[str]) -> dict:
    """Multiply-add FLOPs per record (2 per MAC), from config.json and the records' token counts.

    Linear layers cost 2 x params per token; attention 2 x 2 x q x k x head_dim x heads
    per layer (QK^T and AV over the keys each query sees, causal); the score head runs on
    the pooled token(s) only. Padding is not counted: these are the useful FLOPs.
    """
    from transformers import AutoConfig

    from twinscore.export import dual
    from twinscore.model.tokenizer import load_tokenizer
    from twinscore.prompt import LABEL_CORRECT, LABEL_WRONG, encode, fit_record

    c = AutoConfig.from_pretrained(model_dir)
    tok = load_tokenizer(model_dir)
    h, inter, layers = c.hidden_size, c.intermediate_size, c.num_hidden_layers
    head_dim = h // c.num_attention_heads
    kv = c.num_key_value_heads * head_dim
    per_token = layers * 2 * (h * h + 2 * h * kv + h * h + 3 * h * inter)
    max_length = json.loads((model_dir / "manifest.json").read_text())["max_length"]

    def attention(keys_seen: int) -> int:  # one query attending over keys_seen keys, all layers
        return layers * 2 * 2 * keys_seen * head_dim * c.num_attention_heads

    two_pass = single = 0
    for record in records:
        fitted, _ = fit_record(tok, record, max_length)
        ids_c, ids_w = encode(tok, fitted, LABEL_CORRECT), encode(tok, fitted, LABEL_WRONG)
        for ids in (ids_c, ids_w):
            two_pass += len(ids) * per_token + sum(attention(i + 1) for i in range(len(ids))) + 2 * h
        _, (p, a, b) = dual.pack(ids_c, ids_w)
        single += (p + a + b) * per_token + sum(attention(i + 1) for i in range(p)) + 2 * h
        single += sum(attention(p + i + 1) for i in range(a)) + sum(attention(p + i + 1) for i in range(b))
    n = len(records)
    return {"two_pass": two_pass / n, "single_pass": single / n, "params_per_token": per_token // 2}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("command", choices=["records", "peak", "gemm-models", "flops", "score"])
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out")
    ap.add_argument("--model")
    ap.add_argument("--records")
    ap.add_argument("--method", choices=["seed", "batched"])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch_size", type=int, default=64)
    args = ap.parse_args()

    if args.command == "records":
        records = make_records(args.n, args.seed)
        bad = next((i for i, r in enumerate(records) if "\n" in r or "\r" in r), None)
        if bad is not None:
            raise SystemExit(f"generated record {bad + 1} holds a line break; records.txt is one record per line")
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text("\n".join(records) + "\n", encoding="utf-8")
        print(json.dumps({"n_records": len(records)}))
        return
    if args.command == "peak":
        print(json.dumps({"matmul_gflops": matmul_peak(args.threads), "threads": args.threads}))
        return
    if args.command == "gemm-models":
        print(json.dumps(gemm_models(Path(args.model), Path(args.out))))
        return
    records = Path(args.records).read_text(encoding="utf-8").splitlines()
    model_dir = Path(args.model)
    if args.command == "flops":
        print(json.dumps(flops(model_dir, records)))
        return

    import torch

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    model, tokenizer = torch_model_from_onnx(model_dir)
    max_length = json.loads((model_dir / "manifest.json").read_text())["max_length"]
    warm = records[:32]
    (score_seed if args.method == "seed" else lambda *a: score_batched(*a, args.batch_size))(model, tokenizer, warm, max_length)
    start = time.perf_counter()
    if args.method == "seed":
        p = score_seed(model, tokenizer, records, max_length)
    else:
        p = score_batched(model, tokenizer, records, max_length, args.batch_size)
    seconds = time.perf_counter() - start
    print(json.dumps({"records_per_s": len(records) / seconds, "seconds": seconds, "peak_rss_mb": peak_rss_mb(), "p_correct_head": p[:5]}))


if __name__ == "__main__":
    main()
