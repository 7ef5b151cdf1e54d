"""Which fiscal years a change in the landing folder touches: the plain logic behind the sensor.

The state is a map source_path -> [sha256, fiscal year or None]. A new, changed or deleted file marks its
fiscal year (old and new) for a re-run. Reading a file to find its year costs a text extraction, so at
most `max_reads` new or changed files are read per call; the rest wait for the next call.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from perf_etl.ingest.discover import discover
from perf_etl.ingest.ingest import IngestLimits, ingest_file
from perf_etl.models import IngestedFile

FileState = dict[str, list]  # source_path -> [sha256, fiscal_year | None]


@dataclass
class LandingChanges:
    years: dict[int, list[str]] = field(default_factory=dict)  # fiscal year -> changed sha256s
    unknown_year: list[str] = field(default_factory=list)  # changed files whose year is unknown
    state: FileState = field(default_factory=dict)
    pending: int = 0  # changed files left for a later call


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _year_of(path: Path, root: Path, limits: IngestLimits) -> int | None:
    outcome = ingest_file(path, root, now=datetime.now(timezone.utc), limits=limits)
    if isinstance(outcome, IngestedFile):
        return outcome.document.fiscal_year
    return outcome.fiscal_year


def scan_landing(root: Path, previous: FileState, *, max_reads: int = 50,
                 limits: IngestLimits | None = None) -> LandingChanges:
    limits = limits or IngestLimits()
    changes = LandingChanges()
    reads = 0
    for found in discover(root):
        # An entry that cannot be read (broken link, FIFO) has no hash; ingestion records it as rejected.
        digest = f"unreadable:{found.problem}" if found.problem else sha256_of(found.path)
        known = previous.get(found.source_path)
        if known and known[0] == digest:
            changes.state[found.source_path] = known
            continue
        if reads >= max_reads:
            changes.pending += 1
            if known:
                changes.state[found.source_path] = known
            continue
        reads += 1
        year = None if found.problem else _year_of(found.path, root, limits)
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
