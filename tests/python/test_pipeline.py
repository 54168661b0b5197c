"""The whole chain on CPU: TRL trains a tiny model, export writes ONNX that matches it."""

import json

import numpy as np
import onnxruntime as ort
import pytest

from tests.python.conftest import run
from twinscore import prompt
from twinscore.export.export import cap_false_alarms, choose_threshold, sha256
from twinscore.model.scoring import pad_right
from twinscore.model.tokenizer import load_tokenizer


def test_training_learns_and_reports_eval_accuracy(pipeline):
    results = json.loads((pipeline["run"] / "eval_results.json").read_text())
    assert results["eval_accuracy"] >= 0.9, pipeline["train_log"][-2000:]


def test_trl_tokenizes_exactly_as_our_prompt_module(pipeline):
    """The ids TRL's RewardTrainer trained on are the ids prompt.encode gives the scorer."""
    from trl.data_utils import _tokenize

    tok = load_tokenizer(pipeline["run"])
    pair = json.loads((pipeline["data"] / "test.jsonl").read_text(encoding="utf-8").splitlines()[0])
    record, label = pair["chosen"][0]["content"], pair["chosen"][1]["content"]
    assert _tokenize(tok, pair["chosen"])["input_ids"] == prompt.encode(tok, record, label)
    text = prompt.render(tok, record, label)
    # ChatML with the label turn left open: the sequence ends on the label word
    assert text == f"<|im_start|>user\n{record}<|im_end|>\n<|im_start|>assistant\n{label}"
    assert " ".join([record, label]) not in text  # the seed's space-joined text is not what we score


def test_export_writes_the_transformers_js_layout_with_hashes(pipeline):
    model = pipeline["model"]
    manifest = json.loads((model / "manifest.json").read_text(encoding="utf-8"))
    for name in ("config.json", "tokenizer.json", "tokenizer_config.json", "onnx/model.onnx", "onnx/model_quantized.onnx", "parity.json"):
        assert manifest["files"][name]["sha256"] == sha256(model / name)
    assert manifest["prompt"] == {**manifest["prompt"], "version": prompt.PROMPT_FORMAT_VERSION, "label_correct": "正确", "label_wrong": "错误"}
    assert json.loads((model / "tokenizer_config.json").read_text(encoding="utf-8"))["chat_template"] == prompt.CHAT_TEMPLATE
    assert manifest["metrics"]["onnx_fp32_max_abs_diff"] <= 1e-4
    assert manifest["metrics"]["int8_agreement_with_pytorch"] >= 0.999
    assert manifest["metrics"]["onnx_int8"]["accuracy"] >= 0.9
    assert 0 < manifest["threshold"] < 1


def test_pooling_takes_the_last_real_token_under_right_padding(pipeline):
    """Padding a sequence must not change its reward: pad id, side and mask agree with PyTorch."""
    model = pipeline["model"]
    manifest = json.loads((model / "manifest.json").read_text(encoding="utf-8"))
    tok = load_tokenizer(model)
    session = ort.InferenceSession(str(model / "onnx/model.onnx"))
    short = prompt.encode(tok, "联系电话：a", prompt.LABEL_WRONG)
    long = prompt.encode(tok, "张三，北京市朝阳区望京街道123号院5号楼，邮编：100102", prompt.LABEL_CORRECT)
    ids, mask = pad_right([short, long], manifest["pad_token_id"])
    batched = session.run(["logits"], {"input_ids": ids, "attention_mask": mask})[0][:, 0]
    alone = session.run(["logits"], {"input_ids": np.array([short]), "attention_mask": np.ones((1, len(short)), dtype=np.int64)})[0][0, 0]
    assert abs(batched[0] - alone) < 1e-5


def test_parity_vectors_hold_truncated_and_ordinary_cases(pipeline):
    parity = json.loads((pipeline["model"] / "parity.json").read_text(encoding="utf-8"))
    assert any(c["truncated"] for c in parity["cases"])
    for c in parity["cases"]:
        assert len(c["ids_correct"]) <= parity["max_length"] and len(c["ids_wrong"]) <= parity["max_length"]
        assert abs(c["pytorch"]["reward_correct"] - c["onnx_fp32"]["reward_correct"]) < 1e-4


def test_export_refuses_a_model_folder_without_a_chat_template(pipeline, tmp_path):
    import shutil

    from tests.python.conftest import run

    broken = tmp_path / "broken"
    shutil.copytree(pipeline["run"], broken, ignore=shutil.ignore_patterns("base-tiny"))
    (broken / "chat_template.jinja").unlink()
    cfg = json.loads((broken / "tokenizer_config.json").read_text())
    cfg.pop("chat_template", None)
    (broken / "tokenizer_config.json").write_text(json.dumps(cfg))
    result = run("twinscore.export", "--model_dir", str(broken), "--dataset", str(pipeline["data"]), "--name", "x", "--out_root", str(tmp_path / "m"), check=False)
    assert result.returncode == 1
    assert "no chat template" in result.stderr
    assert not (tmp_path / "m" / "x").exists()


def test_train_rejects_a_bad_label_before_training(tmp_path):
    from tests.python.conftest import run

    (tmp_path / "bad.csv").write_text("text,label\n北京,correct\n上海,sometimes\n", encoding="utf-8")
    result = run("twinscore.dataset", str(tmp_path / "bad.csv"), "--out", str(tmp_path / "ds"), check=False)
    assert result.returncode == 1 and "row 3, column 'label'" in result.stderr


def test_threshold_is_one_half_unless_another_cut_is_clearly_better():
    # separable at 0.5
    assert choose_threshold([0.9, 0.8, 0.2, 0.1], [True, True, False, False]) == 0.5
    # a model that scores its wrong records 0.6-0.7: moving the cut above them drops ten
    # errors, more than 2 sqrt(10); the cut lies between the scores, not on one
    ps = [0.9 + i / 400 for i in range(20)] + [0.6 + i / 100 for i in range(11)] + [0.1] * 10
    labels = [True] * 20 + [False] * 21
    assert choose_threshold(ps, labels) == pytest.approx((0.7 + 0.9) / 2)
    # a flat band: a cut at 0.9 is one record better than 0.5 over 9 records between them
    # (5 wrong, 4 correct), which is noise, not evidence
    band = [0.55 + i / 20 for i in range(9)]
    ps = [0.99] * 500 + band + [0.01] * 500
    labels = [True] * 500 + [False, True] * 4 + [False] + [False] * 500
    errors = lambda t: sum((p >= t) != ok for p, ok in zip(ps, labels))
    assert errors(0.99) < errors(0.5)  # the plain best cut is not 0.5 ...
    assert choose_threshold(ps, labels) == 0.5  # ... and is not taken
    # ties among clearly better cuts go nearest 0.5: either side of a score held by as many
    # correct records as wrong ones, the errors are the same
    ps = [0.95] * 30 + [0.3] * 30 + [0.25] * 10 + [0.2] * 30
    labels = [True] * 60 + [True, False] * 5 + [False] * 30
    assert choose_threshold(ps, labels) == pytest.approx(0.275)


def test_lora_training_trains_the_score_head_and_exports_merged(pipeline, tmp_path):
    """--use_peft: a SEQ_CLS LoRA adapter whose score head is trained; export merges it."""
    from tests.python.conftest import run

    out = tmp_path / "lora"
    run(
        "twinscore.model", "--dataset_name", str(pipeline["data"]), "--output_dir", str(out), "--tiny",
        "--use_peft", "--lora_r", "8", "--lora_alpha", "16", "--lora_target_modules", "q_proj", "v_proj",
        "--max_steps", "30", "--per_device_train_batch_size", "16", "--learning_rate", "5e-3",
        "--eval_strategy", "no", "--save_strategy", "no", "--report_to", "none", "--max_length", "256",
    )
    adapter = json.loads((out / "adapter_config.json").read_text())
    assert adapter["task_type"] == "SEQ_CLS"
    assert "score" in (adapter.get("modules_to_save") or [])
    result = run("twinscore.export", "--model_dir", str(out), "--dataset", str(pipeline["data"]), "--name", "lora", "--out_root", str(tmp_path / "m"), "--max_eval", "200", "--min_agreement", "0.99")
    manifest = json.loads((tmp_path / "m" / "lora" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["metrics"]["onnx_fp32_max_abs_diff"] <= 1e-4, result.stdout


def test_false_alarms_are_capped_by_lowering_the_cut_and_never_raising_it():
    # 100 correct records, 10 of them scored low (0.2-0.29); 20 wrong ones at 0.055-0.245
    correct = [0.95] * 90 + [0.2 + i / 100 for i in range(10)]
    wrong = [0.055 + i / 100 for i in range(20)]
    ps, labels = correct + wrong, [True] * 100 + [False] * 20
    share = lambda t: sum(p < t for p in correct) / 100
    assert share(0.5) == 0.10
    t = cap_false_alarms(ps, labels, 0.5, 0.03)
    assert share(t) <= 0.03 and t < 0.5
    assert share(t + 0.011) > 0.03  # the highest such cut: one more score up is over the cap
    assert t not in ps  # halfway between scores, as every cut is
    assert cap_false_alarms(ps, labels, 0.5, 0.10) == 0.5  # already within the cap: unchanged
    assert cap_false_alarms(ps, labels, 0.5, 0.0) < min(correct)  # no false alarm at all


def test_export_refuses_a_false_alarm_cap_that_is_no_share_before_loading_anything(tmp_path):
    result = run("twinscore.export", "--model_dir", str(tmp_path / "none"), "--dataset", str(tmp_path), "--name", "x",
                 "--max_false_alarms", "1.5", check=False)
    assert result.returncode == 2 and "--max_false_alarms 1.5: a share of the correct records" in result.stderr
