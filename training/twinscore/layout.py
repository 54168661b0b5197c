"""How an entity becomes a record's text: fields in an order, each a list of segments.

A field (name, address, postcode, phone) is a list of segments, its label first when it
has one, then its parts (province, city, district, street, road, house; or a value). An
error is injected by editing segments (errors.py), and each segment keeps the offsets of
what was changed, so a rendered record carries its error's span for the explanation
tests. Correct records take many layouts (labels, field order, separators, phone formats)
so that correct and wrong records look alike on the surface.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from . import reference
from .entities import Entity
from .record_template import SEPARATOR

POSTCODE_LABELS = ["邮编：", "邮编：", "邮编:", "邮政编码：", "邮编 "]
PHONE_LABELS = ["联系电话：", "联系电话：", "电话：", "手机：", "联系方式：", "电话:", "Tel:"]
NAME_LABELS = ["", "", "", "姓名：", "联系人：", "收件人："]
ADDRESS_LABELS = ["", "", "", "地址：", "住址：", "收货地址："]
SEPARATORS = [SEPARATOR, SEPARATOR, SEPARATOR, ",", "；", " ", "，", "、"]


@dataclass
class Segment:
    """One piece of the record: its field, its kind inside the field, its text."""

    field: str  # name / address / postcode / phone / sep / label
    kind: str  # province, city, district, street, road, house, value, label
    text: str
    # The injected error's offsets inside this segment ([0, len) when the whole segment).
    error: tuple[int, int] | None = None

    def mark(self, start: int = 0, end: int | None = None) -> "Segment":
        self.error = (start, len(self.text) if end is None else end)
        return self



def _format_phone(rng: random.Random, e: Entity) -> str:
    if e.landline:
        code = e.district.city.area_code
        local = e.phone[len(code):]
        return rng.choice([f"{code}-{local}", f"{code}-{local}", f"({code}){local}", f"{code}{local}"])
    p = e.phone
    return rng.choice([p, p, p, p, f"+86 {p}", f"{p[:3]}-{p[3:7]}-{p[7:]}", f"{p[:3]} {p[3:7]} {p[7:]}"])


def address_parts(d: reference.District, street: str, province: bool) -> list[tuple[str, str]]:
    """(kind, text) of an address up to its street, with its province if asked (a
    municipality, 北京市…, is written once, without one)."""
    c = d.city
    parts = [("province", c.province.name)] if province and not c.municipality else []
    parts.append(("city", c.name))
    if d.name != c.name:  # a city without districts (东莞市, 中山市…) is followed by its towns directly
        parts.append(("district", d.name))
    parts.append(("street", street))
    return parts


def address_segments(rng: random.Random, e: Entity) -> list[Segment]:
    province = not e.district.city.municipality and rng.random() < 0.6
    segs = [Segment("address", kind, text) for kind, text in address_parts(e.district, e.street, province)]
    if e.road:
        segs.append(Segment("address", "road", e.road))
    segs.append(Segment("address", "house", e.house))
    return segs


KINDS = ["full", "full", "full", "full", "address", "address_postcode", "contact", "name_phone"]


def layout(rng: random.Random, e: Entity, kind: str) -> list[list[Segment]]:
    """The record's fields in order, each a list of segments (label first when labelled)."""
    fields: dict[str, list[Segment]] = {}
    canonical = rng.random() < 0.4  # the record_template layout the app composes
    if kind in ("full", "contact", "name_phone"):
        label = "" if canonical else rng.choice(NAME_LABELS)
        fields["name"] = ([Segment("name", "label", label)] if label else []) + [Segment("name", "value", e.name)]
    if kind in ("full", "address", "address_postcode", "contact"):
        label = "" if canonical else rng.choice(ADDRESS_LABELS)
        fields["address"] = ([Segment("address", "label", label)] if label else []) + address_segments(rng, e)
    if kind in ("full", "address_postcode"):
        label = "邮编：" if canonical else rng.choice(POSTCODE_LABELS)
        fields["postcode"] = [Segment("postcode", "label", label), Segment("postcode", "value", e.district.postcode)]
    if kind in ("full", "contact", "name_phone"):
        label = "联系电话：" if canonical else rng.choice(PHONE_LABELS)
        fields["phone"] = [Segment("phone", "label", label), Segment("phone", "value", _format_phone(rng, e))]
    order = [k for k in ("name", "address", "postcode", "phone") if k in fields]
    if not canonical and rng.random() < 0.35:
        head = order[:1] if order[0] == "name" and rng.random() < 0.7 else []
        rest = order[len(head):]
        rng.shuffle(rest)
        order = head + rest
    return [fields[k] for k in order]


def render(fields: list[list[Segment]], sep: str) -> tuple[str, list[tuple[Segment, int, int]]]:
    text, spans = "", []
    for i, segs in enumerate(fields):
        if i:
            text += sep
        for s in segs:
            spans.append((s, len(text), len(text) + len(s.text)))
            text += s.text
    return text, spans


def find_segment(fields, field_name, kind=None):
    """The first segment of this field (and kind), or None."""
    for segs in fields:
        for s in segs:
            if s.field == field_name and (kind is None or s.kind == kind):
                return s
    return None


def address_of(fields):
    """The address's segments, its label left out."""
    return [s for segs in fields for s in segs if s.field == "address" and s.kind != "label"]
