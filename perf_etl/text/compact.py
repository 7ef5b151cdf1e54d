"""A text with runs of characters squeezed out, and where each remaining character came from.

Phrases that page layout broke over lines ("2023\\n年部门整体支出", "支\\n出进度") are matched on a squeezed
copy of the text; evidence must still point at the original, so the copy comes with an offset map.
"""

from __future__ import annotations

from collections.abc import Iterable


def squeeze(text: str, gaps: Iterable[tuple[int, int, str, int]]) -> tuple[str, list[int]]:
    """`text` without its gaps, and for each character of the result its offset in `text`.

    A gap is (start, end, kept, kept_at): `text[start:end]` is dropped and `kept` (empty, or a character
    standing for the whole gap) takes its place, mapped to offset `kept_at`. Gaps are in text order and do
    not overlap. Built from slices and ranges, not character by character: this runs on every document.
    """
    pieces: list[str] = []
    offsets: list[int] = []
    position = 0
    for start, end, kept, kept_at in gaps:
        pieces.append(text[position:start])
        offsets.extend(range(position, start))
        if kept:
            pieces.append(kept)
            offsets.append(kept_at)
        position = end
    pieces.append(text[position:])
    offsets.extend(range(position, len(text)))
    return "".join(pieces), offsets
