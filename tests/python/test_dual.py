"""Single-pass dual scoring gives the two-pass rewards, in PyTorch and in the exported ONNX graphs."""

import json

import numpy as np
import onnx
import onnxruntime as ort
import pytest

from twinscore.export import dual
from twinscore.export.export import quantize, sha256
from twinscore.model.scoring import onnx_runner, prepare, score, torch_runner
from twinscore.dataset.toy import toy_records

RECORDS = [r.text for r in toy_records(40, seed=11)] + [
    "北京市海淀区学院路29号" * 40,  # cut to max_length
    "张三 😀，广州市天河区#?@!路",
    "  上海市静安区南京西路1000号  ",
    "a",
]


@pytest.fixture(scope="module")
def untrained():
    """A random Qwen2 classifier with weights large enough that rewards differ a lot per record."""
    import torch
    from transformers import AutoModelForSequenceClassification, Qwen2Config

    from twinscore.model.tiny import train_tokenizer

    tok = train_tokenizer(RECORDS, 600)
    config = Qwen2Config(
        vocab_size=len(tok), hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
        num_key_value_heads=2, max_position_embeddings=512, pad_token_id=tok.pad_token_id, num_labels=1,
    )
    torch.manual_seed(5)
    model = AutoModelForSequenceClassification.from_config(config).eval()
    with torch.no_grad():
        for p in model.parameters():
            if p.dim() > 1:  # matrices; the norms keep their weight of 1
                p.normal_(0, 0.3)
    items = prepare(tok, RECORDS, 128)
    two_pass = score(torch_runner(model), items, tok.pad_token_id, batch_size=8)
    reference = np.array([[s.reward_correct, s.reward_wrong] for s in two_pass])
    assert reference.std() > 0.1  # the check below would be empty on a near-constant model
    return model, tok, items, reference


def test_pack_shares_the_longest_common_prefix():
    ids, lengths = dual.pack([1, 2, 3, 4, 5], [1, 2, 3, 9])
    assert ids == [1, 2, 3, 4, 5, 9] and lengths == (3, 2, 1)


def test_pack_keeps_one_token_in_each_suffix():
    assert dual.pack([1, 2, 3], [1, 2, 3]) == ([1, 2, 3, 3], (2, 1, 1))
    assert dual.pack([1, 2], [1, 2, 3]) == ([1, 2, 2, 3], (1, 1, 2))


def test_label_words_share_the_whole_record_prefix(untrained):
    _, tok, items, _ = untrained
    for s in items:
        _, (p, a, b) = dual.pack(s.ids_correct, s.ids_wrong)
        assert p + a == len(s.ids_correct) and p + b == len(s.ids_wrong)
        assert a <= 8 and b <= 8  # only the label word and the closing tokens are scored twice


def test_pytorch_single_pass_equals_two_pass(untrained):
    model, tok, items, reference = untrained
    got = dual.score(dual.torch_runner(model), [s.ids_correct for s in items], [s.ids_wrong for s in items], tok.pad_token_id, batch_size=8)
    assert np.abs(got - reference).max() < 1e-4


def test_a_record_scores_the_same_alone_and_packed_with_longer_ones(untrained):
    model, tok, items, _ = untrained
    run = dual.torch_runner(model)
    together = dual.score(run, [s.ids_correct for s in items], [s.ids_wrong for s in items], tok.pad_token_id, batch_size=len(items))
    alone = dual.score(run, [items[-1].ids_correct], [items[-1].ids_wrong], tok.pad_token_id)
    assert np.abs(together[-1] - alone[0]).max() < 1e-5


def test_exported_graphs_equal_two_pass(untrained, tmp_path):
    model, tok, items, reference = untrained
    dual_fp32, dual_int8 = tmp_path / "dual.onnx", tmp_path / "dual_quantized.onnx"
    dual.export_onnx(model, tok, dual_fp32)
    quantize(dual_fp32, dual_int8)
    ids_c, ids_w = [s.ids_correct for s in items], [s.ids_wrong for s in items]
    fp32 = dual.score(dual.onnx_runner(ort.InferenceSession(str(dual_fp32))), ids_c, ids_w, tok.pad_token_id, batch_size=8)
    assert np.abs(fp32 - reference).max() < 1e-4

    # int8: the two-pass graph quantized the same way is the reference (same weights, same rounding).
    from twinscore.export.export import export_onnx

    export_onnx(model, tok, tmp_path / "model.onnx")
    quantize(tmp_path / "model.onnx", tmp_path / "model_quantized.onnx")
    two_pass_int8 = score(onnx_runner(ort.InferenceSession(str(tmp_path / "model_quantized.onnx"))), prepare(tok, RECORDS, 128), tok.pad_token_id)
    int8 = dual.score(dual.onnx_runner(ort.InferenceSession(str(dual_int8))), ids_c, ids_w, tok.pad_token_id, batch_size=8)
    assert np.abs(int8 - np.array([[s.reward_correct, s.reward_wrong] for s in two_pass_int8])).max() < 1e-4
    ops = {n.op_type for n in onnx.load(str(dual_int8)).graph.node}
    assert "MatMulNBits" in ops


def test_export_ships_the_dual_graphs_and_their_parity_vectors(pipeline):
    model = pipeline["model"]
    manifest = json.loads((model / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["onnx"]["dual"]
    shared = {k: v for k, v in entry.items() if k != "webgpu"}  # WebGPU-only files: test_export_webgpu.py
    assert shared == {"inputs": ["input_ids", "lengths"], "output": "rewards", "fp32": "onnx/dual.onnx", "quantized": "onnx/dual_quantized.onnx"}
    for name in (entry["fp32"], entry["quantized"]):
        assert manifest["files"][name]["sha256"] == sha256(model / name)
    assert manifest["metrics"]["dual_fp32_max_abs_diff"] <= 1e-4
    assert manifest["metrics"]["dual_int8_max_abs_diff_vs_two_pass_int8"] <= 1e-4
    cases = json.loads((model / "parity.json").read_text(encoding="utf-8"))["cases"]
    for c in cases:
        assert (c["dual"]["ids"], tuple(c["dual"]["lengths"])) == dual.pack(c["ids_correct"], c["ids_wrong"])
        assert abs(c["dual"]["onnx_fp32"]["reward_correct"] - c["pytorch"]["reward_correct"]) < 1e-4
        assert abs(c["dual"]["onnx_fp32"]["reward_wrong"] - c["pytorch"]["reward_wrong"]) < 1e-4
