"""The browser's TRL JSONL export (src/core/pairs.ts) must write the bytes dataset.py writes.

tests/unit/pairs.test.ts asserts the TypeScript twin against the same two files.
"""

import json
from pathlib import Path

from twinscore.dataset.pairs import pair_line, to_pair, write_pairs
from twinscore.dataset.read import LabelledRecord, read_records

VECTORS = Path(__file__).parents[1] / "vectors"
CASES = json.loads((VECTORS / "pairs.json").read_text(encoding="utf-8"))


def test_each_line_is_what_pair_line_writes():
    for case in CASES:
        assert pair_line(to_pair(case["record"], case["correct"])) == case["line"]


def test_whole_file_byte_for_byte(tmp_path):
    out = tmp_path / "pairs.jsonl"
    write_pairs(out, [LabelledRecord(c["record"], c["correct"], "") for c in CASES])
    assert out.read_bytes() == (VECTORS / "pairs.jsonl").read_bytes()


def test_file_reads_back_as_the_labelled_records():
    back = read_records(VECTORS / "pairs.jsonl")
    assert [(r.text, r.correct) for r in back] == [(c["record"], c["correct"]) for c in CASES]


def test_loads_with_datasets():
    from datasets import load_dataset

    ds = load_dataset("json", data_files=str(VECTORS / "pairs.jsonl"), split="train")
    assert ds.column_names == ["chosen", "rejected", "score_chosen", "score_rejected"]
    assert ds[0]["chosen"][1] == {"content": "正确", "role": "assistant"}
    assert len(ds) == len(CASES)
