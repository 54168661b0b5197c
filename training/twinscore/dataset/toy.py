"""A small deterministic toy data set in the seed's style, for tests and the bootstrap model.

It covers the seed's own error cases (digits inside the city, junk symbols in the road
name, an 8-digit postcode, a phone number of letters) with varied correct records, so a
tiny model learns something real in a few hundred steps. It is not the default model's
training data: that comes from the reference-data generator.
"""

from __future__ import annotations

import random

SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"
PLACES = [
    ("北京市", "朝阳区", "望京街道", "100102"),
    ("北京市", "海淀区", "学院路", "100083"),
    ("上海市", "静安区", "南京西路", "200040"),
    ("上海市", "浦东新区", "世纪大道", "200120"),
    ("广州市", "天河区", "天河路", "510620"),
    ("深圳市", "南山区", "科技园路", "518057"),
    ("杭州市", "西湖区", "文三路", "310012"),
    ("成都市", "武侯区", "人民南路", "610041"),
]
MOBILE_PREFIXES = ["138", "139", "135", "136", "150", "151", "158", "186", "187", "189", "177", "199"]


def _name(rng):
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def _phone(rng):
    return rng.choice(MOBILE_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(8))


def _record(rng, city, district, road, postcode, phone, name):
    address = f"{city}{district}{road}{rng.randint(1, 300)}号"
    fields = [name, address, f"邮编：{postcode}", f"联系电话：{phone}"]
    kind = rng.randrange(3)
    if kind == 1:
        return address
    if kind == 2:
        return f"联系电话：{phone}"
    return "，".join(fields)


def _corrupt(rng, city, district, road, postcode, phone, name):
    error = rng.randrange(4)
    if error == 0:  # digits inside the address
        city = city[:-1] + str(rng.randint(10, 9999)) + city[-1]
        return f"{name}，{city}{district}{road}{rng.randint(1, 300)}号，邮编：{postcode}"
    if error == 1:  # junk symbols in the road name
        junk = "".join(rng.choice("#?@!$%&*") for _ in range(rng.randint(2, 4)))
        return f"{city}{district}{road[:-1]}{junk}{road[-1]}"
    if error == 2:  # postcode of 7 or 8 digits
        extra = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 2)))
        return f"{name}，{city}{district}{road}{rng.randint(1, 300)}号，邮编：{postcode}{extra}，联系电话：{phone}"
    letters = "".join(rng.choice("abcdefghxyz") for _ in range(rng.randint(1, 11)))
    return f"联系电话：{letters}"


def toy_records(n: int, seed: int = 0):
    from .read import LabelledRecord

    rng = random.Random(seed)
    out = []
    for i in range(n):
        city, district, road, postcode = rng.choice(PLACES)
        args = (rng, city, district, road, postcode, _phone(rng), _name(rng))
        correct = i % 2 == 0
        text = _record(*args) if correct else _corrupt(*args)
        out.append(LabelledRecord(text=text, correct=correct, where=f"toy record {i + 1}"))
    return out
