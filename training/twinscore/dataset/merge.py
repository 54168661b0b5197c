"""Merge an existing dataset with reviewed corrections exported from the browser.

    twinscore-build-dataset --base data/mine --corrections corrections.jsonl --out data/mine-2

The base is a folder made by build-dataset (train.jsonl / test.jsonl). Records keep the
split they were in, so the evaluation set stays comparable from one round to the next;
a corrected record takes its new label there. Records new to the dataset (from further
inputs or from the corrections) are split like build-dataset splits. Later wins: the
base, then the inputs, then each corrections file in the order given, line by line —
so the last decision on a record is the one trained on, and every record appears once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .pairs import split
from .read import LabelledRecord, RecordsError, read_records


@dataclass
class MergeReport:
    base: int = 0
    relabelled: int = 0
    added: int = 0
    duplicates: int = 0

    def __str__(self) -> str:
        return (f"{self.base} from the base, {self.relabelled} relabelled by later records, "
                f"{self.added} new, {self.duplicates} repeated records dropped (the last decision kept)")


def read_base(folder: str | Path) -> tuple[list[LabelledRecord], list[LabelledRecord]]:
    folder = Path(folder)
    if not (folder / "train.jsonl").exists():
        raise RecordsError(f"{folder}: no train.jsonl (a --base must be a folder made by twinscore-build-dataset)")
    test = folder / "test.jsonl"
    return read_records(folder / "train.jsonl"), read_records(test) if test.exists() else []


def merge(
    base_train: list[LabelledRecord],
    base_test: list[LabelledRecord],
    later: list[LabelledRecord],
    test_size: float,
    seed: int,
) -> tuple[list[LabelledRecord], list[LabelledRecord], MergeReport]:
    """Base records keep their split; ``later`` (oldest first) relabels or adds records."""
    report = MergeReport()
    label: dict[str, LabelledRecord] = {}
    in_test: dict[str, bool] = {}
    for records, is_test in ((base_train, False), (base_test, True)):
        for r in records:
            in_test.setdefault(r.text, is_test)
            label[r.text] = r
    report.base = len(label)
    first_label = {t: r.correct for t, r in label.items()}
    new: dict[str, None] = {}  # insertion-ordered set of texts not in the base
    for r in later:
        if r.text not in label:
            new[r.text] = None
        label[r.text] = r
    report.added = len(new)
    report.relabelled = sum(label[t].correct != c for t, c in first_label.items())
    report.duplicates = len(base_train) + len(base_test) + len(later) - len(label)
    new_train, new_test = split([label[t] for t in new], test_size, seed)
    train = [label[t] for t, is_test in in_test.items() if not is_test] + new_train
    test = [label[t] for t, is_test in in_test.items() if is_test] + new_test
    return train, test, report


def merge_into_base(
    base: str | None, inputs: list[LabelledRecord], corrections: list[str], test_size: float, seed: int
) -> tuple[list[LabelledRecord], list[LabelledRecord], MergeReport]:
    """build-dataset's --base/--corrections: the base folder, then inputs, then corrections files in order."""
    base_train, base_test = read_base(base) if base else ([], [])
    later = inputs + [r for path in corrections for r in read_records(path)]
    return merge(base_train, base_test, later, test_size, seed)
