"""build-dataset --base/--corrections: merge reviewed corrections into an existing dataset."""

from pathlib import Path

from twinscore.dataset.build import main as build_dataset
from twinscore.dataset.pairs import pair_line, to_pair
from twinscore.dataset.read import read_records


def write_csv(path: Path, rows: list[tuple[str, str]]) -> Path:
    path.write_text("text,label\n" + "".join(f"{t},{l}\n" for t, l in rows), encoding="utf-8")
    return path


def write_corrections(path: Path, rows: list[tuple[str, bool]]) -> Path:
    path.write_text("".join(pair_line(to_pair(t, c)) + "\n" for t, c in rows), encoding="utf-8")
    return path


def labels(folder: Path) -> tuple[dict[str, bool], dict[str, bool]]:
    return tuple({r.text: r.correct for r in read_records(folder / f"{s}.jsonl")} for s in ("train", "test"))


def test_later_corrections_win_records_keep_their_split(tmp_path, capsys):
    rows = [(f"记录{i}", "correct" if i % 2 else "wrong") for i in range(20)]
    assert build_dataset([str(write_csv(tmp_path / "a.csv", rows)), "--out", str(tmp_path / "base"), "--test_size", "0.25"]) == 0
    base_train, base_test = labels(tmp_path / "base")
    moved_train, moved_test = next(iter(base_train)), next(iter(base_test))

    first = write_corrections(tmp_path / "c1.jsonl", [(moved_train, not base_train[moved_train]), ("新记录", True), ("新记录", False)])
    second = write_corrections(tmp_path / "c2.jsonl", [(moved_test, not base_test[moved_test]), ("新记录", True)])
    out = tmp_path / "merged"
    assert build_dataset(["--base", str(tmp_path / "base"), "--corrections", str(first), str(second), "--out", str(out)]) == 0
    assert "merged: 20 from the base, 2 relabelled by later records, 1 new, 4 repeated records dropped" in capsys.readouterr().out

    train, test = labels(out)
    assert train[moved_train] is (not base_train[moved_train])  # relabelled, still in train
    assert test[moved_test] is (not base_test[moved_test])  # relabelled, still in test
    assert {**train, **test}["新记录"] is True  # the last decision of c2 beats c1's
    texts = [r.text for s in ("train", "test") for r in read_records(out / f"{s}.jsonl")]
    assert len(texts) == len(set(texts)) == 21  # each record once


def test_corrections_alone_make_a_dataset(tmp_path):
    c = write_corrections(tmp_path / "c.jsonl", [(f"地址{i}", i % 3 == 0) for i in range(10)])
    assert build_dataset(["--corrections", str(c), "--out", str(tmp_path / "d")]) == 0
    train, test = labels(tmp_path / "d")
    assert len(train) + len(test) == 10 and set(train).isdisjoint(test)


def test_a_base_that_is_no_dataset_is_named(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert build_dataset(["--base", str(tmp_path / "empty"), "--out", str(tmp_path / "o")]) == 1
    assert f"{tmp_path / 'empty'}: no train.jsonl" in capsys.readouterr().err


def test_a_broken_corrections_file_is_named_with_its_line(tmp_path, capsys):
    c = write_corrections(tmp_path / "c.jsonl", [("好记录", True)])
    c.write_text(c.read_text(encoding="utf-8") + '{"chosen": [\n', encoding="utf-8")
    assert build_dataset(["--corrections", str(c), "--out", str(tmp_path / "o")]) == 1
    assert f"{c} line 2: invalid JSON" in capsys.readouterr().err
