"""The people the records are drawn from: a name, a real address and a phone.

An entity is a person with an address (a district and one of its towns from reference.py,
a road, a house number) and a phone (a mobile, or a landline with the city's area code).
The generator renders each entity as a correct record and as records with one error
each, and the dataset is split by entity, so no person or address of the test split is
seen in training.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import reference

if TYPE_CHECKING:  # rare.py lays addresses out (layout.py), which needs Entity from here
    from .rare import Carrier

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


def local_number(rng: random.Random, area_code: str) -> str:
    """A landline number after its area code: 8 digits after a 3-digit code, 7 or 8 after a 4-digit one."""
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
    phone = city.area_code + local_number(rng, city.area_code) if landline else _mobile(rng, ref)
    name = _name(rng)
    if given is not None:
        name = name[:-1] + given
    street = rng.choice(district.streets) if street is None else street
    return Entity(i, name, district, street, rng.choice(ROADS) if rng.random() < 0.55 else None, _house(rng), phone, landline)


def carrying_entity(rng: random.Random, ref: reference.Reference, i: int, carrier: Carrier) -> Entity:
    """An entity whose records carry the carrier's token: in its street, or its given name."""
    if carrier.district is not None:
        return entity_in(rng, ref, i, carrier.district, carrier.street)
    return entity_in(rng, ref, i, rng.choice(rng.choice(ref.cities).districts), given=carrier.given)


def as_landline(rng, e: Entity) -> Entity:
    """e with a landline of its own city instead of its phone (e itself when the city has no code)."""
    code = e.district.city.area_code
    if not code:
        return e
    return Entity(e.id, e.name, e.district, e.street, e.road, e.house, code + local_number(rng, code), True)


def moved_to_city_with_area_code(rng, ref, e: Entity) -> Entity:
    """e, same name and house, moved to a town of a city that has an area code, with a landline there."""
    city = rng.choice([c for c in ref.cities if c.area_code])
    d = rng.choice(city.districts)
    code = city.area_code
    return Entity(e.id, e.name, d, rng.choice(d.streets), e.road, e.house, code + local_number(rng, code), True)


def landline_entity(rng: random.Random, city: reference.City, i: int) -> Entity:
    """A person in city (which has an area code) with a landline there."""
    d = rng.choice(city.districts)
    code = city.area_code
    road = rng.choice(ROADS) if rng.random() < 0.55 else None
    return Entity(i, _name(rng), d, rng.choice(d.streets), road, _house(rng), code + local_number(rng, code), True)
