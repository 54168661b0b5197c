"""Realistic digital-twin records with a documented error taxonomy, deterministic by seed.

Every record comes from an *entity* (a person with an address and a phone) drawn from
the real reference data in reference.py. A correct record renders the entity in one of
many layouts (field order, separators, labels, optional fields, phone formats) so that
correct and wrong records look alike on the surface; a wrong record renders the same
way and then carries exactly one injected error of a class from ERROR_CLASSES. The
injected error's span (code-point offsets) is kept for the explanation tests.

Schema that defines "correct" (the rules in rules.py check it):
- address = [province] city district street [road] house-number, all real and nested
  (the province may be left out; municipalities are written once: 北京市朝阳区…);
- postcode = 6 ASCII digits whose first two identify the address's province;
- phone = an 11-digit mobile in a segment libphonenumber knows, or a landline whose area
  code is the address's city's (any city's when the record has no address);
- ASCII digits only in the postcode and phone; house numbers 1-2999 without leading zero.

Usage: twinscore-generate --n 200000 --seed 1 --out data/twin-records.jsonl
"""

from __future__ import annotations

import argparse
import copy
import functools
import json
import random
import re
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import rare, reference
from .record_template import SEPARATOR
from .records import RecordsError

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

# The hundred commonest surnames and given-name characters (no package carries these).
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
COMPOUND_SURNAMES = ["欧阳", "司马", "上官", "诸葛", "东方", "慕容"]
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国文辉玲红鹏飞宇浩然子轩欣怡梓涵一诺思雨晨阳俊杰婷雪梅志强海燕春晓东林"
PLACEHOLDER_GIVEN = ["三", "四", "五", "六", "七", "八", "九", "十", "小二", "老三"]
# Common road names (they occur in most Chinese cities); real road lists are not packaged.
ROADS = [
    "人民路", "解放路", "中山路", "建设路", "和平路", "新华路", "胜利路", "文化路", "朝阳路", "光明路",
    "长江路", "黄河路", "青年路", "迎宾大道", "滨江路", "府前街", "学院路", "工业园路", "科技路", "创业大道",
    "东风路", "南京路", "北京路", "幸福路", "团结路", "育才路", "振兴路", "站前路", "花园路", "湖滨路",
    "金融街", "世纪大道", "民主路", "公园路", "向阳路", "红旗路", "友谊路", "环城路", "开发区大道", "体育路",
]
JUNK = "#?@!$%&*~^|"
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
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


@dataclass
class Record:
    text: str
    correct: bool
    error_class: str | None
    error_span: tuple[int, int] | None
    kind: str  # full / address / contact / address_postcode / name_phone
    entity: int
    # Structured truth the rules check (after any corruption).
    fields: dict = field(default_factory=dict)

    def row(self) -> dict:
        d = asdict(self)
        d["label"] = "correct" if self.correct else "wrong"
        d["error_span"] = list(self.error_span) if self.error_span else None
        return d

    def jsonl_line(self) -> str:
        """The record as a line of twinscore-generate's JSONL (the rules' structure left out)."""
        d = self.row()
        del d["fields"], d["correct"]
        return json.dumps(d, ensure_ascii=False) + "\n"


@dataclass
class Entity:
    id: int
    name: str
    district: reference.District
    street: str
    road: str | None
    house: str
    phone: str  # digits only
    landline: bool


@functools.cache
def common_hanzi() -> str:
    """GB 2312's level-1 characters, the national standard's 3,755 commonest hanzi, read
    from Python's own codec (rows 16-55; row 55 ends at its 89th cell)."""
    return "".join(bytes((hi, lo)).decode("gb2312") for hi in range(0xB0, 0xD8) for lo in range(0xA1, 0xFF)
                   if (hi, lo) < (0xD7, 0xFA))


def _name(rng: random.Random) -> str:
    """Mostly the commonest given-name characters; one name in five draws them from all
    the common hanzi, and a few are the placeholders (张三, 周八) people type when they try
    a tool. A model that saw only the hundred commonest learned that any other name is
    an error: its weights flagged 陈嘉禾 and 张三 in an otherwise correct record."""
    surname = rng.choice(COMPOUND_SURNAMES) if rng.random() < 0.03 else rng.choice(SURNAMES)
    kind = rng.random()
    if kind < 0.03:
        return surname + rng.choice(PLACEHOLDER_GIVEN)
    pool = GIVEN if kind < 0.8 else common_hanzi()
    return surname + "".join(rng.choice(pool) for _ in range(rng.choice((1, 2, 2))))


def _house(rng: random.Random) -> str:
    n = rng.choice((rng.randint(1, 99), rng.randint(1, 399), rng.randint(1, 2999)))
    b, u, floor = rng.randint(1, 40), rng.randint(1, 6), rng.randint(1, 33)
    room = f"{floor}{rng.randint(1, 8):02d}"
    return rng.choice(
        [f"{n}号", f"{n}号", f"{n}号院{b}号楼", f"{n}号{b}栋{u}单元{room}室", f"{n}弄{rng.randint(1, 99)}号", f"{n}号{b}幢{room}室", f"{n}号{room}室"]
    )


def _mobile(rng: random.Random, ref: reference.Reference) -> str:
    return rng.choice(ref.mobile_segments) + "".join(rng.choice("0123456789") for _ in range(8))


def _local(rng: random.Random, area_code: str) -> str:
    digits = 8 if len(area_code) == 3 else rng.choice((7, 8))
    return str(rng.randint(2, 8)) + "".join(rng.choice("0123456789") for _ in range(digits - 1))


def entity(rng: random.Random, ref: reference.Reference, i: int) -> Entity:
    city = rng.choice(ref.cities)
    return entity_in(rng, ref, i, rng.choice(city.districts))


def entity_in(rng: random.Random, ref: reference.Reference, i: int, district: reference.District,
              street: str | None = None, given: str | None = None) -> Entity:
    """An entity of this district; street and given (the name's last character) drawn unless named."""
    city = district.city
    landline = bool(city.area_code) and rng.random() < 0.3
    phone = city.area_code + _local(rng, city.area_code) if landline else _mobile(rng, ref)
    name = _name(rng)
    if given is not None:
        name = name[:-1] + given
    street = rng.choice(district.streets) if street is None else street
    return Entity(i, name, district, street, rng.choice(ROADS) if rng.random() < 0.55 else None, _house(rng), phone, landline)


def carrying_entity(rng: random.Random, ref: reference.Reference, i: int, carrier: rare.Carrier) -> Entity:
    """An entity whose records carry the carrier's token: in its street, or its given name."""
    if carrier.district is not None:
        return entity_in(rng, ref, i, carrier.district, carrier.street)
    return entity_in(rng, ref, i, rng.choice(rng.choice(ref.cities).districts), given=carrier.given)


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


# ---- error injection: each function changes the laid-out fields in place -----------

def _find(fields, field_name, kind=None):
    for segs in fields:
        for s in segs:
            if s.field == field_name and (kind is None or s.kind == kind):
                return s
    return None


def _insert(seg: Segment, pos: int, text: str) -> None:
    seg.text = seg.text[:pos] + text + seg.text[pos:]
    seg.mark(pos, pos + len(text))


def _digits(rng, lo, hi):
    return "".join(rng.choice("0123456789") for _ in range(rng.randint(lo, hi)))


def digits_in_address(rng, ref, e, fields):
    seg = rng.choice([s for s in _address(fields) if s.kind in ("city", "district", "street", "road")])
    # between two names (北京市1234海淀区, the seed's case) or inside one
    pos = len(seg.text) if rng.random() < 0.5 else rng.randint(1, len(seg.text) - 1)
    _insert(seg, pos, _digits(rng, 1, 5))


def junk_symbols(rng, ref, e, fields, tokens: list[str] | None = None):
    seg = rng.choice([s for s in _address(fields) if s.kind in ("street", "road")])
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


def letter_tokens(tokenizer_json: str | Path) -> list[str]:
    """The texts of a tokenizer's letter tokens (letter_tokens_in) that a phone can hold,
    in vocabulary order. Drawn a letter at a time, the records reach a two-letter token
    (za, qj) a few times in half a million: the phones of letters the default model passed
    each held one seen in fewer than 30 records of its first training split."""
    tok = rare.tokenizer_of(tokenizer_json)
    vocab = tok.get_vocab()
    texts = [tok.decode([vocab[t]]) for t in letter_tokens_in(vocab)]
    tokens = [t for t in texts if PHONE_LETTER_TOKEN.fullmatch(t)]
    if not tokens:
        raise ValueError(f"{tokenizer_json}: the vocabulary has no letter token a phone can hold")
    return tokens


def postcode_length(rng, ref, e, fields):
    seg = _find(fields, "postcode", "value")
    if rng.random() < 0.6:
        seg.text += _digits(rng, 1, 3)  # the seed's 10010222
    else:
        seg.text = seg.text[: rng.randint(3, 5)]
    seg.mark()


def phone_letters(rng, ref, e, fields, tokens: list[str] | None = None):
    seg = _find(fields, "phone", "value")
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFXYZ"
    if tokens:  # one of a tokenizer's letter tokens (letter_tokens), each as likely, over digits
        token = rng.choice(tokens)
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
    seg = _find(fields, "phone", "value")
    if e.landline:
        code = e.district.city.area_code
        bad = [5, 6, 9, 10] if len(code) == 4 else [5, 6, 7, 9, 10]
        seg.text = f"{code}-{_digits(rng, 1, 1)}{_digits(rng, n - 1, n - 1)}" if (n := rng.choice(bad)) else ""
    else:
        seg.text = e.phone[: 11 - rng.randint(1, 3)] if rng.random() < 0.5 else e.phone + _digits(rng, 1, 3)
    seg.mark()


def mobile_prefix(rng, ref, e, fields):
    seg = _find(fields, "phone", "value")
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
    seg = _find(fields, "phone", "value")
    city = e.district.city
    own = city.area_code
    if code is not None:
        local = _local(rng, code)
    else:
        code = rng.choice([c for c in ref.area_codes if c != own])
        local = _local(rng, code)
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
    street = _find(fields, "address", "street")
    if towns and street is not None and rng.random() < towns:
        street.text = foreign_town(rng, ref, e.district)
        street.mark()
        return
    prov = _find(fields, "address", "province")
    if prov is not None and rng.random() < 0.3:  # a city not in the named province
        prov.text = rng.choice([p.name for p in ref.provinces if p is not city.province])
        prov.mark()
        return
    seg = _find(fields, "address", "district")
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


def check_share(name: str, share: float) -> None:
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"{name} {share}: a share, from 0 to 1")


def foreign_town(rng: random.Random, ref: reference.Reference, district: reference.District) -> str:
    """A real town of a district of another city, neither one of district's towns nor the
    beginning of one (which the rules would read as a name cut short)."""
    while True:
        other = rng.choice(ref.districts)
        if other.city is district.city:
            continue
        town = rng.choice(other.streets)
        if not any(own.startswith(town) for own in district.streets):
            return town


def postcode_region(rng, ref, e, fields):
    seg = _find(fields, "postcode", "value")
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
    post, phone = _find(fields, "postcode", "value"), _find(fields, "phone", "value")
    post.text, phone.text = e.phone if not e.landline else phone.text, e.district.postcode
    post.mark()
    phone.mark()


def fullwidth_digits(rng, ref, e, fields):
    options = [s for s in (_find(fields, "postcode", "value"), _find(fields, "phone", "value")) if s is not None]
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
    seg = _find(fields, "address", "house")
    n = seg.text[: len(seg.text) - len(seg.text.lstrip("0123456789"))] or "1"
    bad = rng.choice(["0", "0" + n, "00" + n, str(rng.randint(10000, 99999))])
    seg.text = bad + seg.text[len(n):]
    seg.mark(0, len(bad))


def _address(fields):
    return [s for segs in fields for s in segs if s.field == "address" and s.kind != "label"]


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


def make_record(rng: random.Random, ref: reference.Reference, e: Entity, error: str | None,
                twins: list[Record] | None = None, area_code: str | None = None,
                junk: list[str] | None = None, letters: list[str] | None = None, foreign_towns: float = 0.0) -> Record:
    """One record of e, with the error injected; with twins, a wrong record's correct twin
    (the same layout and separator, the error left out) is appended to it. area_code: with
    area_code_city, the wrong code to write (e must then be a landline in a city with one).
    junk: with junk_symbols, the tokens to draw the junk from (junk_tokens); letters: with
    phone_letters, the tokens to draw the letters from (letter_tokens); foreign_towns: with
    district_not_in_city, the share written as a town of another city (district_not_in_city's towns)."""
    own = e.district.city.area_code
    if area_code is not None and (error != "area_code_city" or not own or area_code == own):
        raise ValueError(f"area_code {area_code!r}: only with area_code_city, in a city that has a code of its own ({own}) and is not it")
    kinds = [k for k in KINDS if k in NEEDS.get(error, ADDRESS_KINDS if error else KINDS)]
    kind = rng.choice(kinds)
    if error == "area_code_city" and not e.landline:
        e = _as_landline(rng, e)
    if error == "area_code_city" and not e.district.city.area_code:
        return make_record(rng, ref, _move_to_city_with_area_code(rng, ref, e), error, twins, junk=junk, letters=letters,
                           foreign_towns=foreign_towns)
    fields = layout(rng, e, kind)
    want_twin = error is not None and twins is not None
    # area_code_city's injection redraws the whole number: its twin mends the code alone
    clean = copy.deepcopy(fields) if want_twin and error != "area_code_city" else None
    if area_code is not None:
        area_code_city(rng, ref, e, fields, code=area_code)
    elif error:
        # each drawing option goes to its own class's injector, which draws as before when it is not set
        option = {"junk_symbols": {"tokens": junk}, "phone_letters": {"tokens": letters},
                  "district_not_in_city": {"towns": foreign_towns}}.get(error, {})
        INJECT[error](rng, ref, e, fields, **option)
    sep = SEPARATOR if all(s.kind != "label" or s.text in ("邮编：", "联系电话：") for segs in fields for s in segs) and rng.random() < 0.6 else rng.choice(SEPARATORS)
    if want_twin:
        twin = clean if clean is not None else _own_area_code(copy.deepcopy(fields), e)
        twins.append(_render_record(twin, sep, None, kind, e))
    return _render_record(fields, sep, error, kind, e)


def _own_area_code(fields, e: Entity):
    """area_code_city's fields with the city's own code where the wrong one is, in the same
    format and with the same local number (one digit longer for a 3-digit code, which takes
    8; drawn from nothing, so the seed's stream is untouched)."""
    seg = _find(fields, "phone", "value")
    a, b = seg.error
    wrong = seg.text[a:b].strip("()")
    own = e.district.city.area_code
    rest = seg.text[b:]
    dash = "-" if rest.startswith("-") else ""
    local = rest[len(dash):]
    if len(own) == 3 and len(local) == 7:
        local += local[-1]
    seg.text = seg.text[:a] + seg.text[a:b].replace(wrong, own) + dash + local
    seg.error = None
    return fields


def _render_record(fields, sep: str, error: str | None, kind: str, e: Entity) -> Record:
    text, spans = render(fields, sep)
    marked = [(a + seg.error[0], a + seg.error[1]) for seg, a, _ in spans if seg.error]
    span = (min(m[0] for m in marked), max(m[1] for m in marked)) if marked else None
    structure = [[{"field": s.field, "kind": s.kind, "text": s.text} for s in segs] for segs in fields]
    truth = {"city": e.district.city.code, "district": e.district.code, "structure": structure}
    return Record(text, error is None, error, span, kind, e.id, truth)


def _as_landline(rng, e: Entity) -> Entity:
    code = e.district.city.area_code
    if not code:
        return e
    return Entity(e.id, e.name, e.district, e.street, e.road, e.house, code + _local(rng, code), True)


def _move_to_city_with_area_code(rng, ref, e: Entity) -> Entity:
    city = rng.choice([c for c in ref.cities if c.area_code])
    d = rng.choice(city.districts)
    code = city.area_code
    return Entity(e.id, e.name, d, rng.choice(d.streets), e.road, e.house, code + _local(rng, code), True)


def landline_entity(rng: random.Random, city: reference.City, i: int) -> Entity:
    """A person in city (which has an area code) with a landline there."""
    d = rng.choice(city.districts)
    code = city.area_code
    road = rng.choice(ROADS) if rng.random() < 0.55 else None
    return Entity(i, _name(rng), d, rng.choice(d.streets), road, _house(rng), code + _local(rng, code), True)


def parse_focus(spec: str) -> dict[str, float]:
    """'area_code_city=4,postcode_region=4' -> {class: weight}; unknown classes and
    weights that are not positive numbers are refused with the list of valid classes."""
    focus: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        name, _, weight = part.partition("=")
        if name not in ERROR_CLASSES:
            raise ValueError(f"--focus: unknown error class {name!r}; the classes are {', '.join(ERROR_CLASSES)}")
        try:
            w = float(weight)  # "" (no "=") and "x" fail here, as nan and 0 fail below
        except ValueError:
            w = float("nan")
        if not w > 0:
            raise ValueError(f"--focus: {part!r} needs a positive weight, e.g. {name}=4")
        focus[name] = w
    return focus


FIELDS = ("name", "address", "postcode", "phone")


def leading_field(r: Record) -> str:
    """The field the record's text begins with (name, address, postcode or phone)."""
    return r.fields["structure"][0][0]["field"]


def generate(n: int, seed: int = 0, wrong_share: float = 0.5, per_entity: int = 2,
             focus: dict[str, float] | None = None, twins: bool = False, lead: str | None = None,
             junk: list[str] | None = None, rare_tokens: rare.RareDraw | None = None,
             letters: list[str] | None = None, foreign_towns: float = 0.0) -> list[Record]:
    """n records from n/per_entity entities; each entity yields correct and wrong variants.

    Several records per entity (one correct, others corrupted) teach the model the
    difference an error makes on the very same person and address, not a surface
    difference between two populations; splits are made by entity.

    focus weighs error classes (others weigh 1): a fine-tuning round can draw more of the
    classes a model still misses while the correct share stays wrong_share's complement.
    Without it the draws, and so every record of a seed, are those of earlier versions.

    twins adds, after each wrong record, its correct twin: the same record (layout,
    separator, values) without the error, so that one pair of texts differs by the error
    alone (for a wrong area code: the city's own code there instead). The n records are
    drawn as without it, twins come on top; they draw nothing from the seed's stream.

    lead keeps only the records whose first field is that one (a wrong record and its
    twin share a layout, so they stay together): the n records are drawn as without it
    and the rest dropped, so a round can be aimed at a layout the natural mix holds
    rarely (a postcode written first: about 3 % of postcode records) without changing a draw.

    junk draws junk symbols from these tokens (junk_tokens) instead of 1-4 symbols, and
    letters a phone's letters from these (letter_tokens) instead of 1-11 letters.

    foreign_towns writes that share of the district_not_in_city errors as a real town of
    another city's district under the record's own (right) district and city.

    rare_tokens draws each entity as one carrying a rare token (rare.py: each token as likely as
    another) instead of a city, a district and a street each as likely as another.
    """
    check_share("foreign_towns", foreign_towns)
    if lead is not None and lead not in FIELDS:
        raise ValueError(f"lead: {lead!r} is not a field; the fields are {', '.join(FIELDS)}")
    ref = reference.load()
    rng = random.Random(seed)
    classes = list(ERROR_CLASSES)
    weights = [focus.get(c, 1.0) for c in classes] if focus else None
    out: list[Record] = []
    seen: set[str] = set()
    drawn = 0  # records kept, twins not counted
    twin_texts: set[str] = set()
    i = 0
    while drawn < n:
        e = carrying_entity(rng, ref, i, rare_tokens.draw(rng)) if rare_tokens else entity(rng, ref, i)
        for _ in range(per_entity):
            if drawn >= n:
                break
            if rng.random() >= wrong_share:
                error = None
            else:
                error = rng.choices(classes, weights)[0] if weights else rng.choice(classes)
            made: list[Record] = []
            record = make_record(rng, ref, e, error, made if twins else None, junk=junk, letters=letters,
                                 foreign_towns=foreign_towns)
            if record.text in seen:  # an entity can render the same way twice: keep one
                continue
            seen.add(record.text)
            out.append(record)
            drawn += 1
            # A twin may repeat a correct record drawn later (same label; build-dataset
            # drops exact duplicates): checking the drawn records against the twins would
            # change which records a seed draws.
            for twin in made:
                if twin.text not in seen and twin.text not in twin_texts:
                    twin_texts.add(twin.text)
                    out.append(twin)
        i += 1
    return out if lead is None else [r for r in out if leading_field(r) == lead]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="twinscore-generate", description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=100_000, help="number of records")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--wrong_share", type=float, default=0.5)
    ap.add_argument("--per_entity", type=int, default=2, help="records drawn from each person/address")
    ap.add_argument("--focus", default="", metavar="CLASS=W,...", help="weigh these error classes (others weigh 1), e.g. district_not_in_city=4")
    ap.add_argument("--twins", action="store_true", help="after each wrong record, add its correct twin: the same record without the error (more than N records in all)")
    ap.add_argument("--lead", choices=FIELDS, help="write only the records that begin with this field (drawn as without it, the others dropped): fewer than N records")
    ap.add_argument("--junk_from", metavar="TOKENIZER_JSON", help="draw junk symbols as one of this tokenizer's multi-symbol tokens, each as likely, instead of 1-4 symbols (a round that trains every such token's embedding)")
    ap.add_argument("--letters_from", metavar="TOKENIZER_JSON", help="draw a phone's letters as one of this tokenizer's letter tokens a phone can hold, each as likely, over its digits (a round that trains every such token's embedding)")
    ap.add_argument("--foreign_towns", type=float, default=0.0, metavar="SHARE", help="write this share of the district_not_in_city errors as a real town of another city under the record's own district (a probe of town lookups: the model was never trained on them)")
    ap.add_argument("--rare_from", metavar="TOKENIZER_JSON", help="draw each entity as one whose records carry a token of this tokenizer that --rare_in's records hold rarely, each token as likely (a round that trains every rare token's embedding)")
    ap.add_argument("--rare_in", nargs="+", metavar="JSONL", help="with --rare_from: the training records whose tokens are counted")
    ap.add_argument("--rare_below", type=int, default=100, help="with --rare_from: a token is rare when fewer records than this hold it")
    ap.add_argument("--out", required=True, help="output .jsonl (text,label,error_class,error_span,kind,entity) or .csv")
    args = ap.parse_args(argv)
    try:
        focus = parse_focus(args.focus)
        junk = junk_tokens(args.junk_from) if args.junk_from else None
        letters = letter_tokens(args.letters_from) if args.letters_from else None
        check_share("--foreign_towns", args.foreign_towns)
        if bool(args.rare_from) != bool(args.rare_in):
            raise ValueError("--rare_from and --rare_in go together: the tokenizer, and the records whose tokens are counted")
        draw = rare.rare_draw(args.rare_from, args.rare_in, args.rare_below, reference.load(), common_hanzi()) if args.rare_from else None
    except (ValueError, RecordsError) as e:
        ap.error(str(e))
    if draw:
        print(f"twinscore-generate: {rare.summary(draw)}", file=sys.stderr)
    records = generate(args.n, args.seed, args.wrong_share, args.per_entity, focus, args.twins, args.lead, junk, draw, letters,
                       args.foreign_towns)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix == ".csv":
        import csv

        with out.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["record", "label", "error_class"])
            for r in records:
                w.writerow([r.text, "correct" if r.correct else "wrong", r.error_class or ""])
    else:
        with out.open("w", encoding="utf-8") as f:
            for r in records:
                f.write(r.jsonl_line())
    print(f"twinscore-generate: wrote {len(records)} records to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
