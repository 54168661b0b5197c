"""What a correct record is, checked against the reference data: the oracle behind the labels.

docs/correct-records.md says it in words; this module is its one implementation.
`violations(structure)` takes a generated record's laid-out fields (segments with their
field and kind, as generate.py records them after any injected error) and returns the
names of the rules it breaks, one rule per error class. The generator's tests assert that
every wrong record breaks the rule of its class and every correct record breaks none, so
a label never rests on the generator's say-so alone. (The rule *baseline* the model is
compared with works on raw text instead: src/cli/baseline.ts.)
"""

from __future__ import annotations

import re

from . import reference
from .entities import ROAD_SUFFIXES
from .layout import ADMIN_KINDS, HOUSE_KINDS, NAME_KINDS

ANY_DIGIT = re.compile(r"[0-9０-９]")
FULLWIDTH_DIGITS = re.compile(r"[０-９]")
JUNK = re.compile(r"[#?@!$%&*~^|]")
# A road or a community is named in full when it ends in its word (学院路, 大宁社区), maybe
# with a direction or a section after it (科学大道中, 人民南路三段); one cut inside its name
# (学院) does not.
ROAD_END = re.compile("(" + "|".join(ROAD_SUFFIXES + ("社区", "村", "居委会")) + ")([东西南北中]|[一二三四五六七八九十]段)?$")
# The door number a house part begins with (29号, 甲28号, 1340弄, 100-1号): zero, or six
# digits and more, is no door (real roads run to five: 深南大道10168号; some pad with a zero: 018号).
DOOR = re.compile(r"^[甲乙丙]?(\d+)")


def _phone_digits(text: str) -> str:
    t = text.strip()
    if t.startswith("+86"):
        t = t[3:]
    return re.sub(r"[\s\-()]", "", t)


def street_problem(district: reference.District, street: str) -> str | None:
    """The rule a street written under district breaks, or None when it is one of its towns:
    the beginning of one is a name cut short, anything else a town of somewhere else."""
    if street in district.streets:
        return None
    return "truncated_segment" if any(s.startswith(street) for s in district.streets) else "district_not_in_city"


def _value(segs: list[dict]) -> str | None:
    return next((s["text"] for s in segs if s["kind"] == "value"), None)


def _district(city: reference.City, name: str) -> reference.District | None:
    """The city's district of that name, today's or a former one (闸北区 of 上海市)."""
    return next((d for d in (*city.districts, *city.former_districts) if d.name == name), None)


def address_violations(ref: reference.Reference, address: list[dict]) -> tuple[set[str], reference.Province | None, reference.City | None]:
    """The rules an address's segments break, and the province and city it names."""
    out: set[str] = set()
    kinds = [s["kind"] for s in address]
    if any(ANY_DIGIT.search(s["text"]) for s in address if s["kind"] in ADMIN_KINDS):
        out.add("digits_in_address")
    if any(JUNK.search(s["text"]) for s in address if s["kind"] in (*NAME_KINDS, "place")):
        out.add("junk_symbols")
    if any(a["text"] == b["text"] and a["kind"] == b["kind"] for a, b in zip(address, address[1:])):
        out.add("duplicated_segment")
    by_kind: dict[str, str] = {}
    for s in address:
        by_kind.setdefault(s["kind"], s["text"])
    cities = ref.city_by_name(by_kind.get("city", ""))
    city = cities[0] if len(cities) == 1 else None
    province = None
    if "province" in by_kind:
        province = ref.province_by_name(by_kind["province"])
        if province is None or not any(c.province is province for c in cities):
            out.add("district_not_in_city")
    if city is not None and province is None:
        province = city.province
    district = None
    if city is not None:
        # a city without districts (东莞市) is written without one: its district is itself
        district = _district(city, by_kind.get("district", city.name))
        if district is None:
            out.add("missing_field" if "district" not in kinds else "district_not_in_city")
    elif not cities:
        out.add("district_not_in_city")  # the city itself is not real
    if not {"street", "road", "crossing"} & set(kinds) and next((k for k in kinds if k in HOUSE_KINDS), None) != "place":
        out.add("missing_field")  # a door number straight after the district: of which road?
    if kinds[-1] not in HOUSE_KINDS:
        out.add("truncated_segment")
    if any(s["kind"] == "road" and not ROAD_END.search(s["text"]) for s in address):
        out.add("truncated_segment")
    if district is not None and "street" in by_kind and district in city.districts:
        if problem := street_problem(district, by_kind["street"]):
            out.add(problem)
    if "number" in by_kind and (door := DOOR.match(by_kind["number"])):
        if int(door.group(1)) == 0 or len(door.group(1)) >= 6:
            out.add("impossible_house_number")
    return out, province, city


def violations(structure: list[list[dict]]) -> set[str]:
    ref = reference.load()
    out: set[str] = set()
    fields = {next(s["field"] for s in segs): segs for segs in structure}
    for segs in structure:
        if segs[0]["kind"] == "label" and not any(s["text"] for s in segs if s["kind"] not in ("label", "label_end")):
            out.add("missing_field")

    address = [s for s in fields.get("address", []) if s["kind"] != "label"]
    province = city = None
    if address:
        found, province, city = address_violations(ref, address)
        out |= found

    post = _value(fields.get("postcode", [])) or None
    tel = _value(fields.get("phone", [])) or None
    for value in (post, tel):
        if value and FULLWIDTH_DIGITS.search(value):
            out.add("fullwidth_digits")
    labelled = all(fields.get(f, [{}])[0].get("kind") == "label" for f in ("postcode", "phone"))
    if post and tel is not None and labelled:
        p_digits, t_digits = _phone_digits(post), _phone_digits(tel)
        phone_like = (len(p_digits) == 11 and p_digits.startswith("1")) or (p_digits.startswith("0") and 10 <= len(p_digits) <= 12)
        if phone_like and len(t_digits) == 6:
            out.add("swapped_fields")
    if post:
        if not re.fullmatch(r"[0-9０-９]{6}", post):
            out.add("postcode_length")
        elif province is not None and post.translate(_ASCII)[:2] not in province.postcode_prefixes:
            out.add("postcode_region")
    if tel:
        digits = _phone_digits(tel).translate(_ASCII)
        if re.search(r"[A-Za-z]", digits) or not digits.isdigit():
            out.add("phone_letters")
        elif digits.startswith("0"):
            code = digits[:3] if digits[:3] in ref.area_codes else digits[:4] if digits[:4] in ref.area_codes else None
            if code is None:
                out.add("phone_length")
            else:
                local = digits[len(code):]
                if not (len(local) == 8 or (len(code) == 4 and len(local) == 7)):
                    out.add("phone_length")
                if city is not None and city.area_code != code:
                    out.add("area_code_city")
        elif len(digits) != 11:
            out.add("phone_length")
        elif not reference.is_valid_mobile(digits):
            out.add("mobile_prefix")
    return out


_ASCII = str.maketrans("０１２３４５６７８９", "0123456789")
