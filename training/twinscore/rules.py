"""The schema's rules, checked against the reference data: the oracle behind the labels.

`violations(structure)` takes a generated record's laid-out fields (segments with their
field and kind, as generate.py records them after any injected error) and returns the
names of the rules it breaks, one rule per error class. The generator's tests assert that
every wrong record breaks the rule of its class and every correct record breaks none, so
a label never rests on the generator's say-so alone. (The rule *baseline* the model is
compared with works on raw text instead: scripts/baseline.ts.)
"""

from __future__ import annotations

import re

from . import reference

ASCII_DIGITS = re.compile(r"[0-9]")
FULLWIDTH_DIGITS = re.compile(r"[０-９]")
ANY_DIGIT = re.compile(r"[0-9０-９]")
JUNK = re.compile(r"[#?@!$%&*~^|]")
HOUSE = re.compile(r"^(\d+)(号院(\d+)号楼|号(\d+)(栋|幢)(\d+单元)?\d+室|号\d+室|弄(\d+)号|号)$")


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


def violations(structure: list[list[dict]]) -> set[str]:
    ref = reference.load()
    out: set[str] = set()
    fields = {segs[-1]["field"]: segs for segs in structure}
    for segs in structure:
        if segs[0]["kind"] == "label" and (len(segs) < 2 or segs[1]["text"] == ""):
            out.add("missing_field")

    address = [s for s in fields.get("address", []) if s["kind"] != "label"]
    city = province = None
    if address:
        kinds = [s["kind"] for s in address]
        names = [s for s in address if s["kind"] in ("province", "city", "district", "street", "road")]
        if any(ANY_DIGIT.search(s["text"]) for s in names):
            out.add("digits_in_address")
        if any(JUNK.search(s["text"]) for s in address):
            out.add("junk_symbols")
        if any(a["text"] == b["text"] for a, b in zip(address, address[1:])):
            out.add("duplicated_segment")
        by_kind = {s["kind"]: s["text"] for s in address}
        cities = ref.city_by_name(by_kind.get("city", ""))
        city = cities[0] if len(cities) == 1 else None
        if by_kind.get("province") is not None:
            province = next((p for p in ref.provinces if p.name == by_kind["province"]), None)
            if province is None or not any(c.province is province for c in cities):
                out.add("district_not_in_city")
        elif city is not None:
            province = city.province
        if city is not None and province is None:
            province = city.province
        district = None
        if city is not None:
            # a city without districts (东莞市) is written without one: its district is itself
            name = by_kind.get("district", city.name)
            district = next((d for d in city.districts if d.name == name), None)
            if district is None:
                out.add("missing_field" if "district" not in kinds else "district_not_in_city")
        if "street" not in kinds and kinds[-1] == "house":
            out.add("missing_field")
        elif not cities:
            out.add("district_not_in_city")  # the city itself is not real
        if kinds[-1] != "house":
            out.add("truncated_segment")
        elif district is not None and (problem := street_problem(district, by_kind.get("street", ""))):
            out.add(problem)
        house = by_kind.get("house", "")
        if house and kinds[-1] == "house":
            m = HOUSE.match(house)
            if not m or m.group(1).startswith("0") or not 1 <= int(m.group(1)) <= 2999:
                out.add("impossible_house_number")

    postcode = fields.get("postcode")
    post = postcode[-1]["text"] if postcode and postcode[-1]["kind"] == "value" else None
    phone = fields.get("phone")
    tel = phone[-1]["text"] if phone and phone[-1]["kind"] == "value" else None

    for value in (post, tel):
        if value and FULLWIDTH_DIGITS.search(value):
            out.add("fullwidth_digits")
    if post and tel is not None:
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
        if re.search(r"[A-Za-z]", digits):
            out.add("phone_letters")
        elif not digits.isdigit():
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
