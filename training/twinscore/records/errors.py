"""The error taxonomy: each class, why it exists, and how it is injected into a record.

ERROR_CLASSES says why each class exists, with an example (the model card's taxonomy
table is written from it). Each class has an injector of the same name that changes a
laid-out record's segments in place and marks what it changed; rules.py checks every
class independently of these functions, and the tests hold each injected record to them.
kinds_for() says which record kinds can carry a class (a postcode error needs a postcode).
Every class is defined so that no address people really write falls into it
(docs/correct-records.md): a door numbered 018 or 10168 is real, a door numbered 0 is not.
"""

from __future__ import annotations

import random

from . import reference
from .entities import local_number
from .layout import ADMIN_KINDS, HOUSE_KINDS, KINDS, NAME_KINDS, Segment, address_of, find_segment
from .rules import DOOR, ROAD_END

# Why each class exists, with an example; MODEL_CARD.md is generated from this table.
ERROR_CLASSES: dict[str, tuple[str, str]] = {
    "digits_in_address": ("digits inside an administrative name: province, city, district, town (seed case); a road may be numbered (泰然6路)", "北京市1234海淀区学院路29号"),
    "junk_symbols": ("junk symbols inside a town, road or building name (seed case); a house part's 3#楼 and 2~3层 are not junk", "广州市天河区#?@!路12号"),
    "postcode_length": ("a postcode that is not 6 digits (seed case: 8 digits)", "邮编：10010222"),
    "phone_letters": ("a phone made of or containing letters (seed case)", "联系电话：a"),
    "phone_length": ("a mobile or landline with too few or too many digits", "联系电话：1381234567"),
    "mobile_prefix": ("an 11-digit mobile in a segment that does not exist", "联系电话：14212345678"),
    "area_code_city": ("a landline whose area code belongs to another city (half the time one of the same province)", "杭州市…，联系电话：0574-62345678"),
    "district_not_in_city": ("a district not in the named city, or a city not in the named province", "广州市海淀区…"),
    "postcode_region": ("a postcode of another province", "北京市…，邮编：510620"),
    "missing_field": ("a labelled field left empty, an address without its district, or a door number with no road or town before it", "北京市海淀区29号"),
    "duplicated_segment": ("an address segment written twice", "北京市朝阳区朝阳区望京街道…"),
    "truncated_segment": ("an address cut off inside a name, or before its house part", "北京市朝阳区望京街"),
    "swapped_fields": ("phone and postcode in each other's slot", "邮编：13812345678，联系电话：100102"),
    "fullwidth_digits": ("full-width digits in the phone or postcode", "联系电话：１３８１２３４５６７８"),
    "impossible_house_number": ("a door number that cannot exist: zero, or six digits and more", "学院路0号"),
}

JUNK = "#?@!$%&*~^|"
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _insert(seg: Segment, pos: int, text: str) -> None:
    seg.text = seg.text[:pos] + text + seg.text[pos:]
    seg.mark(pos, pos + len(text))


def _digits(rng, lo, hi):
    return "".join(rng.choice("0123456789") for _ in range(rng.randint(lo, hi)))


def digits_in_address(rng, ref, e, fields):
    addr = address_of(fields)
    names = [i for i, s in enumerate(addr) if s.kind in ADMIN_KINDS]
    i = rng.choice(names)
    seg = addr[i]
    # between two names (北京市1234海淀区, the seed's case) or inside one; never before a door
    # number, where the digits would read as part of it
    between = i + 1 < len(addr) and addr[i + 1].kind != "number" and not addr[i + 1].gap
    pos = len(seg.text) if between and rng.random() < 0.5 else rng.randint(1, len(seg.text) - 1)
    _insert(seg, pos, _digits(rng, 1, 5))


def junk_symbols(rng, ref, e, fields):
    segs = [s for s in address_of(fields) if s.kind in ("street", "road", "crossing")] or [s for s in address_of(fields) if s.kind == "place"]
    seg = rng.choice(segs)
    junk = "".join(rng.choice(JUNK) for _ in range(rng.randint(1, 4)))
    if rng.random() < 0.5:  # replace the name's body, as in 广州市天河区#?@!路
        word = ROAD_END.search(seg.text)
        seg.text = junk + (word.group() if word else seg.text[-1])
        seg.mark(0, len(junk))
    else:
        _insert(seg, rng.randint(1, len(seg.text) - 1), junk)


def postcode_length(rng, ref, e, fields):
    seg = find_segment(fields, "postcode", "value")
    if rng.random() < 0.6:
        seg.text += _digits(rng, 1, 3)  # the seed's 10010222
    else:
        seg.text = seg.text[: rng.randint(3, 5)]
    seg.mark()


def phone_letters(rng, ref, e, fields):
    seg = find_segment(fields, "phone", "value")
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFXYZ"
    if rng.random() < 0.4:
        seg.text = "".join(rng.choice(letters) for _ in range(rng.randint(1, 11)))  # the seed's 联系电话：a
        seg.mark()
    else:
        chars = list(seg.text)
        idx = [i for i, c in enumerate(chars) if c.isdigit()]
        picked = sorted(rng.sample(idx, rng.randint(1, min(4, len(idx)))))
        for i in picked:
            chars[i] = rng.choice(letters)
        seg.text = "".join(chars)
        seg.mark(picked[0], picked[-1] + 1)


def phone_length(rng, ref, e, fields):
    seg = find_segment(fields, "phone", "value")
    if e.landline:
        code = e.district.city.area_code
        bad = [5, 6, 9, 10] if len(code) == 4 else [5, 6, 7, 9, 10]
        seg.text = f"{code}-{_digits(rng, 1, 1)}{_digits(rng, n - 1, n - 1)}" if (n := rng.choice(bad)) else ""
    else:
        seg.text = e.phone[: 11 - rng.randint(1, 3)] if rng.random() < 0.5 else e.phone + _digits(rng, 1, 3)
    seg.mark()


def mobile_prefix(rng, ref, e, fields):
    seg = find_segment(fields, "phone", "value")
    while True:  # some segments are valid for part of their range (1740x): ask libphonenumber
        seg.text = rng.choice(ref.invalid_mobile_segments) + _digits(rng, 8, 8)
        if not reference.is_valid_mobile(seg.text):
            break
    seg.mark(0, 3)


# The slip a data-entry clerk makes is a neighbouring city's code, not one from across the
# country; drawn uniformly, only 1 in 27 wrong codes came from the address's province, and
# a model could catch the rest knowing no more than which province a code belongs to.
NEAR_AREA_CODE_SHARE = 0.5


def area_code_city(rng, ref, e, fields, code: str | None = None):
    """code: this wrong code rather than a drawn one (mine_area_codes asks for each in turn)."""
    seg = find_segment(fields, "phone", "value")
    city = e.district.city
    own = city.area_code
    if code is not None:
        local = local_number(rng, code)
    else:
        code = rng.choice([c for c in ref.area_codes if c != own])
        local = local_number(rng, code)
        # A generator of its own, seeded by what was drawn, makes the near/far choice: drawing
        # from the shared stream would shift it and change every later record of the seed.
        near = [c for c, other in ref.area_codes.items() if c != own and other.province.name == city.province.name]
        own_draw = random.Random(f"{own}/{code}/{local}")
        if near and own_draw.random() < NEAR_AREA_CODE_SHARE:
            code = own_draw.choice(near)
            if len(code) == 3 and len(local) == 7:  # 3-digit codes take 8-digit numbers
                local += own_draw.choice("0123456789")
    seg.text = rng.choice([f"{code}-{local}", f"({code}){local}", f"{code}{local}"])
    seg.mark(0, len(code) + (2 if seg.text.startswith("(") else 0))


def district_not_in_city(rng, ref, e, fields):
    city = e.district.city
    prov = find_segment(fields, "address", "province")
    if prov is not None and rng.random() < 0.3:  # a city not in the named province
        prov.text = rng.choice([p.name for p in ref.provinces if p is not city.province])
        prov.mark()
        return
    seg = find_segment(fields, "address", "district")
    if seg is None:  # a city without districts: put a foreign district after it
        addr = next(segs for segs in fields if segs[-1].field == "address")
        i = next(i for i, s in enumerate(addr) if s.kind == "city")
        seg = Segment("address", "district", "", gap=addr[i + 1].gap)
        addr.insert(i + 1, seg)
    own = {d.name for d in (*city.districts, *city.former_districts)}
    while True:
        other = rng.choice(ref.districts)
        if other.name not in own:
            break
    seg.text = other.name
    street = find_segment(fields, "address", "street")
    if street is not None:
        street.text = rng.choice(other.streets)  # keep the town consistent with the district it came from
    seg.mark()


def postcode_region(rng, ref, e, fields):
    seg = find_segment(fields, "postcode", "value")
    mine = e.district.city.province.postcode_prefixes
    seg.text = rng.choice([d.postcode for d in ref.districts if d.postcode[:2] not in mine] or ["999999"])
    seg.mark()


def missing_field(rng, ref, e, fields):
    labelled = [segs for segs in fields if segs[0].kind == "label" and segs[0].field in ("postcode", "phone")]
    if labelled and rng.random() < 0.4:
        segs = rng.choice(labelled)
        next(s for s in segs if s.kind == "value").text = ""
        segs[0].mark()
        return
    addr = next(segs for segs in fields if segs[-1].field == "address")
    kinds = [s.kind for s in addr]
    if "district" in kinds and ("number" not in kinds or rng.random() < 0.7):
        i = kinds.index("district")
    else:  # the town and road left out: a door number straight after the district (北京市海淀区29号)
        door = kinds.index("number") if "number" in kinds else len(kinds)
        gone = [i for i, k in enumerate(kinds) if k in ("street", "road", "crossing") or k in ("place", "landmark") and i < door]
        for i in reversed(gone):
            del addr[i]
        i = gone[0]
        addr[i].mark(0, 1)
        return
    del addr[i]
    addr[i].mark(0, 1)  # where the district should have been


def duplicated_segment(rng, ref, e, fields):
    addr = next(segs for segs in fields if segs[-1].field == "address")
    # a municipality's city twice (上海市上海市) is how address pickers write it: not an error
    names = [i for i, s in enumerate(addr) if s.kind in ("district", "street", "road") or s.kind == "city" and not e.district.city.municipality]
    i = rng.choice(names)
    gap = addr[i + 1].gap if addr[i + 1].kind in NAME_KINDS else ""
    addr.insert(i + 1, Segment("address", addr[i].kind, addr[i].text, gap=gap).mark())


def truncated_segment(rng, ref, e, fields):
    addr = next(segs for segs in fields if segs[-1].field == "address")
    names = [i for i, s in enumerate(addr) if s.kind in ("district", "street", "zone", "road", "crossing")]
    last = names[-1]
    if addr[last].kind == "road" and rng.random() < 0.2:  # cut after the road: no door, no building
        del addr[last + 1:]
        addr[last].mark(len(addr[last].text) - 1, len(addr[last].text))
        return
    # a cut inside a name; what is left of a road must not read as a whole road (学院|路 -> 学院)
    cuts = {i: [n for n in range(1, len(addr[i].text)) if addr[i].kind != "road" or not ROAD_END.search(addr[i].text[:n])]
            for i in names}
    i = rng.choice([i for i in names if cuts[i]])
    seg = addr[i]
    seg.text = seg.text[: rng.choice(cuts[i])]
    del addr[i + 1:]
    seg.mark(len(seg.text) - 1, len(seg.text))


def swapped_fields(rng, ref, e, fields):
    post, phone = find_segment(fields, "postcode", "value"), find_segment(fields, "phone", "value")
    post.text, phone.text = e.phone if not e.landline else phone.text, e.district.postcode
    post.mark()
    phone.mark()


def fullwidth_digits(rng, ref, e, fields):
    options = [s for s in (find_segment(fields, "postcode", "value"), find_segment(fields, "phone", "value")) if s is not None]
    seg = rng.choice(options)
    idx = [i for i, c in enumerate(seg.text) if c.isdigit()]
    if rng.random() < 0.5:
        seg.text = seg.text.translate(FULLWIDTH)
        seg.mark(idx[0], idx[-1] + 1)
    else:
        picked = sorted(rng.sample(idx, rng.randint(1, 3)))
        chars = list(seg.text)
        for i in picked:
            chars[i] = chars[i].translate(FULLWIDTH)
        seg.text = "".join(chars)
        seg.mark(picked[0], picked[-1] + 1)


def impossible_house_number(rng, ref, e, fields):
    addr = next(segs for segs in fields if segs[-1].field == "address")
    bad = rng.choice(["0", "00", "000", str(rng.randint(100000, 9999999))])
    seg = find_segment(fields, "address", "number")
    if seg is None:  # a named place without its door number: give it an impossible one after the name
        i = next(i for i, s in enumerate(addr) if s.kind in HOUSE_KINDS)
        seg = Segment("address", "number", bad + "号")
        addr.insert(i + 1, seg)
        seg.mark(0, len(bad))
        return
    door = DOOR.match(seg.text)
    if door is None:  # a door in hanzi (一号)
        seg.text = bad + seg.text[1:]
        seg.mark(0, len(bad))
        return
    a, b = door.span(1)
    seg.text = seg.text[:a] + bad + seg.text[b:]
    seg.mark(a, a + len(bad))


INJECT = {name: globals()[name] for name in ERROR_CLASSES}

# What a record must contain for the error to be injected: the fields that carry it.
NEEDS = {
    "postcode_length": ("postcode",),
    "postcode_region": ("address", "postcode"),
    "phone_letters": ("phone",),
    "phone_length": ("phone",),
    "mobile_prefix": ("phone",),
    "area_code_city": ("address", "phone"),
    "swapped_fields": ("postcode", "phone"),
    "fullwidth_digits": (),  # a postcode or a phone: kinds_for() asks for one of them
}


def kinds_for(error: str | None) -> list[str]:
    """The record kinds (layout.KINDS) that can carry the error."""
    if error is None:
        return list(KINDS)
    if error == "fullwidth_digits":
        return [k for k, has in KINDS.items() if "postcode" in has or "phone" in has]
    need = NEEDS.get(error, ("address",))
    return [k for k, has in KINDS.items() if set(need) <= set(has)]
