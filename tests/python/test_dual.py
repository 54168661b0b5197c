"""Single-pass dual scoring gives the two-pass rewards, in PyTorch and in the exported ONNX graphs."""

import json

import numpy as np
import onnx
import onnxruntime as ort
import pytest

from twinscore.export import dual, webgpu
from twinscore.export.export import FEATURES_ATOL, FEATURES_HEAD, FEATURES_INT8_RTOL, ExportError, check_features, quantize, sha256
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
    shared = {k: v for k, v in entry.items() if k not in ("webgpu", "features")}  # WebGPU-only files: test_export_webgpu.py; features: below
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


# ---- features: the score head's input at both label positions, a second output of the dual graph


def two_pass_hidden(model, ids: list[int]) -> np.ndarray:
    """The hidden state the classifier pools for one unpadded sequence: its last token's."""
    import torch

    with torch.no_grad():
        return model.model(input_ids=torch.tensor([ids]), use_cache=False).last_hidden_state[0, -1].float().numpy()


def test_pytorch_features_are_the_hidden_states_the_score_head_reads(untrained):
    import torch

    model, tok, items, reference = untrained
    rewards, features = dual.score_features(dual.torch_runner(model, features=True), [s.ids_correct for s in items], [s.ids_wrong for s in items], tok.pad_token_id, batch_size=8)
    assert features.shape == (len(items), 2, model.config.hidden_size) and features.dtype == np.float32
    assert np.abs(rewards - reference).max() < 1e-4
    for i in (0, len(items) - 4, len(items) - 1):  # an ordinary record, the cut one, the shortest
        for k, ids in enumerate((items[i].ids_correct, items[i].ids_wrong)):
            assert np.abs(features[i, k] - two_pass_hidden(model, ids)).max() < 1e-4
    with torch.no_grad():
        head = model.score(torch.from_numpy(features)).numpy()[..., 0]
    assert np.abs(head - reference).max() < 1e-4  # rewards = score(features): the exact tensor the head reads


def test_exported_graphs_return_the_features_pytorch_does(untrained, tmp_path):
    model, tok, items, _ = untrained
    ids_c, ids_w = [s.ids_correct for s in items], [s.ids_wrong for s in items]
    _, want = dual.score_features(dual.torch_runner(model, features=True), ids_c, ids_w, tok.pad_token_id, batch_size=8)
    fp32 = tmp_path / "dual.onnx"
    dual.export_onnx(model, tok, fp32)
    graphs = {"int8": tmp_path / "dual_quantized.onnx", "fp16": tmp_path / "dual_fp16.onnx", "q4": tmp_path / "dual_q4.onnx"}
    quantize(fp32, graphs["int8"])
    webgpu.build("fp16", fp32, graphs["fp16"])
    webgpu.build("q4", fp32, graphs["q4"])
    got = {}
    for name, path in {"fp32": fp32, **graphs}.items():
        outputs = onnx.load(str(path)).graph.output
        assert [o.name for o in outputs] == ["rewards", "features"], name  # rewards first, as before
        assert outputs[1].type.tensor_type.elem_type == onnx.TensorProto.FLOAT, name  # fp16 keeps its outputs in float32
        session = ort.InferenceSession(str(path))
        got[name] = dual.score_features(dual.onnx_runner(session, features=True), ids_c, ids_w, tok.pad_token_id, batch_size=8)
        # Asked for the rewards alone, a graph gives the same rewards.
        assert np.array_equal(dual.score(dual.onnx_runner(session), ids_c, ids_w, tok.pad_token_id, batch_size=8), got[name][0]), name
    scale = max(1.0, float(np.abs(want).max()))
    assert np.abs(got["fp32"][1] - want).max() <= FEATURES_ATOL * scale
    # This random model's weights (std 0.3) amplify int8 rounding far beyond a trained
    # model's (the export's own check on the trained one: test_export_declares_...): 13%
    # of a vector's length here, so it is held to 25%; a wrong tensor would be off by ~100%.
    metrics = check_features(want, got["fp32"][1], got["int8"][1], FEATURES_ATOL, 0.25)
    assert 0 < metrics["dual_features_int8_max_rel_l2_diff"] <= 0.25
    # WebGPU weights keep the output, same shape; how close they come is not held here (q4 of
    # this random model is far off, as its rewards are): the export keeps a WebGPU file only
    # where its decisions equal fp32's (webgpu.py).
    for name in ("fp16", "q4"):
        assert got[name][1].shape == want.shape and np.isfinite(got[name][1]).all(), name
    rel = {k: float((np.linalg.norm(v[1] - want, axis=-1) / np.linalg.norm(want, axis=-1)).max()) for k, v in got.items()}
    print("features vs PyTorch, max |diff|:", {k: float(np.abs(v[1] - want).max()) for k, v in got.items()}, "max rel L2:", rel, "largest |feature|", float(np.abs(want).max()))


def test_check_features_refuses_another_tensor():
    rng = np.random.default_rng(0)
    ref = rng.normal(size=(5, 2, 16)).astype(np.float32)
    ok = check_features(ref, ref + 1e-6, ref * 1.01, FEATURES_ATOL, FEATURES_INT8_RTOL)
    assert ok["dual_features_fp32_max_abs_diff"] < 1e-5 and ok["dual_features_int8_max_rel_l2_diff"] == pytest.approx(0.01, rel=1e-3)
    with pytest.raises(ExportError, match="fp32 features"):
        check_features(ref, ref[:, ::-1], ref, FEATURES_ATOL, FEATURES_INT8_RTOL)  # the label words swapped
    with pytest.raises(ExportError, match="int8 features"):
        check_features(ref, ref, ref + rng.normal(size=ref.shape), FEATURES_ATOL, FEATURES_INT8_RTOL)
    with pytest.raises(ExportError, match="fp32 features"):
        check_features(ref, np.full_like(ref, np.nan), ref, FEATURES_ATOL, FEATURES_INT8_RTOL)
    # A large model's features: the fp32 limit grows with them, so float32 rounding passes.
    big = ref * 300
    check_features(big, big + 5e-3, big, FEATURES_ATOL, FEATURES_INT8_RTOL)


def test_export_declares_the_features_and_holds_them_to_pytorch(pipeline):
    model = pipeline["model"]
    manifest = json.loads((model / "manifest.json").read_text(encoding="utf-8"))
    hidden = json.loads((model / "config.json").read_text(encoding="utf-8"))["hidden_size"]
    entry = manifest["onnx"]["dual"]
    assert entry["output"] == "rewards" and entry["features"] == {"output": "features", "size": hidden}
    for rel in [entry["fp32"], entry["quantized"], *(g["file"] for g in entry["webgpu"])]:
        assert [o.name for o in onnx.load(str(model / rel)).graph.output] == ["rewards", "features"], rel
    m = manifest["metrics"]
    tolerance = m["dual_features_tolerance"]
    assert tolerance == {"fp32_max_abs_diff": FEATURES_ATOL * max(1.0, m["dual_features_max_abs"]), "int8_max_rel_l2_diff": FEATURES_INT8_RTOL}
    assert 0 <= m["dual_features_fp32_max_abs_diff"] <= tolerance["fp32_max_abs_diff"]
    assert 0 < m["dual_features_int8_max_rel_l2_diff"] <= tolerance["int8_max_rel_l2_diff"]
    assert m["dual_features_int8_max_abs_diff"] >= m["dual_features_fp32_max_abs_diff"]
    print("export's features metrics:", {k: v for k, v in m.items() if k.startswith("dual_features")})

    parity = json.loads((model / "parity.json").read_text(encoding="utf-8"))
    assert parity["features"] == {"size": hidden, "head": FEATURES_HEAD}
    # Not the exporter's word for it: run the shipped graphs on the parity cases here.
    cases = parity["cases"]
    ids_c, ids_w = [c["ids_correct"] for c in cases], [c["ids_wrong"] for c in cases]
    for graph, key in ((entry["fp32"], "onnx_fp32"), (entry["quantized"], "onnx_int8")):
        rewards, features = dual.score_features(dual.onnx_runner(ort.InferenceSession(str(model / graph)), features=True), ids_c, ids_w, parity["pad_token_id"])
        for c, r, f in zip(cases, rewards, features):
            summary = c["dual"]["features"][key]
            assert np.abs(np.array(summary["head"]) - f[:, :FEATURES_HEAD]).max() < 1e-5
            assert np.abs(np.array(summary["norm"]) - np.linalg.norm(f.astype(np.float64), axis=-1)).max() < 1e-4
            assert abs(r[0] - c["dual"][key]["reward_correct"]) < 1e-5
    for c in cases:
        f = c["dual"]["features"]
        assert len(f["pytorch"]["head"]) == 2 and all(len(h) == FEATURES_HEAD for h in f["pytorch"]["head"])
        assert np.abs(np.array(f["onnx_fp32"]["head"]) - np.array(f["pytorch"]["head"])).max() <= tolerance["fp32_max_abs_diff"]
        rel = np.abs(np.array(f["onnx_int8"]["norm"]) - np.array(f["pytorch"]["norm"])) / np.array(f["pytorch"]["norm"])
        assert rel.max() <= FEATURES_INT8_RTOL  # |a| - |b| <= |a - b|
