"""OCR for PDF pages without a usable text layer (scans, fonts without a Unicode map).

Pages are rendered with pypdfium2 and read with rapidocr-onnxruntime 1.4.x, whose wheel ships the Chinese
PP-OCRv4 detection and recognition models, so it runs with no network. One engine per process, made on
first use: loading the models takes ~0.3 s, but a process that never meets a scan should not pay for it,
nor import onnxruntime and OpenCV, nor hold the memory OCR needs (~400 MB at its peak, docs/ocr.md).

What comes out is an `OcrPage` per page: the text in reading order (single-column reports: lines top to
bottom, boxes on one line left to right, joined without a space between Chinese characters), a confidence
between 0 and 1 (the recogniser's per-character probability, averaged over the page's characters), and
an engine string for raw.pages.text_engine. `unreadable_reason` says when a page must not be passed on.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from itertools import pairwise
from typing import Any

import cv2
import numpy as np
import pypdfium2

from perf_etl.ingest.pdfium_fonts import system_fonts
from perf_etl.pool import default_workers, usable_cpus

ENGINE = "rapidocr-onnxruntime"
POINTS_PER_INCH = 72.0
# Measured on the scanned samples (docs/ocr.md): 150, 200 and 300 dpi read 12 pt and 7.5 pt type equally
# well (99.9%) at the same cost, because the recogniser scales every line to 48 px high and detection runs
# on a reduced copy anyway. 200 dpi is the common scanning resolution: a real scan keeps its detail, and
# only memory (4x at 300 dpi over 150) grows with it.
DEFAULT_DPI = 200
# Below this mean character confidence a page is not passed on. Confidence tracks accuracy closely on
# blurred, noisy and low-resolution scans of sample pages (docs/ocr.md): every page scoring 0.93 or more
# had at least 96.5% of its characters right, every page scoring 0.90 or less at most 94%.
MIN_OCR_CONFIDENCE = 0.92
# A page needs at least this many recognised characters to count as read: a blank page, or one where the
# detector found only specks, is unreadable however confident the few characters are.
MIN_OCR_CHARS = 10
# Lines the recogniser is less sure of than this are left out of the text (specks and smudges read as
# strokes), but still count in the page confidence, so a page made of them is flagged instead of
# silently coming out empty. (rapidocr's own default cut-off, applied here rather than inside it.)
MIN_LINE_SCORE = 0.5
# The detector runs on the page scaled so its longer side is at most this many pixels (PaddleOCR's own
# default); recognition crops lines from the full-resolution render. On A4 that is ~80 dpi: it found every
# line of 7.5 pt type as well as 1280 px did, at 16% less CPU per page.
DETECTION_MAX_SIDE = 960
# A pixel whose red channel exceeds both others by more than this is red ink (a seal), not text.
RED_INK_MARGIN = 40
# ... and is at least this light in the red channel: text under the seal is darker and must stay.
RED_INK_MIN_RED = 150
# Lines recognised per model call. Batches are padded to their widest line, and on CPU one line at a
# time measured fastest (see docs/ocr.md); it also makes a line's result independent of its neighbours.
REC_BATCH = 1
# Each line crop gets a margin of this share of its height before recognition. Crops cut tight to the
# ink made the recogniser drop some characters outright (竣 in 竣工, four times in nine on the samples);
# with the margin it read every one (as 峻, which ocr_repairs mends), accuracy overall stayed at 99.9%,
# and it takes ~17% less CPU: the recogniser scales each crop to 48 px high, so the line comes out narrower.
CROP_PADDING = 0.15
# Two boxes are on one line when their vertical overlap is at least this share of the shorter box.
SAME_LINE_OVERLAP = 0.5
# A gap wider than this many line heights between two boxes of one line is a column or cell gap: a
# space is kept there even between Chinese characters (normalization drops it where it is not wanted).
CELL_GAP_HEIGHTS = 1.5

# Wide characters: CJK ideographs and the punctuation used with them (as text/repairs.py's WIDE).
_WIDE = (
    r"\u2010-\u206f\u2e80-\u2fff\u3000-\u303f\u3040-\u33ff\u3400-\u4dbf\u4e00-\u9fff"
    r"\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
)
_WIDE_CHAR = re.compile(f"[{_WIDE}]")
_SPACE_NEXT_TO_WIDE = re.compile(rf"\s+(?=[{_WIDE}])|(?<=[{_WIDE}])\s+")

_ENGINE_LOCK = threading.Lock()


@dataclass(frozen=True)
class OcrLine:
    """One line of a page as read, with the box it was read from (pixels of the render, top-left origin)."""

    text: str
    confidence: float  # characters' mean probability, 0-1
    box: tuple[float, float, float, float]  # x0, top, x1, bottom


@dataclass(frozen=True)
class OcrPage:
    """One page read by OCR (a raw.pages row with text_engine and ocr_confidence)."""

    page_number: int  # 1-based
    text: str  # lines in reading order, "\n"-joined
    confidence: float  # 0-1, weighted by characters over every recognised line (also those left out)
    engine: str  # e.g. "rapidocr-onnxruntime 1.4.4 @150dpi"
    lines: tuple[OcrLine, ...] = ()
    dropped_lines: int = 0  # recognised lines left out for scoring below MIN_LINE_SCORE

    @property
    def char_count(self) -> int:
        return sum(1 for char in self.text if not char.isspace())


@dataclass(frozen=True)
class _Box:
    text: str
    score: float
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def height(self) -> float:
        return self.bottom - self.top


def engine_name(dpi: int = DEFAULT_DPI) -> str:
    """The text_engine string for pages read at `dpi`."""
    return f"{ENGINE} {version(ENGINE)} @{dpi}dpi"


def ocr_pdf_pages(pdf_bytes: bytes, page_numbers: Sequence[int], threads: int | None = None, *,
                  dpi: int = DEFAULT_DPI) -> list[OcrPage]:
    """OCR the 1-based `page_numbers` of a PDF, in the order given, with an engine of `threads` threads
    (`ocr_threads`). IndexError for a page it does not have."""
    with system_fonts():  # text in fonts the PDF does not embed drawn as letters, for the OCR to read
        document = pypdfium2.PdfDocument(pdf_bytes)
        try:
            engine = engine_name(dpi)
            return [ocr_image(render_page(document, number, dpi), number, engine=engine, threads=threads)
                    for number in page_numbers]
        finally:
            document.close()


# The most pixels a page is rendered with: A1 at 170 dpi, 6x an A4 page at the default 200 dpi. A page
# larger than that (a poster, or a crafted 200000 pt page that would ask pdfium for 900 GB) is rendered
# smaller, so that no page costs more than a few hundred MB of memory on its way to OCR.
MAX_RENDER_PIXELS = 24_000_000


def render_scale(width_pt: float, height_pt: float, dpi: int) -> float:
    """pdfium's scale for a page of `width_pt` x `height_pt` points at `dpi`, within MAX_RENDER_PIXELS."""
    scale = dpi / POINTS_PER_INCH
    area = max(width_pt, 1.0) * max(height_pt, 1.0)
    # pdfium rounds each side up to a whole pixel: a little under the bound leaves room for that.
    return min(scale, 0.999 * math.sqrt(MAX_RENDER_PIXELS / area))


def render_page(document: pypdfium2.PdfDocument, page_number: int, dpi: int) -> np.ndarray:
    """The page as a grey image (H x W, uint8) at `dpi`, with red ink (seals) turned to paper."""
    if not 1 <= page_number <= len(document):
        raise IndexError(f"page {page_number} of a {len(document)}-page PDF")
    page = document[page_number - 1]
    try:
        pixels = page.render(scale=render_scale(*page.get_size(), dpi)).to_numpy()  # B, G, R, white background
    finally:
        page.close()
    return without_red_ink(pixels[..., 2], pixels[..., 1], pixels[..., 0])


def without_red_ink(red: np.ndarray, green: np.ndarray, blue: np.ndarray) -> np.ndarray:
    """A grey page in which seals have vanished and the text they were stamped over is kept.

    Seals are red and stamped over the unit's name; their ring text is read as text and merges with the
    line under it. Text is black or blue: dark in the red channel, while red ink is light there, so the
    red channel is the grey image. What is left of the seal there (~ 215 of 255, enough for the detector)
    is whitened where a pixel is clearly red and light in the red channel. Where the seal covers text the
    pixel stays dark in the red channel (inks multiply), so the text under a seal is kept.
    """
    redness = red.astype(np.int16) - np.maximum(green, blue).astype(np.int16)
    grey = red.copy()
    grey[(redness > RED_INK_MARGIN) & (red >= RED_INK_MIN_RED)] = 255
    return grey


def ocr_image(image: np.ndarray, page_number: int, *, engine: str | None = None, threads: int | None = None,
              ) -> OcrPage:
    """OCR one page image (grey H x W or BGR H x W x 3, uint8)."""
    boxes = _recognise(image, threads)
    kept = [box for box in boxes if box.score >= MIN_LINE_SCORE and box.text.strip()]
    lines = tuple(_join_line(line) for line in group_lines(kept))
    return OcrPage(
        page_number=page_number,
        text="\n".join(line.text for line in lines),
        confidence=_char_weighted_confidence(boxes),
        engine=engine or f"{ENGINE} {version(ENGINE)}",
        lines=lines,
        dropped_lines=len(boxes) - len(kept),
    )


def unreadable_reason(page: OcrPage, min_confidence: float = MIN_OCR_CONFIDENCE) -> str | None:
    """Why the OCR of `page` must not be passed on (a phrase for the rejection message), or None."""
    if page.char_count < MIN_OCR_CHARS:
        return f"page {page.page_number}: OCR found {page.char_count} characters (blank, or no printed text)"
    if page.confidence < min_confidence:
        return (
            f"page {page.page_number}: OCR confidence {page.confidence:.2f} is below {min_confidence:.2f}"
            " (scan too faint, blurred or noisy to read reliably)"
        )
    return None


def is_unreadable(page: OcrPage, min_confidence: float = MIN_OCR_CONFIDENCE) -> bool:
    return unreadable_reason(page, min_confidence) is not None


# ---------------------------------------------------------------- engine


def load_engine(threads: int | None = None) -> None:
    """Load the models now rather than on the first page (a worker about to OCR, a benchmark)."""
    _engine(ocr_threads(threads))


@cache
def _engine(threads: int) -> Any:
    """The process's RapidOCR instance (made once: loading the three ONNX models is the slow part)."""
    # Imported here: it pulls in onnxruntime and OpenCV, which a run without scans never needs.
    from rapidocr_onnxruntime import RapidOCR

    # Only the detector and the recogniser are used (see _recognise): report pages are upright, and the
    # angle classifier costs time and can turn a line of digits upside down.
    return RapidOCR(use_cls=False, rec_batch_num=REC_BATCH, intra_op_num_threads=threads)


def ocr_threads(configured: int | None = None) -> int:
    """ONNX Runtime threads per engine: `configured` (IngestSettings.ocr_threads, PERF_ETL_OCR_THREADS), else
    the CPUs shared out between the default number of ingest workers (1 each on a 2-CPU machine).

    Ingest reads files in several processes, each with its own engine: with one thread per core each, two
    workers on two cores ran four threads and fought over the cores.
    """
    if configured is not None:
        return configured
    return max(1, usable_cpus() // default_workers())


def _recognise(image: np.ndarray, threads: int | None) -> list[_Box]:
    """Detect text lines on a reduced copy of the page, recognise them on crops of the full render."""
    bgr = image if image.ndim == 3 else cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    engine = _engine(ocr_threads(threads))
    with _ENGINE_LOCK:  # the detector keeps per-call preprocessing state on itself
        quads = _detect(engine, bgr)
        if not len(quads):
            return []
        recognised, _ = engine.text_rec([_padded(crop) for crop in engine.get_crop_img_list(bgr, quads)])
    boxes: list[_Box] = []
    for quad, (text, score, *_) in zip(quads, recognised, strict=True):
        (x0, top), (x1, bottom) = quad.min(axis=0), quad.max(axis=0)
        boxes.append(_Box(_squeeze(text), float(score), float(x0), float(top), float(x1), float(bottom)))
    return boxes


def _detect(engine: Any, bgr: np.ndarray) -> np.ndarray:
    """Line quadrilaterals (N x 4 x 2, float32) in full-resolution pixels.

    The detector finds lines as well at ~80 dpi as at 300 and costs in proportion to the pixels, so it
    sees the page reduced to DETECTION_MAX_SIDE. (rapidocr 1.4's own det_limit_side_len is ignored when
    det_limit_type is "max", hence the reduction here.)
    """
    scale = min(1.0, DETECTION_MAX_SIDE / max(bgr.shape[:2]))
    small = bgr if scale == 1.0 else cv2.resize(bgr, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    quads, _ = engine.text_det(small)
    if quads is None or not len(quads):
        return np.zeros((0, 4, 2), dtype=np.float32)
    return (np.asarray(quads, dtype=np.float32) / scale).astype(np.float32)


def _padded(crop: np.ndarray) -> np.ndarray:
    """The line crop with a margin of its own edge pixels all round (CROP_PADDING of its height)."""
    pad = max(1, round(CROP_PADDING * crop.shape[0]))
    return cv2.copyMakeBorder(crop, pad, pad, pad, pad, cv2.BORDER_REPLICATE)


def _squeeze(text: str) -> str:
    """The recogniser sometimes puts a space between Chinese characters; it means nothing."""
    return _SPACE_NEXT_TO_WIDE.sub("", text).strip()


def _char_weighted_confidence(boxes: list[_Box]) -> float:
    """Mean score over characters: a 30-character line weighs 30 times a one-character speck."""
    weights = [max(1, len(box.text)) for box in boxes]
    total = sum(weights)
    if not total:
        return 0.0
    return sum(box.score * weight for box, weight in zip(boxes, weights, strict=True)) / total


# ---------------------------------------------------------------- reading order


def group_lines(boxes: list[_Box]) -> list[list[_Box]]:
    """Boxes in reading order: lines top to bottom, each line's boxes left to right.

    A box joins the line it overlaps vertically by at least SAME_LINE_OVERLAP of the shorter height;
    comparing with the line's own span (not a fixed pixel tolerance) keeps a slightly skewed scan's
    line together and two close lines apart.
    """
    lines: list[list[_Box]] = []
    spans: list[tuple[float, float]] = []
    for box in sorted(boxes, key=lambda b: (b.top + b.bottom) / 2):
        index = _line_for(box, spans)
        if index is None:
            lines.append([box])
            spans.append((box.top, box.bottom))
        else:
            lines[index].append(box)
            top, bottom = spans[index]
            spans[index] = (min(top, box.top), max(bottom, box.bottom))
    order = sorted(range(len(lines)), key=lambda i: min(b.top for b in lines[i]))
    return [sorted(lines[i], key=lambda b: b.x0) for i in order]


def _line_for(box: _Box, spans: list[tuple[float, float]]) -> int | None:
    # Only the last few lines can still overlap a box that comes later in top-to-bottom order.
    for index in range(len(spans) - 1, max(-1, len(spans) - 4), -1):
        top, bottom = spans[index]
        overlap = min(bottom, box.bottom) - max(top, box.top)
        if overlap >= SAME_LINE_OVERLAP * min(box.height, bottom - top):
            return index
    return None


def _join_line(boxes: list[_Box]) -> OcrLine:
    parts = [boxes[0].text]
    for previous, box in pairwise(boxes):
        parts.append(_glue(previous, box))
        parts.append(box.text)
    text = "".join(parts)
    weights = [max(1, len(b.text)) for b in boxes]
    confidence = sum(b.score * w for b, w in zip(boxes, weights, strict=True)) / sum(weights)
    box = (min(b.x0 for b in boxes), min(b.top for b in boxes), max(b.x1 for b in boxes), max(b.bottom for b in boxes))
    return OcrLine(text, confidence, box)


def _glue(left: _Box, right: _Box) -> str:
    """No space between Chinese characters of one run of text; a space between cells or Latin words."""
    gap = right.x0 - left.x1
    height = max(left.height, right.height)
    both_wide = bool(_WIDE_CHAR.match(left.text[-1:]) and _WIDE_CHAR.match(right.text[:1]))
    if both_wide and gap < CELL_GAP_HEIGHTS * height:
        return ""
    return " "
