"""build-dataset: the seed's preference-pair format, field by field, and its input readers."""

import json

import pytest

from twinscore.dataset.build import main as build_main
from twinscore.dataset.pairs import deduplicate, to_pair
from twinscore.dataset.read import LabelledRecord, RecordsError, read_records

SEED_RECORD = "张三，北京市朝阳区望京街道123号院5号楼，邮编：100102，联系电话：13812345678"


def test_pair_matches_the_seed_format_field_by_field():
    pair = to_pair(SEED_RECORD, correct=True)
    assert list(pair) == ["chosen", "rejected", "score_chosen", "score_rejected"]
    assert pair["chosen"] == [{"content": SEED_RECORD, "role": "user"}, {"content": "正确", "role": "assistant"}]
    assert pair["rejected"] == [{"content": SEED_RECORD, "role": "user"}, {"content": "错误", "role": "assistant"}]
    assert (pair["score_chosen"], pair["score_rejected"]) == (1, 0)
    assert [list(m) for m in pair["chosen"]] == [["content", "role"]] * 2


def test_a_wrong_record_puts_the_word_wrong_in_chosen():
    pair = to_pair("联系电话：a", correct=False, margin=1.0)
    assert pair["chosen"][1] == {"content": "错误", "role": "assistant"}
    assert pair["rejected"][1] == {"content": "正确", "role": "assistant"}
    assert (pair["score_chosen"], pair["score_rejected"], pair["margin"]) == (1, 0, 1.0)


def test_build_dataset_writes_jsonl_that_round_trips(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("text,label\n北京市海淀区学院路29号,correct\n北京市1234海淀区学院路,wrong\n上海市静安区南京西路1000号,正确\n广州市天河区#?@!路,0\n", encoding="utf-8")
    assert build_main([str(src), "--out", str(tmp_path / "ds"), "--test_size", "0.5"]) == 0
    lines = [json.loads(l) for f in ("train.jsonl", "test.jsonl") for l in (tmp_path / "ds" / f).read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 4
    by_record = {l["chosen"][0]["content"]: l["chosen"][1]["content"] for l in lines}
    assert by_record == {"北京市海淀区学院路29号": "正确", "北京市1234海淀区学院路": "错误", "上海市静安区南京西路1000号": "正确", "广州市天河区#?@!路": "错误"}
    from datasets import load_dataset

    ds = load_dataset("json", data_files=str(tmp_path / "ds" / "train.jsonl"))["train"]
    assert set(ds.column_names) == {"chosen", "rejected", "score_chosen", "score_rejected"}


def test_reads_the_seeds_concatenated_pretty_printed_objects(tmp_path):
    pairs = [to_pair(SEED_RECORD, True), to_pair(SEED_RECORD.replace("100102", "10010222"), False)]
    src = tmp_path / "seed.json"
    src.write_text("\n".join(json.dumps(p, ensure_ascii=False, indent=4) for p in pairs), encoding="utf-8")
    records = read_records(src)
    assert [(r.text, r.correct) for r in records] == [(SEED_RECORD, True), (SEED_RECORD.replace("100102", "10010222"), False)]


def test_reads_parquet_and_kto_rows(tmp_path):
    import pandas as pd

    pd.DataFrame({"text": ["北京市海淀区学院路29号", "联系电话：a"], "label": ["correct", "wrong"]}).to_parquet(tmp_path / "r.parquet")
    assert [r.correct for r in read_records(tmp_path / "r.parquet")] == [True, False]
    (tmp_path / "kto.jsonl").write_text('{"address": "北京市海淀区学院路29号", "chosen": true}\n{"address": "北京市1234海淀区学院路", "rejected": true}\n', encoding="utf-8")
    assert [(r.text, r.correct) for r in read_records(tmp_path / "kto.jsonl")] == [("北京市海淀区学院路29号", True), ("北京市1234海淀区学院路", False)]


def test_an_unknown_label_names_file_row_and_column(tmp_path, capsys):
    src = tmp_path / "bad.csv"
    src.write_text("text,label\n北京市海淀区学院路29号,correct\n北京市1234海淀区学院路,maybe\n", encoding="utf-8")
    with pytest.raises(RecordsError, match=r"bad\.csv row 3, column 'label': label 'maybe' is neither correct nor wrong"):
        read_records(src)
    assert build_main([str(src), "--out", str(tmp_path / "ds")]) == 1
    assert "row 3" in capsys.readouterr().err
    assert not (tmp_path / "ds").exists()  # nothing half-written


@pytest.mark.parametrize(
    "content, message",
    [
        ("", "no records"),
        ("text,label\n", "no records"),
        ("record,label\nx,correct\n", "no column 'text'"),
        ("text,label\n北京,correct,extra\n", "row 2: expected 2 fields"),
        ("text,label\n ,correct\n", "row 2, column 'text': empty record"),
    ],
)
def test_bad_csv_input_is_reported_with_its_place(tmp_path, content, message):
    src = tmp_path / "in.csv"
    src.write_text(content, encoding="utf-8")
    with pytest.raises(RecordsError, match=message):
        read_records(src)


def test_bad_json_names_the_line(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "北京", "label": "correct"}\n{"text": "上海", "label": \n', encoding="utf-8")
    with pytest.raises(RecordsError, match=r"in\.jsonl line 2: invalid JSON"):
        list(read_records(src))


def test_line_numbers_hold_after_pretty_printed_objects_and_blank_lines(tmp_path):
    # lines are counted object by object (not from the file's start each time): the count
    # must still land on the right line after multi-line objects and blank lines
    src = tmp_path / "in.json"
    src.write_text('{\n  "text": "北京",\n  "label": "correct"\n}\n\n\n{"text": "上海", "label": "wrong"}\n{"text": "广州", "label": "maybe"}\n', encoding="utf-8")
    with pytest.raises(RecordsError, match=r"in\.json line 8 \(record 3\)"):
        list(read_records(src))


def test_duplicates_and_contradictions_are_dropped():
    rs = [LabelledRecord("a", True, "1"), LabelledRecord("a", True, "2"), LabelledRecord("b", True, "3"), LabelledRecord("b", False, "4")]
    kept, duplicates, conflicts = deduplicate(rs)
    assert [r.text for r in kept] == ["a"]
    assert duplicates == 1
    assert conflicts == ["b"]


def test_exclude_keeps_another_datasets_held_out_records_out(tmp_path, capsys):
    base = tmp_path / "base"
    assert build_main(["--generate", "400", "--val_size", "0.25", "--test_size", "0.25", "--seed", "3", "--out", str(base)]) == 0
    held_out = {r.text for s in ("validation", "test") for r in read_records(base / f"{s}.jsonl")}
    # the same seed regenerates the held-out records: --exclude must drop every one of them
    out = tmp_path / "fresh"
    assert build_main(["--generate", "400", "--exclude", str(base), "--val_size", "0", "--test_size", "0", "--seed", "3", "--out", str(out)]) == 0
    kept = {r.text for r in read_records(out / "train.jsonl")}
    assert kept and not kept & held_out
    assert not (out / "test.jsonl").exists()  # --test_size 0: a training-only set, no empty split
    assert len(kept) == 400 - len(held_out)
    assert f"dropped {len(held_out)} of 400 record(s)" in capsys.readouterr().out


def test_exclude_and_focus_say_what_is_wrong(tmp_path, capsys):
    assert build_main(["--generate", "10", "--exclude", str(tmp_path), "--out", str(tmp_path / "o")]) == 1
    assert f"--exclude {tmp_path}: no validation.jsonl or test.jsonl there" in capsys.readouterr().err
    assert build_main(["--generate", "10", "--focus", "nonsense=2", "--out", str(tmp_path / "o")]) == 2
    assert "unknown error class 'nonsense'" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_repeat_writes_one_inputs_training_pairs_k_times_and_counts_them_once(tmp_path, capsys):
    hard, replay = tmp_path / "hard.jsonl", tmp_path / "replay.jsonl"
    hard.write_text("".join(json.dumps({"text": f"河北省邢台市宁晋县#{i}镇", "label": "wrong"}, ensure_ascii=False) + "\n" for i in range(3)), encoding="utf-8")
    replay.write_text("".join(json.dumps({"text": f"北京市朝阳区望京街道{i}号", "label": "correct"}, ensure_ascii=False) + "\n" for i in range(50))
                      + json.dumps({"text": "河北省邢台市宁晋县#0镇", "label": "wrong"}, ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "ds"
    assert build_main([str(hard), str(replay), "--repeat", f"{hard}=4", "--test_size", "0", "--seed", "7", "--out", str(out)]) == 0
    texts = [r.text for r in read_records(out / "train.jsonl")]
    # each hard record 4 times (the one the replay also holds too: it is the same record), each replayed one once
    assert sorted(t for t in set(texts)) == sorted({f"河北省邢台市宁晋县#{i}镇" for i in range(3)} | {f"北京市朝阳区望京街道{i}号" for i in range(50)})
    assert all(texts.count(f"河北省邢台市宁晋县#{i}镇") == 4 for i in range(3))
    assert all(texts.count(f"北京市朝阳区望京街道{i}号") == 1 for i in range(50))
    at = [i for i, t in enumerate(texts) if t == "河北省邢台市宁晋县#0镇"]
    assert at != list(range(at[0], at[0] + 4))  # shuffled: the copies do not sit side by side
    said = capsys.readouterr().out
    assert "--repeat: 9 extra training pairs (3 records repeated)" in said
    assert "records 54:" in said and "exact duplicates 1" in said  # the diagnostics see each record once
    # the same seed writes the same file
    again = tmp_path / "again"
    assert build_main([str(hard), str(replay), "--repeat", f"{hard}=4", "--test_size", "0", "--seed", "7", "--out", str(again)]) == 0
    assert (again / "train.jsonl").read_bytes() == (out / "train.jsonl").read_bytes()


@pytest.mark.parametrize("spec, message", [
    ("other.jsonl=3", "--repeat other.jsonl=3: other.jsonl is not one of the input files"),
    ("{hard}=0", "K must be a whole number of copies, 1 or more, not '0'"),
    ("{hard}=2.5", "K must be a whole number of copies, 1 or more, not '2.5'"),
    ("{hard}", "expected FILE=K, e.g. hard.jsonl=8"),
])
def test_a_bad_repeat_says_what_is_wrong_and_writes_nothing(tmp_path, capsys, spec, message):
    hard = tmp_path / "hard.jsonl"
    hard.write_text(json.dumps({"text": "广州市天河区#?@!路", "label": "wrong"}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert build_main([str(hard), "--repeat", spec.format(hard=hard), "--out", str(tmp_path / "o")]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "o").exists()
