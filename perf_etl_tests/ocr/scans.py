"""Scanned-looking PDFs made from the sample PDFs, for the OCR tests and the OCR benchmark.

Real self-evaluation reports are often published as scans: each page an image (grey, a little noisy,
JPEG-compressed), the first page carrying a red seal over the unit's name. `image_only_pdf` turns a
sample PDF into such a file, with no text layer at all. `without_tounicode` keeps the text but removes
the fonts' Unicode maps, which gives the other kind of unreadable PDF: a garbage text layer.

The files are made in a temporary folder when needed (a 9-page scan is about a megabyte), never committed.
"""

from __future__ import annotations

import io
import math
import re
import time
from pathlib import Path

import numpy as np
import pypdfium2
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

POINTS_PER_INCH = 72.0
# A seal is about 42 mm across; its ring text uses the sample renderer's font when the machine has it.
SEAL_DIAMETER_PT = 119.0
SEAL_RED = (215, 40, 40)
SEAL_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
# Where the seal sits on page 1 of the samples: over "（公章）" after the department name, in points from
# the top-left corner, so it covers two lines of text as a real stamp does.
SEAL_CENTRE_PT = (230.0, 214.0)


def image_only_pdf(
    pdf_bytes: bytes,
    *,
    dpi: int = 200,
    seal: bool = True,
    noise: float = 6.0,
    jpeg_quality: int = 75,
    seed: int = 0,
    pages: list[int] | None = None,
) -> bytes:
    """A PDF of page images of `pdf_bytes` (1-based `pages`, default all): no text layer, same page size."""
    rng = np.random.default_rng(seed)
    document = pypdfium2.PdfDocument(pdf_bytes)
    try:
        numbers = pages or list(range(1, len(document) + 1))
        images = [_scan(document, number, dpi, seal and number == 1, noise, rng) for number in numbers]
    finally:
        document.close()
    return images_to_pdf(images, dpi=dpi, jpeg_quality=jpeg_quality)


_FIXED_DATE = time.strptime("2024-01-01", "%Y-%m-%d")  # Pillow writes a struct_time as a PDF date


def images_to_pdf(images: list[Image.Image], *, dpi: int, jpeg_quality: int = 75) -> bytes:
    """One page per image, sized so the image fills it at `dpi` (Pillow stores L/RGB pages as JPEG).

    The dates are fixed so that the same images give the same bytes (Pillow stamps the current time)."""
    out = io.BytesIO()
    first, *rest = images
    first.save(out, format="PDF", save_all=True, append_images=rest, resolution=float(dpi), quality=jpeg_quality,
               creationDate=_FIXED_DATE, modDate=_FIXED_DATE)
    return out.getvalue()


def _scan(
    document: pypdfium2.PdfDocument, number: int, dpi: int, seal: bool, noise: float, rng: np.random.Generator
) -> Image.Image:
    page = document[number - 1]
    try:
        image = page.render(scale=dpi / POINTS_PER_INCH).to_pil().convert("RGB")
    finally:
        page.close()
    # A scan without a seal is usually stored grey; keep colour only where there is red to show.
    image = _with_seal(image, dpi) if seal else image.convert("L")
    image = _with_noise(image, noise, rng)
    # Scanner optics: edges are never pixel-sharp.
    return image.filter(ImageFilter.GaussianBlur(radius=0.4))


def _with_seal(image: Image.Image, dpi: int) -> Image.Image:
    """A red ring with a star and ring text, multiplied onto the page as ink is: black text stays black."""
    scale = dpi / POINTS_PER_INCH
    diameter = SEAL_DIAMETER_PT * scale
    cx, cy = (v * scale for v in SEAL_CENTRE_PT)
    stamp = Image.new("RGB", image.size, "white")
    draw = ImageDraw.Draw(stamp)
    radius = diameter / 2
    ring = max(2, round(diameter * 0.035))
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), outline=SEAL_RED, width=ring)
    draw.polygon(_star(cx, cy, radius * 0.28), fill=SEAL_RED)
    if SEAL_FONT.exists():
        _ring_text(draw, "惠州大亚湾经济技术开发区管理委员会", (cx, cy), radius * 0.78, round(diameter * 0.09))
    return ImageChops.multiply(image, stamp)


def _star(cx: float, cy: float, radius: float) -> list[tuple[float, float]]:
    points = []
    for index in range(10):
        r = radius if index % 2 == 0 else radius * 0.4
        angle = -math.pi / 2 + index * math.pi / 5
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    return points


def _ring_text(draw: ImageDraw.ImageDraw, text: str, centre: tuple[float, float], radius: float, size: int) -> None:
    """The characters upright along the upper arc (not rotated: close enough to fool an OCR detector)."""
    font = ImageFont.truetype(str(SEAL_FONT), size)
    span = math.radians(240)
    start = -math.pi / 2 - span / 2
    for index, char in enumerate(text):
        angle = start + span * index / max(1, len(text) - 1)
        x = centre[0] + radius * math.cos(angle)
        y = centre[1] + radius * math.sin(angle)
        draw.text((x, y), char, fill=SEAL_RED, font=font, anchor="mm")


def _with_noise(image: Image.Image, sigma: float, rng: np.random.Generator) -> Image.Image:
    """Gaussian sensor noise of `sigma` grey levels, the same on every channel (a grey scanner)."""
    if sigma <= 0:
        return image
    pixels = np.asarray(image, dtype=np.float32)
    noise = rng.normal(0.0, sigma, pixels.shape[:2]).astype(np.float32)
    if pixels.ndim == 3:
        noise = noise[..., None]
    return Image.fromarray(np.clip(pixels + noise, 0, 255).astype(np.uint8))


def without_tounicode(pdf_bytes: bytes) -> bytes:
    """The PDF with every /ToUnicode entry blanked out: same glyphs on screen, garbage when extracted.

    The entries are overwritten with spaces of the same length, so the cross-reference offsets stay valid.
    Works on the sample PDFs because reportlab writes font dictionaries as plain (uncompressed) objects.
    """
    blanked, count = re.subn(rb"/ToUnicode \d+ 0 R", lambda m: b" " * len(m.group(0)), pdf_bytes)
    if not count:
        raise ValueError("no /ToUnicode entry in plain objects: the PDF uses object streams or has no maps")
    return blanked


def blank_page_pdf(*, dpi: int = 150, speckles: int = 0, seed: int = 0) -> bytes:
    """One A4 page image: white, or with `speckles` random dark blots over heavy noise (a bad scan)."""
    size = (round(595.28 * dpi / POINTS_PER_INCH), round(841.89 * dpi / POINTS_PER_INCH))
    image = Image.new("L", size, 255)
    if speckles:
        rng = np.random.default_rng(seed)
        draw = ImageDraw.Draw(image)
        for x, y, w, h, grey in zip(
            rng.uniform(0, size[0], speckles),
            rng.uniform(0, size[1], speckles),
            rng.uniform(2, 40, speckles),
            rng.uniform(2, 25, speckles),
            rng.integers(0, 120, speckles),
            strict=True,
        ):
            draw.rectangle((x, y, x + w, y + h), fill=int(grey))
        image = _with_noise(image, 60.0, rng)
    return images_to_pdf([image], dpi=dpi)
