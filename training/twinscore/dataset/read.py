"""Read labelled records from the files people actually have.

Accepted: CSV/TSV with a text and a label column; JSONL or JSON (an array, one object,
or the seed's concatenated pretty-printed objects with no commas between them);
parquet. An object may be a plain ``{text, label}`` row, a KTO-style row
(``{"address": ..., "chosen": true}``), or a TRL preference pair in the seed's
format, whose record and true label are read back from its ``chosen`` side.

Every error names the file, the row and the column.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from ..prompt import LABEL_CORRECT, LABEL_WRONG

# What people write in a label column, mapped to "is the record correct".
LABEL_VALUES = {
    "correct": True, "wrong": False,
    LABEL_CORRECT: True, LABEL_WRONG: False,
    "1": True, "0": False,
    "true": True, "false": False,
    "chosen": True, "rejected": False,
}


class RecordsError(ValueError):
    """Bad input: the message says what was wrong and where."""


@dataclass(frozen=True)
class LabelledRecord:
    text: str
    correct: bool
    where: str  # "file.csv row 7": where the record came from, for later messages


def parse_label(value, where: str, column: str) -> bool:
    key = str(value).strip().lower() if not isinstance(value, bool) else str(value).lower()
    if key in LABEL_VALUES:
        return LABEL_VALUES[key]
    allowed = ", ".join(sorted({k for k in LABEL_VALUES}))
    raise RecordsError(f"{where}, column '{column}': label {value!r} is neither correct nor wrong (use one of: {allowed})")


def read_records(path: str | Path, text_column: str = "text", label_column: str = "label") -> list[LabelledRecord]:
    path = Path(path)
    if not path.exists():
        raise RecordsError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        return _read_csv(path, text_column, label_column, "\t" if suffix == ".tsv" else ",")
    if suffix in (".jsonl", ".json"):
        return [_from_object(obj, f"{path} {where}", text_column, label_column) for where, obj in json_objects(path)]
    if suffix == ".parquet":
        import pandas as pd

        rows = pd.read_parquet(path).to_dict(orient="records")
        return [_from_object(obj, f"{path} row {i + 1}", text_column, label_column) for i, obj in enumerate(rows)]
    raise RecordsError(f"{path}: unsupported file type {suffix!r} (use .csv, .tsv, .jsonl, .json or .parquet)")


def _read_csv(path: Path, text_column: str, label_column: str, delimiter: str) -> list[LabelledRecord]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f, delimiter=delimiter)
        header = reader.fieldnames
        if not header:
            raise RecordsError(f"{path}: no records (empty file)")
        for column in (text_column, label_column):
            if column not in header:
                raise RecordsError(f"{path} row 1: no column '{column}' in header {header}")
        out = []
        for row in reader:
            where = f"{path} row {reader.line_num}"
            if None in row or any(v is None for v in row.values()):
                raise RecordsError(f"{where}: expected {len(header)} fields, found a different number")
            out.append(_labelled(row[text_column], parse_label(row[label_column], where, label_column), where, text_column))
    if not out:
        raise RecordsError(f"{path}: no records (header only or empty)")
    return out


def json_objects(path: Path):
    """Yield (where, object) for JSONL, a JSON array, or concatenated JSON objects."""
    text = path.read_text(encoding="utf-8-sig")
    decoder = json.JSONDecoder()
    pos, n = 0, 0
    # Lines are counted from the previous object on: counting from the file's start for
    # every object made a 600,000-line JSONL take over ten minutes to read.
    line, counted_to = 1, 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            break
        line += text.count("\n", counted_to, pos)
        counted_to = pos
        try:
            obj, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as e:
            raise RecordsError(f"{path} line {line}: invalid JSON ({e.msg} at line {e.lineno}, column {e.colno})") from None
        items = obj if isinstance(obj, list) else [obj]
        for item in items:
            n += 1
            yield f"line {line} (record {n})", item
    if n == 0:
        raise RecordsError(f"{path}: no records (empty file)")


def _from_object(obj, where: str, text_column: str, label_column: str) -> LabelledRecord:
    if not isinstance(obj, dict):
        raise RecordsError(f"{where}: expected a JSON object, found {type(obj).__name__}")
    chosen = obj.get("chosen")
    if isinstance(chosen, list):  # a TRL preference pair in the seed's format
        try:
            user, assistant = chosen[0], chosen[1]
            return _labelled(user["content"], parse_label(assistant["content"], where, "chosen[1].content"), where, "chosen[0].content")
        except (IndexError, KeyError, TypeError):
            raise RecordsError(f"{where}, column 'chosen': expected [user turn, assistant turn] with 'content'") from None
    if isinstance(chosen, bool) or isinstance(obj.get("rejected"), bool):  # KTO style
        texts = [k for k, v in obj.items() if k not in ("chosen", "rejected") and isinstance(v, str)]
        if len(texts) != 1:
            raise RecordsError(f"{where}: a KTO-style row needs exactly one text field, found {texts}")
        return _labelled(obj[texts[0]], bool(chosen) if chosen is not None else not obj["rejected"], where, texts[0])
    for column in (text_column, label_column):
        if column not in obj:
            raise RecordsError(f"{where}: no field '{column}' (fields: {sorted(obj)})")
    return _labelled(obj[text_column], parse_label(obj[label_column], where, label_column), where, text_column)


def _labelled(text, correct: bool, where: str, column: str) -> LabelledRecord:
    if not isinstance(text, str):
        raise RecordsError(f"{where}, column '{column}': record must be text, found {type(text).__name__}")
    if not text.strip():
        raise RecordsError(f"{where}, column '{column}': empty record")
    return LabelledRecord(text=text, correct=correct, where=where)
