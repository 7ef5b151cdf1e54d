"""Administrative-division names (province / city / district) via cpca.

cpca ships the national division table (resources/adcodes.csv) and a matcher; both are used:
`transform` to resolve a department name's leading region, the table to tell whether a few characters
before a truncated name ("广州市番禺" + "区投资促进中心") are region names.
"""

from __future__ import annotations

import csv
import importlib.resources
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from types import MappingProxyType

import cpca

# Level words a division name ends with; the part before is its short form (广州市 -> 广州).
LEVEL_SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "地区",
    "省",
    "市",
    "州",
    "盟",
    "县",
    "区",
    "旗",
)
# cpca's placeholder rows for municipalities, not names anyone writes.
PLACEHOLDERS = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
MIN_TEXT_MENTIONS = 2  # a region read from running text must be mentioned at least this often
_SENTENCE_END = re.compile(r"[。；\n]")


@dataclass(frozen=True)
class Region:
    province: str | None
    city: str | None
    district: str | None

    def path(self) -> str | None:
        parts = [p for p in (self.province, self.city, self.district) if p and p not in PLACEHOLDERS]
        # Municipalities repeat themselves (北京市 北京市): keep one.
        deduped = [p for i, p in enumerate(parts) if i == 0 or p != parts[i - 1]]
        return "".join(deduped) or None


@cache
def division_names() -> frozenset[str]:
    """Full and short names of every division in cpca's table."""
    names: set[str] = set()
    resource = importlib.resources.files("cpca").joinpath("resources/adcodes.csv")
    with resource.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            name = row["name"]
            if name in PLACEHOLDERS:
                continue
            names.add(name)
            for suffix in LEVEL_SUFFIXES:
                if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                    names.add(name[: -len(suffix)])
                    break
            names.update(_autonomous_short_forms(name))
    return frozenset(names)


# "红河哈尼族彝族自治州" is written "红河州" (and "红河"): the place, without its peoples, with its level.
_AUTONOMOUS = re.compile(r"^(?P<place>[\u4e00-\u9fff]{2,4}?)(?:[\u4e00-\u9fff]{1,4}?族)+自治(?P<level>州|县|旗)$")


def _autonomous_short_forms(name: str) -> tuple[str, ...]:
    found = _AUTONOMOUS.match(name)
    return (found.group("place") + found.group("level"), found.group("place")) if found else ()


# How many leading characters may be region names ("广州市番禺区" …).
REGION_PREFIX_MAX = 12


def starts_with_region(name: str) -> bool:
    """Whether `name` starts with division names ("红河州第二人民医院", "镜湖区残联")."""
    return any(is_region_sequence(name[:k]) for k in range(2, min(len(name), REGION_PREFIX_MAX) + 1))


def is_region_sequence(text: str) -> bool:
    """Whether `text` is made only of division names ("广州市番禺区", "广州番禺区")."""
    names = division_names()
    ok = [True] + [False] * len(text)
    for end in range(1, len(text) + 1):
        ok[end] = any(ok[start] and text[start:end] in names for start in range(max(0, end - 12), end))
    return len(text) > 0 and ok[len(text)]


# How many names' cpca readings are kept: a run reads each department's name several times per report,
# and again in every year's report of the department.
NAME_READINGS_CACHED = 4096


@lru_cache(maxsize=NAME_READINGS_CACHED)
def _name_reading(name: str) -> Mapping[str, object]:
    """cpca's reading of one name (省, 市, 区, 地址 and their positions); cpca builds a DataFrame per call."""
    return MappingProxyType(cpca.transform([name], pos_sensitive=True).iloc[0].to_dict())


def _row_region(row: Mapping[str, object]) -> Region | None:
    region = Region(row.get("省"), row.get("市"), row.get("区"))
    return region if region.path() else None


def leading_region(name: str) -> tuple[Region, str] | None:
    """The region a name starts with and the rest of the name ("广州市海珠区投资促进局" ->
    (广东省/广州市/海珠区, "投资促进局")); None when the name does not start with a division name."""
    row = _name_reading(name)
    region = _row_region(row)
    rest = row.get("地址") or ""
    if region is None or not name.endswith(rest):
        return None
    positions = [p for p in (row.get("省_pos"), row.get("市_pos"), row.get("区_pos")) if p is not None and p >= 0]
    if not positions or min(positions) != 0 or not is_region_sequence(name[: len(name) - len(rest)]):
        return None
    return region, rest


def region_of_name(name: str) -> Region | None:
    found = leading_region(name)
    if found is not None:
        return found[0]
    # Names like "惠州大亚湾经济技术开发区…" start with a short city name cpca resolves without a
    # district; cpca's own reading is taken when it found something at the very start.
    row = _name_reading(name)
    positions = [p for p in (row.get("省_pos"), row.get("市_pos"), row.get("区_pos")) if p is not None and p >= 0]
    if positions and min(positions) == 0:
        return _row_region(row)
    return None


def region_of_text(text: str) -> tuple[Region, int, int] | None:
    """The city most often named in running text (with its district when one dominates), and the span
    of its first mention; None unless some city is named at least MIN_TEXT_MENTIONS times."""
    sentences = [s for s in _SENTENCE_END.split(text) if s]
    frame = cpca.transform(sentences, pos_sensitive=True)
    cities: Counter[tuple[str, str]] = Counter()
    districts: Counter[tuple[str, str, str]] = Counter()
    for row in frame.to_dict("records"):
        if not row.get("市") or row["市"] in PLACEHOLDERS:
            continue
        cities[(row["省"], row["市"])] += 1
        if row.get("区"):
            districts[(row["省"], row["市"], row["区"])] += 1
    if not cities:
        return None
    (province, city), count = cities.most_common(1)[0]
    if count < MIN_TEXT_MENTIONS:
        return None
    district = None
    for (p, c, d), n in districts.most_common():
        if (p, c) == (province, city) and n >= MIN_TEXT_MENTIONS and n * 2 > count:
            district = d
        break
    short = city[:-1] if city.endswith("市") and len(city) > 2 else city
    start = text.find(short)
    return Region(province, city, district), max(start, 0), max(start, 0) + len(short)
