"""The fonts pdfium substitutes for the ones a PDF does not embed: always one tiny metrics font.

pdfium's default looks the substitute up among the system fonts and loads it for every document: with
Debian's fonts-noto-cjk installed that is a 20 MB collection parsed per file, and text extraction runs
about 10x slower (docs/performance.md). Text extraction needs a substitute only for its character boxes,
so pdfium gets fonts/metrics.ttf (built by scripts/build_metrics_font.py: one full-em box for every code
point) for every request. The text is then the same as with the system's CJK font, on every machine,
whatever fonts it has. Pages rendered for OCR get the system's fonts back (`system_fonts`), so that text
in a font the PDF does not embed is drawn as letters, not boxes.
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib import resources

import pypdfium2.raw as pdfium

METRICS_FONT = resources.files("perf_etl.ingest").joinpath("fonts/metrics.ttf").read_bytes()
_FACE_NAME = b"perf-etl metrics\0"
_HANDLE = 1  # pdfium only passes it back to us


def _callback(name: str, function):
    field_type = dict(pdfium.FPDF_SYSFONTINFO._fields_)[name]
    return field_type(function)


def _copy(data: bytes, buffer, size: int) -> int:
    if buffer and size >= len(data):
        ctypes.memmove(buffer, data, len(data))
    return len(data)


def _font_data(_info, _font, table: int, buffer, size: int) -> int:
    return _copy(METRICS_FONT, buffer, size) if table == 0 else 0  # 0: the whole font file


@cache
def _font_info() -> pdfium.FPDF_SYSFONTINFO:
    # Cached for the life of the process: pdfium keeps the pointer, the callbacks must outlive it.
    return pdfium.FPDF_SYSFONTINFO(
        version=1,
        Release=_callback("Release", lambda _info: None),
        EnumFonts=_callback("EnumFonts", lambda _info, _mapper: None),
        MapFont=_callback("MapFont", lambda _info, _weight, _italic, _charset, _pitch, _face, _exact: _HANDLE),
        GetFont=_callback("GetFont", lambda _info, _face: _HANDLE),
        GetFontData=_callback("GetFontData", _font_data),
        GetFaceName=_callback("GetFaceName", lambda _info, _font, buffer, size: _copy(_FACE_NAME, buffer, size)),
        GetFontCharset=_callback("GetFontCharset", lambda _info, _font: pdfium.FXFONT_DEFAULT_CHARSET),
        DeleteFont=_callback("DeleteFont", lambda _info, _font: None),
    )


@cache
def use_metrics_font() -> None:
    """Make pdfium substitute the metrics font for every font a PDF does not embed (once per process)."""
    pdfium.FPDF_SetSystemFontInfo(ctypes.byref(_font_info()))


@contextmanager
def system_fonts() -> Iterator[None]:
    """pdfium's own system font lookup for what is done inside (rendering), the metrics font after."""
    # A new default each time: replacing a font info makes pdfium call its Release, which frees the
    # default's lookup; the struct itself is ours to free.
    default = pdfium.FPDF_GetDefaultSystemFontInfo()
    pdfium.FPDF_SetSystemFontInfo(default)
    try:
        yield
    finally:
        pdfium.FPDF_SetSystemFontInfo(ctypes.byref(_font_info()))
        pdfium.FPDF_FreeDefaultSystemFontInfo(default)
