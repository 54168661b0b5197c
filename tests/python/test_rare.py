"""Rare tokens (rare.py) and the generator's --rare_from: entities drawn by the tokens a training
split holds rarely, each token as likely as another, the labels still backed by the rules."""

import json
import random
from collections import Counter

import pytest
from tokenizers import Tokenizer

from tests.python.conftest import ROOT
from twinscore import rare, reference
from twinscore.entities import carrying_entity, common_hanzi
from twinscore.generate import generate, main
from twinscore.rules import violations

SHIPPED = ROOT / "public/models/twin-default/tokenizer.json"


@pytest.fixture(scope="module")
def split(tmp_path_factory):
    """A small first split: 3,000 natural records."""
    path = tmp_path_factory.mktemp("rare") / "train.jsonl"
    path.write_text("".join(r.jsonl_line() for r in generate(3000, seed=31)), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def draw(split):
    return rare.rare_draw(SHIPPED, [split], 1, reference.load(), common_hanzi())  # the tokens it never holds


def held(tok, texts):
    counts = Counter()
    for t in texts:
        counts.update(set(tok.encode(t, add_special_tokens=False).ids))
    return counts


def test_the_drawn_tokens_are_those_the_split_holds_rarely_and_each_carrier_carries_its_token(split, draw):
    tok = Tokenizer.from_file(str(SHIPPED))
    counts = held(tok, [json.loads(line)["text"] for line in split.read_text(encoding="utf-8").splitlines()])
    assert len(draw.ids) > 1000 and draw.left_out > 0
    assert all(counts[i] == 0 for i in draw.ids)
    rng = random.Random(0)
    for i in rng.sample(draw.ids, 200):
        c = rng.choice(draw.by_id[i])
        if c.street is not None:
            assert c.street in c.district.streets
            assert i in tok.encode(rare.address_text(c.district, c.street), add_special_tokens=False).ids
        else:
            assert tok.encode(c.given, add_special_tokens=False).ids == [i]


def test_an_entity_carries_its_street_or_its_given_name():
    ref, rng = reference.load(), random.Random(4)
    d = next(d for d in ref.districts if d.name == "同心县")
    e = carrying_entity(rng, ref, 7, rare.Carrier(district=d, street="预旺镇"))
    assert (e.id, e.district, e.street) == (7, d, "预旺镇")
    assert e.phone.startswith(d.city.area_code) if e.landline else len(e.phone) == 11
    assert carrying_entity(rng, ref, 8, rare.Carrier(given="斑")).name.endswith("斑")


def test_records_drawn_by_rare_tokens_hold_them_far_more_often_and_keep_their_labels(draw):
    tok = Tokenizer.from_file(str(SHIPPED))
    rs = generate(3000, seed=5, twins=True, rare_tokens=draw)
    assert [r.text for r in rs] == [r.text for r in generate(3000, seed=5, twins=True, rare_tokens=draw)]
    natural = generate(3000, seed=5, twins=True)
    wanted = set(draw.ids)
    reached = [wanted & set(held(tok, [r.text])) for r in rs]
    reached_natural = [wanted & set(held(tok, [r.text])) for r in natural]
    # nearly every record holds one (a record without its address can miss it), and many more of them are reached
    # (a split of 3,000 records never holds thousands of tokens that natural records reach now and then)
    assert sum(map(bool, reached)) > 0.85 * len(rs) and sum(map(bool, reached_natural)) < 0.7 * len(natural)
    assert len(set().union(*reached)) > 1.4 * len(set().union(*reached_natural))
    for r in rs:
        broken = violations(r.fields["structure"])
        assert broken == set() if r.correct else r.error_class in broken, r.text
    assert {r.error_class for r in rs} >= {"area_code_city", "district_not_in_city", "truncated_segment"}


def test_rare_from_refuses_bad_input_and_writes_nothing(tmp_path, split, capsys):
    out = tmp_path / "x.jsonl"
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"text": "张三，北京市", "label": "correct"}\n{"text": \n', encoding="utf-8")
    bad_tok = tmp_path / "tok.json"
    bad_tok.write_text("{not json", encoding="utf-8")
    cases = [
        (["--rare_from", str(SHIPPED)], "--rare_from and --rare_in go together"),
        (["--rare_in", str(split)], "--rare_from and --rare_in go together"),
        (["--rare_from", str(SHIPPED), "--rare_in", str(broken)], "broken.jsonl line 2"),
        (["--rare_from", str(bad_tok), "--rare_in", str(split)], "tok.json: not a tokenizer.json"),
        (["--rare_from", str(SHIPPED), "--rare_in", str(tmp_path / "missing.jsonl")], "missing.jsonl: no such file"),
        (["--rare_from", str(SHIPPED), "--rare_in", str(split), "--rare_below", "0"], "--rare_below 0: must be at least 1"),
    ]
    for args, message in cases:
        with pytest.raises(SystemExit):
            main(["--n", "10", *args, "--out", str(out)])
        assert message in capsys.readouterr().err
    assert not out.exists()
