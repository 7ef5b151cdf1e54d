"""One 自评表, three sources: a ruled PDF table, a Word table and the same table flattened into text (each
layout perf_etl/tables/flat.py reads) give the same indicator rows (issue 18, item 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from perf_etl.extract.table_rows import read_reading
from perf_etl.ingest.readers import read_document
from perf_etl_tests.fixtures.table_pdfs import MERGED_DATA, PROSE


def _row_cells() -> list[list[str]]:
    # As a web page or converter flattens it: a merged cell once, at the first row it covers.
    return [[cell for cell in row if cell is not None] for row in MERGED_DATA]


def _pipe_rows() -> str:
    return "\n".join("| " + " | ".join(row) + " |" for row in _row_cells())


def _cell_a_line() -> str:
    return "\n".join(f"{cell} |" if cell else "|" for row in _row_cells() for cell in row)


def _spaced() -> str:
    return "\n".join(" ".join(cell for cell in row if cell) for row in _row_cells())


def _fields(path: Path) -> list[tuple]:
    indicators = read_reading("d", 2023, read_document(path).tables).indicators
    return [(i.level1, i.level2, i.indicator_name, i.target_text, i.actual_text, i.target_value, i.actual_value,
             i.weight, i.score, i.comparison, i.met, i.deviation_reason) for i in indicators]


# Run together, this table is ambiguous: its 分值 comes before a target without a sign ("20160宗174宗" is 20
# and 160宗, or 201 and 60宗); tables/test_run_together.py has the run-together layouts that can be read.
@pytest.mark.parametrize("layout", [_pipe_rows, _cell_a_line, _spaced])
def test_a_flattened_table_gives_the_rows_of_the_ruled_and_the_word_table(table_files, tmp_path, layout):
    pdf, word = _fields(table_files["merged"]), _fields(table_files["merged_docx"])
    text = tmp_path / "report.txt"
    text.write_text("\n".join([*PROSE, layout()]), encoding="utf-8")
    assert len(pdf) == 4
    assert pdf == word == _fields(text)
