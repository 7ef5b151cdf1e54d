"""Corrections: a report field's value checked by a person, kept in a store of its own and applied by every
core run (../shared/data-contract.md, `review.corrections`).

The store is a small DuckDB file beside the warehouse (`corrections_store`), never the warehouse itself: the
review page records a correction without waiting for a run, and a run reads the store once when its core
step starts. It holds one correction per (report_id, field), the last one recorded.

A correction names the value the extractor gave when it was made (`extracted_value`, as core.field_evidence
renders it). The core step applies it to a report of its years only while the extractor still gives that
value (`apply_corrections`): core.reports takes the corrected value (None clears the field) and the field's
evidence row becomes rule 'correction', raw_text saying who and why, with the extracted value beside it.
Otherwise the correction waits, listed in review.corrections with its status (`review_rows`): the report is
gone ('report_missing') or now reads differently ('source_changed'). Derived fields follow a corrected input
(a corrected budget recomputes execution_rate_computed_pct) unless they are corrected themselves.

In a CSV file (`write_csv`, `read_csv`: what a team keeps in version control) an empty cell is None: the store
refuses an empty or blank value, so every correction it holds goes through a CSV file and back unchanged.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd
import pandera.errors

from perf_etl.extract import grade_for_score
from perf_etl.extract.departments import department_key
from perf_etl.extract.hits import render_value
from perf_etl.models import REPORT_COLUMNS
from perf_etl.settings import TIMEZONE
from perf_etl.validate.schemas import CORRECTION_RULE, REPORT_ID, ReportsModel
from perf_etl.warehouse.store import _connect_when_unlocked, transaction

# Columns of core.reports a correction may not name, and why.
NOT_CORRECTABLE: dict[str, str] = {
    "report_id": "it is the report's identity",
    "document_id": "it is the report's file (report_id names the report)",
    "report_ordinal": "it is the report's place in its file",
    "fiscal_year": "it decides the report's partition: put the file in the right <year>/ landing folder instead",
    "extractor_version": "it is set by the extractor",
}
CORRECTABLE_FIELDS: tuple[str, ...] = tuple(c for c in REPORT_COLUMNS if c not in NOT_CORRECTABLE)

# review.corrections.status
APPLIED, REPORT_MISSING, SOURCE_CHANGED, PENDING = "applied", "report_missing", "source_changed", "pending"

CSV_COLUMNS = ("report_id", "field", "value", "reason", "corrected_by", "corrected_at", "extracted_value")
# How long recording waits for another process (a run reading the store, the page writing) to let go of it.
STORE_LOCK_TIMEOUT_SECONDS = 30.0

_REPORT_SCHEMA = ReportsModel.to_schema()
_REPORT_ID = re.compile(REPORT_ID)


class CorrectionError(ValueError):
    """A correction that cannot be recorded; the message is one line a person can act on."""


@dataclass(frozen=True)
class Correction:
    """A report field's value as a person checked it (one row of review.corrections)."""

    report_id: str  # core.reports.report_id: its file's document_id, ":<n>" after it for the n-th of several
    field: str  # a core.reports column (CORRECTABLE_FIELDS)
    value: str | None  # None: clear the field
    reason: str
    corrected_by: str
    corrected_at: datetime  # time-zone aware
    extracted_value: str | None  # what the extractor gave when the correction was made (to detect a changed source)


# ---------------------------------------------------------------- values


def _kind(field: str) -> str:
    """'float', 'int' or 'str': how core.reports holds the field."""
    dtype = str(_REPORT_SCHEMA.columns[field].dtype)
    return "float" if dtype.startswith("float") else "int" if dtype == "Int64" else "str"


def typed_value(field: str, text: str | None) -> Any:
    """The core.reports value of a field's text ('1200' -> 1200.0 for money); raises CorrectionError when the
    text is no value of the field's kind."""
    if text is None:
        return None
    kind = _kind(field)
    try:
        if kind == "float":
            number = float(Decimal(text.strip().replace(",", "")))
            if not math.isfinite(number):
                raise ValueError(text)
            return round(number, 2)
        if kind == "int":
            return int(text.strip().replace(",", ""))
    except (ValueError, InvalidOperation):
        raise CorrectionError(f"{field}: {text!r} is not {'a number' if kind == 'float' else 'a whole number'}"
                              ) from None
    return text.strip()


def rendered(field: str, value: Any) -> str | None:
    """A core.reports value as core.field_evidence renders it (money with 2 decimals); None for a null."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if _kind(field) == "float":
        return render_value(float(value))
    if _kind(field) == "int":
        return str(int(value))
    return str(value)


def canonical(field: str, text: str | None) -> str | None:
    """`text` as the field's evidence would render it ('1,200' -> '1200.00' for money), or stripped as it is
    when it is no value of the field's kind; None for None or a blank."""
    if text is None or not text.strip():
        return None
    try:
        return rendered(field, typed_value(field, text))
    except CorrectionError:
        return text.strip()


def extracted_value_of(rule: str, value: str | None, extracted_value: str | None) -> str | None:
    """What the extractor gave for a field, from its core.field_evidence row: the row's extracted_value when
    a correction is applied to it, else its value. (The `extracted_value` of a new correction.)"""
    return extracted_value if rule == CORRECTION_RULE else value


def checked(correction: Correction) -> Correction:
    """The correction as the store holds it (values rendered as evidence renders them, texts stripped, time
    in UTC), or CorrectionError saying what is wrong with it."""
    report_id = correction.report_id.strip().lower()
    if not _REPORT_ID.match(report_id):
        raise CorrectionError(f"report_id {correction.report_id!r} is not a report's id (its file's document_id, "
                              "64 hexadecimal digits, with ':<n>' for the n-th report of a file that holds several)")
    field = correction.field.strip()
    if field in NOT_CORRECTABLE:
        raise CorrectionError(f"field {field!r} cannot be corrected: {NOT_CORRECTABLE[field]}")
    if field not in CORRECTABLE_FIELDS:
        raise CorrectionError(f"unknown field {field!r}; a correction names a core.reports column: "
                              + ", ".join(CORRECTABLE_FIELDS))
    if correction.value is not None and not correction.value.strip():
        raise CorrectionError(f"{field}: an empty value; to clear the field, record no value (None, an empty "
                              "cell in a CSV file)")
    value = typed_value(field, correction.value)
    _check_allowed(field, value)
    reason, who = correction.reason.strip(), correction.corrected_by.strip()
    if not reason:
        raise CorrectionError(f"{field}: a correction needs a reason")
    if not who:
        raise CorrectionError(f"{field}: a correction needs who made it (corrected_by)")
    at = correction.corrected_at
    if at.tzinfo is None or at.utcoffset() is None:
        raise CorrectionError(f"corrected_at {at.isoformat()} has no time zone")
    return Correction(report_id, field, rendered(field, value), reason, who, at.astimezone(timezone.utc),
                      canonical(field, correction.extracted_value))


def _check_allowed(field: str, value: Any) -> None:
    """The core.reports model's rule for the column (a grade is one of 优/良/中/差, money ≥ 0, …)."""
    if value is None:
        return
    try:
        _REPORT_SCHEMA.columns[field].validate(pd.DataFrame({field: [value]}))
    except pandera.errors.SchemaError as error:
        check = getattr(error.check, "error", None) or getattr(error.check, "name", None) or error.check
        raise CorrectionError(f"{field} = {value!r} fails {check}") from None


# ---------------------------------------------------------------- the store


_STORE_SQL = """
CREATE TABLE IF NOT EXISTS corrections (
    report_id VARCHAR NOT NULL,
    field VARCHAR NOT NULL,
    value VARCHAR,
    reason VARCHAR NOT NULL,
    corrected_by VARCHAR NOT NULL,
    corrected_at TIMESTAMP NOT NULL,  -- UTC
    extracted_value VARCHAR,
    PRIMARY KEY (report_id, field)
)
"""


@contextlib.contextmanager
def _opened(store: Path, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """The store, open for as short as the block: a run and the page take turns (waiting for each other's
    lock up to STORE_LOCK_TIMEOUT_SECONDS)."""
    if not read_only:
        store.parent.mkdir(parents=True, exist_ok=True)
    conn = _connect_when_unlocked(str(store), read_only, STORE_LOCK_TIMEOUT_SECONDS)
    try:
        if not read_only:
            conn.execute(_STORE_SQL)
        yield conn
    finally:
        conn.close()


def _row(correction: Correction) -> list[object]:
    return [correction.report_id, correction.field, correction.value, correction.reason, correction.corrected_by,
            correction.corrected_at.astimezone(timezone.utc).replace(tzinfo=None), correction.extracted_value]


def record_correction(store: Path, correction: Correction) -> None:
    """Insert the correction, or replace the one of its (report_id, field); CorrectionError when it is wrong
    (nothing is recorded then)."""
    record_corrections(store, [correction])


def record_corrections(store: Path, corrections: Sequence[Correction], *, replace_all: bool = False) -> int:
    """Record every correction in one transaction (all or none; CorrectionError before any is written when one
    is wrong); `replace_all` first removes the store's others. Returns how many were recorded."""
    rows = [_row(checked(correction)) for correction in corrections]
    seen: set[tuple[object, object]] = set()
    for row in rows:
        if (row[0], row[1]) in seen:
            raise CorrectionError(f"two corrections of {row[1]} for report {row[0]}")
        seen.add((row[0], row[1]))
    with _opened(Path(store)) as conn, transaction(conn):
        if replace_all:
            conn.execute("DELETE FROM corrections")
        if rows:
            conn.executemany("INSERT OR REPLACE INTO corrections VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    return len(rows)


def load_corrections(store: Path) -> list[Correction]:
    """Every correction of the store, by report_id and field; none when the store does not exist yet."""
    if not Path(store).exists():
        return []
    with _opened(Path(store), read_only=True) as conn:
        if not conn.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'corrections'").fetchone()[0]:
            return []
        rows = conn.execute("SELECT report_id, field, value, reason, corrected_by, corrected_at, extracted_value "
                            "FROM corrections ORDER BY report_id, field").fetchall()
    return [Correction(r[0], r[1], r[2], r[3], r[4], r[5].replace(tzinfo=timezone.utc), r[6]) for r in rows]


def delete_correction(store: Path, report_id: str, field: str) -> bool:
    """Remove the correction of (report_id, field); False when there was none."""
    if not Path(store).exists():
        return False
    with _opened(Path(store)) as conn:
        found = conn.execute("SELECT count(*) FROM corrections WHERE report_id = ? AND field = ?",
                             [report_id, field]).fetchone()[0]
        conn.execute("DELETE FROM corrections WHERE report_id = ? AND field = ?", [report_id, field])
    return bool(found)


# ---------------------------------------------------------------- CSV


def write_csv(corrections: Iterable[Correction], out: io.TextIOBase | Any) -> int:
    """The corrections as CSV rows under a header (CSV_COLUMNS); None as an empty cell, times in ISO 8601
    with their offset (UTC). Open `out` with encoding 'utf-8-sig' and newline='' (Excel then reads Chinese)."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for correction in corrections:
        writer.writerow(["" if (v := getattr(correction, column)) is None
                         else v.isoformat() if isinstance(v, datetime) else v for column in CSV_COLUMNS])
        count += 1
    return count


def read_csv(path: Path) -> list[Correction]:
    """The corrections of a CSV file as `write_csv` writes it (a BOM or none; columns in any order; an empty
    cell is None; a time without an offset is Beijing time), each checked as the store will check it.
    CorrectionError naming the file and line when anything is wrong."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise CorrectionError(f"{path}: not UTF-8 text (save it as 'CSV UTF-8')") from None
    except OSError as error:
        raise CorrectionError(f"{path}: {error.strerror or error}") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [column for column in CSV_COLUMNS if column not in header]
    if missing:
        raise CorrectionError(f"{path}: missing column(s) {', '.join(missing)} (the header is "
                              f"{','.join(CSV_COLUMNS)})")
    unknown = [column for column in header if column not in CSV_COLUMNS]
    if unknown:
        raise CorrectionError(f"{path}: unknown column(s) {', '.join(map(repr, unknown))} (the header is "
                              f"{','.join(CSV_COLUMNS)})")
    corrections = []
    try:
        for cells in reader:
            line = reader.line_num
            if None in cells or any(cells[column] is None for column in CSV_COLUMNS):
                raise CorrectionError(f"{path} line {line}: {len(CSV_COLUMNS)} cells expected")
            corrections.append(_checked_row(path, line, cells))
    except csv.Error as error:
        raise CorrectionError(f"{path} line {reader.line_num}: {error}") from None
    return corrections


def _checked_row(path: Path, line: int, cells: Mapping[str, str]) -> Correction:
    def cell(column: str) -> str | None:
        return cells[column] if cells[column] != "" else None

    try:
        return checked(Correction(
            report_id=cells["report_id"], field=cells["field"], value=cell("value"), reason=cells["reason"],
            corrected_by=cells["corrected_by"], corrected_at=_parsed_time(cells["corrected_at"]),
            extracted_value=cell("extracted_value")))
    except CorrectionError as error:
        raise CorrectionError(f"{path} line {line}: {error}") from None


def _parsed_time(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise CorrectionError(f"corrected_at {text!r} is not a date and time (ISO 8601, e.g. "
                              "2025-03-01T09:30:00+08:00)") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=ZoneInfo(TIMEZONE))


# ---------------------------------------------------------------- applying in core


def by_year(conn: duckdb.DuckDBPyConnection, corrections: Sequence[Correction],
            years: Sequence[int]) -> dict[int, list[Correction]]:
    """The corrections of each of `years` whose report is in a document of that year (raw.documents)."""
    if not corrections:
        return {}
    rows = conn.execute("SELECT document_id, fiscal_year FROM raw.documents WHERE list_contains(?, fiscal_year) "
                        "AND list_contains(?, document_id)",
                        [[int(y) for y in years], sorted({document_of(c.report_id) for c in corrections})]).fetchall()
    year_of = dict(rows)
    found: dict[int, list[Correction]] = {}
    for correction in corrections:
        if document_of(correction.report_id) in year_of:
            found.setdefault(int(year_of[document_of(correction.report_id)]), []).append(correction)
    return found


def document_of(report_id: str) -> str:
    """The document_id of the file a report is in (the contract's report_id is `<document_id>[:<n>]`)."""
    return report_id.partition(":")[0]


def fingerprint(corrections: Sequence[Correction]) -> str:
    """An md5 of the corrections (in any order), for the core stage's input fingerprint of their year."""
    rows = sorted(tuple(str(v) for v in _row(c)) for c in corrections)
    return hashlib.md5(repr(rows).encode()).hexdigest() if rows else ""


def _note(correction: Correction) -> str:
    """raw_text of a correction's evidence row."""
    return (f"corrected by {correction.corrected_by} at {correction.corrected_at:%Y-%m-%d %H:%M} UTC: "
            f"{correction.reason}")


# A corrected value's confidence (perf_etl/extract/confidence.py): a person checked it.
_CHECKED = {"confidence": "high", "confidence_note": "corrected by a person"}

# derived field -> (the fields it is computed from, its evidence rule), as perf_etl.extract.derived_hits.
DERIVED: dict[str, tuple[tuple[str, ...], str]] = {
    "execution_rate_computed_pct": (("expenditure_wan", "budget_wan"), "derived:expenditure_wan/budget_wan*100"),
    "grade_from_score": (("self_score",), "derived:grade_from_score"),
    "department_key": (("department_name", "region"), "derived:department_key"),
}


def apply_corrections(frames: Mapping[str, pd.DataFrame], corrections: Sequence[Correction]) -> dict[str, pd.DataFrame]:
    """`frames` (core frames before validation) with the corrections whose report is among frames["reports"]
    and whose extracted value is still what the extractor gives: core.reports takes the corrected value, the
    field's evidence row becomes rule 'correction' (one is added at page 1, offset 0 when the field had none),
    and derived fields of corrected inputs are computed again. The others are left out (see `review_rows`)."""
    reports = frames["reports"].copy()
    evidence = frames["field_evidence"].copy()
    row_of = {report_id: index for index, report_id in reports["report_id"].items()}
    evidence_of = _evidence_index(evidence)
    added: list[dict[str, object]] = []
    corrected: dict[str, set[str]] = {}
    for correction in corrections:
        index = row_of.get(correction.report_id)
        if index is None:
            continue
        at = evidence_of.get((correction.report_id, correction.field))
        now = _extracted_now(correction.field, reports.at[index, correction.field],
                             None if at is None else evidence.loc[at])
        if now != correction.extracted_value:
            continue
        reports[correction.field] = reports[correction.field].astype(object)
        reports.at[index, correction.field] = typed_value(correction.field, correction.value)
        corrected.setdefault(correction.report_id, set()).add(correction.field)
        note = {"value": correction.value, "raw_text": _note(correction), "rule": CORRECTION_RULE,
                "extracted_value": now, **(_CHECKED if "confidence" in evidence.columns else {})}
        if at is not None:
            for column, value in note.items():
                evidence.at[at, column] = value
        else:
            added.append({**_blank_evidence(reports.loc[index]), "field": correction.field, **note})
    dropped: list[object] = []
    for report_id, fields_corrected in corrected.items():
        _rederive(reports, row_of[report_id], fields_corrected, evidence, evidence_of, added, dropped)
    evidence = evidence.drop(index=dropped)
    if added:
        evidence = pd.concat([evidence, pd.DataFrame(added, columns=evidence.columns)], ignore_index=True)
    return {**frames, "reports": reports, "field_evidence": evidence}


def _evidence_index(evidence: pd.DataFrame) -> dict[tuple[str, str], object]:
    """(report_id, field) -> the index of its first evidence row, for the core.reports fields."""
    index: dict[tuple[str, str], object] = {}
    report_fields = set(REPORT_COLUMNS)
    for at, report_id, field in zip(evidence.index, evidence["report_id"], evidence["field"], strict=True):
        if field in report_fields:
            index.setdefault((report_id, field), at)
    return index


def _extracted_now(field: str, report_value: Any, evidence: pd.Series | Mapping[str, Any] | None) -> str | None:
    """What the extractor gives for the field: its evidence row's value (its extracted_value when a correction
    is applied to it), else the report's value as evidence renders it."""
    if evidence is not None:
        extracted = extracted_value_of(str(evidence["rule"]), _text(evidence["value"]),
                                       _text(evidence.get("extracted_value")))
        return canonical(field, extracted)
    return rendered(field, report_value)


def _text(value: Any) -> str | None:
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _blank_evidence(report: pd.Series) -> dict[str, object]:
    """An evidence row of the report not read from its text: page 1, an empty span at offset 0 (as for a
    value from a table cell)."""
    return {"report_id": report["report_id"], "document_id": report["document_id"],
            "fiscal_year": report["fiscal_year"], "page_number": 1,
            "char_start": 0, "char_end": 0, "ocr_confidence": None, "extracted_value": None}


def _rederive(reports: pd.DataFrame, index: object, corrected: set[str], evidence: pd.DataFrame,
              evidence_of: Mapping[tuple[str, str], object], added: list[dict[str, object]],
              dropped: list[object]) -> None:
    """Compute again the derived fields of the report whose inputs were corrected (and not they themselves)."""
    report = reports.loc[index]
    report_id = report["report_id"]
    for field, (inputs, rule) in DERIVED.items():
        if field in corrected or not corrected & set(inputs):
            continue
        value = _derived_value(field, report, evidence, evidence_of)
        reports[field] = reports[field].astype(object)
        reports.at[index, field] = value
        at = evidence_of.get((report_id, field))
        if value is None:
            if at is not None:
                dropped.append(at)
            continue
        text = render_value(value)
        if at is not None:
            if evidence.at[at, "value"] != text:
                evidence.at[at, "value"] = text
                evidence.at[at, "raw_text"] = (f"{evidence.at[at, 'raw_text']} (computed again from the corrected "
                                               f"{', '.join(sorted(corrected & set(inputs)))})")
            continue
        sources = [evidence.loc[evidence_of[(report_id, f)]] for f in inputs if (report_id, f) in evidence_of]
        row = {**_blank_evidence(report), "field": field, "value": text, "rule": rule,
               "raw_text": " | ".join(str(s["raw_text"]) for s in sources) or field}
        if sources:
            row.update(page_number=sources[0]["page_number"], char_start=min(s["char_start"] for s in sources),
                       char_end=max(s["char_end"] for s in sources))
        added.append(row)


def _derived_value(field: str, report: pd.Series, evidence: pd.DataFrame,
                   evidence_of: Mapping[tuple[str, str], object]) -> Any:
    def number(column: str) -> float | None:
        value = report[column]
        return None if value is None or pd.isna(value) else float(value)

    if field == "execution_rate_computed_pct":
        budget, spent = number("budget_wan"), number("expenditure_wan")
        return round(spent / budget * 100, 2) if budget and spent is not None else None
    if field == "grade_from_score":
        score = number("self_score")
        return None if score is None else grade_for_score(score)
    name = _text(report["department_name"])
    if name is None:
        return None
    # As derived_hits: a region voted for by running text is no part of the key.
    at = evidence_of.get((report["report_id"], "region"))
    region = _text(report["region"])
    context = region if at is not None and evidence.at[at, "rule"] != "region:cpca_text_majority" else None
    return department_key(name, context)


# ---------------------------------------------------------------- review.corrections


REVIEW_COLUMNS = [*(f.name for f in fields(Correction)), "fiscal_year", "status", "extracted_value_now"]


def review_rows(conn: duckdb.DuckDBPyConnection, corrections: Sequence[Correction]) -> pd.DataFrame:
    """review.corrections: every correction of the store with what became of it in the warehouse's core
    tables (APPLIED, REPORT_MISSING, SOURCE_CHANGED, or PENDING when its year's core rows are older than it)."""
    ids = sorted({c.report_id for c in corrections})
    reports = conn.execute("SELECT * FROM core.reports WHERE list_contains(?, report_id)", [ids]).df()
    evidence = conn.execute("SELECT * FROM core.field_evidence WHERE list_contains(?, report_id)", [ids]).df()
    report_of = {row["report_id"]: row for row in reports.to_dict("records")}
    evidence_of = {(row["report_id"], row["field"]): row for row in evidence.to_dict("records")[::-1]}
    rows = []
    for correction in corrections:
        report = report_of.get(correction.report_id)
        status, now, year = REPORT_MISSING, None, None
        if report is not None:
            year = int(report["fiscal_year"])
            found = evidence_of.get((correction.report_id, correction.field))
            now = _extracted_now(correction.field, report[correction.field], found)
            if now != correction.extracted_value:
                status = SOURCE_CHANGED
            elif found is not None and found["rule"] == CORRECTION_RULE and _text(found["value"]) == correction.value:
                status = APPLIED
            else:
                status = PENDING
        rows.append({**{f.name: getattr(correction, f.name) for f in fields(Correction)},
                     "corrected_at": correction.corrected_at.astimezone(timezone.utc).replace(tzinfo=None),
                     "fiscal_year": year, "status": status, "extracted_value_now": now})
    return pd.DataFrame(rows, columns=REVIEW_COLUMNS).astype({"fiscal_year": "Int64"})


def write_review_table(conn: duckdb.DuckDBPyConnection, corrections: Sequence[Correction]) -> pd.DataFrame:
    """Replace review.corrections with `review_rows` (one transaction); returns the rows."""
    frame = review_rows(conn, corrections)
    conn.register("review_corrections_rows", frame)
    try:
        with transaction(conn):
            conn.execute("DELETE FROM review.corrections")
            if not frame.empty:
                conn.execute("INSERT INTO review.corrections BY NAME SELECT * FROM review_corrections_rows")
    finally:
        conn.unregister("review_corrections_rows")
    return frame
