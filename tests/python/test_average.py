"""average: the weighted mean of trained model folders, refused for folders of different models."""

import json
import shutil

import numpy as np
import pytest
import torch
from safetensors.torch import load_file, save_file

from tests.python.conftest import run
from twinscore import scoring

TEXTS = ["张三，北京市朝阳区望京街道123号院5号楼，邮编：100102，联系电话：13812345678", "广州市天河区#?@!路"]


def shifted(src, dst, delta):
    """A copy of a model folder with delta added to every weight (another round's weights, for the mean)."""
    shutil.copytree(src, dst)
    state = load_file(dst / "model.safetensors")
    save_file({k: v + delta for k, v in state.items()}, str(dst / "model.safetensors"), metadata={"format": "pt"})
    return dst


def test_the_mean_of_the_weights_loads_and_scores(pipeline, tmp_path):
    a = pipeline["run"]
    b = shifted(a, tmp_path / "b", 0.3)
    out = tmp_path / "soup"
    result = run("twinscore.average", str(a), str(b), "--weights", "0.75", "0.25", "--out", str(out))
    assert "0.75 x" in result.stderr
    A, B, M = (load_file(f / "model.safetensors") for f in (a, b, out))
    assert sorted(M) == sorted(A)
    for k in A:
        assert torch.allclose(M[k], 0.75 * A[k] + 0.25 * B[k], atol=1e-6), k
    # equal shares by default; a folder averaged with itself scores as it did
    same = tmp_path / "same"
    run("twinscore.average", str(a), str(a), "--out", str(same))
    assert np.array_equal(scoring.p_correct_of(str(same), TEXTS, 128, 8), scoring.p_correct_of(str(a), TEXTS, 128, 8))
    assert (same / "tokenizer.json").read_bytes() == (a / "tokenizer.json").read_bytes()


def test_folders_of_different_models_are_refused(pipeline, tmp_path):
    a = pipeline["run"]
    wider = tmp_path / "wider"
    shutil.copytree(a, wider)
    config = json.loads((wider / "config.json").read_text())
    config["intermediate_size"] *= 2
    (wider / "config.json").write_text(json.dumps(config))
    result = run("twinscore.average", str(a), str(wider), "--out", str(tmp_path / "o1"), check=False)
    assert result.returncode != 0 and f"{wider}: config.json differs" in result.stderr and "intermediate_size" in result.stderr

    retokenized = tmp_path / "retokenized"
    shutil.copytree(a, retokenized)
    tokenizer = json.loads((a / "tokenizer.json").read_text(encoding="utf-8"))
    vocab = tokenizer["model"]["vocab"]
    first, second = list(vocab)[-2:]
    vocab[first], vocab[second] = vocab[second], vocab[first]  # two tokens trade rows
    (retokenized / "tokenizer.json").write_text(json.dumps(tokenizer, ensure_ascii=False), encoding="utf-8")
    result = run("twinscore.average", str(a), str(retokenized), "--out", str(tmp_path / "o2"), check=False)
    assert result.returncode != 0 and f"{retokenized}: tokenizer.json differs" in result.stderr

    fewer = tmp_path / "fewer"
    shutil.copytree(a, fewer)
    state = load_file(fewer / "model.safetensors")
    dropped = sorted(state)[0]
    save_file({k: v for k, v in state.items() if k != dropped}, str(fewer / "model.safetensors"), metadata={"format": "pt"})
    result = run("twinscore.average", str(a), str(fewer), "--out", str(tmp_path / "o3"), check=False)
    assert result.returncode != 0 and f"{fewer}: its parameters differ" in result.stderr and dropped in result.stderr
    assert not any((tmp_path / o).exists() for o in ("o1", "o2", "o3"))


@pytest.mark.parametrize("args, message", [
    (["--weights", "0.5", "0.6"], "--weights must be shares that sum to 1"),
    (["--weights", "1"], "--weights: 1 given for 2 folders"),
    (["--weights", "1.5", "-0.5"], "--weights must be shares that sum to 1"),
])
def test_bad_weights_say_what_is_wrong(pipeline, tmp_path, args, message):
    result = run("twinscore.average", str(pipeline["run"]), str(pipeline["run"]), "--out", str(tmp_path / "o"), *args, check=False)
    assert result.returncode != 0 and message in result.stderr and not (tmp_path / "o").exists()


def test_a_missing_folder_one_folder_or_out_over_an_input_is_refused(pipeline, tmp_path):
    a = str(pipeline["run"])
    missing = run("twinscore.average", a, str(tmp_path), "--out", str(tmp_path / "o"), check=False)
    assert missing.returncode != 0 and f"{tmp_path}: no config.json, model.safetensors" in missing.stderr
    alone = run("twinscore.average", a, "--out", str(tmp_path / "o"), check=False)
    assert alone.returncode != 0 and "two or more folders" in alone.stderr
    b = shifted(pipeline["run"], tmp_path / "b", 0.1)
    over = run("twinscore.average", a, str(b), "--out", str(b), check=False)
    assert over.returncode != 0 and "is one of the folders averaged" in over.stderr
