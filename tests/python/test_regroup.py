"""twinscore.regroup: a trained model's tokenizer gets the area code as one token."""

import json

import pytest
import torch
from transformers import AutoModelForSequenceClassification

from tests.python.conftest import run
from twinscore.regroup import AREA_CODE_BEFORE, detach_colon_tokenizer_json, recut, regroup
from twinscore.tiny import AREA_CODE, LETTERS_COLON_DETACHED, QWEN2_SPLIT, TinyArguments, build_tiny_model
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


def with_first_pattern(folder):
    """What every model regrouped before 2026-11-27 holds: AREA_CODE_BEFORE."""
    path = folder / "tokenizer.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    split = [p for p in data["pre_tokenizer"]["pretokenizers"] if p.get("type") == "Split"][-1]
    assert split["pattern"]["Regex"].startswith(AREA_CODE + "|")
    split["pattern"]["Regex"] = AREA_CODE_BEFORE + split["pattern"]["Regex"][len(AREA_CODE):]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return folder


def test_a_mobile_written_with_hyphens_keeps_its_middle_group_as_digits(trained, tmp_path):
    regroup(trained, tmp_path / "out")
    tok = load_tokenizer(tmp_path / "out")
    assert pieces(tok, "189-0571-0977") == list("189-0571-0977")
    assert pieces(tok, "+86 189-0571-0977")[-9:] == list("0571-0977")
    assert pieces(tok, "手机：0571-88")[-4:] == ["0571", "-", "8", "8"]


def test_recut_replaces_the_first_pattern_and_keeps_every_weight_byte_for_byte(trained, tmp_path):
    regroup(trained, tmp_path / "old")
    old = with_first_pattern(tmp_path / "old")
    before = load_tokenizer(old)
    assert pieces(before, "189-0571-0977")[4] == "0571"  # the slip: another city's code, read in a mobile
    done = run("twinscore.regroup", "--recut", "--model_dir", str(old), "--out", str(tmp_path / "new"))
    assert "weights as they were" in done.stderr
    after = load_tokenizer(tmp_path / "new")
    assert pieces(after, "189-0571-0977") == list("189-0571-0977")
    for text in TEXTS[:3] + ["(0311)87654321 057188234567 邮编：310007 13805712345"]:
        assert pieces(after, text) == pieces(before, text), text
    for name in ("model.safetensors", "config.json"):
        assert (tmp_path / "new" / name).read_bytes() == (old / name).read_bytes()
    regex = [p for p in json.loads((tmp_path / "new" / "tokenizer.json").read_text(encoding="utf-8"))["pre_tokenizer"]["pretokenizers"] if p["type"] == "Split"][-1]["pattern"]["Regex"]
    assert regex == f"{AREA_CODE}|{QWEN2_SPLIT}"


def test_recut_and_regroup_each_refuse_the_other_ones_folder(trained, tmp_path):
    regroup(trained, tmp_path / "current")
    again = run("twinscore.regroup", "--recut", "--model_dir", str(tmp_path / "current"), "--out", str(tmp_path / "a"), check=False)
    assert again.returncode != 0 and "nothing to recut" in again.stderr
    with pytest.raises(ValueError, match="nothing to recut"):
        recut(trained, tmp_path / "b")  # no area-code pattern at all
    old = with_first_pattern(tmp_path / "current")
    failed = run("twinscore.regroup", "--model_dir", str(old), "--out", str(tmp_path / "c"), check=False)
    assert failed.returncode != 0 and "use --recut" in failed.stderr
    (old / "model.safetensors").unlink()
    with pytest.raises(FileNotFoundError, match="needs config.json and model.safetensors"):
        recut(old, tmp_path / "d")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["current"]


LETTER_TEXTS = TEXTS + [
    "袁思艳，四川省攀枝花市盐边县永兴镇和平路2597号，邮编：617100，联系电话：lo2-6284-4127",
    "吕晨刚；晋中市左权县桐峪镇工业园路244号；电话:hn627410599",
    "收件人：罗芳洋，手机：1380571lo45",
] * 20


@pytest.fixture(scope="module")
def lettered(tmp_path_factory):
    args = TinyArguments(tiny=True, tiny_place_tokens=True, tiny_vocab_size=3000, tiny_hidden_size=16, tiny_layers=1)
    return build_tiny_model(LETTER_TEXTS, tmp_path_factory.mktemp("lettered"), args)


def test_detach_colon_cuts_a_label_colon_off_the_letters_after_it_and_nothing_else(lettered, tmp_path):
    before = load_tokenizer(lettered)
    # the byte-level split let the colon join the phone's first letters into one token
    assert pieces(before, "联系电话：lo2-6284")[-7:-5] == ["：lo", "2"]
    assert pieces(before, "电话:hn627")[-4:-2] == [":hn", "6"]
    done = run("twinscore.regroup", "--detach_colon", "--model_dir", str(lettered), "--out", str(tmp_path / "out"))
    assert "a colon is cut off the letters after it" in done.stderr
    after = load_tokenizer(tmp_path / "out")
    assert pieces(after, "联系电话：lo2-6284")[-8:-5] == ["：", "lo", "2"]
    cut = pieces(after, "电话:hn627")
    assert ":" in cut and not any(p[0] in "：:" and len(p) > 1 for p in cut), cut
    # the letters are now the same token at the phone's start as inside it
    assert pieces(after, "：lo2")[1] == pieces(after, "0lo45")[1] == "lo"
    # Han after a colon, digits after a colon, letters after other marks: cut as before
    for text in LETTER_TEXTS[:3] + ["收件人：罗芳洋", "邮编：617100", "Tel-ab，cd；ef", "联系电话：１３８"]:
        if "：l" not in text and ":h" not in text:
            assert pieces(after, text) == pieces(before, text), text
    for name in ("model.safetensors", "config.json"):
        assert (tmp_path / "out" / name).read_bytes() == (lettered / name).read_bytes()
    split = [p for p in json.loads((tmp_path / "out" / "tokenizer.json").read_text(encoding="utf-8"))["pre_tokenizer"]["pretokenizers"] if p["type"] == "Split"][-1]
    assert LETTERS_COLON_DETACHED in split["pattern"]["Regex"]


def test_detach_colon_refuses_a_detached_tokenizer_and_recut_beside_it(lettered, tmp_path):
    run("twinscore.regroup", "--detach_colon", "--model_dir", str(lettered), "--out", str(tmp_path / "once"))
    again = run("twinscore.regroup", "--detach_colon", "--model_dir", str(tmp_path / "once"), "--out", str(tmp_path / "a"), check=False)
    assert again.returncode != 0 and "already cuts a colon off" in again.stderr
    both = run("twinscore.regroup", "--detach_colon", "--recut", "--model_dir", str(lettered), "--out", str(tmp_path / "b"), check=False)
    assert both.returncode != 0 and "separate steps" in both.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["once"]


def test_detach_colon_refuses_a_split_without_qwen2s_letters_alternative():
    split = {"pre_tokenizer": {"type": "Sequence", "pretokenizers": [{"type": "Split", "pattern": {"Regex": AREA_CODE}}]}}
    with pytest.raises(ValueError, match=r"has 0 copies of Qwen2's letters alternative .* nothing to detach"):
        detach_colon_tokenizer_json(split)
