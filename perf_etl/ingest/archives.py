"""Archives in the landing folder (.zip, .7z, .rar): each member is a landing entry of its own.

A year's reports often come zipped together. Discovery unpacks each archive into a cache folder named by the
archive's sha256 (IngestSettings.unpack_dir, PERF_ETL_UNPACK_DIR) and yields one DiscoveredFile per member, with
source_path `<archive>!/<member>` (its folders kept), so that each member is read, accepted or rejected like a
file of the landing folder (a member in an unsupported format is its own rejected row). The folder is reused
while it exists: the next run sees the same files with the same stamps, and the read cache knows them.

An archive is listed before anything is written, and rejected whole, with one row under its own source_path,
when it is over a limit (ArchiveLimits: members, total unpacked size, compression ratio, nesting depth),
encrypted, empty or corrupt. Extraction counts the bytes it writes and stops at the first member that inflates
past the size it declared. Member names that lead outside the archive (../, /etc/passwd, C:\\) and links are
never written: they are rejected rows. An archive inside an archive is unpacked the same way, to max_depth.

Libraries: zip with the standard library's zipfile; 7z with py7zr (pure Python, reads AES-encrypted and solid
archives' headers, streams members to a writer we give it); rar listed with rarfile (reads RAR 4/5 headers in
Python: names, sizes, password flags, before anything is decompressed) and decompressed by libarchive, the C
library under bsdtar, through libarchive-c (RAR 4 and 5, in this process; Debian has no free unrar).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

import libarchive
import py7zr
import py7zr.exceptions
import py7zr.io
import rarfile

from perf_etl.ingest.discover import DiscoveredFile, folder_year
from perf_etl.ingest.readers import sniffed_format
from perf_etl.ingest.reasons import (
    ArchiveBombError,
    ArchiveTooLargeError,
    CorruptArchiveError,
    EmptyArchiveError,
    EncryptedArchiveError,
    IngestRejection,
    UnreadableFileError,
)
from perf_etl.settings import ArchiveLimits, IngestSettings

# Between an archive's source_path and its member's path, as in Java's jar: URLs.
MEMBER_SEPARATOR = "!/"
_MAGIC = {b"7z\xbc\xaf\x27\x1c": "7z", b"Rar!\x1a\x07": "rar"}
_SUFFIXES = {".zip": "zip", ".7z": "7z", ".rar": "rar"}
# A ratio says nothing of small members: a page of spaces compresses 100:1. Only members (and archives)
# that inflate past this are judged by their ratio.
_RATIO_FLOOR_BYTES = 1024 * 1024
_CHUNK = 1 << 20
_ZIP_UTF8_FLAG = 0x800
_ZIP_ENCRYPTED_FLAG = 0x1
_MANIFEST = "members.json"
_FILES = "files"


@dataclass(frozen=True)
class _Member:
    """One entry of an archive's directory, as declared (nothing is trusted until written)."""

    name: str  # its path in the archive, decoded, "/" separators
    size: int  # declared unpacked bytes
    packed: int | None  # declared packed bytes; None when only the whole is known (a solid 7z)
    kind: str  # "file" | "dir" | "link"
    encrypted: bool
    key: object  # what the format's library opens it by


@dataclass(frozen=True)
class _Entry:
    """A member as unpacked: its name, the file it was written to (under files/), or why it was not."""

    name: str
    file: str | None
    problem: str | None = None


# ---------------------------------------------------------------- discovery


def archive_kind(path: Path) -> str | None:
    """"zip", "7z" or "rar" when `path` is an archive to unpack, else None. By its first bytes (a 7z or rar
    under any name), or by its name when those show nothing else: a PDF or a Word file named .zip is read
    as what it is, and only files named .zip are unpacked as zips (an .xlsx or .ofd is a zip too)."""
    try:
        with path.open("rb") as stream:
            head = stream.read(4096)
    except OSError:
        return None  # reading it gives the precise rejection
    for magic, kind in _MAGIC.items():
        if head.startswith(magic):
            return kind
    kind = _SUFFIXES.get(path.suffix.lower())
    if kind is None or not head or sniffed_format(head) not in (None, "zip"):
        return None
    return kind


def expand_archives(found: list[DiscoveredFile], ingest: IngestSettings) -> list[DiscoveredFile]:
    """`found` with each archive replaced by its members (or by itself, rejected), sorted by source_path:
    unpacked into `ingest.unpack_dir` within `ingest.archives`."""
    expanded = [entry for item in found for entry in _expand(item, ingest, depth=1)]
    return sorted(expanded, key=lambda item: item.source_path)


def _expand(found: DiscoveredFile, ingest: IngestSettings, depth: int) -> Iterator[DiscoveredFile]:
    limits = ingest.archives
    kind = archive_kind(found.path) if found.problem is None else None
    if kind is None:
        yield found
        return
    if depth > limits.max_depth:
        yield replace(found, problem=ArchiveTooLargeError(
            f"an archive inside an archive {depth - 1} levels deep; archives are unpacked {limits.max_depth} levels "
            "deep (max_depth, PERF_ETL_ARCHIVE_MAX_DEPTH)"))
        return
    try:
        folder, entries = unpacked(found.path, kind, limits, ingest.unpack_dir)
    except IngestRejection as rejection:
        yield replace(found, problem=rejection)
        return
    except OSError as error:  # the archive could not be read, or the cache folder written
        yield replace(found, problem=UnreadableFileError(f"unpacking it failed: {type(error).__name__}: {error}"))
        return
    for entry in entries:
        source_path = f"{found.source_path}{MEMBER_SEPARATOR}{entry.name}"
        problem = UnreadableFileError(entry.problem) if entry.problem else None
        path = folder / _FILES / entry.file if entry.file else folder
        yield from _expand(DiscoveredFile(path, source_path, folder_year(source_path), problem), ingest, depth + 1)


def unpacked(path: Path, kind: str, limits: ArchiveLimits, root: Path) -> tuple[Path, list[_Entry]]:
    """The cache folder under `root` holding the members of the archive at `path` and what each became;
    unpacked there first when it is not yet. Raises the IngestRejection of an archive that must not be unpacked."""
    members = _LISTERS[kind](path)
    check_limits(members, path.stat().st_size, limits)
    folder = root / _sha256(path, root)
    manifest = folder / _MANIFEST
    if not manifest.is_file():
        _unpack(path, kind, members, folder, limits)
    entries = [_Entry(**item) for item in json.loads(manifest.read_text(encoding="utf-8"))]
    return folder, entries


def check_limits(members: list[_Member], archive_bytes: int, limits: ArchiveLimits) -> None:
    """Raises when the archive's directory alone shows it must not be unpacked."""
    files = [member for member in members if member.kind != "dir"]
    if not files:
        raise EmptyArchiveError("no files in it")
    if any(member.encrypted for member in files):
        raise EncryptedArchiveError("its members are password-protected")
    if len(files) > limits.max_members:
        raise ArchiveTooLargeError(f"{len(files):,} members, over the limit of {limits.max_members:,} "
                                   "(max_members, PERF_ETL_ARCHIVE_MAX_MEMBERS)")
    total = sum(member.size for member in files)
    if total > limits.max_unpacked_bytes:
        raise ArchiveTooLargeError(f"it unpacks to {total:,} bytes, over the limit of {limits.max_unpacked_bytes:,} "
                                   "(max_unpacked_bytes, PERF_ETL_ARCHIVE_MAX_UNPACKED_MB)")
    for member in files:
        if member.packed is not None and member.size > _RATIO_FLOOR_BYTES \
                and member.size > limits.max_ratio * max(member.packed, 1):
            raise ArchiveBombError(_ratio_detail(f"its member {member.name}", member.size, member.packed, limits))
    if total > _RATIO_FLOOR_BYTES and total > limits.max_ratio * max(archive_bytes, 1):
        raise ArchiveBombError(_ratio_detail("it", total, archive_bytes, limits))


def _ratio_detail(what: str, size: int, packed: int, limits: ArchiveLimits) -> str:
    return (f"{what} inflates from {packed:,} to {size:,} bytes, over {limits.max_ratio:g} times "
            "(max_ratio, PERF_ETL_ARCHIVE_MAX_RATIO)")


def _sha256(path: Path, root: Path) -> str:
    """The archive's sha256, remembered by its path, size and modification time (as plan_landing does for
    every file), so that a discovery over an unchanged landing does not hash its archives again."""
    status = path.stat()
    stamp = f"{os.path.realpath(path)}\0{status.st_size}\0{status.st_mtime_ns}".encode("utf-8", "surrogateescape")
    remembered = root / "stamps" / hashlib.sha1(stamp).hexdigest()
    if remembered.is_file():
        return remembered.read_text(encoding="ascii").strip()
    with path.open("rb") as stream:
        digest = hashlib.file_digest(stream, "sha256").hexdigest()
    remembered.parent.mkdir(parents=True, exist_ok=True)
    _write_atomically(remembered, digest)
    return digest


def _write_atomically(target: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(text)
    os.replace(temporary, target)


# ---------------------------------------------------------------- unpacking


def _unpack(path: Path, kind: str, members: list[_Member], folder: Path, limits: ArchiveLimits) -> None:
    """Write the members into a temporary folder beside `folder`, then rename it into place: a run that
    stops half-way, or two runs at once, never leave a folder that looks complete and is not."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}.", suffix=".partial"))
    try:
        entries, targets = _plan(members, staging / _FILES)
        meter = _Meter(limits.max_unpacked_bytes)
        # Archive timestamps are not trusted; every member gets the archive's own, so its stamp is the same
        # each time the archive is unpacked again.
        mtime_ns = path.stat().st_mtime_ns
        written = _EXTRACTORS[kind](path, members, targets, meter)
        for member, target in targets.values():
            if target not in written and member.size == 0:  # py7zr writes nothing for an empty member
                _Sink(member, target, meter, written).close()
        entries = [_written(entry, staging / _FILES, written) for entry in entries]
        for entry in entries:
            if entry.file:
                os.utime(staging / _FILES / entry.file, ns=(mtime_ns, mtime_ns))
        manifest = [{"name": e.name, "file": e.file, "problem": e.problem} for e in entries]
        (staging / _MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        try:
            os.rename(staging, folder)
        except OSError:
            if not (folder / _MANIFEST).is_file():
                raise
            # Another process unpacked the same archive first: its folder is as good as this one.
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _plan(members: list[_Member], files: Path) -> tuple[list[_Entry], dict[int, tuple[_Member, Path]]]:
    """What becomes of each member, and the ones to write (by position) with where to write them."""
    entries: list[_Entry] = []
    targets: dict[int, tuple[_Member, Path]] = {}
    taken: set[str] = set()
    for position, member in enumerate(members):
        if member.kind == "dir":
            continue
        safe = _safe_name(member.name)
        if member.kind == "link":
            entries.append(_Entry(member.name, None, "a link inside the archive: links are not followed"))
        elif safe is None:
            entries.append(_Entry(member.name, None, "its name leads outside the archive (../, an absolute path or "
                                                     "a drive letter): not unpacked"))
        elif safe.casefold() in taken:
            entries.append(_Entry(member.name, None, "another member of the archive has the same name: not unpacked"))
        else:
            taken.add(safe.casefold())
            entries.append(_Entry(safe, safe))
            targets[position] = (member, files / safe)
    return entries, targets


def _safe_name(name: str) -> str | None:
    """The member's path to write under the cache folder, or None when it would lead outside it. Windows
    tools write "\\" between folders."""
    name = name.replace("\\", "/")
    if name.startswith("/") or re.match(r"[A-Za-z]:", name):
        return None
    parts = [part for part in name.split("/") if part not in ("", ".")]
    if not parts or ".." in parts:
        return None
    return "/".join(parts)


def _written(entry: _Entry, files: Path, written: dict[Path, str | None]) -> _Entry:
    """The entry, with the reason its file could not be written (a name too long for the file system)."""
    if entry.file is None:
        return entry
    problem = written.get(files / entry.file, "it was not extracted")
    return entry if problem is None else _Entry(entry.name, None, problem)


class _Meter:
    """Counts the bytes written for one archive; stops the extraction past what the archive declared."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.total = 0

    def count(self, member: _Member, member_bytes: int, more: int) -> None:
        self.total += more
        if member_bytes + more > member.size:
            raise ArchiveBombError(f"its member {member.name} inflates past the {member.size:,} bytes it declares")
        if self.total > self.max_bytes:
            raise ArchiveTooLargeError(f"it unpacks to more than {self.max_bytes:,} bytes "
                                       "(max_unpacked_bytes, PERF_ETL_ARCHIVE_MAX_UNPACKED_MB)")


class _Sink:
    """One member's file, written through the meter. A name the file system refuses is that member's
    problem, not the archive's."""

    def __init__(self, member: _Member, target: Path, meter: _Meter, written: dict[Path, str | None]) -> None:
        self.member, self.target, self.meter, self.written = member, target, meter, written
        self.size = 0
        self.stream: BinaryIO | None = None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.stream = target.open("xb")
            written[target] = None
        except OSError as error:
            written[target] = f"it cannot be written out: {type(error).__name__}: {error.strerror or error}"

    def write(self, data: bytes) -> int:
        self.meter.count(self.member, self.size, len(data))
        self.size += len(data)
        if self.stream is not None:
            self.stream.write(data)
        return len(data)

    def close(self) -> None:
        if self.stream is not None:
            self.stream.close()


Targets = dict[int, tuple[_Member, Path]]
Written = dict[Path, str | None]


def _copy(source: BinaryIO, sink: _Sink) -> None:
    try:
        while chunk := source.read(_CHUNK):
            sink.write(chunk)
    finally:
        sink.close()


# ---------------------------------------------------------------- zip (standard library)


def _list_zip(path: Path) -> list[_Member]:
    try:
        with zipfile.ZipFile(path) as archive:
            return [_zip_member(info) for info in archive.infolist()]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        raise CorruptArchiveError(f"zip: {error}") from error


def _zip_member(info: zipfile.ZipInfo) -> _Member:
    mode = info.external_attr >> 16
    kind = "dir" if info.is_dir() else "link" if (mode & 0o170000) == 0o120000 else "file"
    encrypted = bool(info.flag_bits & _ZIP_ENCRYPTED_FLAG)
    return _Member(zip_member_name(info), info.file_size, info.compress_size, kind, encrypted, info)


def zip_member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its user wrote it. Without the UTF-8 flag a zip's names are in the code page of
    the machine that made it, GBK on Chinese Windows, and zipfile decodes them as cp437: they are decoded
    again, as UTF-8 (tools that write it without the flag), else GB18030 (GBK's superset)."""
    if info.flag_bits & _ZIP_UTF8_FLAG:
        return info.filename
    raw = info.orig_filename.encode("cp437")
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def _extract_zip(path: Path, members: list[_Member], targets: Targets, meter: _Meter) -> Written:
    written: Written = {}
    try:
        with zipfile.ZipFile(path) as archive:
            for member, target in targets.values():
                assert isinstance(member.key, zipfile.ZipInfo)
                with archive.open(member.key) as source:
                    _copy(source, _Sink(member, target, meter, written))
    except (zipfile.BadZipFile, EOFError, ValueError, zlib.error) as error:
        raise CorruptArchiveError(f"zip: {error}") from error
    except NotImplementedError as error:  # Deflate64, PPMd: methods zipfile does not have
        raise CorruptArchiveError(f"zip: {error}; re-pack it with ordinary Deflate") from error
    except RuntimeError as error:  # zipfile: "File ... is encrypted, password required"
        raise EncryptedArchiveError(str(error)) from error
    return written


# ---------------------------------------------------------------- 7z (py7zr)

_7Z_CORRUPT = (py7zr.exceptions.ArchiveError, EOFError, ValueError, KeyError, OSError)


def _list_7z(path: Path) -> list[_Member]:
    try:
        with py7zr.SevenZipFile(path) as archive:
            if archive.needs_password():
                raise EncryptedArchiveError("7z: its members are password-protected")
            infos = archive.list()
    except py7zr.exceptions.PasswordRequired as error:  # names encrypted too (7z -mhe)
        raise EncryptedArchiveError("7z: its file list is password-protected") from error
    except _7Z_CORRUPT as error:
        raise CorruptArchiveError(f"7z: {type(error).__name__}: {error}") from error
    return [_Member(info.filename, info.uncompressed, None,
                    "dir" if info.is_directory else "link" if info.is_symlink else "file", False, info.filename)
            for info in infos]


class _SevenZipWriter(py7zr.io.Py7zIO):
    """Where py7zr writes one member: its _Sink, or nowhere for a member not asked for."""

    def __init__(self, sink: _Sink | None) -> None:
        self.sink = sink

    def write(self, s: bytes | bytearray) -> int:
        return self.sink.write(bytes(s)) if self.sink is not None else len(s)

    def read(self, size: int | None = None) -> bytes:
        return b""

    def seek(self, offset: int, whence: int = 0) -> int:
        return 0

    def flush(self) -> None:
        return None

    def size(self) -> int:
        return self.sink.size if self.sink is not None else 0

    def close(self) -> None:
        if self.sink is not None:
            self.sink.close()


class _SevenZipFactory(py7zr.io.WriterFactory):
    def __init__(self, make: Callable[[str], _Sink | None]) -> None:
        self.make = make

    def create(self, filename: str) -> py7zr.io.Py7zIO:
        return _SevenZipWriter(self.make(filename))


def _extract_7z(path: Path, members: list[_Member], targets: Targets, meter: _Meter) -> Written:
    written: Written = {}
    # py7zr names the writer by the member's name as a relative path.
    by_name = {Path(str(member.key)).as_posix(): (member, target) for member, target in targets.values()}

    def make(filename: str) -> _Sink | None:
        wanted = by_name.get(filename)
        return _Sink(wanted[0], wanted[1], meter, written) if wanted else None

    try:
        with py7zr.SevenZipFile(path, max_extract_size=meter.max_bytes) as archive:
            archive.extract(targets={str(member.key) for member, _ in targets.values()},
                            factory=_SevenZipFactory(make))
    except py7zr.exceptions.DecompressionBombError as error:
        raise ArchiveTooLargeError(str(error)) from error
    except py7zr.exceptions.PasswordRequired as error:
        raise EncryptedArchiveError("7z: password-protected") from error
    except _7Z_CORRUPT as error:
        raise CorruptArchiveError(f"7z: {type(error).__name__}: {error}") from error
    return written


# ---------------------------------------------------------------- rar (rarfile)


def _list_rar(path: Path) -> list[_Member]:
    try:
        with rarfile.RarFile(path) as archive:
            if archive.needs_password():  # rar -hp: the file list itself is encrypted
                raise EncryptedArchiveError("rar: its file list is password-protected")
            return [_rar_member(info) for info in archive.infolist()]
    except rarfile.PasswordRequired as error:
        raise EncryptedArchiveError("rar: password-protected") from error
    except (rarfile.Error, EOFError, ValueError) as error:
        raise CorruptArchiveError(f"rar: {type(error).__name__}: {error}") from error


def _rar_member(info: rarfile.RarInfo) -> _Member:
    kind = "dir" if info.is_dir() else "link" if info.is_symlink() else "file"
    return _Member(_rar_name(info), info.file_size or 0, info.compress_size, kind, info.needs_password(), info)


def _rar_name(info: rarfile.RarInfo) -> str:
    """RAR 5 names are UTF-8; a RAR 4 name without its Unicode flag is in the maker's code page (GBK on
    Chinese Windows), which rarfile would try as UTF-16 first."""
    raw = getattr(info, "orig_filename", None)
    if isinstance(raw, bytes) and not (getattr(info, "flags", 0) & rarfile.RAR_FILE_UNICODE):
        for encoding in ("utf-8", "gb18030"):
            try:
                return raw.decode(encoding).replace("\\", "/")
            except UnicodeDecodeError:
                continue
    return info.filename


def _extract_rar(path: Path, members: list[_Member], targets: Targets, meter: _Meter) -> Written:
    """Members decompressed in this process by libarchive (through libarchive-c): rarfile would need an
    external tool, and Debian has no free unrar (its bsdtar backend, libarchive again, is broken in rarfile
    4.5: it passes "--" where bsdtar expects the archive's name). libarchive reads the headers in the same
    order as rarfile listed them; the n-th entry that is not a folder is the n-th member listed."""
    written: Written = {}
    # Position among the members that are not folders -> where to write it.
    files = [position for position, member in enumerate(members) if member.kind != "dir"]
    wanted = {index: targets[position] for index, position in enumerate(files) if position in targets}
    try:
        with libarchive.file_reader(str(path), header_codec="gb18030") as archive:
            for index, entry in enumerate(entry for entry in archive if not entry.isdir):
                target = wanted.get(index)
                if target is None:
                    continue
                member, destination = target
                if entry.size is not None and entry.size != member.size:
                    raise CorruptArchiveError(f"rar: its member {member.name} is listed twice with different sizes")
                sink = _Sink(member, destination, meter, written)
                try:
                    for block in entry.get_blocks():
                        sink.write(block)
                finally:
                    sink.close()
    except libarchive.ArchiveError as error:
        message = str(error)
        if "ncrypt" in message or "assword" in message:
            raise EncryptedArchiveError(f"rar: {message}") from error
        raise CorruptArchiveError(f"rar: {message}") from error
    return written


_LISTERS: dict[str, Callable[[Path], list[_Member]]] = {"zip": _list_zip, "7z": _list_7z, "rar": _list_rar}
_EXTRACTORS: dict[str, Callable[[Path, list[_Member], Targets, _Meter], Written]] = {
    "zip": _extract_zip, "7z": _extract_7z, "rar": _extract_rar,
}

