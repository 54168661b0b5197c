"""Dataset diagnostics: what build-dataset reports before anything is trained.

The seed's trap was a dataset of 10,000 copies of two records, which trains to nothing
and still shows a perfect eval score (the test split holds the same two records). These
numbers make that visible: exact and near duplicates, records labelled both ways, class
balance, per-error-class counts, lengths, and how many distinct records (and distinct
record shapes) there are. `problems()` lists what is too low; build-dataset warns, and
refuses with --strict.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass, field

# Below these a dataset is too uniform to learn the job from.
MIN_DISTINCT_SHARE = 0.5  # distinct records after normalising / all records
MIN_SHAPE_SHARE = 0.01  # distinct shapes (characters and digits masked) / all records
MIN_MINORITY_SHARE = 0.1  # the rarer label's share


def normalise(text: str) -> str:
    """Near-duplicate key: NFKC, case, whitespace and punctuation ignored."""
    t = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[\s,，;；:：、.。\-()（）]+", "", t)


def shape(text: str) -> str:
    """The record's layout: every CJK character, letter and digit masked, the rest kept."""
    return "".join("字" if "\u4e00" <= ch <= "\u9fff" else "0" if ch.isdigit() else "a" if ch.isalpha() else ch for ch in text)


@dataclass
class Diagnostics:
    n: int
    correct: int
    wrong: int
    exact_duplicates: int
    near_duplicates: int
    conflicting: int
    distinct_share: float
    shape_share: float
    length: dict
    per_class: dict = field(default_factory=dict)

    def problems(self) -> list[str]:
        out = []
        if self.n == 0:
            return ["no records"]
        minority = min(self.correct, self.wrong) / self.n
        if minority < MIN_MINORITY_SHARE:
            out.append(f"labels are unbalanced: only {minority:.1%} of records are {'correct' if self.correct < self.wrong else 'wrong'} (need {MIN_MINORITY_SHARE:.0%})")
        if self.distinct_share < MIN_DISTINCT_SHARE:
            out.append(f"too few distinct records: {self.distinct_share:.1%} after removing near duplicates (need {MIN_DISTINCT_SHARE:.0%}); a model trained on copies learns nothing")
        if self.shape_share < MIN_SHAPE_SHARE:
            out.append(f"too few record shapes: {self.shape_share:.2%} distinct layouts (need {MIN_SHAPE_SHARE:.0%}); vary field order, separators and optional fields")
        return out

    def report(self) -> str:
        lines = [
            f"records {self.n}: {self.correct} correct / {self.wrong} wrong",
            f"exact duplicates {self.exact_duplicates}, near duplicates {self.near_duplicates}, labelled both ways {self.conflicting}",
            f"distinct {self.distinct_share:.1%}, distinct shapes {self.shape_share:.1%}",
            "length (characters): " + ", ".join(f"{k} {v}" for k, v in self.length.items()),
        ]
        if self.per_class:
            lines.append("per error class: " + ", ".join(f"{k} {v}" for k, v in sorted(self.per_class.items())))
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {**asdict(self), "problems": self.problems()}


def diagnose(texts: list[str], labels: list[bool], classes: list[str | None] | None = None) -> Diagnostics:
    n = len(texts)
    exact = Counter(texts)
    near = Counter(normalise(t) for t in texts)
    by_text: dict[str, set[bool]] = {}
    for t, label in zip(texts, labels):
        by_text.setdefault(t, set()).add(label)
    lengths = sorted(len(t) for t in texts) or [0]
    q = statistics.quantiles(lengths, n=20) if len(lengths) > 1 else [lengths[0]] * 19
    return Diagnostics(
        n=n,
        correct=sum(labels),
        wrong=n - sum(labels),
        exact_duplicates=n - len(exact),
        near_duplicates=len(exact) - len(near),
        conflicting=sum(1 for v in by_text.values() if len(v) > 1),
        distinct_share=len(near) / n if n else 0.0,
        shape_share=len({shape(t) for t in texts}) / n if n else 0.0,
        length={"min": lengths[0], "p5": round(q[0]), "median": round(statistics.median(lengths)), "p95": round(q[-1]), "max": lengths[-1]},
        per_class=dict(Counter(c or "correct" for c in classes)) if classes is not None else {},
    )
