"""build-dataset diagnostics and the split by entity."""

import json

from twinscore.dataset.build import main as build_main
from twinscore.dataset.diagnostics import diagnose

SEED_CORRECT = "张三，北京市朝阳区望京街道123号院5号楼，邮编：100102，联系电话：13812345678"
SEED_WRONG = "李四，北京市1234海淀区学院路，邮编：10010222，联系电话：a"


def test_counts_exact_and_near_duplicates_and_contradictions():
    texts = [SEED_CORRECT, SEED_CORRECT, SEED_CORRECT.replace("，", ", "), SEED_WRONG, SEED_WRONG]
    d = diagnose(texts, [True, True, True, False, True])
    assert d.exact_duplicates == 2  # the second copy of each
    assert d.near_duplicates == 1  # same record with other separators
    assert d.conflicting == 1  # SEED_WRONG is labelled both ways
    assert (d.correct, d.wrong) == (4, 1)


def test_the_seeds_trap_is_refused_with_strict(tmp_path, capsys):
    # 10,000 copies of two records: the seed's example dataset that trains to nothing
    src = tmp_path / "trap.csv"
    src.write_text("text,label\n" + f"{SEED_CORRECT},correct\n{SEED_WRONG},wrong\n" * 5000, encoding="utf-8")
    assert build_main([str(src), "--out", str(tmp_path / "warned")]) == 0
    assert "too few distinct records" in capsys.readouterr().err
    assert build_main([str(src), "--out", str(tmp_path / "refused"), "--strict"]) == 1
    err = capsys.readouterr().err
    assert "ERROR: too few distinct records" in err and "ERROR: too few record shapes" in err
    assert not (tmp_path / "refused").exists()  # nothing half-written


def test_unbalanced_labels_are_reported():
    texts = [f"北京市朝阳区望京街道{i}号" for i in range(1, 200)]
    d = diagnose(texts, [True] * 195 + [False] * 4)
    assert any("unbalanced" in p for p in d.problems())


def test_generated_dataset_splits_by_entity_and_keeps_classes(tmp_path):
    out = tmp_path / "gen"
    assert build_main(["--generate", "3000", "--val_size", "0.1", "--test_size", "0.1", "--seed", "7", "--strict", "--out", str(out)]) == 0
    splits = {}
    for name in ("train", "validation", "test"):
        rows = [json.loads(l) for l in (out / "records" / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()]
        pairs = (out / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
        assert len(rows) == len(pairs) > 0
        splits[name] = rows
    entities = {name: {r["entity"] for r in rows} for name, rows in splits.items()}
    assert not entities["train"] & entities["test"] and not entities["train"] & entities["validation"]
    assert not entities["validation"] & entities["test"]
    assert {r["error_class"] for r in splits["test"]} > {None, "postcode_length", "phone_letters"}
    diag = json.loads((out / "diagnostics.json").read_text(encoding="utf-8"))
    assert diag["problems"] == [] and diag["per_class"]["correct"] > 1000
