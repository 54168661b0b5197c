"""mine_area_codes: records for a chosen (city, wrong code) pair, and draws weighed by the model."""

import json
import random

import numpy as np
import pytest

from tests.python.conftest import run
from twinscore import entities, generate, mine_area_codes, reference, rules


@pytest.fixture(scope="module")
def ref():
    return reference.load()


def test_every_pair_gives_a_record_with_that_code_and_a_twin_with_the_citys_own(ref):
    rng = random.Random(7)
    candidates = mine_area_codes.pairs(ref)
    sample = rng.sample(candidates, 400)
    # the lengths that need care: a 3-digit code takes an 8-digit number, a shared code
    sample += [p for p in candidates if p[0].name == "株洲市" and len(p[1]) == 3][:3]
    for city, code in sample:
        wrong, twin = mine_area_codes.records_for(rng, ref, city, code, 1)
        a, b = wrong.error_span
        assert "".join(ch for ch in wrong.text[a:b] if ch.isdigit()) == code
        assert rules.violations(wrong.fields["structure"]) == {"area_code_city"}, wrong.text
        assert rules.violations(twin.fields["structure"]) == set(), twin.text
        assert city.name in wrong.text and city.area_code in twin.text and code not in twin.text[a:b]
        # the twin differs by the code (and a digit more or less where the lengths differ)
        assert wrong.text[:a] == twin.text[:a]


def test_an_owner_record_is_a_correct_record_of_a_city_whose_code_it_is(ref):
    rng = random.Random(11)
    codes = rng.sample(sorted(ref.area_codes), 60) + ["0731"]  # 0731: 长沙, 株洲 and 湘潭 share it
    seen_shared = set()
    for code in codes:
        owners = [c for c in ref.cities if c.area_code == code]
        other = next(c.area_code for c in ref.cities if c.area_code and c.area_code != code)
        for _ in range(3 if code == "0731" else 1):
            owner = mine_area_codes.owner_record(rng, ref, code, other, 1)
            assert owner.correct and rules.violations(owner.fields["structure"]) == set(), owner.text
            phone = next(seg["text"] for segs in owner.fields["structure"] for seg in segs if seg["field"] == "phone" and seg["kind"] == "value")
            digits = "".join(ch for ch in phone if ch.isdigit())
            digits = "0" + digits[2:] if digits.startswith("86") else digits  # +86 drops the trunk 0
            assert digits.startswith(code), owner.text
            named = [c.name for c in owners if c.name in owner.text]
            assert named, owner.text
            if code == "0731":
                seen_shared.update(named)
    assert seen_shared <= {"长沙市", "株洲市", "湘潭市"}


def test_a_shared_code_is_no_citys_wrong_code_and_unknown_cities_are_refused(ref):
    for name in ("长沙市", "株洲市", "湘潭市"):
        assert all(code != "0731" for _, code in mine_area_codes.pairs(ref, [name]))
    with pytest.raises(ValueError, match="不存在市: not a city with an area code"):
        mine_area_codes.pairs(ref, ["株洲市", "不存在市"])


def test_make_record_refuses_the_citys_own_code_or_another_class(ref):
    city = next(c for c in ref.cities if c.name == "杭州市")
    e = entities.landline_entity(random.Random(1), city, 1)
    with pytest.raises(ValueError, match="0571"):
        generate.make_record(random.Random(1), ref, e, "area_code_city", area_code="0571")
    with pytest.raises(ValueError, match="only with area_code_city"):
        generate.make_record(random.Random(1), ref, e, "postcode_region", area_code="0574")


def test_weights_follow_the_models_p_and_keep_a_floor():
    w = mine_area_codes.weights(np.array([0.9, 0.0, 0.001, 0.09]), floor=0.01)
    assert w.sum() == pytest.approx(1)
    assert w == pytest.approx(np.array([0.9, 0.01, 0.01, 0.09]) / 1.01)


def test_the_command_probes_draws_and_writes_records_build_dataset_reads(pipeline, tmp_path):
    out = tmp_path / "hard" / "records.jsonl"
    result = run("twinscore.mine_area_codes", "--model_dir", str(pipeline["run"]), "--cities", "株洲市,乌鲁木齐市",
                 "--n", "40", "--seed", "5", "--out", str(out))
    assert "610 pairs probed" in result.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 80 and [r["label"] for r in rows[:4]] == ["wrong", "correct", "wrong", "correct"]
    assert {r["error_class"] for r in rows[::2]} == {"area_code_city"}
    probe = json.loads((tmp_path / "hard" / "records.jsonl.probe.json").read_text(encoding="utf-8"))
    assert len(probe) == 610 and {p[0] for p in probe} == {"株洲市", "乌鲁木齐市"} and all(0 <= p[2] <= 1 for p in probe)
    # the same seed draws the same records
    again = tmp_path / "again.jsonl"
    run("twinscore.mine_area_codes", "--model_dir", str(pipeline["run"]), "--cities", "株洲市,乌鲁木齐市",
        "--n", "40", "--seed", "5", "--out", str(again))
    assert again.read_text(encoding="utf-8") == out.read_text(encoding="utf-8")
    built = run("twinscore.build_dataset", str(out), "--val_size", "0", "--test_size", "0", "--out", str(tmp_path / "ds"))
    assert "80 kept" in built.stdout


def test_owners_follow_each_twin_with_the_drawn_codes_own_city(pipeline, tmp_path):
    out = tmp_path / "owners.jsonl"
    result = run("twinscore.mine_area_codes", "--model_dir", str(pipeline["run"]), "--cities", "株洲市,乌鲁木齐市",
                 "--n", "30", "--seed", "5", "--owners", "--out", str(out))
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 90 and "wrote 90 records" in result.stderr
    ref = reference.load()
    for wrong, twin, owner in zip(rows[::3], rows[1::3], rows[2::3]):
        assert (wrong["label"], twin["label"], owner["label"]) == ("wrong", "correct", "correct")
        a, b = wrong["error_span"]
        code = "".join(ch for ch in wrong["text"][a:b] if ch.isdigit())
        assert code in owner["text"] and any(c.name in owner["text"] for c in ref.cities if c.area_code == code), owner["text"]
        assert owner["entity"] != wrong["entity"] == twin["entity"]


@pytest.mark.parametrize("args, message", [
    (["--n", "0"], "--n must be a positive number"),
    (["--n", "5", "--floor", "0"], "--floor must be in (0, 1]"),
    (["--n", "5", "--cities", "火星市"], "火星市: not a city with an area code"),
    (["--n", "5", "--exclude", "no-such-folder"], "--exclude no-such-folder: no validation.jsonl or test.jsonl there"),
])
def test_bad_arguments_say_what_is_wrong(pipeline, tmp_path, args, message):
    result = run("twinscore.mine_area_codes", "--model_dir", str(pipeline["run"]), "--out", str(tmp_path / "r.jsonl"), *args, check=False)
    assert result.returncode != 0 and message in result.stderr
    assert not (tmp_path / "r.jsonl").exists()


def test_a_folder_without_a_model_is_refused(tmp_path):
    result = run("twinscore.mine_area_codes", "--model_dir", str(tmp_path), "--n", "5", "--out", str(tmp_path / "r.jsonl"), check=False)
    assert result.returncode != 0 and f"--model_dir {tmp_path}: no config.json or tokenizer.json there" in result.stderr
    assert not (tmp_path / "r.jsonl").exists()
