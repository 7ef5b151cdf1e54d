"""A 自评表 whose cells were run together with nothing between them, back into cells.

Document-sharing sites and some converters print a table as one stream of characters:
"一级指标二级指标三级指标年初目标值(A)实际完成值(B)得分产出指标质量指标监测数据必须合格100%100%10…". The
cells can still be told apart where the genre's own words and figures are: the header's column names, the
level names (产出指标, 数量指标 …), values with a unit ("100%", "≥95%", "2370人"), bare numbers (分值 and
得分), the 总分 row. What lies between two of those is one text cell (a name, or a target in words).
Run-together text is only split where it holds a header written that way, so prose is never cut up.
"""

from __future__ import annotations

import re

from perf_etl.tables.columns import INDICATOR_COLUMNS, TOTAL_LABELS, column_of
from perf_etl.text.simplified import to_simplified

# A header is run together when this many column names follow each other with nothing between them.
MIN_HEADER_COLUMNS = 3

_SYNONYMS = sorted({s for synonyms in INDICATOR_COLUMNS.values() for s in synonyms}, key=len, reverse=True)
# "年初目标值(A)", "执行率(B/A)", "指标权重(分)": a column name with its formula or unit.
_COLUMN = "(?:" + "|".join(map(re.escape, _SYNONYMS)) + r")(?:\s*[(（][A-Za-z/%分\s]{0,5}[)）])?"
_RUN_HEADER_RE = re.compile(f"(?:{_COLUMN}){{{MIN_HEADER_COLUMNS},}}")
_LEVEL = (r"(?:产出|效益|满意度|成本|效果|管理|项目决策|项目管理|项目产出|项目效益|数量|质量|时效|进度|经济效益|"
          r"社会效益|生态效益|环境效益|可持续影响|服务对象满意度|经济成本|社会成本|生态环境成本)"
          r"指标(?:\s*[(（]\d+(?:\.\d+)?分[)）])?")
# Longest first: an alternation takes the first that fits ("平方米" before "米").
_UNIT_WORDS = (
    "% ‰ 万元 亿元 元 万人次 人次 万人 人 个 次 天 项 场 家 户 万亩 亩 吨 万吨 公里 千米 米 厘米 平方米 立方米 "
    "万平方米 ㎡ 所 台 套 件 篇 期 批 份 本 册 座 处 条 辆 头 只 株 小时 个工作日 工作日 万粒 粒 公斤 斤 部 间 栋 "
    "块 张 幅 种 例 名 户次 场次 班次 课时 学时"
)
_UNITS = "|".join(sorted(_UNIT_WORDS.split(), key=len, reverse=True))
_COMPARATOR = r"(?:[≥≤≧≦><＞＜]=?|不低于|不少于|不高于|不超过|大于等于|小于等于)"
# A figure that starts no name: not inside a range or a date ("0-6岁", "2018-2022", "2021年").
_VALUE = rf"{_COMPARATOR}?(?<![\d.\-~至])\d+(?:\.\d+)?(?:{_UNITS})"
_BARE = r"(?<![\d.\-~至])\d+(?:\.\d+)?(?![\d.\-~至年月日岁])"
_TOTAL = "|".join(map(re.escape, TOTAL_LABELS))
_TOKEN_RE = re.compile(f"(?P<column>{_COLUMN})|(?P<level>{_LEVEL})|(?P<total>{_TOTAL})|(?P<value>{_VALUE})|"
                       f"(?P<bare>{_BARE})")
_FORMULA_RE = re.compile(r"^[(（][A-Za-z/]{1,4}[)）]$")
_NUMBER_UNIT_RE = re.compile(r"(\d+)(\D+)")
_WORDS_TWICE_RE = re.compile(r"^(?P<w>\D{1,12})(?P=w)$")
# A name, then its target in words and the same words as its result: "资料整编审核合格合格".
_ENDS_TWICE_RE = re.compile(r"^(?P<name>.{2,}?)(?P<w>\D{2,12})(?P=w)$")


def has_run_together_header(text: str) -> bool:
    """Whether a run of column names with nothing between them is in the text (spaces separate cells)."""
    return _RUN_HEADER_RE.search(to_simplified(text)) is not None


def weight_before_target(text: str) -> bool:
    """Whether the run-together header puts 分值 before the target (三级指标 分值 年度指标值 …)."""
    header = _RUN_HEADER_RE.search(to_simplified(text))
    if header is None:
        return False
    kinds = [column_of(m.group(), INDICATOR_COLUMNS) for m in re.finditer(_COLUMN, header.group())]
    return "weight" in kinds and "target" in kinds and kinds.index("weight") < kinds.index("target")


def run_together_cells(text: str) -> list[str]:
    """The cells of a run-together stretch of text, in order (see the module docstring). Tokens are found in
    simplified characters (a traditional repost: 三級指標) and cut from the text as written."""
    cells: list[str] = []
    position = 0
    for token in _TOKEN_RE.finditer(to_simplified(text)):
        cells += _text_cells(text[position:token.start()])
        written = text[token.start():token.end()]
        if token.lastgroup == "bare":
            cells += _figures(written, cells)
        else:
            cells += _value_cells(written) if token.lastgroup == "value" else [written]
        position = token.end()
    return cells + _text_cells(text[position:])


def _text_cells(text: str) -> list[str]:
    """Text between two tokens: one cell, or two where a target in words is repeated as its result
    ("是是", "好好", "按时完成按时完成")."""
    text = text.strip(" ,，;；")
    if not text or _FORMULA_RE.match(text):
        return []  # "(A)" of "年初目标值 (A)" split off by a space
    twice = _WORDS_TWICE_RE.match(text)
    if twice:
        return [twice.group("w"), twice.group("w")]
    ending = _ENDS_TWICE_RE.match(text)
    return [ending.group("name"), ending.group("w"), ending.group("w")] if ending else [text]


def _value_cells(value: str) -> list[str]:
    """A percentage over 200 is a 分值 run into the target after it ("20100%": 20 and 100%): no indicator
    is stated at twice its target."""
    found = re.fullmatch(r"(\d+)%", value)
    if found is None or float(found.group(1)) <= 200:
        return [value]
    digits = found.group(1)
    for k in range(1, len(digits)):
        weight, percent = digits[:k], digits[k:]
        if not percent.startswith("0") and float(percent) <= 100 and float(weight) <= 100:
            return [weight, percent + "%"]
    return [value]


def weight_run_into_targets(cells: list[str]) -> list[str]:
    """Where the 分值 column comes before the target, "1020万元" "20万元" is 分值 10 and a target of 20万元
    equal to its result: a value whose number ends with the next value's number in the same unit, after
    a prefix that could be points."""
    out: list[str] = []
    for k, cell in enumerate(cells):
        here = _NUMBER_UNIT_RE.fullmatch(cell)
        after = _NUMBER_UNIT_RE.fullmatch(cells[k + 1]) if k + 1 < len(cells) else None
        if here and after and here.group(2) == after.group(2) and len(here.group(1)) > len(after.group(1)):
            weight = here.group(1)[: len(here.group(1)) - len(after.group(1))]
            if here.group(1).endswith(after.group(1)) and not after.group(1).startswith("0") and int(weight) <= 100:
                out += [weight, cell[len(weight):]]
                continue
        out.append(cell)
    return out


def _figures(digits: str, before: list[str]) -> list[str]:
    """A bare number after a value may be the row's 分值 and 得分 run together: "1010" is 10 and 10, "22" is
    2 and 2 (equal halves: the row got its full points; unequal ones cannot be told apart)."""
    half = len(digits) // 2
    after_value = bool(before) and bool(re.search(r"\d", before[-1]))
    if after_value and "." not in digits and len(digits) % 2 == 0 and digits[:half] == digits[half:]:
        return [digits[:half], digits[half:]]
    return [digits]
