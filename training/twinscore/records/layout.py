"""How an entity becomes a record's text: fields in an order, each a list of segments.

A field (name, address, postcode, phone) is a list of segments, its label first when it
has one, then its parts (province, city, district, street, road, then the house part's
number, unit, place and landmark; or a value). An error is injected by editing segments
(errors.py), and each segment keeps the offsets of what was changed, so a rendered
record carries its error's span for the explanation tests.

Correct records are written in every way the rules accept (docs/correct-records.md):
any subset of the fields in any order, with or without labels, the province full, short
or left out, the city full, short (杭州西湖区) or in a picker's style (上海上海市), the
levels run together or set apart by spaces, a town or none. A record's writing *styles*
(STYLES) are named, so that training can leave some out and evaluation report on each.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .entities import Entity
from ..record_template import SEPARATOR

POSTCODE_LABELS = ["邮编：", "邮编：", "邮编:", "邮政编码：", "邮编 ", "邮编", "（邮编：", "(邮编:"]
PHONE_LABELS = ["联系电话：", "联系电话：", "电话：", "手机：", "手机号：", "手机号码：", "联系方式：", "电话:", "Tel:", "电话", "TEL："]
NAME_LABELS = ["姓名：", "联系人：", "收件人：", "收货人：", "客户："]
ADDRESS_LABELS = ["地址：", "住址：", "收货地址：", "详细地址：", "地址:"]
SEPARATORS = [SEPARATOR] * 4 + [",", "；", " ", "  ", "，", "、", ", ", " ，", "\n", "\t"]
CLOSING = {"（": "）", "(": ")"}

# The writing styles a record is tagged with, what each means; generate's hold_out leaves
# out every record of a style, and evaluation reports false alarms per style.
STYLES: dict[str, str] = {
    "canonical": "the app's own layout: name，address，邮编：…，联系电话：…",
    "phone_first": "the phone comes before the address",
    "address_only": "an address and nothing else",
    "no_town": "an address without a town level (镇/乡/街道)",
    "full_no_town": "name, address, postcode and phone, the address without a town level",
    "rich_house": "a house part with more than a number: a building, floor, room, estate or company",
    "landmark": "a bracketed landmark in the house part",
    "short_city": "the city without 市 (杭州西湖区), or a picker's 上海上海市",
    "no_province": "a province's city written without its province",
    "spaced": "address levels set apart by spaces",
    "unlabelled": "a postcode or phone without its label",
    "former_district": "a district of an older division list (上海市闸北区)",
}


@dataclass
class Segment:
    """One piece of the record: its field, its kind inside the field, its text, and the
    gap written before it (a space between an address's levels, or nothing)."""

    field: str  # name / address / postcode / phone
    kind: str  # province, city, district, street, road, number, unit, place, landmark; value; label, label_end
    text: str
    # The injected error's offsets inside this segment ([0, len) when the whole segment).
    error: tuple[int, int] | None = None
    gap: str = ""

    def mark(self, start: int = 0, end: int | None = None) -> "Segment":
        self.error = (start, len(self.text) if end is None else end)
        return self


HOUSE_KINDS = ("number", "unit", "place", "landmark")
# Administrative names: what digits must never be inside (a road may be numbered: 泰然6路).
ADMIN_KINDS = ("province", "city", "district", "street")
NAME_KINDS = (*ADMIN_KINDS, "zone", "road", "crossing")


def _format_phone(rng: random.Random, e: Entity) -> str:
    if e.landline:
        code = e.district.city.area_code
        local = e.phone[len(code):]
        return rng.choice([f"{code}-{local}", f"{code}-{local}", f"({code}){local}", f"{code}{local}", f"{code} {local}"])
    p = e.phone
    return rng.choice([p, p, p, p, f"+86 {p}", f"+86{p}", f"{p[:3]}-{p[3:7]}-{p[7:]}", f"{p[:3]} {p[3:7]} {p[7:]}"])


def address_parts(rng: random.Random, e: Entity, hold_out: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """(kind, text) of an address up to its road: the province full, short or left out
    (a municipality is written once, or in a picker's style 上海上海市), the city full or
    short, the district (none for a city without districts: 东莞市 is followed by its
    towns), the town if any, the road or community if any."""
    d, c = e.district, e.district.city
    p = c.province
    parts: list[tuple[str, str]] = []
    short = c.short_name if c.short_name and "short_city" not in hold_out and rng.random() < 0.15 else None
    if c.municipality:
        if "short_city" not in hold_out and rng.random() < 0.06:  # a picker's province and city
            parts.append(("province", rng.choice([p.short_name] * 3 + [p.name])))
            parts.append(("city", c.name))
        else:
            parts.append(("city", short or c.name))
    else:
        r = rng.random()
        if r < 0.35:
            parts.append(("province", p.name))
        elif r < 0.5:
            parts.append(("province", p.short_name))
        parts.append(("city", short or c.name))
    if d.name != c.name:
        parts.append(("district", d.name))
    if e.street:
        parts.append(("street", e.street))
    if e.zone:
        parts.append(("zone", e.zone))
    if e.road and e.cross and "与" in e.cross:
        parts.append(("crossing", e.cross))
    elif e.road:
        parts.append(("road", e.road))
        if e.cross:
            parts.append(("road", e.cross))
    return parts


def address_segments(rng: random.Random, e: Entity, hold_out: frozenset[str] = frozenset()) -> list[Segment]:
    spaced = "spaced" not in hold_out and rng.random() < 0.06
    gap = rng.choice([" "] * 6 + ["  ", "\u3000"]) if spaced else ""
    segs = [Segment("address", kind, text, gap=gap if i else "") for i, (kind, text) in enumerate(address_parts(rng, e, hold_out))]
    house = [Segment("address", p.kind, p.text, gap=p.gap or (gap if rng.random() < 0.3 else ""))
             for p in e.house if p.kind != "landmark" or "landmark" not in hold_out]
    if house and house[-1].kind == "landmark" and len(house) > 1 and segs[-1].kind == "road" and rng.random() < 0.2:
        house.insert(0, house.pop())  # located before its door: 新溉路（新牌坊转盘）中渝都会9号
    return segs + house


# Which fields a record holds, and how often: any subset a user's table may have.
KINDS = {
    "full": ("name", "address", "postcode", "phone"),
    "address": ("address",),
    "contact": ("name", "address", "phone"),
    "address_phone": ("address", "phone"),
    "address_postcode": ("address", "postcode"),
    "name_address": ("name", "address"),
    "name_phone": ("name", "phone"),
    "phone": ("phone",),
    "address_postcode_phone": ("address", "postcode", "phone"),
}
KIND_WEIGHTS = {"full": 30, "address": 20, "contact": 15, "address_phone": 9, "address_postcode": 7, "name_address": 7,
                "name_phone": 5, "phone": 2, "address_postcode_phone": 5}


def layout(rng: random.Random, e: Entity, kind: str, hold_out: frozenset[str] = frozenset(),
           labelled: bool = False) -> list[list[Segment]]:
    """The record's fields in order, each a list of segments (label first when labelled);
    labelled: the postcode and the phone keep their labels (a swap is only seen through them)."""
    fields: dict[str, list[Segment]] = {}
    canonical = rng.random() < 0.3  # the record_template layout the app composes
    has = KINDS[kind]
    if "name" in has:
        label = "" if canonical or rng.random() < 0.6 else rng.choice(NAME_LABELS)
        fields["name"] = ([Segment("name", "label", label)] if label else []) + [Segment("name", "value", e.name)]
    if "address" in has:
        label = "" if canonical or rng.random() < 0.6 else rng.choice(ADDRESS_LABELS)
        fields["address"] = ([Segment("address", "label", label)] if label else []) + address_segments(rng, e, hold_out)
    bare = not canonical and not labelled and rng.random() < 0.25  # values written without labels
    if "postcode" in has:
        label = "邮编：" if canonical else "" if bare else rng.choice(POSTCODE_LABELS)
        fields["postcode"] = _labelled("postcode", label, e.district.postcode)
    if "phone" in has:
        label = "联系电话：" if canonical else "" if bare else rng.choice(PHONE_LABELS)
        fields["phone"] = _labelled("phone", label, _format_phone(rng, e))
    order = list(fields)
    if not canonical and len(order) > 1 and rng.random() < 0.5:
        head = order[:1] if order[0] == "name" and rng.random() < 0.6 else []
        rest = order[len(head):]
        rng.shuffle(rest)
        order = head + rest
    if "phone_first" in hold_out and "phone" in order and "address" in order and order.index("phone") < order.index("address"):
        i, j = order.index("phone"), order.index("address")
        order[i], order[j] = order[j], order[i]
    return [fields[k] for k in order]


def _labelled(field: str, label: str, value: str) -> list[Segment]:
    segs = ([Segment(field, "label", label)] if label else []) + [Segment(field, "value", value)]
    if label[:1] in CLOSING:
        segs.append(Segment(field, "label_end", CLOSING[label[0]]))
    return segs


def styles_of(fields: list[list[Segment]], e: Entity, canonical_sep: bool) -> list[str]:
    """The writing styles (STYLES) a laid-out record shows, read off its segments."""
    names = [segs[-1].field if segs[-1].kind != "label_end" else segs[0].field for segs in fields]
    addr = address_of(fields)
    kinds = {s.kind: s for s in addr}
    tags = []
    labels = {s.field: s.text for segs in fields for s in segs if s.kind == "label"}
    if canonical_sep and names == [k for k in ("name", "address", "postcode", "phone") if k in names] and \
            labels.get("postcode", "邮编：") == "邮编：" and labels.get("phone", "联系电话：") == "联系电话：" and \
            "name" not in labels and "address" not in labels:
        tags.append("canonical")
    if "phone" in names and "address" in names and names.index("phone") < names.index("address"):
        tags.append("phone_first")
    if names == ["address"]:
        tags.append("address_only")
    if addr and "street" not in kinds:
        tags.append("no_town")
        if set(names) == {"name", "address", "postcode", "phone"}:
            tags.append("full_no_town")
    if sum(1 for s in addr if s.kind in HOUSE_KINDS) > 1 or any(s.kind == "place" for s in addr):
        tags.append("rich_house")
    if any(s.kind == "landmark" for s in addr):
        tags.append("landmark")
    city = kinds.get("city")
    if city is not None and (city.text != e.district.city.name or "province" in kinds and e.district.city.municipality):
        tags.append("short_city")
    if addr and "province" not in kinds and not e.district.city.municipality:
        tags.append("no_province")
    if any(s.gap for s in addr if s.kind in NAME_KINDS):
        tags.append("spaced")
    if any(f in names and f not in labels for f in ("postcode", "phone")):
        tags.append("unlabelled")
    if addr and e.former:
        tags.append("former_district")
    return tags


def render(fields: list[list[Segment]], sep: str) -> tuple[str, list[tuple[Segment, int, int]]]:
    text, spans = "", []
    for i, segs in enumerate(fields):
        if i:
            text += sep
        for s in segs:
            text += s.gap
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
