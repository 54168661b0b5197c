"""Labelled records -> TRL preference pairs, in exactly the seed's format.

Both sides hold the record as the user turn; the assistant turn is 正确 or 错误; the
true label goes in ``chosen``; ``score_chosen`` is 1 and ``score_rejected`` 0.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from pathlib import Path

from ..prompt import LABEL_CORRECT, LABEL_WRONG, messages
from .read import LabelledRecord


def to_pair(record: str, correct: bool, margin: float | None = None) -> dict:
    true_label, false_label = (LABEL_CORRECT, LABEL_WRONG) if correct else (LABEL_WRONG, LABEL_CORRECT)
    pair = {
        "chosen": messages(record, true_label),
        "rejected": messages(record, false_label),
        "score_chosen": 1,
        "score_rejected": 0,
    }
    if margin is not None:
        pair["margin"] = margin
    return pair


def pair_line(pair: dict) -> str:
    """One JSONL line; the browser's exporter writes the same bytes (ensure_ascii off, no spaces)."""
    return json.dumps(pair, ensure_ascii=False, separators=(",", ":"))


def deduplicate(records: list[LabelledRecord]) -> tuple[list[LabelledRecord], int, list[str]]:
    """Drop exact duplicates (first wins) and every record labelled both ways.

    Returns (kept, duplicates dropped, texts with contradicting labels).
    """
    labels: dict[str, set[bool]] = defaultdict(set)
    for r in records:
        labels[r.text].add(r.correct)
    conflicts = [t for t, ls in labels.items() if len(ls) > 1]
    seen: set[str] = set()
    kept = []
    for r in records:
        if r.text in seen or len(labels[r.text]) > 1:
            continue
        seen.add(r.text)
        kept.append(r)
    conflicting = set(conflicts)
    duplicates = len(records) - len(kept) - sum(1 for r in records if r.text in conflicting)
    return kept, duplicates, conflicts


def split(records: list[LabelledRecord], test_size: float, seed: int) -> tuple[list, list]:
    """A seeded split, stratified by label so a small test split still has both classes."""
    rng = random.Random(seed)
    train, test = [], []
    for label in (True, False):
        group = [r for r in records if r.correct == label]
        rng.shuffle(group)
        n_test = round(len(group) * test_size)
        test += group[:n_test]
        train += group[n_test:]
    rng.shuffle(train)
    rng.shuffle(test)
    return train, test


def write_pairs(path: Path, records: list[LabelledRecord], margin: float | None = None) -> None:
    with path.open("w", encoding="utf-8") as f:
        for r in records:
            f.write(pair_line(to_pair(r.text, r.correct, margin)) + "\n")


def split_by_group(items: list, groups: list[str], sizes: dict[str, float], seed: int) -> dict[str, list]:
    """Split so that every group (a person/address entity) lands in exactly one split.

    A group's split comes from a hash of (seed, group), so it is stable however many
    records there are and no entity of the test split is ever seen in training.
    """
    import hashlib

    names = list(sizes)
    bounds, acc = [], 0.0
    for name in names:
        acc += sizes[name]
        bounds.append(acc)
    out: dict[str, list] = {name: [] for name in names}
    for item, group in zip(items, groups):
        h = int.from_bytes(hashlib.sha256(f"{seed}:{group}".encode()).digest()[:8], "big") / 2**64 * acc
        out[names[next(i for i, b in enumerate(bounds) if h < b)]].append(item)
    return out
