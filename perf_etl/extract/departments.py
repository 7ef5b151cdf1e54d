"""A stable key for a department, to join its reports across years.

The same department is written in many ways: "广州市海珠区投资促进局" in one year's title,
"海珠区投资促进局" in another's, "广州市海珠区投资促进局（公章）" on a cover, with full-width letters or
stray spaces. The key is built so those agree:

1. NFKC, drop whitespace, seals (（公章）), punctuation and brackets, and a repeated tail
   ("…经济发展局区经济发展局");
2. qualify the name with its administrative region, read by cpca from the name's start, written out
   in full: "广东省广州市海珠区/投资促进局". "海珠区投资促进局" resolves to the same path, so both forms
   give the same key; and "北京市朝阳区财政局" vs "长春市朝阳区财政局" stay apart, which a key of
   bare names ("朝阳区财政局") would merge.
3. A name that starts with no region ("仲恺高新区经济发展局", a truncated "区投资促进中心") is qualified
   with `region` when the caller knows the report's region (e.g. "广东省广州市番禺区"), dropping a
   leading level character the region already ends with: "区投资促进中心" + "广东省广州市番禺区"
   -> "广东省广州市番禺区/投资促进中心", the key of "广州市番禺区投资促进中心". Without a region the
   cleaned name itself is the key.

Trade-off: a district name shared by several cities ("鼓楼区") written without its city resolves to
cpca's first choice; a department that always writes its name the same way still gets one key.
"""

from __future__ import annotations

import re
import unicodedata

from perf_etl.extract.identity import SEAL, dedupe_repeated_tail
from perf_etl.extract.regions import leading_region

_PUNCT = re.compile(r"[\s\W_]+")
KEY_SEPARATOR = "/"


def _clean(name: str) -> str:
    text = unicodedata.normalize("NFKC", name)
    text = SEAL.sub("", re.sub(r"\s+", "", text))
    text = _PUNCT.sub("", text)
    return dedupe_repeated_tail(text)


def department_key(name: str | None, region: str | None = None) -> str | None:
    """The canonical key of a department name (see the module docstring); None for no name."""
    if not name:
        return None
    cleaned = _clean(name)
    if not cleaned:
        return None
    found = leading_region(cleaned)
    if found is not None:
        path, rest = found[0].path(), found[1]
        if path and rest:
            return f"{path}{KEY_SEPARATOR}{rest}"
    if region:
        region_clean = _clean(region)
        rest = cleaned[1:] if cleaned[0] == region_clean[-1] and len(cleaned) > 3 else cleaned
        return f"{region_clean}{KEY_SEPARATOR}{rest}"
    return cleaned
