"""unexport: the weights of an exported model come back from its fp32 ONNX file, exactly."""

import json
import shutil

import pytest
import torch
from safetensors.torch import load_file

from tests.python.conftest import run
from twinscore.model.tokenizer import load_tokenizer
from twinscore.export.unexport import onnx_state_dict


def test_unexport_gives_back_the_trained_weights_bit_for_bit(pipeline, tmp_path):
    out = tmp_path / "again"
    run("twinscore.export.unexport", "--model", str(pipeline["model"]), "--out", str(out))
    trained, recovered = load_file(pipeline["run"] / "model.safetensors"), load_file(out / "model.safetensors")
    assert sorted(recovered) == sorted(trained)
    for name, tensor in trained.items():
        assert torch.equal(recovered[name], tensor), name
    # a folder the trainer takes as --model_name_or_path, cutting text as the export does
    tokenizer = load_tokenizer(out)
    text = "北京市海淀区学院路29号"
    assert tokenizer(text)["input_ids"] == load_tokenizer(pipeline["run"])(text)["input_ids"]
    assert json.loads((out / "config.json").read_text())["architectures"] == ["Qwen2ForSequenceClassification"]


def test_unexport_names_weights_the_exporter_merged(pipeline, tmp_path):
    """A fresh model's norms are all ones; the exporter keeps one of the equal tensors and
    feeds it to every norm, which must still come back under each norm's own name."""
    from transformers import AutoConfig, AutoModelForSequenceClassification

    from twinscore.export.export import export_onnx

    torch.manual_seed(0)
    model = AutoModelForSequenceClassification.from_config(AutoConfig.from_pretrained(pipeline["run"])).eval()
    path = tmp_path / "fresh.onnx"
    export_onnx(model, load_tokenizer(pipeline["run"]), path)
    import onnx

    names = {i.name for i in onnx.load(str(path)).graph.initializer}
    norms = [n for n, _ in model.named_parameters() if n.endswith("layernorm.weight")]
    assert sum(f"inner.{n}" in names for n in norms) < len(norms)  # the case under test happened
    state = onnx_state_dict(path)
    for name, p in model.named_parameters():
        assert torch.equal(state[name], p.detach()), name


def test_unexport_says_which_file_is_missing(pipeline, tmp_path):
    partial = tmp_path / "partial"
    shutil.copytree(pipeline["model"], partial)
    (partial / "onnx" / "model.onnx").unlink()
    result = run("twinscore.export.unexport", "--model", str(partial), "--out", str(tmp_path / "out"), check=False)
    assert result.returncode == 1
    assert f"{partial / 'onnx' / 'model.onnx'} is missing" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("share", ["0", "1.5"])
def test_build_dataset_refuses_a_wrong_share_outside_0_1(tmp_path, share):
    result = run("twinscore.dataset", "--generate", "100", "--wrong_share", share, "--out", str(tmp_path / "d"), check=False)
    assert result.returncode == 2
    assert f"--wrong_share must lie strictly between 0 and 1, got {float(share):g}" in result.stderr
    assert not (tmp_path / "d").exists()


def test_build_dataset_generates_the_wrong_share_asked_for(tmp_path):
    run("twinscore.dataset", "--generate", "2000", "--wrong_share", "0.3", "--test_size", "0", "--seed", "2", "--out", str(tmp_path / "d"))
    pairs = [json.loads(line) for line in (tmp_path / "d" / "train.jsonl").open(encoding="utf-8")]
    wrong = sum(p["chosen"][1]["content"] == "错误" for p in pairs)
    assert 0.26 < wrong / len(pairs) < 0.34


def test_build_dataset_adds_the_twins_asked_for(tmp_path):
    """--twins reaches the generator: the records drawn, and a correct twin per wrong one."""
    args = ["--generate", "1000", "--test_size", "0", "--seed", "2", "--focus", "area_code_city=3"]
    run("twinscore.dataset", *args, "--out", str(tmp_path / "plain"))
    run("twinscore.dataset", *args, "--twins", "--out", str(tmp_path / "twins"))
    read = lambda d: [json.loads(line) for line in (tmp_path / d / "train.jsonl").open(encoding="utf-8")]
    plain, twins = read("plain"), read("twins")
    label = lambda p: p["chosen"][1]["content"]
    texts = {p["chosen"][0]["content"] for p in plain}
    assert texts <= {p["chosen"][0]["content"] for p in twins}
    added = [p for p in twins if p["chosen"][0]["content"] not in texts]
    assert len(added) > 0.9 * sum(label(p) == "错误" for p in plain)
    assert {label(p) for p in added} == {"正确"}
