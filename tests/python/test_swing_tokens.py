"""swing_tokens: the name slot, the sweep's counts against direct scoring, the choice of
the rows to reset, the reset itself, and its refusals of bad input."""

import json

import numpy as np
import pytest
import torch
from transformers import AutoModelForSequenceClassification

from tests.python.conftest import run
from twinscore import swing_tokens
from twinscore.records import RecordsError
from twinscore.scoring import p_correct_of
from twinscore.tokenizer import load_tokenizer


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    path = tmp_path_factory.mktemp("swing") / "records.jsonl"
    run("twinscore.generate", "--n", "600", "--seed", "41", "--wrong_share", "0.5", "--out", str(path))
    return path


def test_slots_open_with_a_name_and_a_character_replaces_only_its_last_one(records):
    slots = swing_tokens.name_slots(records, per_class=2, n_correct=5, seed=1)
    wrong = [s for s in slots if not s.correct]
    assert sum(s.correct for s in slots) == 5
    by_class = {}
    for s in wrong:
        by_class[s.error_class] = by_class.get(s.error_class, 0) + 1
    assert len(by_class) >= 8 and max(by_class.values()) <= 2
    for s in slots:
        held = s.holding("预")
        assert len(held) == len(s.text) and held[s.at] == "预"
        assert held[: s.at] == s.text[: s.at] and held[s.at + 1 :] == s.text[s.at + 1 :]
        assert s.text[s.at + 1] in "，；、,; " and 1 <= s.at <= 2


def test_the_sweep_counts_what_direct_scoring_of_the_same_records_gives(pipeline, records):
    slots = swing_tokens.name_slots(records, per_class=2, n_correct=6, seed=2)
    chars = swing_tokens.hanzi_tokens(load_tokenizer(pipeline["run"]))[:3]
    report = swing_tokens.sweep(str(pipeline["run"]), slots, chars)
    for ch in chars:
        p = p_correct_of(str(pipeline["run"]), [s.holding(ch) for s in slots], 128, 7)
        flagged = sum(1 for s, pc in zip(slots, p) if s.correct and pc <= 0.5)
        passed = {}
        for s, pc in zip(slots, p):
            if not s.correct and pc > 0.5:
                passed[s.error_class] = passed.get(s.error_class, 0) + 1
        assert report["tokens"][ch] == {"passed": passed, "flagged": flagged}
    p = p_correct_of(str(pipeline["run"]), [s.text for s in slots], 128, 7)
    assert report["as_written"]["flagged"] == sum(1 for s, pc in zip(slots, p) if s.correct and pc <= 0.5)


def test_a_token_is_reset_for_the_wrong_records_it_lets_pass_beyond_those_passed_as_written():
    report = {
        "as_written": {"passed": {"area_code_city": 1}, "flagged": 0},
        "tokens": {
            "预": {"passed": {"area_code_city": 4}, "flagged": 3},  # 3 more of 8: reset
            "伟": {"passed": {"area_code_city": 2}, "flagged": 0},  # 1 more: the as-written one and one
            "硚": {"passed": {}, "flagged": 8},  # fails correct records only: kept
            "石": {"passed": {"phone_letters": 1, "junk_symbols": 1}, "flagged": 0},  # 1 of 4 in one class
        },
    }
    assert swing_tokens.hiding(report, {"area_code_city": 8, "phone_letters": 4, "junk_symbols": 8}, 0.25) == ["石", "预"]
    assert swing_tokens.hiding(report, {"area_code_city": 8, "phone_letters": 8, "junk_symbols": 8}, 0.25) == ["预"]


def test_the_cli_sweeps_reports_and_resets_exactly_the_named_rows_to_the_frequent_mean(pipeline, records, tmp_path):
    tok = load_tokenizer(pipeline["run"])
    chars = "".join(swing_tokens.hanzi_tokens(tok)[:4])
    # a share no token reaches: a report, and the model unchanged
    result = run("twinscore.swing_tokens", "--model_dir", str(pipeline["run"]), "--records", str(records),
                 "--per_class", "1", "--correct", "3", "--chars", chars, "--min_passed_share", "2",
                 "--train_records", str(records), "--report", str(tmp_path / "none.json"), "--out", str(tmp_path / "none"))
    report = json.loads((tmp_path / "none.json").read_text(encoding="utf-8"))
    assert sorted(report["tokens"]) == sorted(chars) and report["reset"] == []
    assert "no token to reset" in result.stderr
    before = AutoModelForSequenceClassification.from_pretrained(pipeline["run"]).state_dict()
    unchanged = AutoModelForSequenceClassification.from_pretrained(tmp_path / "none").state_dict()
    assert all(torch.equal(w, unchanged[n]) for n, w in before.items())

    # a share every token reaches (0: even none passed): all four rows reset
    run("twinscore.swing_tokens", "--model_dir", str(pipeline["run"]), "--records", str(records),
        "--per_class", "1", "--correct", "3", "--chars", chars, "--min_passed_share", "0", "--min_records", "20",
        "--train_records", str(records), "--report", str(tmp_path / "all.json"), "--out", str(tmp_path / "out"))
    assert json.loads((tmp_path / "all.json").read_text(encoding="utf-8"))["reset"] == sorted(chars)
    after = AutoModelForSequenceClassification.from_pretrained(tmp_path / "out").state_dict()
    name = next(n for n in before if n.endswith("embed_tokens.weight"))
    for n, w in before.items():
        if n != name:
            assert torch.equal(w, after[n]), f"{n} moved"
    reset = sorted(tok(ch, add_special_tokens=False)["input_ids"][0] for ch in chars)
    moved = (before[name] != after[name]).any(dim=1).nonzero().flatten().tolist()
    assert moved == reset
    # the mean of the hanzi rows that 20 or more of the records hold
    from twinscore.rare import record_counts, tokenizer_of

    counts = record_counts(tokenizer_of(pipeline["run"] / "tokenizer.json"), [records])
    frequent = [i for i, n in counts.items() if n >= 20 and swing_tokens.HANZI.match(tok.decode([i]))]
    assert frequent and torch.allclose(after[name][reset[0]], before[name][frequent].mean(0), atol=1e-6)
    assert (tmp_path / "out" / "tokenizer.json").read_bytes() == (pipeline["run"] / "tokenizer.json").read_bytes()
    assert np.all(np.isfinite(p_correct_of(str(tmp_path / "out"), ["张伟，北京市朝阳区望京街道1号"], 128, 1)))


def test_bad_input_is_refused_with_what_and_where(pipeline, records, tmp_path):
    with pytest.raises(RecordsError, match="nope.jsonl: no such file"):
        swing_tokens.name_slots(tmp_path / "nope.jsonl", 1, 1, 1)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(records.read_text(encoding="utf-8").splitlines()[0] + '\n{"text": "张伟，北京市"}\n', encoding="utf-8")
    with pytest.raises(RecordsError, match=r"bad.jsonl line 2 \(record 2\): not a labelled record"):
        swing_tokens.name_slots(bad, 1, 1, 1)
    nameless = tmp_path / "nameless.jsonl"
    nameless.write_text(json.dumps({"text": "北京市朝阳区望京街道1号", "label": "correct"}, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(RecordsError, match="opens with a name"):
        swing_tokens.name_slots(nameless, 1, 1, 1)

    def cli(*extra):
        return run("twinscore.swing_tokens", "--records", str(records), "--report", str(tmp_path / "r.json"), *extra, check=False)

    result = cli("--model_dir", str(tmp_path))
    assert result.returncode != 0 and "no config.json or tokenizer.json" in result.stderr
    result = cli("--model_dir", str(pipeline["run"]), "--out", str(tmp_path / "o"))
    assert result.returncode != 0 and "--out needs --train_records" in result.stderr
    result = cli("--model_dir", str(pipeline["run"]), "--chars", "Q")
    assert result.returncode != 0 and "--chars: Q not one hanzi token" in result.stderr
    assert not (tmp_path / "r.json").exists() and not (tmp_path / "o").exists()
    # a token to reset, but no hanzi frequent enough in the training records to make the mean row
    chars = "".join(swing_tokens.hanzi_tokens(load_tokenizer(pipeline["run"]))[:1])
    result = cli("--model_dir", str(pipeline["run"]), "--chars", chars, "--per_class", "1", "--correct", "1",
                 "--min_passed_share", "0", "--train_records", str(records), "--min_records", "100000", "--out", str(tmp_path / "o"))
    assert result.returncode != 0 and "no hanzi token is held by 100000 records or more" in result.stderr
    assert not (tmp_path / "o").exists()
