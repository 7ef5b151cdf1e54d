"""How well marts.review_queue puts the real corpus's wrong values first.

The labelled texts of perf_etl_tests/fixtures/real/ go through the pipeline's own stage functions (ingest_file,
normalize_document, the core stage's `extract`, the contract checks, pandera's
validate_core) into a real DuckDB warehouse, whose marts are built by `build_marts`; the queue is then read
back in its order (priority, then urgency, then report and field) and each row is judged against the labels.

Only what can be judged is counted: the positives (texts that are reports) the gate accepted, and the
labelled fields of real_corpus.LABELLED_FIELDS. A wrong value is a field whose `judged()` is wrong — a wrong
value read, or a stated value not read (the queue lists a report without a department name, and a missing
figure whose words it finds in the text or whose report states its other totals; a missing figure without
either has no row and counts as not in the top). The rejected positives are not in the warehouse and are left
out.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pandas as pd

from perf_etl.extract.real_corpus import LABELLED_FIELDS, RUN_AT, RealText
from perf_etl.grid import cells_frame
from perf_etl.ingest.ingest import ingest_file
from perf_etl.marts.build import build_marts
from perf_etl.models import IngestedFile, RawDocument, StagedDocument, records_frame
from perf_etl.normalize import normalize_document
from perf_etl.parallel import Parallelism
from perf_etl.stages.core import extract
from perf_etl.stages.staging import staging_frames
from perf_etl.validate.checks import run_contract_checks
from perf_etl.validate.rows import validate_core
from perf_etl.warehouse import check_results, store

TOP_SHARE = 0.2  # the "top fifth"


@dataclass(frozen=True)
class QueueMeasurement:
    rows: int  # queue rows of labelled fields of accepted positives
    wrong: int  # wrong values among the judged fields (of the accepted positives)
    wrong_in_queue: int  # of those, how many have a queue row
    wrong_in_top: int  # of those, how many are in the first TOP_SHARE of the rows
    top_rows: int
    wrong_in_priority_1_2: int
    priority_1_2_rows: int

    @property
    def share_in_top(self) -> float:
        return self.wrong_in_top / self.wrong if self.wrong else 1.0


def corpus_warehouse(texts: Sequence[RealText], warehouse: Path, now: datetime = RUN_AT) -> dict[str, RealText]:
    """Build `warehouse` (raw.documents, staging, core, meta.check_results, marts) from `texts`, each as its own
    .txt landing file; returns document_id -> text of the accepted ones."""
    documents: list[RawDocument] = []
    staged: list[StagedDocument] = []
    cells: list[pd.DataFrame] = []
    accepted: dict[str, RealText] = {}
    with tempfile.TemporaryDirectory(prefix="perf-etl-queue-") as tmp:
        root = Path(tmp)
        for text in texts:
            path = root / f"{text.id}.txt"
            path.write_text(text.text, encoding="utf-8")
            outcome = ingest_file(path, root, now)
            path.unlink()
            if not isinstance(outcome, IngestedFile) or outcome.document.document_id in accepted:
                continue
            doc = outcome.document
            accepted[doc.document_id] = text
            documents.append(doc)
            staged.append(normalize_document(doc.document_id, doc.fiscal_year, outcome.pages))
            cells.append(cells_frame(doc.document_id, doc.fiscal_year, outcome.tables))
    years = sorted({d.fiscal_year for d in documents if d.fiscal_year is not None})
    source_paths = {d.document_id: d.source_path for d in documents}
    tables = pd.concat(cells, ignore_index=True) if cells else None
    frames, _ = extract(staged, source_paths, now=now, tables=tables, parallel=Parallelism(workers=0))
    outcomes = run_contract_checks(frames, years)
    core, _ = validate_core(frames, source_paths, now)
    staging = staging_frames(staged)
    with store.connect(warehouse) as conn:
        writes = [store.TableWrite("raw.documents", records_frame(documents, RawDocument)),
                  store.TableWrite("staging.documents", staging["documents"]),
                  store.TableWrite("staging.sections", staging["sections"]),
                  *(store.TableWrite(f"core.{table}", frame) for table, frame in core.items())]
        store.write_partition(conn, years, writes)
        # After raw.documents is written: a failing row's year is its document's.
        store.write_partition_with(conn, years, [], check_results.save_statements(conn, outcomes, years, now))
        build_marts(conn, years)
    return accepted


def measure_queue(warehouse: Path, texts: dict[str, RealText]) -> QueueMeasurement:
    """Judge the queue of `warehouse` (built by corpus_warehouse) against the texts' labels."""
    with store.connect(warehouse, read_only=True) as conn:
        queue = conn.execute(
            "SELECT report_id, field, priority FROM marts.review_queue WHERE list_contains(?, field) "
            "ORDER BY priority, urgency DESC, report_id, field", [list(LABELLED_FIELDS)]).fetchall()
        values = conn.execute("SELECT * FROM core.reports").df()
    # A text's labels are those of its first report (a file holding several: the rest are not labelled).
    first_reports = {row["report_id"]: row["document_id"] for row in values.to_dict("records")
                     if row["report_ordinal"] == 1}
    queue = [row for row in queue
             if row[0] in first_reports and first_reports[row[0]] in texts and texts[first_reports[row[0]]].is_report]
    wrong = _wrong_fields(values[values["report_ordinal"] == 1], texts)
    top_rows = round(len(queue) * TOP_SHARE)
    keys = [(report, field) for report, field, _ in queue]
    first = {(report, field) for report, field, priority in queue if priority <= 2}
    return QueueMeasurement(
        rows=len(queue), wrong=len(wrong), wrong_in_queue=len(wrong & set(keys)),
        wrong_in_top=len(wrong & set(keys[:top_rows])), top_rows=top_rows,
        wrong_in_priority_1_2=len(wrong & first), priority_1_2_rows=len(first))


def _wrong_fields(reports: pd.DataFrame, texts: dict[str, RealText]) -> set[tuple[str, str]]:
    """(report_id, field) of the labelled fields whose value is wrong, for the positives in core."""
    wrong: set[tuple[str, str]] = set()
    for row in reports.to_dict("records"):
        text = texts.get(row["document_id"])
        if text is None or not text.is_report:
            continue
        for field in LABELLED_FIELDS:
            value = row[field]
            value = None if value is None or pd.isna(value) else _plain(value)
            if not text.accepts(field, value):
                wrong.add((row["report_id"], field))
    return wrong


def _plain(value: object) -> object:
    """A DuckDB value as the extractor gives it (Decimal -> float)."""
    return float(value) if isinstance(value, Decimal) else value
