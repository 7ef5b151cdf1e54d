"""Problems and improvement measures (core.findings), one row per enumerated item.

Where they are: sections whose heading names them (三、存在的主要问题 / 四、下一步改进措施), or one
combined section (存在问题及改进意见) whose sub-headings (1.存在问题 / 2.改进意见) or inline labels
(存在问题：… 改进措施：…) split it. How they are enumerated, tried in order:
1. paragraphs that start with an outline marker (1. / （1）/ ① / （一）/ 一、);
2. inline ordinals 一是…二是…三是 (also 其一/其二, 首先/其次/最后);
3. inline numbers 1.…2.… / （1）…（2）… / ①…② in sequence;
4. otherwise one row per paragraph. A body that says only 无 gives no rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from perf_etl.models import Finding, Section, StagedDocument
from perf_etl.text.outline import match_marker

PROBLEM = "problem"
IMPROVEMENT = "improvement"
# Heading words per kind. A heading with both kinds is a combined section.
KIND_WORDS: dict[str, re.Pattern[str]] = {
    PROBLEM: re.compile(r"问题|不足|薄弱环节|差距"),
    IMPROVEMENT: re.compile(r"改进|整改措施|下一步|工作计划|工作打算|建议|努力方向|工作思路|措施及计划|意见"),
}
# Headings that mention problems but report on something else (last year's rectification).
NOT_FINDINGS = re.compile(r"整改情况|落实情况|问题整改|结果应用|其他自评|附件|自评情况$")
# An inline label inside a combined section: "存在问题：…改进措施：…".
INLINE_LABEL: dict[str, re.Pattern[str]] = {
    PROBLEM: re.compile(r"(?:存在的?(?:主要)?问题|主要问题|问题及不足)[：:]"),
    IMPROVEMENT: re.compile(r"(?:改进(?:措施|意见|建议|方向)|整改措施|下一步(?:工作)?(?:计划|打算|措施)?)[：:]"),
}
NOTHING = re.compile(r"^[（(]?(?:无|暂无|没有|不存在|无。)[)）]?[。.；;]?$")
_CN = "一二三四五六七八九十"
# Inline ordinal families, each a function from n (1-based) to the marker text.
INLINE_FAMILIES: tuple[tuple[str, ...], ...] = (
    tuple(f"{c}是" for c in _CN),
    tuple(f"其{c}" for c in _CN),
)
# 首先 … 其次 … (再次 / 然后 …) … 最后: fixed first word, then any of the others in any number.
LOOSE_FIRST = "首先"
LOOSE_NEXT = re.compile(r"其次|再次|然后|此外|最后")
# Inline numbered families: regex templates with {n}.
INLINE_NUMBERED: tuple[str, ...] = (
    r"(?<![\d.．])(?:{n})[.．、](?!\d)",
    r"[（(](?:{n})[)）]",
    r"(?:{n})",  # circled digits, filled from CIRCLED
)
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
MIN_ITEMS = 2  # an enumeration has at least two items


@dataclass(frozen=True)
class Block:
    """A stretch of staging text holding findings of one kind."""

    kind: str
    start: int
    end: int


def _kinds(heading: str) -> set[str]:
    body = heading[match_marker(heading)[1] :] if match_marker(heading) else heading
    if NOT_FINDINGS.search(body):
        return set()
    return {kind for kind, pattern in KIND_WORDS.items() if pattern.search(body)}


def _subtree_end(doc: StagedDocument, index: int) -> int:
    """End offset of section `index` with all its deeper sub-sections."""
    level = doc.sections[index].level
    for later in doc.sections[index + 1 :]:
        if later.level <= level:
            return later.char_start
    return len(doc.text)


def _body_start(section: Section) -> int:
    return section.char_start + len(section.heading)


def find_blocks(doc: StagedDocument) -> list[Block]:
    """Text stretches of problems and improvements."""
    blocks: list[Block] = []
    covered_until = -1
    for i, section in enumerate(doc.sections):
        if section.char_start < covered_until:
            continue
        kinds = _kinds(section.heading)
        if not kinds:
            continue
        end = _subtree_end(doc, i)
        if len(kinds) == 1:
            blocks.append(Block(kinds.pop(), _body_start(section), end))
        else:
            blocks.extend(_split_combined(doc, i, end))
        covered_until = end
    return blocks


def _split_combined(doc: StagedDocument, index: int, end: int) -> list[Block]:
    """A 存在问题及改进意见 section: by single-kind sub-headings, else by inline labels."""
    parent = doc.sections[index]
    children = [(j, s) for j, s in enumerate(doc.sections[index + 1 :], start=index + 1) if s.char_start < end]
    top = min((s.level for _, s in children), default=None)
    blocks = []
    for j, child in children:
        kinds = _kinds(child.heading)
        if child.level == top and len(kinds) == 1:
            blocks.append(Block(kinds.pop(), _body_start(child), min(_subtree_end(doc, j), end)))
    if blocks:
        return blocks
    return _split_inline_labels(doc, _body_start(parent), end)


def _split_inline_labels(doc: StagedDocument, start: int, end: int) -> list[Block]:
    marks = []
    for kind, pattern in INLINE_LABEL.items():
        m = pattern.search(doc.text, start, end)
        if m:
            marks.append((m.start(), m.end(), kind))
    marks.sort()
    return [
        Block(kind, label_end, marks[i + 1][0] if i + 1 < len(marks) else end)
        for i, (_, label_end, kind) in enumerate(marks)
    ]


# ----------------------------------------------------------------------------- enumeration


def _clean_item(text: str) -> str:
    text = re.sub(r"\s*\n\s*", "", text).strip()
    return text.strip("；;，,、：: ")


def _marker_items(paragraphs: list[str]) -> list[str] | None:
    """Items that start with outline markers (the shallowest level present), with the paragraphs
    that follow each item attached to it."""
    levels = [m[0] for m in (match_marker(p) for p in paragraphs) if m]
    if len(levels) < MIN_ITEMS:
        return None
    top = min(levels)
    items: list[str] = []
    for paragraph in paragraphs:
        marker = match_marker(paragraph)
        if marker and marker[0] == top:
            items.append(paragraph[marker[1] :])
        elif items:
            items[-1] += paragraph
    return items if len(items) >= MIN_ITEMS else None


def _sequence_positions(text: str, patterns: list[re.Pattern[str]]) -> list[tuple[int, int]]:
    """(start, end) of marker 1, 2, 3 … found in order; stops at the first missing one."""
    found: list[tuple[int, int]] = []
    pos = 0
    for pattern in patterns:
        m = pattern.search(text, pos)
        if not m:
            break
        found.append((m.start(), m.end()))
        pos = m.end()
    return found


def _inline_families() -> list[list[re.Pattern[str]]]:
    families = [[re.compile(re.escape(word)) for word in family] for family in INLINE_FAMILIES]
    families.append([re.compile(INLINE_NUMBERED[0].format(n=n)) for n in range(1, 21)])
    families.append([re.compile(INLINE_NUMBERED[1].format(n=n)) for n in range(1, 21)])
    families.append([re.compile(INLINE_NUMBERED[2].format(n=c)) for c in CIRCLED])
    return families


_FAMILIES = _inline_families()


def _loose_positions(text: str) -> list[tuple[int, int]]:
    first = text.find(LOOSE_FIRST)
    if first < 0:
        return []
    start = first + len(LOOSE_FIRST)
    return [(first, start)] + [(m.start(), m.end()) for m in LOOSE_NEXT.finditer(text, start)]


def _inline_positions(text: str) -> list[tuple[int, int]] | None:
    """Marker spans of the first inline family with at least MIN_ITEMS markers in sequence."""
    for positions in [*(_sequence_positions(text, family) for family in _FAMILIES), _loose_positions(text)]:
        if len(positions) >= MIN_ITEMS:
            return positions
    return None


def _inline_start(text: str) -> int | None:
    positions = _inline_positions(text)
    return positions[0][0] if positions else None


def _inline_items(text: str) -> list[str] | None:
    positions = _inline_positions(text)
    if positions is None:
        return None
    bounds = [*positions, (len(text), len(text))]
    return [text[bounds[i][1] : bounds[i + 1][0]] for i in range(len(positions))]


def _is_lead_in(paragraph: str) -> bool:
    """ "主要表现为：" — a sentence introducing a list, not an item."""
    return paragraph.endswith(("：", ":"))


def _says_nothing(paragraph: str) -> bool:
    """ "无。", also after a repeated label: "存在问题：暂无。" under the heading 存在问题."""
    for label in INLINE_LABEL.values():
        m = label.match(paragraph)
        if m:
            paragraph = paragraph[m.end() :].strip()
    return NOTHING.match(paragraph) is not None


def _items(paragraphs: list[str]) -> list[str] | None:
    """Marker items, unless the same numbering carries on inside a paragraph ("②…；③…" after a wrapped
    line): then the inline sequence that starts at the first marker has more items and is the list."""
    marked = _marker_items(paragraphs)
    joined = "\n".join(paragraphs)
    inline = _inline_items(joined)
    if marked is None:
        return inline
    first = next(p for p in paragraphs if match_marker(p))
    if inline and len(inline) > len(marked) and _inline_start(joined) == joined.index(first):
        return inline
    return marked


def enumerate_items(text: str) -> list[str]:
    """The items of one block of findings text."""
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    if not paragraphs or all(_says_nothing(p) for p in paragraphs):
        return []
    items = _items(paragraphs)
    if items is None:
        items = [p for p in paragraphs if not _is_lead_in(p)]
    cleaned = [_clean_item(item) for item in items]
    return [item for item in cleaned if item and not NOTHING.match(item)]


def extract_findings(doc: StagedDocument) -> list[Finding]:
    """One Finding per problem / improvement item, numbered per kind in document order."""
    findings: list[Finding] = []
    counters = {PROBLEM: 0, IMPROVEMENT: 0}
    for block in find_blocks(doc):
        for item in enumerate_items(doc.text[block.start : block.end]):
            counters[block.kind] += 1
            findings.append(Finding(doc.document_id, block.kind, counters[block.kind], item))
    return findings
