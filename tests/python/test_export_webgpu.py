"""WebGPU candidates (fp16, q4) of the dual graph: made, checked against fp32 on the export's
evaluation records, and listed in the manifest only when every decision is the same."""

import json
import shutil

import numpy as np
import onnxruntime as ort
import pytest
from twinscore.model.tokenizer import load_tokenizer

from twinscore.export import dual, webgpu
from twinscore.export.export import EDGE_CASES, eval_records, sha256
from twinscore.model.scoring import prepare


@pytest.fixture(scope="module")
def exported(pipeline):
    """The session's freshly exported tiny model, its manifest, and P(correct) of a graph on its check records."""
    model = pipeline["model"]
    manifest = json.loads((model / "manifest.json").read_text(encoding="utf-8"))
    tok = load_tokenizer(model)
    # The records export checks with (eval records, then the fixed edge cases).
    texts = [r.text for r in eval_records(str(pipeline["data"]), 2000)] + EDGE_CASES
    items = prepare(tok, texts, manifest["max_length"])

    def p_correct(path):
        run = dual.onnx_runner(ort.InferenceSession(str(path)))
        return dual.p_correct(dual.score(run, [s.ids_correct for s in items], [s.ids_wrong for s in items], tok.pad_token_id))

    return model, manifest, p_correct


def test_every_candidate_is_tried_and_reported(exported):
    _, manifest, _ = exported
    tried = manifest["metrics"]["webgpu_candidates"]
    assert [(c["precision"], c["file"]) for c in tried] == list(webgpu.CANDIDATES)
    for c in tried:
        assert "error" not in c, c
        assert c["n"] > len(EDGE_CASES)
        assert c["kept"] == (c["disagreements"] == 0) == (c["agreement_with_fp32"] == 1.0)
        assert 0 <= c["max_abs_diff_p"] < 0.5


def test_manifest_lists_exactly_the_identical_candidates_with_hashes(exported):
    model, manifest, _ = exported
    tried = manifest["metrics"]["webgpu_candidates"]
    listed = manifest["onnx"]["dual"]["webgpu"]
    assert listed == [{"file": c["file"], "precision": c["precision"]} for c in tried if c["kept"]]
    for c in tried:
        on_disk = (model / c["file"]).exists()
        assert on_disk == c["kept"] == (c["file"] in manifest["files"])
        if c["kept"]:
            assert manifest["files"][c["file"]]["sha256"] == sha256(model / c["file"])


def test_kept_candidates_decide_as_fp32_when_scored_again(exported):
    """Not the exporter's word for it: score the kept files here and compare decisions."""
    model, manifest, p_correct = exported
    threshold = manifest["threshold"]
    reference = p_correct(model / manifest["onnx"]["dual"]["fp32"])
    assert (reference >= threshold).any() and (reference < threshold).any()
    for kept in manifest["onnx"]["dual"]["webgpu"]:
        p = p_correct(model / kept["file"])
        assert np.array_equal(p >= threshold, reference >= threshold), kept
        recorded = next(c for c in manifest["metrics"]["webgpu_candidates"] if c["file"] == kept["file"])
        assert np.abs(p - reference).max() == pytest.approx(recorded["max_abs_diff_p"], abs=1e-6)


def test_a_candidate_that_flips_one_decision_is_dropped_and_deleted(exported, tmp_path):
    """The threshold is put between one record's fp32 and q4 scores, so q4 decides it the other way."""
    model, manifest, p_correct = exported
    fp32 = tmp_path / "onnx" / "dual.onnx"
    fp32.parent.mkdir()
    shutil.copy(model / manifest["onnx"]["dual"]["fp32"], fp32)
    reference = p_correct(fp32)
    q4 = tmp_path / "probe" / "q4.onnx"
    webgpu.build("q4", fp32, q4)
    p_q4 = p_correct(q4)
    i = int(np.argmax(np.abs(p_q4 - reference)))
    assert p_q4[i] != reference[i]
    threshold = float((p_q4[i] + reference[i]) / 2)

    kept, tried = webgpu.candidates(tmp_path, fp32, p_correct, reference, threshold)

    q4_report = next(c for c in tried if c["precision"] == "q4")
    assert not q4_report["kept"] and q4_report["disagreements"] >= 1 and q4_report["agreement_with_fp32"] < 1.0
    assert not (tmp_path / q4_report["file"]).exists()
    assert kept == [{"file": c["file"], "precision": c["precision"]} for c in tried if c["kept"]]
    assert all((tmp_path / k["file"]).exists() for k in kept)
    assert "dropped" in webgpu.summary(tried)


def test_compare_counts_a_non_finite_score_as_a_changed_decision():
    reference = np.array([0.9, 0.1, 0.2])
    result = webgpu.compare(reference, np.array([0.9, 0.1, np.nan]), 0.5)
    assert result["disagreements"] == 1 and not result["kept"] and np.isfinite(result["max_abs_diff_p"])
