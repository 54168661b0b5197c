"""pick_twins: the wrong records of one class and error length, each with its twin, and those a model passes apart."""

import json

import numpy as np

from tests.python.conftest import run
from twinscore import pick_twins, scoring


def read(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def generated(tmp_path):
    gen = tmp_path / "gen.jsonl"
    run("twinscore.generate", "--n", "600", "--seed", "11", "--wrong_share", "1", "--focus", "postcode_length=1000",
        "--twins", "--out", str(gen))
    return gen


def test_twin_pairs_skips_a_wrong_record_whose_twin_is_missing():
    # w1 c1 | w2 (its twin was drawn before) | w3 c3 | c4, as mine_hard.read_generated gives them
    correct = [False, True, False, False, True, True]
    groups = [(0, 1), (0, 1), (0, 2), (0, 3), (0, 3), (0, 4)]
    assert pick_twins.twin_pairs(correct, groups) == [(0, 1), (3, 4)]
    # the same entity id in another file is another entity
    assert pick_twins.twin_pairs([False, True], [(0, 1), (1, 1)]) == []


def test_the_pairs_are_wrong_postcodes_of_that_length_each_before_its_twin(tmp_path):
    gen = generated(tmp_path)
    out = tmp_path / "seven.jsonl"
    result = run("twinscore.pick_twins", str(gen), "--error_class", "postcode_length", "--span_length", "7", "--out", str(out))
    rows = read(out)
    assert rows and len(rows) % 2 == 0 and f"{len(rows) // 2} to {out}" in result.stderr
    all_seven = [r for r in read(gen) if r.get("error_class") == "postcode_length" and pick_twins.span_length(r) == 7]
    assert len(rows) // 2 <= len(all_seven) and len(rows) // 2 >= 0.9 * len(all_seven)  # a twin is rarely missing
    for wrong, twin in zip(rows[0::2], rows[1::2]):
        start, end = wrong["error_span"]
        code = wrong["text"][start:end]
        assert wrong["label"] == "wrong" and wrong["error_class"] == "postcode_length" and code.isdigit() and len(code) == 7
        assert twin["label"] == "correct" and twin["entity"] == wrong["entity"]
        # the twin is the same record with a postcode of six digits where the seven were
        assert twin["text"].replace(twin["text"][start:start + 6], code, 1) == wrong["text"]


def test_the_pairs_a_model_passes_go_apart(pipeline, tmp_path):
    gen = generated(tmp_path)
    rest, hard = tmp_path / "rest.jsonl", tmp_path / "hard.jsonl"
    everything = tmp_path / "all.jsonl"
    run("twinscore.pick_twins", str(gen), "--error_class", "postcode_length", "--out", str(everything))
    # the tiny model knows toy records, not these: a cut halfway between two middle scores
    # splits them (scored as the command scores them: batches by length, 128 tokens)
    wrong = [r["text"] for r in read(everything)[0::2]]
    p = scoring.p_correct_of(str(pipeline["run"]), wrong, 128, 256, by_length=True)
    ranked = np.unique(p)
    middle = len(ranked) // 2
    cut = float((ranked[middle - 1] + ranked[middle]) / 2)
    run("twinscore.pick_twins", str(gen), "--error_class", "postcode_length", "--model_dir", str(pipeline["run"]),
        "--wrong_above", repr(cut), "--out", str(rest), "--hard_out", str(hard))
    expected_hard = {t for t, q in zip(wrong, p) if q > cut}
    assert 0 < len(expected_hard) < len(wrong)
    assert {r["text"] for r in read(hard)[0::2]} == expected_hard
    # together they are every pair, each once
    assert sorted(map(json.dumps, read(rest) + read(hard))) == sorted(map(json.dumps, read(everything)))


def test_bad_input_is_refused_with_what_and_where(pipeline, tmp_path):
    gen = generated(tmp_path)
    alone = run("twinscore.pick_twins", str(gen), "--error_class", "postcode_length", "--model_dir", str(pipeline["run"]),
                "--out", str(tmp_path / "o.jsonl"), check=False)
    assert alone.returncode != 0 and "--model_dir and --hard_out go together" in alone.stderr
    no_twins = tmp_path / "no-twins.jsonl"
    run("twinscore.generate", "--n", "50", "--seed", "2", "--wrong_share", "1", "--out", str(no_twins))
    result = run("twinscore.pick_twins", str(no_twins), "--error_class", "postcode_length", "--out", str(tmp_path / "o.jsonl"), check=False)
    assert result.returncode != 0 and "followed by its twin" in result.stderr and "no-twins.jsonl" in result.stderr
    broken = tmp_path / "broken.jsonl"
    broken.write_text(gen.read_text(encoding="utf-8").splitlines()[0] + "\n" + '{"text": "只有文本"}\n', encoding="utf-8")
    result = run("twinscore.pick_twins", str(broken), "--error_class", "postcode_length", "--out", str(tmp_path / "o.jsonl"), check=False)
    assert result.returncode != 0 and "broken.jsonl" in result.stderr and "line 2" in result.stderr
    assert not (tmp_path / "o.jsonl").exists()
