"""Find every entry of a landing folder, in a deterministic order.

Nothing is skipped silently: hidden files are included, and entries that cannot be read as files (broken
links, FIFOs, folders that cannot be listed, links back into a folder they sit in) are yielded with a
`problem` so that ingestion records a rejection for them instead of losing them (or blocking on a FIFO).
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from perf_etl.ingest.reasons import IngestRejection, SymlinkLoopError, UnreadableFileError
from perf_etl.settings import LINKS_VARIABLE, IngestSettings

# A landing subfolder named after a fiscal year, e.g. landing/2023/report.pdf.
_YEAR_FOLDER = re.compile(r"20\d\d")


@dataclass(frozen=True)
class DiscoveredFile:
    """One landing entry: where it is, its landing-relative name, and its <year>/ folder hint."""

    path: Path  # absolute, through any symlinks as found (not resolved)
    source_path: str  # relative to the landing root, POSIX separators
    folder_year: int | None
    # Why the entry cannot be read as a file; None for an ordinary (or linked) regular file.
    problem: IngestRejection | None = None
    linked: bool = False  # reached through a symbolic link: the file it points to wins over it


def folder_year(source_path: str) -> int | None:
    """The year of the innermost folder of `source_path` that is exactly a year 2000-2099, else None.

    Only folders count: a file named "2023" says nothing about where it was filed.
    """
    folders = PurePosixPath(source_path).parts[:-1]
    for name in reversed(folders):
        if _YEAR_FOLDER.fullmatch(name):
            return int(name)
    return None


def discover(root: Path, ingest: IngestSettings = IngestSettings()) -> list[DiscoveredFile]:
    """Every entry under `root`, recursively, sorted by source_path; an archive's members in its place
    (`<archive>!/<member>`, unpacked into `ingest.unpack_dir` within `ingest.archives`)."""
    # Imported here: archives builds on this module's DiscoveredFile.
    from perf_etl.ingest.archives import expand_archives

    root = root.absolute()
    found = list(_walk(root, root, frozenset({_identity(root)}), ingest))
    return expand_archives(found, ingest)


def relative_source_path(path: Path, root: Path) -> str:
    """`path` relative to `root` with POSIX separators (the bare file name when it is outside `root`), as
    `readable_name` gives it."""
    try:
        relative = path.absolute().relative_to(root.absolute()).as_posix()
    except ValueError:
        relative = path.name
    return readable_name(relative)


def readable_name(name: str) -> str:
    """A file name as its user would read it, and one that can be stored (UTF-8). Python gives the bytes of a
    name that is not UTF-8 as surrogates; a Windows archive unzipped gives GBK names: those bytes are decoded
    as GB18030 (GBK's superset), and bytes that are not that either are written as escapes (\\xb1). The
    file itself is still opened by its `path`."""
    return "/".join(map(_readable_part, name.split("/")))


def _readable_part(part: str) -> str:
    # One folder or file name at a time: a UTF-8 folder may hold a GBK name.
    if not any("\udc80" <= char <= "\udcff" for char in part):
        return part
    raw = os.fsencode(part)
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "backslashreplace")


def _entry(path: Path, root: Path, problem: IngestRejection | None = None) -> DiscoveredFile:
    source_path = relative_source_path(path, root)
    linked = os.path.realpath(path) != os.path.abspath(path)
    return DiscoveredFile(path, source_path, folder_year(source_path), problem, linked)


def _outside(path: Path, root: Path) -> bool:
    """Whether `path` leads, through its links, out of the landing root (a link to /etc/passwd)."""
    real, real_root = os.path.realpath(path), os.path.realpath(root)
    return os.path.commonpath([real, real_root]) != real_root


def _identity(folder: Path) -> tuple[int, int]:
    info = folder.stat()
    return (info.st_dev, info.st_ino)


def _walk(folder: Path, root: Path, ancestors: frozenset[tuple[int, int]], ingest: IngestSettings,
          ) -> Iterator[DiscoveredFile]:
    try:
        names = sorted(os.listdir(folder))
    except OSError as error:
        # An unlistable folder is reported as one entry rather than dropped with everything inside it.
        yield _entry(folder, root, UnreadableFileError(f"folder cannot be listed: {type(error).__name__}"))
        return
    for name in names:
        yield from _visit(folder / name, root, ancestors, ingest)


def entry_for(path: Path, root: Path) -> DiscoveredFile:
    """One path as a landing entry; anything but a regular file (or a link to one) carries a problem."""
    try:
        info = path.stat()  # follows symlinks: a link to a file is read as that file
    except OSError as error:
        return _entry(path, root, UnreadableFileError(f"broken link or unreadable: {type(error).__name__}"))
    if stat.S_ISREG(info.st_mode):
        return _entry(path, root)
    if stat.S_ISDIR(info.st_mode):
        return _entry(path, root, UnreadableFileError("a folder, not a file"))
    # FIFOs, sockets, devices: opening them could block or never end, so they are never read.
    return _entry(path, root, UnreadableFileError("not a regular file"))


def _visit(path: Path, root: Path, ancestors: frozenset[tuple[int, int]], ingest: IngestSettings,
           ) -> Iterator[DiscoveredFile]:
    if path.is_symlink() and not ingest.follow_links_outside and _outside(path, root):
        detail = (f"a link to {os.path.realpath(path)}, outside the landing folder: not followed "
                  f"({LINKS_VARIABLE}=1 follows it)")
        yield _entry(path, root, UnreadableFileError(detail))
        return
    try:
        info = path.stat()
    except OSError:
        info = None
    if info is not None and stat.S_ISDIR(info.st_mode):
        if os.path.realpath(path) == os.path.realpath(ingest.unpack_dir):
            return  # the pipeline's own unpacked archives, when that folder was put in the landing folder
        yield from _visit_folder(path, root, ancestors, (info.st_dev, info.st_ino), ingest)
    else:
        yield entry_for(path, root)


def _visit_folder(
    path: Path, root: Path, ancestors: frozenset[tuple[int, int]], identity: tuple[int, int], ingest: IngestSettings,
) -> Iterator[DiscoveredFile]:
    if identity in ancestors:
        # Only a symlink can lead back to a folder it sits in; following it would never end. A link to a
        # folder elsewhere is walked: its files come out as duplicates of the originals, not lost.
        yield _entry(path, root, SymlinkLoopError(f"points to {os.path.realpath(path)}, a folder it is in"))
        return
    yield from _walk(path, root, ancestors | {identity}, ingest)
