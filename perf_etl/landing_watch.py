"""Which fiscal years a change in the landing folder touches: the plain logic behind the sensor.

A sensor tick must end well inside Dagster's 60 s whatever lands, so it looks only at cheap signals: each
file's path, size and modification time, its sha256 when those changed (within a byte budget per call), and
the warehouse's read cache for the fiscal year of bytes read before. It never reads a file's text: a new
file's year is unknown until a run reads it into the cache (the sensor then asks for the landing-reading
job), and the next call finds the year there.

The state is a map source_path -> [sha256, fiscal year or None, size, mtime_ns, read], where `read` says
whether the year is known (a file read and found to have no year has year None and read True). A new,
changed or deleted file marks its fiscal year (old and new) for a re-run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from perf_etl.ingest.discover import DiscoveredFile, discover
from perf_etl.ingest.ingest import file_stamp, sha256_file
from perf_etl.settings import IngestSettings

FileState = dict[str, list]  # source_path -> [sha256, fiscal_year | None, size, mtime_ns, read]
# (sha256, source_path) pairs -> the fiscal year the read cache has for them (None: read, no year); pairs the
# cache has not read are left out.
YearsOf = Callable[[Sequence[tuple[str, str]]], dict[tuple[str, str], int | None]]
# What one call may hash (about a second per GB) and how long it may take in all.
HASH_BYTES_PER_CALL = 2 * 1024**3
SECONDS_PER_CALL = 20.0


@dataclass
class LandingChanges:
    years: dict[int, list[str]] = field(default_factory=dict)  # fiscal year -> changed sha256s
    unknown_year: list[str] = field(default_factory=list)  # changed files read and found to have no year
    unread: list[str] = field(default_factory=list)  # sha256s of changed files no run has read yet
    state: FileState = field(default_factory=dict)
    pending: int = 0  # changed files left for a later call (over the hashing budget)


def scan_landing(root: Path, previous: FileState, years_of: YearsOf, ingest: IngestSettings = IngestSettings(), *,
                 hash_bytes: int = HASH_BYTES_PER_CALL, seconds: float = SECONDS_PER_CALL) -> LandingChanges:
    changes = LandingChanges()
    started = time.monotonic()
    hashed = 0
    fresh: list[tuple[DiscoveredFile, str, tuple[int, int] | None, list | None]] = []  # entry, digest, stamp, before
    for found in discover(root, ingest):
        known = previous.get(found.source_path)
        stamp = file_stamp(found)
        if known and stamp is not None and tuple(known[2:4]) == stamp and known[4]:
            changes.state[found.source_path] = known  # untouched and its year known: nothing to do
            continue
        if known and stamp is not None and tuple(known[2:4]) == stamp:
            fresh.append((found, known[0], stamp, known))  # untouched, year not known yet: ask the cache again
            continue
        over = hashed >= hash_bytes or time.monotonic() - started > seconds
        if over and found.problem is None:
            changes.pending += 1
            if known:
                changes.state[found.source_path] = known
            continue
        digest = _digest(found)
        hashed += stamp[0] if stamp else 0
        fresh.append((found, digest, stamp, known))
    found_years = years_of([(digest, found.source_path) for found, digest, _, _ in fresh if not _unreadable(digest)])
    for found, digest, stamp, known in fresh:
        _settle(changes, found.source_path, digest, stamp, known, found_years)
    for source_path, (digest, year, *_) in previous.items():
        if source_path not in changes.state:  # deleted: its year must drop it
            _mark(changes, year, digest)
    return changes


def _settle(changes: LandingChanges, source_path: str, digest: str, stamp: tuple[int, int] | None,
            known: list | None, found_years: dict[tuple[str, str], int | None]) -> None:
    size, mtime = stamp if stamp else (None, None)
    if _unreadable(digest) or (digest, source_path) in found_years:
        year = None if _unreadable(digest) else found_years[(digest, source_path)]
        changes.state[source_path] = [digest, year, size, mtime, True]
        if known and known[0] == digest and known[4]:
            return  # touched, not changed
        _mark(changes, year, digest)
        if known and known[4] and known[1] is not None and known[1] != year:
            _mark(changes, known[1], digest)  # it moved out of that year
        return
    changes.state[source_path] = [digest, known[1] if known else None, size, mtime, False]
    changes.unread.append(digest)


def _digest(found: DiscoveredFile) -> str:
    """The sha256, or why there is none: an entry ingestion records as rejected (broken link, FIFO, a file
    that cannot be opened) is a change too, but never a reason to stop the tick."""
    if found.problem is not None:
        return f"unreadable:{found.problem}"
    try:
        return sha256_file(found.path)
    except OSError as error:
        return f"unreadable:{type(error).__name__}"


def _unreadable(digest: str) -> bool:
    return digest.startswith("unreadable:")


def _mark(changes: LandingChanges, year: int | None, digest: str) -> None:
    if year is None:
        changes.unknown_year.append(digest)
    else:
        changes.years.setdefault(year, []).append(digest)
