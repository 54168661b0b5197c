"""tiny.py's tokenizers: the lookup tokens, and that training and export keep them."""

import json

import pytest

from twinscore.model.tiny import HAN, place_names, train_tokenizer
from twinscore.model.tokenizer import load_tokenizer

TEXTS = [
    "张三，北京市朝阳区望京街道123号院5号楼，邮编：100102，联系电话：13812345678",
    "李四，浙江省杭州市西湖区北山街道12号，电话：0571-88234567，邮编310007",
    "王五，河北省石家庄市长安区建北街道8号，邮编：050000，电话：(0311)87654321",
] * 20


@pytest.fixture(scope="module")
def lookup():
    return train_tokenizer(TEXTS, 3000, place_tokens=True, digit_groups=True)


def pieces(tok, text):
    return [tok.decode([i]) for i in tok(text)["input_ids"]]


@pytest.mark.parametrize("text, expected", [
    ("0571-88234567", ["0571", "-", "8", "8", "2", "3", "4", "5", "6", "7"]),
    ("(010)62345678", ["(", "010", ")", "6", "2", "3", "4", "5", "6", "7", "8"]),
    # no separator: the whole run is a landline (3+8 or 4+7/8 digits), the code is cut
    ("057188234567", ["0571", "8", "8", "2", "3", "4", "5", "6", "7"]),
    # a postcode's first two digits, also one that starts with 0
    ("邮编：310007", ["邮", "编", "：", "31", "0", "0", "0", "7"]),
    ("050000", ["05", "0", "0", "0", "0"]),
])
def test_area_codes_and_postcode_prefixes_are_one_token(lookup, text, expected):
    assert pieces(lookup, text) == expected


@pytest.mark.parametrize("text", [
    "13805712345",  # a mobile number is never cut, whatever digits it holds
    "138-0571-2345",  # nor its middle group when written with hyphens
    "0571882345671",  # 13 digits: not a landline
    "3100071",  # 7 digits: not a postcode
])
def test_other_digit_runs_stay_one_digit_a_token(lookup, text):
    assert pieces(lookup, text) == list(text)


def test_place_names_are_one_token_leftmost_longest(lookup):
    assert pieces(lookup, "吉林省吉林市船营区") == ["吉林省", "吉林市", "船营区"]
    assert pieces(lookup, "浙江省杭州市西湖区北山街道") == ["浙江省", "杭州市", "西湖区", "北", "山", "街", "道"]
    names = place_names()
    assert len(names) > 3000 and "海淀区" in names and "北京市" in names
    assert all(len(lookup(n)["input_ids"]) == 1 for n in names)


def test_without_the_option_nothing_changes():
    plain = train_tokenizer(TEXTS, 3000)
    assert pieces(plain, "杭州市0571-8") == ["杭", "州", "市", "0", "5", "7", "1", "-", "8"]


def test_a_saved_tokenizer_loads_back_with_its_own_splits_beside_a_qwen2_config(lookup, tmp_path):
    """The regression: transformers maps a folder with a qwen2 config.json to
    Qwen2Tokenizer, which rebuilt the pre-tokenizer and dropped these splits in training,
    while the browser reads tokenizer.json as it is."""
    lookup.save_pretrained(tmp_path)
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "qwen2", "architectures": ["Qwen2ForSequenceClassification"]}))
    loaded = load_tokenizer(tmp_path)
    for text in TEXTS[:3] + ["(0311)87654321 050000 吉林省吉林市"]:
        assert loaded(text)["input_ids"] == lookup(text)["input_ids"]


def test_training_keeps_the_tokenizer_tiny_made(pipeline):
    """What TRL trained with is what the run folder and the export hold: tiny.py's own
    splits (before tokenizer.py, both held Qwen2's pre-tokenizer instead)."""
    for folder in (pipeline["run"], pipeline["model"]):
        pre = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))["pre_tokenizer"]
        regexes = [p.get("pattern", {}).get("Regex", "") for p in pre["pretokenizers"]]
        assert HAN in regexes, regexes


def test_the_options_reach_the_base_model_folder(tmp_path):
    """--tiny_place_tokens / --tiny_digit_groups as the trainer parses them, down to the
    tokenizer build_tiny_model writes for TRL."""
    from trl import TrlParser

    from twinscore.model.tiny import TinyArguments, build_tiny_model

    (args,) = TrlParser((TinyArguments,)).parse_args_into_dataclasses(
        ["--tiny", "--tiny_place_tokens", "--tiny_digit_groups", "--tiny_vocab_size", "600", "--tiny_hidden_size", "16", "--tiny_layers", "1"])
    folder = build_tiny_model(TEXTS, tmp_path / "base", args)
    tok = load_tokenizer(folder)
    assert pieces(tok, "杭州市0571-8") == ["杭州市", "0571", "-", "8"]
    (plain,) = TrlParser((TinyArguments,)).parse_args_into_dataclasses(["--tiny", "--tiny_place_tokens", "--tiny_vocab_size", "600"])
    assert plain.tiny_digit_groups is False


def test_place_init_writes_the_division_tree_into_the_embeddings(tmp_path):
    """--tiny_place_init: a district starts near its own city and province and away from
    others, an area code near its city, a postcode prefix near its province; other rows
    keep the random init."""
    import torch
    from torch.nn.functional import cosine_similarity as cos
    from transformers import AutoModelForSequenceClassification
    from trl import TrlParser

    from twinscore.model.tiny import TinyArguments, build_tiny_model

    argv = ["--tiny", "--tiny_place_tokens", "--tiny_digit_groups", "--tiny_vocab_size", "600", "--tiny_hidden_size", "64", "--tiny_layers", "1"]
    (args,) = TrlParser((TinyArguments,)).parse_args_into_dataclasses(argv + ["--tiny_place_init"])
    folder = build_tiny_model(TEXTS, tmp_path / "init", args)
    (plain_args,) = TrlParser((TinyArguments,)).parse_args_into_dataclasses(argv)
    plain_folder = build_tiny_model(TEXTS, tmp_path / "plain", plain_args)
    vocab = load_tokenizer(folder).get_vocab()
    e = AutoModelForSequenceClassification.from_pretrained(folder).get_input_embeddings().weight.detach()
    plain = AutoModelForSequenceClassification.from_pretrained(plain_folder).get_input_embeddings().weight.detach()
    row = lambda name: e[vocab[name]]
    assert cos(row("西湖区"), row("杭州市"), dim=0) > 0.5 > cos(row("西湖区"), row("石家庄市"), dim=0)
    assert cos(row("杭州市"), row("浙江省"), dim=0) > 0.5 > cos(row("杭州市"), row("河北省"), dim=0)
    assert cos(row("0571"), row("杭州市"), dim=0) > 0.5 > cos(row("0571"), row("石家庄市"), dim=0)
    assert cos(row("31"), row("浙江省"), dim=0) > 0.5 > cos(row("31"), row("河北省"), dim=0)
    assert not torch.equal(e[vocab["西湖区"]], plain[vocab["西湖区"]])
    assert torch.equal(e[vocab["user"]], plain[vocab["user"]])  # not a place: untouched
