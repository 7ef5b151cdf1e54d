"""A pattern told where its matches start (perf_etl/text/scanning.py) finds what it finds without being told."""

import json
from pathlib import Path

import pytest

import perf_etl.extract.indicators  # noqa: F401  (defines led patterns)
from perf_etl.text.scanning import LED_PATTERNS, led_by
from perf_etl.text.simplified import to_simplified

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


def _texts() -> list[str]:
    texts = [path.read_text(encoding="utf-8") for path in sorted(SAMPLES.glob("*.txt"))]
    for batch in sorted([*(FIXTURES / "real").glob("batch_*.jsonl"), *(FIXTURES / "generated").glob("batch_*.jsonl")]):
        texts += [json.loads(line)["text"] for line in batch.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [*texts, *(to_simplified(text) for text in texts)]


def _spans(pattern, text: str) -> list[tuple[int, int, tuple]]:
    return [(m.start(), m.end(), m.groups()) for m in pattern.finditer(text)]


@pytest.mark.parametrize("led, written", LED_PATTERNS, ids=[written[:30] for _, written in LED_PATTERNS])
def test_a_led_pattern_finds_what_it_finds_unled(led, written):
    import re

    unled = re.compile(written)
    texts = _texts()
    assert sum(len(_spans(unled, text)) for text in texts) > 0  # the corpus exercises it
    for text in texts:
        assert _spans(led, text) == _spans(unled, text)


def test_a_wrong_lead_loses_matches():
    # What the test above guards against: a lead that leaves out a first character.
    assert led_by("年", r"(?:年初|全年)目标值").findall("全年目标值") == []
