"""marts.review_queue on the real corpus: the labelled texts through the pipeline's stage functions into a
DuckDB warehouse, the queue read back in its order and judged against the labels (perf_etl/review/measure.py).

Measured at this commit: 1015 queue rows of labelled fields, 117 wrong values (63 wrong values read, 54 stated
values not read), 95 of them listed, 69 in the first fifth (203 rows; 69 also in the first 196, the fifth before
this change): 59 %, against 50 of 117 (43 %) before the queue looked in the text for stated figures not read and
compared a report's money fields; priorities 1–2 hold 171 rows with 61 wrong (36 %, against 11 % in the whole queue).
Since a file's reports are told apart (extract/reports.py; the labels are those of a text's first report): 114
wrong, 92 listed, 66 in the first fifth (58 %), 58 of 168 rows in priorities 1–2.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from perf_etl.extract.real_corpus import load_corpus
from perf_etl.review.measure import QueueMeasurement, corpus_warehouse, measure_queue

REAL = Path(__file__).parents[1] / "fixtures" / "real"
# The share of the wrong values the queue puts in its first fifth: issue 20's floor, half. It is 73 of 141 (52 %)
# since the third blind batch (batch 13: the wrong values of texts no rule was written for rank lower; it was
# 66 of 114 before it). A share, not a count: a value the extractor gets right leaves the queue's count.
WRONG_IN_TOP_SHARE_FLOOR = 0.5


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> QueueMeasurement:
    warehouse = tmp_path_factory.mktemp("queue") / "warehouse.duckdb"
    texts = corpus_warehouse(load_corpus(REAL), warehouse)
    return measure_queue(warehouse, texts)


def test_the_corpus_has_wrong_values_to_rank(measured: QueueMeasurement) -> None:
    assert measured.wrong >= 100 and measured.rows >= 5 * measured.wrong_in_top


def test_wrong_values_the_queue_lists_are_mostly_in_its_first_fifth(measured: QueueMeasurement) -> None:
    assert measured.wrong_in_top >= WRONG_IN_TOP_SHARE_FLOOR * measured.wrong, measured
    assert measured.wrong_in_top >= measured.wrong_in_queue / 2, measured


def test_the_first_priorities_are_denser_in_wrong_values_than_the_queue(measured: QueueMeasurement) -> None:
    first = measured.wrong_in_priority_1_2 / measured.priority_1_2_rows
    assert first >= 2 * measured.wrong / measured.rows, measured  # 36 % against 11 % now


def test_half_of_all_wrong_values_are_in_the_first_fifth(measured: QueueMeasurement) -> None:
    assert measured.share_in_top >= 0.5, measured
