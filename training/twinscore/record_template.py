"""How a record's fields become the one line of text the model reads.

Users audit tables (name, address, postcode, phone columns); the model reads one line.
The generator writes correct records in many field orders and separators so the model
does not key on layout, and this canonical layout is one of them: the app's column
mapping (src/core/record-template.ts, the TypeScript twin) composes a row with it, so a
mapped row reads exactly like training text. tests/vectors/record-template.json holds
both sides to the same output.
"""

from __future__ import annotations

RECORD_TEMPLATE_VERSION = 1
SEPARATOR = "，"

# (key, label shown to users, prefix written before the value). Name and address are
# written bare, as in the seed's records: 张三，北京市…，邮编：100102，联系电话：138…
FIELDS = (
    ("name", "姓名", ""),
    ("address", "地址", ""),
    ("postcode", "邮编", "邮编："),
    ("phone", "联系电话", "联系电话："),
)
FIELD_KEYS = tuple(key for key, _, _ in FIELDS)


def compose(values: dict[str, str]) -> str:
    """Join the non-empty fields in template order; other keys follow as `key：value`.

    Values are stripped of surrounding whitespace (spreadsheet cells often carry it) but
    otherwise kept byte for byte: the model must see the errors, not a cleaned copy.
    """
    parts = []
    for key, _, prefix in FIELDS:
        value = (values.get(key) or "").strip()
        if value:
            parts.append(prefix + value)
    for key, value in values.items():
        if key in FIELD_KEYS:
            continue
        value = (value or "").strip()
        if value:
            parts.append(f"{key}：{value}")
    return SEPARATOR.join(parts)


def manifest_entry() -> dict:
    """What export writes into manifest.json so the app composes rows the same way."""
    return {
        "version": RECORD_TEMPLATE_VERSION,
        "separator": SEPARATOR,
        "fields": [{"key": k, "label": label, "prefix": p} for k, label, p in FIELDS],
    }
