"""What `perf-etl run` and `perf-etl extract` do, once perf_etl/cli.py has parsed their arguments.

Dagster, and what `extract` needs (the rules, pandera), are imported where they are used: `run` reads the
landing folder while another thread loads Dagster's definitions and instance, so this module imports only
what reading needs.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from tqdm import tqdm

from perf_etl.ingest.ingest import LandingResult
from perf_etl.models import RejectedFile
from perf_etl.settings import FIRST_FISCAL_YEAR, Settings, last_closed_fiscal_year
from perf_etl.stages.raw import landing_years, read_landing, record_yearless_rejections, years_left_behind
from perf_etl.warehouse import store

if TYPE_CHECKING:
    import dagster as dg


def contiguous_ranges(years: Sequence[int]) -> list[tuple[int, int]]:
    """[2020, 2021, 2023, 2024] -> [(2020, 2021), (2023, 2024)]."""
    ranges: list[tuple[int, int]] = []
    for year in sorted(set(years)):
        if ranges and ranges[-1][1] == year - 1:
            ranges[-1] = (ranges[-1][0], year)
        else:
            ranges.append((year, year))
    return ranges


def _range_tags(first: int, last: int) -> dict[str, str]:
    # A partition range is one run under the assets' single-run backfill policy: the landing folder is
    # read once for all its years instead of once per year.
    from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

    return {ASSET_PARTITION_RANGE_START_TAG: str(first), ASSET_PARTITION_RANGE_END_TAG: str(last)}


def _persistent_instance() -> dg.DagsterInstance | None:
    """The instance of DAGSTER_HOME when it is set (runs then show in the UI; its storage made under a lock,
    see perf_etl/instance.py), else None."""
    from perf_etl.instance import prepared_instance

    home = os.environ.get("DAGSTER_HOME")
    return prepared_instance(Path(home)) if home else None


# Step-level DEBUG events are for the UI; the terminal gets progress and problems.
CONSOLE_AT_INFO = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}


class UsageError(Exception):
    """A wrong argument: said in one line, exit code 2."""


def run_ranges(years: Sequence[int], *, as_asked: bool) -> list[tuple[int, int]]:
    """The Dagster runs for `years`: the years asked for (`--years`), one run per range of consecutive years;
    the landing folder's own years, one run from the first to the last. The years between those have no
    landing file and no warehouse row (a year with rows but no file left is among the years, to be emptied),
    so the run records them empty, and one run costs less than several: a run's start, its steps' and their
    events' are fixed costs of seconds, an empty year's a fraction of one."""
    if not years:
        return []
    return contiguous_ranges(years) if as_asked else [(min(years), max(years))]


def run_command(settings: Settings, years: list[int] | None) -> int:
    landing, warehouse = settings.landing, settings.warehouse
    _check_run_arguments(landing, years)
    with contextlib.ExitStack() as stack:
        # Dagster's definitions and the instance's storage load (a second or so) while the landing folder is
        # read: the reading is done in worker processes, and this process mostly waits for them.
        setup = stack.enter_context(ThreadPoolExecutor(max_workers=1, thread_name_prefix="dagster-setup"))
        loading = setup.submit(_job_and_instance, settings)
        stack.callback(_dispose_instance, loading)
        if years:
            ranges = run_ranges(years, as_asked=True)
        else:
            settled = read_with_progress_bar(settings)
            ranges = run_ranges(_years_to_run(settled, landing, warehouse), as_asked=False)
            if not ranges:
                with store.connect(warehouse) as conn:
                    recorded = record_yearless_rejections(conn, settled)
                print(f"no fiscal year in {landing} to run; {recorded} file(s) of unknown year recorded in "
                      "raw.rejected_files", file=sys.stderr)
        years = [year for first, last in ranges for year in range(first, last + 1)]
        job, persistent = loading.result()
        # A throwaway instance is made here: its in-memory SQLite belongs to the thread that makes it.
        instance = persistent or stack.enter_context(_ephemeral_instance())
        failed = []
        for first, last in ranges:
            result = job.execute_in_process(tags=_range_tags(first, last), instance=instance,
                                            raise_on_error=False, run_config=CONSOLE_AT_INFO)
            if not result.success:
                failed.append(f"{first}-{last}" if last > first else str(first))
    print_summary(warehouse, years)
    if failed:
        print(f"pipeline failed for fiscal year(s) {failed}; see the run logs above", file=sys.stderr)
        return 1
    return 0


def _job_and_instance(settings: Settings) -> tuple[dg.JobDefinition, dg.DagsterInstance | None]:
    from perf_etl.defs.definitions import build_definitions  # Dagster definitions load only for `run`

    job = build_definitions(settings=settings).resolve_job_def("fiscal_year_job")
    return job, _persistent_instance()


def _ephemeral_instance() -> dg.DagsterInstance:
    import dagster as dg

    return dg.DagsterInstance.ephemeral()


def _dispose_instance(loading: Future[tuple[dg.JobDefinition, dg.DagsterInstance | None]]) -> None:
    if loading.exception() is None and (instance := loading.result()[1]) is not None:
        instance.dispose()


def _check_run_arguments(landing: Path, years: list[int] | None) -> None:
    if not landing.is_dir():
        raise UsageError(f"--landing {landing}: {'not a folder' if landing.exists() else 'no such folder'}")
    first, last = FIRST_FISCAL_YEAR, last_closed_fiscal_year()
    outside = [year for year in years or [] if not first <= year <= last]
    if outside:
        raise UsageError(f"--years: {', '.join(map(str, outside))} outside the fiscal years {first}–{last}")


def _years_to_run(settled: LandingResult, landing: Path, warehouse: Path) -> list[int]:
    """The fiscal years of the landing folder's reports, and those the warehouse holds whose files are gone."""
    found = landing_years(settled)
    with store.connect(warehouse) as conn:
        gone = years_left_behind(conn, found)
    if gone:
        print(f"fiscal year(s) {', '.join(map(str, gone))}: no file of theirs is left in {landing}; "
              "their rows are removed from the warehouse", file=sys.stderr)
    return sorted({*found, *gone})


def read_with_progress_bar(settings: Settings) -> LandingResult:
    """Read the landing folder into the warehouse's read cache, showing a progress bar on a terminal, so
    that the run's fiscal years are known and the run itself reads nothing twice."""
    def read(progress: Callable[[int, int], None]) -> LandingResult:
        return read_landing(settings, progress)

    if not sys.stderr.isatty():
        return _read_with_progress_lines(read)
    with tqdm(desc="reading landing files", unit="file", mininterval=0.1) as bar:
        def advance(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        return read(advance)


PROGRESS_LINE_SECONDS = 10.0


def _read_with_progress_lines(read: Callable[[Callable[[int, int], None]], LandingResult]) -> LandingResult:
    """In a log file (no terminal) a bar's redraws would run together on one line: whole lines instead, one
    every PROGRESS_LINE_SECONDS and one at the end."""
    started = last = time.monotonic()
    seen = [0, 0]

    def advance(done: int, total: int) -> None:
        nonlocal last
        seen[:] = [done, total]
        if time.monotonic() - last >= PROGRESS_LINE_SECONDS:
            last = time.monotonic()
            print(f"reading landing files: {done}/{total}", file=sys.stderr, flush=True)

    result = read(advance)
    read_files = f"read {seen[0]} new or changed landing file(s)" if seen[1] else "no landing file is new or changed"
    print(f"{read_files} ({time.monotonic() - started:.1f} s)", file=sys.stderr, flush=True)
    return result


SUMMARY_SQL = """
SELECT y.fiscal_year,
       (SELECT count(*) FROM raw.documents d WHERE d.fiscal_year = y.fiscal_year) AS documents,
       (SELECT count(*) FROM raw.rejected_files r WHERE r.fiscal_year = y.fiscal_year) AS rejected,
       (SELECT count(*) FROM core.reports c WHERE c.fiscal_year = y.fiscal_year) AS reports
FROM unnest(?::INTEGER[]) AS y(fiscal_year) ORDER BY 1
"""


def print_summary(warehouse: Path, years: Sequence[int]) -> None:
    with store.connect(warehouse, read_only=True) as conn:
        per_year = conn.execute(SUMMARY_SQL, [list(years)]).df()
        unknown = conn.execute("SELECT count(*) FROM raw.rejected_files WHERE fiscal_year IS NULL").fetchone()[0]
        reasons = conn.execute(
            "SELECT reason_code, count(*) AS files FROM raw.rejected_files GROUP BY ALL ORDER BY ALL"
        ).df()
        corrected = conn.execute("SELECT status, count(*) FROM review.corrections GROUP BY ALL ORDER BY ALL"
                                 ).fetchall()
    print(f"warehouse: {warehouse}")
    if not per_year.empty:
        print(per_year.to_string(index=False))
    print(f"rejected files with unknown fiscal year: {unknown}")
    if corrected:
        print("corrections (review.corrections; `perf-etl corrections list`): "
              + ", ".join(f"{count} {status}" for status, count in corrected))
    if not reasons.empty:
        print("rejections by reason:")
        print(reasons.to_string(index=False))


def extract_file(path: Path, settings: Settings) -> list[dict[str, Any]]:
    """One file through ingest (text and tables) → normalize → extract → validate, as the assets do it: a line
    per report the file holds (one for a rejected file)."""
    from perf_etl.grid import cells_frame
    from perf_etl.ingest.ingest import ingest_file
    from perf_etl.models import IngestedFile
    from perf_etl.normalize import normalize_document
    from perf_etl.stages.common import parallelism
    from perf_etl.stages.core import extract
    from perf_etl.validate.rows import validate_core

    now = datetime.now(timezone.utc)
    outcome = ingest_file(path, path.parent, now=now, limits=settings.ingest)
    if isinstance(outcome, RejectedFile):
        return [_line(str(path), outcome.sha256, None, [], outcome)]
    assert isinstance(outcome, IngestedFile)
    document = outcome.document
    staged = normalize_document(document.document_id, document.fiscal_year, outcome.pages)
    source_paths = {document.document_id: str(path)}
    tables = cells_frame(document.document_id, document.fiscal_year, outcome.tables)
    extracted, failures = extract([staged], source_paths, now=now, tables=tables,
                                 parallel=parallelism(settings))
    if failures:
        return [_line(str(path), document.document_id, None, [], failures[0])]
    accepted, rejections = validate_core(extracted, source_paths, now)
    report_rows = accepted["reports"] if not accepted["reports"].empty else extracted["reports"]
    evidence = extracted["field_evidence"].drop(columns="fiscal_year")
    return [
        _line(str(path), document.document_id, report,
              evidence[evidence["report_id"] == report["report_id"]].to_dict(orient="records"),
              rejections[0] if rejections else None)
        for report in report_rows.to_dict(orient="records")
    ]


def _line(source_path: str, document_id: str | None, report: dict | None, evidence: list[dict],
          rejected: RejectedFile | None) -> dict[str, Any]:
    return {
        "source_path": source_path,
        "document_id": document_id,
        "report": _jsonable(report),
        "evidence": [_jsonable(e) for e in evidence],
        "rejected": None if rejected is None else {"reason_code": rejected.reason_code, "message": rejected.message},
    }


def _jsonable(row: dict | None) -> dict | None:
    if row is None:
        return None
    return {key: _plain(value) for key, value in row.items()}


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):  # numpy / pandas scalars
        return _plain(value.item())
    if isinstance(value, (pd.Timestamp, datetime)):
        return value.isoformat()
    return value


def extract_command(settings: Settings, files: Sequence[Path]) -> int:
    """One JSON line per report (a file holding several has a line for each; a rejected file one line); exit
    code 1 when any file was rejected or could not be read."""
    missing = [str(path) for path in files if not path.is_file()]
    if missing:
        raise UsageError(f"not a file: {', '.join(missing)}")
    rejected = 0
    for path in files:
        lines = extract_file(path, settings)
        rejected += any(line["rejected"] is not None for line in lines)
        for line in lines:
            print(json.dumps(line, ensure_ascii=False), flush=True)
    return 1 if rejected else 0


def corrections_command(action: str, settings: Settings, store_path: Path | None, file: Path | None, *,
                        replace: bool = False) -> int:
    """`perf-etl corrections export|import|list`: the warehouse's corrections store (or `store_path`)
    to and from a CSV file (perf_etl/review/corrections.py). A wrong file is a UsageError: one line, exit 2,
    nothing recorded."""
    from perf_etl.review import corrections

    warehouse = settings.warehouse
    store_file = store_path or settings.corrections
    if action == "export":
        assert file is not None
        found = corrections.load_corrections(store_file)
        if str(file) == "-":
            corrections.write_csv(found, sys.stdout)
        else:
            try:
                with file.open("w", encoding="utf-8-sig", newline="") as out:
                    corrections.write_csv(found, out)
            except OSError as error:
                raise UsageError(f"{file}: {error.strerror or error}") from None
        print(f"{len(found)} correction(s) of {store_file} written to {file}", file=sys.stderr)
        return 0
    if action == "import":
        assert file is not None
        try:
            read = corrections.read_csv(file)
            recorded = corrections.record_corrections(store_file, read, replace_all=replace)
        except corrections.CorrectionError as error:
            raise UsageError(f"{error}; nothing was imported") from None
        print(f"{recorded} correction(s) from {file} recorded in {store_file}"
              f"{' (the others removed)' if replace else ''}; the next run applies them", file=sys.stderr)
        return 0
    _print_corrections(corrections.load_corrections(store_file), store_file, warehouse)
    return 0


def _print_corrections(found: Sequence[Any], store_file: Path, warehouse: Path) -> None:
    """The store's corrections, with their status in review.corrections as of the last run (when the warehouse
    can be read now)."""
    from dataclasses import asdict

    print(f"corrections store: {store_file}")
    if not found:
        print("no corrections")
        return
    frame = pd.DataFrame([asdict(c) for c in found])
    try:
        with store.connect(warehouse, read_only=True, lock_timeout_seconds=2.0) as conn:
            statuses = conn.execute("SELECT report_id, field, corrected_at, status, extracted_value_now "
                                    "FROM review.corrections").df()
    except Exception:  # no warehouse yet, an older one, or a run holding it: the statuses are unknown
        statuses = pd.DataFrame(columns=["report_id", "field", "corrected_at", "status", "extracted_value_now"])
    last = {(r, f, pd.Timestamp(at)): (s, now) for r, f, at, s, now in statuses.itertuples(index=False)}
    seen = [last.get((c.report_id, c.field, pd.Timestamp(c.corrected_at).tz_convert(None)), ("not run yet", None))
            for c in found]
    frame["status"] = [status for status, _ in seen]
    frame["extracted_now"] = [now for _, now in seen]
    frame["report_id"] = frame["report_id"].str[:12]
    print(frame[["report_id", "field", "extracted_value", "value", "status", "extracted_now", "corrected_by",
                 "reason"]].to_string(index=False))


def review_command(settings: Settings, store_path: Path | None, host: str, port: int, token: str | None,
                   reviewer: str | None) -> int:
    """Serve the review page until interrupted (perf_etl/review/page.py)."""
    import getpass

    from perf_etl.publish.locations import review_copy_path
    from perf_etl.review.page import ReviewApp, ReviewSetupError, make_server, page_url

    warehouse = settings.warehouse
    copy = review_copy_path(warehouse)
    if not copy.exists():
        raise UsageError(f"{copy} does not exist: run the pipeline for this warehouse first (perf-etl run "
                         f"--warehouse {warehouse})")
    app = ReviewApp(copy=copy, store=store_path or settings.corrections,
                    reviewer=reviewer or getpass.getuser(), token=token)
    try:
        server = make_server(app, host, port)
    except ReviewSetupError as error:
        raise UsageError(str(error)) from None
    except OSError as error:
        raise UsageError(f"cannot listen on {host}:{port}: {error.strerror}") from None
    print(f"review page: {page_url(server, token)} (reading {copy}; corrections to {app.store}, applied at the "
          "next run). Ctrl-C stops it.", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
