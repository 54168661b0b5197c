"""mine_hard: records a model gets wrong or nearly, with their entity's other records, and a replay."""

import json
import re

import numpy as np
import pytest

from tests.python.conftest import run
from twinscore import mine_hard


def records(*rows):
    return [{"text": t, "label": label, "entity": e} for t, label, e in rows]


def test_select_keeps_every_record_of_a_hard_entity_and_replays_the_others():
    recs = records(("a1", "correct", 1), ("a2", "wrong", 1),   # entity 1: a false alarm (p 0.5)
                   ("b1", "wrong", 2), ("b2", "correct", 2),   # entity 2: a miss (p 0.6)
                   ("c1", "correct", 3), ("c2", "wrong", 3),   # entity 3: known
                   ("d1", "correct", 4), ("d2", "wrong", 4))   # entity 4: a wrong record at 0.2 exactly: known
    groups = [(0, r["entity"]) for r in recs]
    correct = [r["label"] == "correct" for r in recs]
    p = np.array([0.5, 0.01, 0.6, 0.99, 0.99, 0.01, 0.97, 0.2])
    kept, replayed, hard = mine_hard.select(correct, groups, p, correct_below=0.95, wrong_above=0.2, replay=3, seed=1)
    assert kept == [0, 1, 2, 3] and hard == [0, 2]
    assert len(replayed) == 3 and set(replayed) <= {4, 5, 6, 7}
    assert mine_hard.select(correct, groups, p, 0.95, 0.2, 3, seed=1)[1] == replayed  # the seed decides the draw
    # the same entity id in another file is another entity
    other_file = [(0, 1), (0, 1), (0, 2), (0, 2), (1, 1), (1, 1), (0, 4), (0, 4)]
    kept, replayed, _ = mine_hard.select(correct, other_file, p, 0.95, 0.2, 10, seed=1)
    assert kept == [0, 1, 2, 3] and sorted(replayed) == [4, 5, 6, 7]  # a replay never exceeds what is left


def test_the_command_scores_generated_records_and_writes_what_build_dataset_reads(pipeline, tmp_path):
    gen = tmp_path / "gen.jsonl"
    run("twinscore.generate", "--n", "300", "--seed", "3", "--twins", "--out", str(gen))
    rows = [json.loads(line) for line in gen.read_text(encoding="utf-8").splitlines()]
    out = tmp_path / "hard" / "records.jsonl"
    # the tiny model knows toy records, not these: thresholds that make some of them hard and not all
    args = ("twinscore.mine_hard", str(gen), "--model_dir", str(pipeline["run"]), "--correct_below", "0.3",
            "--wrong_above", "0.7", "--replay", "20", "--seed", "2")
    result = run(*args, "--out", str(out))
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    hard = int(re.search(r"\((\d+) of the hard entities, 20 replayed\)", result.stderr).group(1))
    entities = {r["entity"] for r in written[:hard]}
    assert 0 < len(entities) < len({r["entity"] for r in rows}), result.stderr
    # every record of a hard entity, in file order, then 20 of the others
    assert written[:hard] == [r for r in rows if r["entity"] in entities]
    assert len(written) == hard + 20 and not {r["entity"] for r in written[hard:]} & entities
    assert f"{len(rows)} records scored" in result.stderr
    # the same seed writes the same file
    again = tmp_path / "again.jsonl"
    run(*args, "--out", str(again))
    assert again.read_bytes() == out.read_bytes()
    built = run("twinscore.build_dataset", str(out), "--val_size", "0", "--test_size", "0", "--out", str(tmp_path / "ds"))
    assert f"{len(written)} read" in built.stdout
    # --replay_out: the same records, the replay in a file of its own
    hard_only, replay = tmp_path / "split" / "hard.jsonl", tmp_path / "split" / "replay.jsonl"
    split = run(*args, "--out", str(hard_only), "--replay_out", str(replay))
    assert hard_only.read_text(encoding="utf-8").splitlines() == out.read_text(encoding="utf-8").splitlines()[:hard]
    assert replay.read_text(encoding="utf-8").splitlines() == out.read_text(encoding="utf-8").splitlines()[hard:]
    assert f"wrote {hard} records to {hard_only} and 20 records to {replay}" in split.stderr


def test_held_out_records_are_dropped(pipeline, tmp_path):
    data = tmp_path / "data"
    run("twinscore.build_dataset", "--generate", "400", "--val_size", "0.2", "--test_size", "0.2", "--seed", "4", "--out", str(data))
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text((data / "records/test.jsonl").read_text(encoding="utf-8"), encoding="utf-8")
    result = run("twinscore.mine_hard", str(mixed), "--model_dir", str(pipeline["run"]), "--replay", "1000000",
                 "--exclude", str(data), "--out", str(tmp_path / "r.jsonl"))
    assert "dropped" in result.stderr and (tmp_path / "r.jsonl").read_text(encoding="utf-8") == ""


def test_labels_are_read_as_every_other_reader_reads_them(pipeline, tmp_path):
    # the label words and 1/0 as build-dataset takes them; the record is written back as it was
    gen = tmp_path / "gen.jsonl"
    lines = ['{"text": "张三，北京市朝阳区望京街道123号", "label": "正确", "entity": 1}',
             '{"text": "李四，北京市朝阳区望京街道#?@!", "label": 0, "entity": 2}']
    gen.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "r.jsonl"
    result = run("twinscore.mine_hard", str(gen), "--model_dir", str(pipeline["run"]), "--replay", "2", "--out", str(out))
    assert "2 records scored" in result.stderr
    assert sorted(out.read_text(encoding="utf-8").splitlines()) == sorted(json.dumps(json.loads(x), ensure_ascii=False) for x in lines)


@pytest.mark.parametrize("content, message", [
    ('{"text": "张三", "label": "maybe", "entity": 1}\n', "line 1 (record 1), column 'label': label 'maybe' is neither correct nor wrong"),
    ('{"text": "张三", "label": "correct"}\n{"label": "wrong"}\n', "line 2 (record 2): not a record with a text"),
    ('{"text": "张三", "label": "correct"}\n{"text": \n', "line 2: invalid JSON"),
    ("", "no records (empty file)"),
])
def test_bad_records_say_which_file_and_line(pipeline, tmp_path, content, message):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(content, encoding="utf-8")
    result = run("twinscore.mine_hard", str(bad), "--model_dir", str(pipeline["run"]), "--out", str(tmp_path / "r.jsonl"), check=False)
    assert result.returncode != 0 and str(bad) in result.stderr and message in result.stderr
    assert not (tmp_path / "r.jsonl").exists()


@pytest.mark.parametrize("args, message", [
    (["--correct_below", "1"], "--correct_below must be a probability in (0, 1)"),
    (["--wrong_above", "0"], "--wrong_above must be a probability in (0, 1)"),
    (["--replay", "-1"], "--replay must be a number of records"),
    (["--replay_out", "{out}"], "--replay_out must be another file than --out"),
    (["--exclude", "no-such-folder"], "--exclude no-such-folder: no validation.jsonl or test.jsonl there"),
])
def test_bad_arguments_say_what_is_wrong(pipeline, tmp_path, args, message):
    gen = tmp_path / "gen.jsonl"
    gen.write_text('{"text": "张三", "label": "correct", "entity": 1}\n', encoding="utf-8")
    args = [a.format(out=tmp_path / "r.jsonl") for a in args]
    result = run("twinscore.mine_hard", str(gen), "--model_dir", str(pipeline["run"]), "--out", str(tmp_path / "r.jsonl"), *args, check=False)
    assert result.returncode != 0 and message in result.stderr
    assert not (tmp_path / "r.jsonl").exists()


def test_a_missing_file_or_model_is_refused(pipeline, tmp_path):
    absent = run("twinscore.mine_hard", str(tmp_path / "none.jsonl"), "--model_dir", str(pipeline["run"]), "--out", str(tmp_path / "r.jsonl"), check=False)
    assert absent.returncode != 0 and "no such file: " + str(tmp_path / "none.jsonl") in absent.stderr
    gen = tmp_path / "gen.jsonl"
    gen.write_text('{"text": "张三", "label": "correct"}\n', encoding="utf-8")
    no_model = run("twinscore.mine_hard", str(gen), "--model_dir", str(tmp_path), "--out", str(tmp_path / "r.jsonl"), check=False)
    assert no_model.returncode != 0 and f"--model_dir {tmp_path}: no config.json or tokenizer.json there" in no_model.stderr
    (tmp_path / "config.json").write_text("{}", encoding="utf-8")  # weights without their tokenizer: refused before scoring
    no_tokenizer = run("twinscore.mine_hard", str(gen), "--model_dir", str(tmp_path), "--out", str(tmp_path / "r.jsonl"), check=False)
    assert no_tokenizer.returncode != 0 and f"--model_dir {tmp_path}: no tokenizer.json there" in no_tokenizer.stderr
    assert not (tmp_path / "r.jsonl").exists()
