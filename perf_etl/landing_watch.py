"""Which fiscal years a change in the landing folder touches: the plain logic behind the sensor.

The state is a map source_path -> [sha256, fiscal year or None]. A new, changed or deleted file marks its
fiscal year (old and new) for a re-run. Reading a file to find its year costs a text extraction, so at
most `max_reads` new or changed files are read per call; the rest wait for the next call. They are read
as ingestion reads them, in worker processes within the per-file time budget, so that a pathological PDF
costs a sensor tick one budget, not the tick.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from perf_etl.ingest.discover import DiscoveredFile, discover
from perf_etl.ingest.ingest import IngestLimits, Outcome, ReadTask, read_tasks, sha256_file
from perf_etl.models import IngestedFile

FileState = dict[str, list]  # source_path -> [sha256, fiscal_year | None]


@dataclass
class LandingChanges:
    years: dict[int, list[str]] = field(default_factory=dict)  # fiscal year -> changed sha256s
    unknown_year: list[str] = field(default_factory=list)  # changed files whose year is unknown
    state: FileState = field(default_factory=dict)
    pending: int = 0  # changed files left for a later call


def _year_of(outcome: Outcome) -> int | None:
    if isinstance(outcome, IngestedFile):
        return outcome.document.fiscal_year
    return outcome.fiscal_year


def scan_landing(root: Path, previous: FileState, *, max_reads: int = 50,
                 limits: IngestLimits | None = None) -> LandingChanges:
    limits = limits or IngestLimits()
    changes = LandingChanges()
    to_read: list[tuple[DiscoveredFile, str, list | None]] = []  # entry, digest, previous state
    for found in discover(root):
        # An entry that cannot be read (broken link, FIFO) has no hash; ingestion records it as rejected.
        digest = f"unreadable:{found.problem}" if found.problem else sha256_file(found.path)
        known = previous.get(found.source_path)
        if known and known[0] == digest:
            changes.state[found.source_path] = known
        elif len(to_read) >= max_reads:
            changes.pending += 1
            if known:
                changes.state[found.source_path] = known
        else:
            to_read.append((found, digest, known))
    now = datetime.now(timezone.utc)
    outcomes = read_tasks([ReadTask(found, None if found.problem else digest, now, limits)
                           for found, digest, _ in to_read], limits)
    for (found, digest, known), outcome in zip(to_read, outcomes, strict=True):
        year = None if found.problem else _year_of(outcome)
        changes.state[found.source_path] = [digest, year]
        _mark(changes, year, digest)
        if known and known[1] is not None and known[1] != year:
            _mark(changes, known[1], digest)
    for source_path, (digest, year) in previous.items():
        if source_path not in changes.state:  # deleted: its year must drop it
            _mark(changes, year, digest)
    return changes


def _mark(changes: LandingChanges, year: int | None, digest: str) -> None:
    if year is None:
        changes.unknown_year.append(digest)
    else:
        changes.years.setdefault(year, []).append(digest)
