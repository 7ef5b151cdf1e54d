"""OFD (GB/T 33190, China's fixed-layout e-document format): the text of each page in reading order.

An OFD is a zip of XML: OFD.xml names each document's Document.xml (DocBody/DocRoot), which lists the
pages (Pages/Page BaseLoc -> Content.xml) and the template pages they draw on. A page's text is its
TextObjects: a Boundary box (mm, y downwards), an optional CTM, and TextCode runs at X/Y (the baseline)
with per-glyph advances in DeltaX. The text is laid out by position, not in XML order, so runs are sorted
by baseline, runs on one baseline (within a fraction of the font size) are one line, and a line's runs are
joined left to right, with a space where they stand apart (a table's cells, a tab stop).

Tables are not rebuilt as grids: an OFD draws a table as ruling paths and cell texts, and the cells come
out here one table row a line, which the flattened-table reading (tables/flat.py) reads into rows.

The XML is read with lxml. The only Python OFD package (easyofd) renders to PDF and images through PyMuPDF
and reportlab, unpacks the zip into the working directory, and gives text objects without reading order;
reading the standard's few text elements directly is smaller and safer.
"""

from __future__ import annotations

import io
import itertools
import posixpath
import re
import zipfile
from dataclasses import dataclass
from importlib.metadata import version
from typing import TYPE_CHECKING

from lxml import etree

from perf_etl.ingest.reasons import CorruptOfdError, NoTextLayerError, TooLargeError
from perf_etl.models import PageText
from perf_etl.settings import IngestSettings

if TYPE_CHECKING:
    from perf_etl.ingest.readers import ReadResult

ENGINE = f"lxml {version('lxml')} (OFD text objects)"
_ROOT = "OFD.xml"
# Runs whose baselines differ by less than this share of the font size are one line (a subscript, a run in
# another font drawn a hair lower).
_SAME_LINE = 0.5
# Runs further apart than this share of the font size are separate words or cells: a space between them.
_GAP = 0.5
# No DTDs, entities or network: a document's XML is data, never instructions to the parser.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass(frozen=True)
class _Run:
    """One TextCode on its page: baseline start (x, y), advance width, font size, text."""

    x: float
    y: float
    width: float
    size: float
    text: str


def read_ofd(data: bytes, options: IngestSettings = IngestSettings()) -> ReadResult:
    """Each page of each document in the OFD, its text in reading order."""
    from perf_etl.ingest import readers  # readers registers this reader, so it is imported when called

    readers.check_inflated_size(data)
    with _open_zip(data) as archive:
        package = _Package(archive)
        contents = [page for document in package.documents() for page in package.page_contents(document)]
        if len(contents) > options.max_pages:
            raise TooLargeError(
                f"{len(contents)} pages, over the limit of {options.max_pages} (max_pages, PERF_ETL_MAX_PAGES)")
        texts = [_page_text([run for part in parts for run in _runs(package.xml(part))]) for parts in contents]
    if not contents:
        raise CorruptOfdError("its documents list no pages")
    if not any(text.strip() for text in texts):
        raise NoTextLayerError(f"no text objects on its {len(texts)} page(s): a scan or images only")
    pages = [PageText(number, text, ENGINE) for number, text in enumerate(texts, start=1)]
    return readers.ReadResult(pages, ENGINE, "ofd")


def is_ofd_head(head: bytes) -> bool:
    """Whether a zip's first bytes are an OFD's: its first member is OFD.xml at the root (a zip that merely
    holds an OFD.xml in a folder, or .ofd files, is an archive, not an OFD)."""
    if not head.startswith(b"PK\x03\x04") or len(head) < 30:
        return False
    name_length = int.from_bytes(head[26:28], "little")
    return head[30 : 30 + name_length] == _ROOT.encode()


def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as error:
        raise CorruptOfdError(f"not a zip package: {error}") from error
    if _ROOT not in archive.namelist():
        archive.close()
        raise CorruptOfdError("no OFD.xml at the root of the package")
    return archive


def _local(element: etree._Element) -> str:
    # OFD writers differ in namespace URIs and prefixes (ofd:, none); the element names are the standard's.
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [node for node in element.iter() if _local(node) == name]


def _text_of(element: etree._Element, name: str) -> list[str]:
    return [(node.text or "").strip() for node in _children(element, name) if (node.text or "").strip()]


def _resolve(base: str, location: str) -> str:
    """A part's path in the zip: ST_Loc is absolute from the package root ("/Doc_0/...") or relative to the
    part that names it."""
    location = location.strip().replace("\\", "/")
    joined = location.lstrip("/") if location.startswith("/") else posixpath.join(posixpath.dirname(base), location)
    return posixpath.normpath(joined).lstrip("/")


class _Package:
    """The parts of an open OFD, each parsed once (a page's Content.xml is read for its templates and text)."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self._archive = archive
        self._parsed: dict[str, etree._Element] = {}

    def xml(self, name: str) -> etree._Element:
        """The parsed part `name`; CorruptOfdError when it is missing or not XML."""
        if name not in self._parsed:
            try:
                self._parsed[name] = etree.fromstring(self._archive.read(name), _PARSER)
            except KeyError as error:
                raise CorruptOfdError(f"{name} is named by the package but missing from it") from error
            except (etree.XMLSyntaxError, zipfile.BadZipFile, ValueError, OSError) as error:
                raise CorruptOfdError(f"{name}: {type(error).__name__}: {error}") from error
        return self._parsed[name]

    def documents(self) -> list[str]:
        roots = [_resolve(_ROOT, root) for root in _text_of(self.xml(_ROOT), "DocRoot")]
        if not roots:
            raise CorruptOfdError("OFD.xml names no document (DocBody/DocRoot)")
        return roots

    def page_contents(self, document: str) -> list[list[str]]:
        """For each page of `document`, in order, the parts its text is drawn from: its template pages,
        then its own Content.xml."""
        root = self.xml(document)
        templates = {node.get("ID"): _resolve(document, node.get("BaseLoc", ""))
                     for node in _children(root, "TemplatePage") if node.get("BaseLoc")}
        pages: list[list[str]] = []
        for page in _children(root, "Page"):
            location = page.get("BaseLoc")
            if not location:
                raise CorruptOfdError(f"{document}: a page without BaseLoc")
            content = _resolve(document, location)
            used = [templates[node.get("TemplateID")] for node in _children(self.xml(content), "Template")
                    if node.get("TemplateID") in templates]
            pages.append([*used, content])
        return pages


def _runs(page: etree._Element) -> list[_Run]:
    return [run for text_object in _children(page, "TextObject") for run in _object_runs(text_object)]


def _object_runs(text_object: etree._Element) -> list[_Run]:
    """The TextCodes of one TextObject, placed on the page: object space -> CTM -> Boundary origin."""
    box = _numbers(text_object.get("Boundary", ""))
    origin_x, origin_y = (box[0], box[1]) if len(box) >= 2 else (0.0, 0.0)
    ctm = _numbers(text_object.get("CTM", ""))
    a, b, c, d, e, f = ctm if len(ctm) == 6 else _IDENTITY
    size = _number(text_object.get("Size"), 3.5) or 3.5  # the standard's Size is required; 3.5 mm is 10 pt
    runs: list[_Run] = []
    x = y = 0.0
    for code in _children(text_object, "TextCode"):
        text = code.text or ""
        # A TextCode without X/Y continues where the previous one's baseline point was (the standard).
        x, y = _number(code.get("X"), x), _number(code.get("Y"), y)
        if not text.strip():
            continue
        advances = _advances(code.get("DeltaX", ""))[: len(text) - 1]
        # DeltaX gives the advances between glyphs; the last glyph's own width is estimated (without DeltaX,
        # every glyph's): a CJK glyph is as wide as the font size, a Latin one about half.
        estimated = [_glyph_width(char, size) for char in text[len(advances):]]
        width = sum(advances) + sum(estimated)
        runs.append(_Run(origin_x + a * x + c * y + e, origin_y + b * x + d * y + f, width * abs(a or 1.0),
                         size * abs(d or 1.0), text))
    return runs


def _glyph_width(char: str, size: float) -> float:
    return size / 2 if char.isascii() else size


def _advances(delta: str) -> list[float]:
    """DeltaX as numbers, the "g N value" shorthand (N glyphs of one advance) expanded."""
    words = delta.split()
    advances: list[float] = []
    index = 0
    while index < len(words):
        if words[index] == "g" and index + 2 < len(words):
            count, value = int(_number(words[index + 1], 0)), _number(words[index + 2], 0.0)
            advances.extend([value] * min(count, 10_000))
            index += 3
        else:
            advances.append(_number(words[index], 0.0))
            index += 1
    return advances


def _page_text(runs: list[_Run]) -> str:
    """The runs as lines: by baseline, then left to right."""
    lines: list[list[_Run]] = []
    for run in sorted(runs, key=lambda r: (r.y, r.x)):
        if lines and abs(run.y - lines[-1][0].y) <= _SAME_LINE * min(run.size, lines[-1][0].size):
            lines[-1].append(run)
        else:
            lines.append([run])
    return "\n".join(_line_text(sorted(line, key=lambda r: r.x)) for line in lines)


def _line_text(line: list[_Run]) -> str:
    parts = [line[0].text]
    for previous, run in itertools.pairwise(line):
        if run.x - (previous.x + previous.width) > _GAP * min(run.size, previous.size):
            parts.append(" ")
        parts.append(run.text)
    return "".join(parts)


_NUMBER_RE = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _numbers(text: str) -> list[float]:
    return [float(word) for word in _NUMBER_RE.findall(text)]


def _number(text: str | None, default: float) -> float:
    if text is None:
        return default
    match = _NUMBER_RE.fullmatch(text.strip())
    return float(match.group()) if match else default
