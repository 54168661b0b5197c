"""twinscore.regroup: a trained model's tokenizer gets the area code as one token."""

import json

import pytest
import torch
from transformers import AutoModelForSequenceClassification

from tests.python.conftest import run
from twinscore.regroup import regroup
from twinscore.tiny import AREA_CODE, QWEN2_SPLIT, TinyArguments, build_tiny_model
from twinscore.tokenizer import load_tokenizer

TEXTS = [
    "李四，浙江省杭州市西湖区北山街道12号，电话：0571-88234567，邮编310007",
    "王五，河北省石家庄市长安区建北街道8号，邮编：050000，电话：(0311)87654321",
    "张三，北京市朝阳区望京街道123号院5号楼，联系电话：13805712345",
] * 20


def pieces(tok, text):
    return [tok.decode([i]) for i in tok(text)["input_ids"]]


def without_groups(folder):
    """What the shipped tokenizer is: trained with the digit groups (its vocabulary has
    every area code), saved with the plain Qwen2 split."""
    path = folder / "tokenizer.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    for p in data["pre_tokenizer"]["pretokenizers"]:
        if p.get("type") == "Split" and p["pattern"]["Regex"].endswith(QWEN2_SPLIT):
            p["pattern"]["Regex"] = QWEN2_SPLIT
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    args = TinyArguments(tiny=True, tiny_place_tokens=True, tiny_digit_groups=True, tiny_vocab_size=3000, tiny_hidden_size=16, tiny_layers=1)
    return without_groups(build_tiny_model(TEXTS, tmp_path_factory.mktemp("trained"), args))


def test_the_area_code_becomes_one_token_and_nothing_else_is_cut_differently(trained, tmp_path):
    before = load_tokenizer(trained)
    assert pieces(before, "杭州市0571-88") == ["杭州市", "0", "5", "7", "1", "-", "8", "8"]
    regroup(trained, tmp_path / "out")
    after = load_tokenizer(tmp_path / "out")
    assert pieces(after, "杭州市0571-88") == ["杭州市", "0571", "-", "8", "8"]
    assert pieces(after, "(0311)87654321")[:3] == ["(", "0311", ")"]
    for text in ["13805712345", "邮编：310007", "0571882345671", "吉林省吉林市船营区"]:
        assert pieces(after, text) == pieces(before, text), text
    pre = json.loads((tmp_path / "out" / "tokenizer.json").read_text(encoding="utf-8"))["pre_tokenizer"]
    assert [p["pattern"]["Regex"] for p in pre["pretokenizers"] if p["type"] == "Split"][-1] == f"{AREA_CODE}|{QWEN2_SPLIT}"


def test_each_code_starts_from_the_digit_0_and_its_city_and_every_other_weight_is_kept(trained, tmp_path):
    regroup(trained, tmp_path / "out")
    vocab = load_tokenizer(trained).get_vocab()
    old = AutoModelForSequenceClassification.from_pretrained(trained).state_dict()
    new = AutoModelForSequenceClassification.from_pretrained(tmp_path / "out").state_dict()
    key = next(k for k in old if k.endswith("embed_tokens.weight"))
    e, f = old[key], new[key]
    assert torch.equal(f[vocab["0571"]], e[vocab["0"]] + e[vocab["杭州市"]])
    assert torch.equal(f[vocab["0311"]], e[vocab["0"]] + e[vocab["石家庄市"]])
    changed = (f != e).any(dim=1).nonzero().flatten().tolist()
    assert len(changed) == 306 and vocab["0571"] in changed and vocab["杭州市"] not in changed
    assert all(torch.equal(old[k], new[k]) for k in old if k != key)


def test_refuses_a_tokenizer_without_the_code_tokens_or_already_grouped(trained, tmp_path):
    plain = build_tiny_model(TEXTS, tmp_path / "plain", TinyArguments(tiny=True, tiny_place_tokens=True, tiny_vocab_size=600, tiny_hidden_size=16, tiny_layers=1))
    failed = run("twinscore.regroup", "--model_dir", str(plain), "--out", str(tmp_path / "a"), check=False)
    assert failed.returncode != 0
    assert "area codes are not one token of" in failed.stderr and "without --tiny_digit_groups" in failed.stderr
    regroup(trained, tmp_path / "once")
    again = run("twinscore.regroup", "--model_dir", str(tmp_path / "once"), "--out", str(tmp_path / "b"), check=False)
    assert again.returncode != 0 and "already cuts area codes" in again.stderr
    # nothing is left where a caller would look for the regrouped weights
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()
    # an out folder that was there already keeps what it held, and gains nothing
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ValueError, match="area codes are not one token"):
        regroup(plain, tmp_path / "c")
    assert [p.name for p in (tmp_path / "c").iterdir()] == ["notes.txt"]
    # nor is a staging folder left beside it
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c", "once", "plain"]
