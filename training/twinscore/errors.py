"""The error taxonomy: each class, why it exists, and how it is injected into a record.

ERROR_CLASSES says why each class exists, with an example (the model card's taxonomy
table is written from it). Each class has an injector of the same name that changes a
laid-out record's segments in place and marks what it changed; rules.py checks every
class independently of these functions (foreign_town asks its street check which towns
read as foreign), and the tests hold each injected record to them.
NEEDS says which record kinds can carry a class (a postcode error needs a postcode).
"""

from __future__ import annotations

import functools
import json
import random
import re
from pathlib import Path

from . import rare, reference
from .entities import local_number
from .layout import PHONE_LABELS, Segment, address_of, find_segment
from .rules import street_problem

# Why each class exists, with an example; MODEL_CARD.md is generated from this table.
ERROR_CLASSES: dict[str, tuple[str, str]] = {
    "digits_in_address": ("digits inside an administrative name (seed case)", "北京市1234海淀区学院路29号"),
    "junk_symbols": ("junk symbols inside a street or road name (seed case)", "广州市天河区#?@!路12号"),
    "postcode_length": ("a postcode that is not 6 digits (seed case: 8 digits)", "邮编：10010222"),
    "phone_letters": ("a phone made of or containing letters (seed case)", "联系电话：a"),
    "phone_length": ("a mobile or landline with too few or too many digits", "联系电话：1381234567"),
    "mobile_prefix": ("an 11-digit mobile in a segment that does not exist", "联系电话：14212345678"),
    "area_code_city": ("a landline whose area code belongs to another city (half the time one of the same province)", "杭州市…，联系电话：0574-62345678"),
    "district_not_in_city": ("a district not in the named city, or a city not in the named province (generate --foreign_towns: a town not in the named district)", "广州市海淀区…"),
    "postcode_region": ("a postcode of another province", "北京市…，邮编：510620"),
    "missing_field": ("a labelled field left empty, or an address without its district", "邮编：，联系电话：…"),
    "duplicated_segment": ("an address segment written twice", "北京市朝阳区朝阳区望京街道…"),
    "truncated_segment": ("an address cut off inside a name", "北京市朝阳区望京街"),
    "swapped_fields": ("phone and postcode in each other's slot", "邮编：13812345678，联系电话：100102"),
    "fullwidth_digits": ("full-width digits in the phone or postcode", "联系电话：１３８１２３４５６７８"),
    "impossible_house_number": ("a house number that cannot exist (0, leading zero, 5 digits)", "望京街道0号"),
}

JUNK = "#?@!$%&*~^|"
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _insert(seg: Segment, pos: int, text: str) -> None:
    seg.text = seg.text[:pos] + text + seg.text[pos:]
    seg.mark(pos, pos + len(text))


def _digits(rng, lo, hi):
    return "".join(rng.choice("0123456789") for _ in range(rng.randint(lo, hi)))


def digits_in_address(rng, ref, e, fields):
    seg = rng.choice([s for s in address_of(fields) if s.kind in ("city", "district", "street", "road")])
    # between two names (北京市1234海淀区, the seed's case) or inside one
    pos = len(seg.text) if rng.random() < 0.5 else rng.randint(1, len(seg.text) - 1)
    _insert(seg, pos, _digits(rng, 1, 5))


def junk_symbols(rng, ref, e, fields, tokens: list[str] | None = None):
    seg = rng.choice([s for s in address_of(fields) if s.kind in ("street", "road")])
    if tokens:  # one of a tokenizer's junk tokens (junk_tokens), each as likely as another
        junk = rng.choice(tokens)
    else:
        junk = "".join(rng.choice(JUNK) for _ in range(rng.randint(1, 4)))
    if rng.random() < 0.5:  # replace the name's body, as in 广州市天河区#?@!路
        seg.text = junk + seg.text[-1]
        seg.mark(0, len(junk))
    else:
        _insert(seg, rng.randint(1, len(seg.text) - 1), junk)


def junk_tokens(tokenizer_json: str | Path) -> list[str]:
    """The tokens of a tokenizer.json made of two or more of JUNK's symbols, in vocabulary
    order. A trained tokenizer merges some runs of symbols into one token; drawn 1-4
    symbols at a time, the records reach each merged run rarely, and its embedding is
    barely trained (the default model passes 2.8 % of junk records whose junk is a token
    seen once or never in its first training split, none where it was seen ten times)."""
    path = Path(tokenizer_json)
    try:
        vocab = json.loads(path.read_text(encoding="utf-8"))["model"]["vocab"]
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise ValueError(f"{path}: not a tokenizer.json with a model vocabulary ({err})") from None
    tokens = junk_tokens_in(vocab)
    if not tokens:
        raise ValueError(f"{path}: the vocabulary has no token made of two or more of {JUNK}")
    return tokens


def junk_tokens_in(vocab: dict[str, int]) -> list[str]:
    """The tokens of a vocabulary (token -> id) made of two or more of JUNK's symbols, in id order."""
    return [t for t, _ in sorted(vocab.items(), key=lambda kv: kv[1]) if len(t) >= 2 and set(t) <= set(JUNK)]


def letter_tokens_in(vocab: dict[str, int]) -> list[str]:
    """The tokens of a vocabulary (token -> id) holding a Latin letter, but not a phone label's word
    (``Tel``), in id order: a correct record spells letters only in its labels, so only a wrong one holds these."""
    words = {w for label in PHONE_LABELS for w in re.findall(r"[A-Za-z]+", label)}
    return [t for t, _ in sorted(vocab.items(), key=lambda kv: kv[1])
            if re.search(r"[A-Za-z]", t) and not any(w in t for w in words)]


# A letter token a phone can hold: letters, after at most one of a phone's own symbols (the
# byte-level pre-tokenizer cuts one such symbol and the letters after it as one piece).
PHONE_LETTER_TOKEN = re.compile(r"[ ()+\-]?[A-Za-z]+")
# A letter token a phone's label and the phone make together: the label's colon and the
# letters a phone starts with (联系电话：lo2-6284-4127 holds ：lo), cut as one piece for the
# same reason. A phone can only hold one at its start, after a label ending in that colon.
LABEL_LETTER_TOKEN = re.compile(r"[：:][A-Za-z]+")


def letter_tokens(tokenizer_json: str | Path, after_label: bool = False) -> list[str]:
    """The texts of a tokenizer's letter tokens (letter_tokens_in) that a phone can hold,
    in vocabulary order; with after_label, also those its label's colon makes with the
    phone's first letters (LABEL_LETTER_TOKEN). Drawn a letter at a time, the records reach
    a two-letter token (za, qj) a few times in half a million: the phones of letters the
    default model passed each held one seen in fewer than 30 records of its first training
    split. Letters at a phone's start are rarer still (one position of a dozen), and the
    draw over positions never wrote a colon-joined token whole, so their rows barely trained."""
    tok = rare.tokenizer_of(tokenizer_json)
    vocab = tok.get_vocab()
    texts = [tok.decode([vocab[t]]) for t in letter_tokens_in(vocab)]
    tokens = [t for t in texts if PHONE_LETTER_TOKEN.fullmatch(t) or (after_label and LABEL_LETTER_TOKEN.fullmatch(t))]
    if not tokens:
        raise ValueError(f"{tokenizer_json}: the vocabulary has no letter token a phone can hold")
    return tokens


@functools.lru_cache(maxsize=8)
def _drawable_after(tokens: tuple[str, ...], label_end: str) -> list[str]:
    """The letter tokens a phone after a label ending in label_end can hold, in their order:
    a colon-joined one (LABEL_LETTER_TOKEN) only after its own colon, since "联系电话:" is no
    label a correct record writes. Kept per label ending: filtering every record's draw
    anew made a letters round's generation 2.5 times slower."""
    return [t for t in tokens if not LABEL_LETTER_TOKEN.fullmatch(t) or t[0] == label_end]


def postcode_length(rng, ref, e, fields):
    seg = find_segment(fields, "postcode", "value")
    if rng.random() < 0.6:
        seg.text += _digits(rng, 1, 3)  # the seed's 10010222
    else:
        seg.text = seg.text[: rng.randint(3, 5)]
    seg.mark()


def phone_letters(rng, ref, e, fields, tokens: list[str] | None = None):
    seg = find_segment(fields, "phone", "value")
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFXYZ"
    if tokens:  # one of a tokenizer's letter tokens (letter_tokens), each as likely, over digits
        token = rng.choice(_drawable_after(tuple(tokens), find_segment(fields, "phone", "label").text[-1]))
        if token[0] in "：:":  # a LABEL_LETTER_TOKEN: its letters start the phone, after the label's colon
            opening = token[1:]
            seg.text = opening + seg.text[len(opening):]
            seg.mark(0, len(opening))
            return
        digits = [i for i, c in enumerate(seg.text) if c.isdigit()]
        pos = rng.choice(digits)
        seg.text = seg.text[:pos] + token + seg.text[pos + len(token):]
        seg.mark(pos, pos + len(token))
    elif rng.random() < 0.4:
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


def district_not_in_city(rng, ref, e, fields, towns: float = 0.0):
    """towns: the share of these errors written as a town of another city's district under
    the record's own district (the district and city stay right; the rules call it
    district_not_in_city all the same). Drawn only when asked, so without it a seed's
    records are those of earlier versions."""
    city = e.district.city
    street = find_segment(fields, "address", "street")
    if towns and street is not None and rng.random() < towns:
        street.text = foreign_town(rng, ref, e.district)
        street.mark()
        return
    prov = find_segment(fields, "address", "province")
    if prov is not None and rng.random() < 0.3:  # a city not in the named province
        prov.text = rng.choice([p.name for p in ref.provinces if p is not city.province])
        prov.mark()
        return
    seg = find_segment(fields, "address", "district")
    if seg is None:  # a city without districts: put a foreign district after it
        addr = next(segs for segs in fields if segs[-1].field == "address")
        i = next(i for i, s in enumerate(addr) if s.kind == "city")
        seg = Segment("address", "district", "")
        addr.insert(i + 1, seg)
    own = {d.name for d in city.districts}
    while True:
        other = rng.choice(ref.districts)
        if other.name not in own:
            break
    seg.text = other.name
    street.text = rng.choice(other.streets)  # keep the street consistent with the district it came from
    seg.mark()


def foreign_town(rng: random.Random, ref: reference.Reference, district: reference.District) -> str:
    """A real town of a district of another city that the rules read, under district, as a
    town of somewhere else (not one of its towns, nor the beginning of one: a name cut short)."""
    while True:
        other = rng.choice(ref.districts)
        if other.city is district.city:
            continue
        town = rng.choice(other.streets)
        if street_problem(district, town) == "district_not_in_city":
            return town


def postcode_region(rng, ref, e, fields):
    seg = find_segment(fields, "postcode", "value")
    mine = e.district.city.province.postcode_prefixes
    seg.text = rng.choice([d.postcode for d in ref.districts if d.postcode[:2] not in mine] or ["999999"])
    seg.mark()


def missing_field(rng, ref, e, fields):
    labelled = [segs for segs in fields if segs[0].kind == "label" and segs[0].field in ("postcode", "phone")]
    if labelled and rng.random() < 0.5:
        segs = rng.choice(labelled)
        segs[1].text = ""
        segs[0].mark()
        return
    addr = next(segs for segs in fields if segs[-1].field == "address")
    i = next((i for i, s in enumerate(addr) if s.kind == "district"), None)
    if i is None:  # a city without districts: leave the street out instead
        i = next(i for i, s in enumerate(addr) if s.kind == "street")
    del addr[i]
    nxt = addr[i]
    nxt.mark(0, 1)  # where the district should have been


def duplicated_segment(rng, ref, e, fields):
    addr = next(segs for segs in fields if segs[-1].field == "address")
    i = rng.choice([i for i, s in enumerate(addr) if s.kind in ("city", "district", "street", "road")])
    addr.insert(i + 1, Segment("address", addr[i].kind, addr[i].text).mark())


def truncated_segment(rng, ref, e, fields):
    addr = next(segs for segs in fields if segs[-1].field == "address")
    i = rng.choice([i for i, s in enumerate(addr) if s.kind in ("district", "street", "road")])
    seg = addr[i]
    seg.text = seg.text[: rng.randint(1, len(seg.text) - 1)]
    del addr[i + 1 :]
    seg.mark(max(0, len(seg.text) - 1), len(seg.text))


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
    seg = find_segment(fields, "address", "house")
    n = seg.text[: len(seg.text) - len(seg.text.lstrip("0123456789"))] or "1"
    bad = rng.choice(["0", "0" + n, "00" + n, str(rng.randint(10000, 99999))])
    seg.text = bad + seg.text[len(n):]
    seg.mark(0, len(bad))


INJECT = {name: globals()[name] for name in ERROR_CLASSES}

# What a record must contain for the error to be injected: kinds that carry it.
NEEDS = {
    "postcode_length": ("full", "address_postcode"),
    "postcode_region": ("full", "address_postcode"),
    "phone_letters": ("full", "contact", "name_phone"),
    "phone_length": ("full", "contact", "name_phone"),
    "mobile_prefix": ("full", "contact", "name_phone"),
    "area_code_city": ("full", "contact"),
    "swapped_fields": ("full",),
    "fullwidth_digits": ("full", "address_postcode", "contact", "name_phone"),
}
ADDRESS_KINDS = ("full", "address", "address_postcode", "contact")
