"""Character accuracy of OCR output against the text it was rendered from."""

from __future__ import annotations

from perf_etl.ingest.classify import is_cjk


def significant(text: str) -> str:
    """The characters accuracy is judged on: Chinese characters and ASCII digits, in order.

    Punctuation and spacing differ legitimately between a text layer and OCR (full-width or not, a
    space at a line break); the characters that carry a report's names and numbers do not.
    """
    return "".join(char for char in text if is_cjk(char) or "0" <= char <= "9")


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions), two rows of the DP table at a time."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        previous = current
    return previous[-1]


def char_accuracy(reference: str, ocr: str) -> float:
    """1 - edit distance / reference length, on the significant characters of both."""
    ref, got = significant(reference), significant(ocr)
    if not ref:
        return 1.0 if not got else 0.0
    return 1.0 - edit_distance(ref, got) / len(ref)


def document_accuracy(reference_pages: list[str], ocr_pages: list[str]) -> float:
    """Accuracy of a document read page by page: 1 - summed page edit distances / summed lengths.

    OCR keeps page boundaries, so aligning page with page gives the document's distance at a fraction of
    the cost of one alignment over the whole text (the DP is quadratic in the length).
    """
    if len(reference_pages) != len(ocr_pages):
        raise ValueError(f"{len(reference_pages)} reference pages, {len(ocr_pages)} OCR pages")
    pairs = [(significant(ref), significant(got)) for ref, got in zip(reference_pages, ocr_pages, strict=True)]
    length = sum(len(ref) for ref, _ in pairs)
    if not length:
        return 1.0
    return 1.0 - sum(edit_distance(ref, got) for ref, got in pairs) / length
