"""Word 97 `.doc` and WPS `.wps` files: converted to .docx by LibreOffice, then read as a .docx.

The binary Word format has no well-kept Python reader that gives tables: antiword and textract-style tools
give the text only, and a 自评表's cells are what the extraction wants most. LibreOffice (headless) imports
.doc and .wps with their real tables (merged cells included) and writes them as .docx, which `read_docx`
reads into text and table grids like any Word file. LibreOffice is a system package
(libreoffice-writer-nogui), installed by .ci/run; without it a .doc is rejected as converter_missing.

Before LibreOffice sees a file, olefile looks at its streams: a password-protected document (LibreOffice
fails on it, or waits for a password) is rejected as encrypted, and an Excel or PowerPoint file named .doc
is rejected as what it is rather than as a broken Word file.
"""

from __future__ import annotations

import functools
import io
import os
import shutil
import signal
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import msoffcrypto
import olefile

from perf_etl.ingest.reasons import (
    ConverterMissingError,
    CorruptDocError,
    CorruptDocxError,
    EncryptedDocError,
    UnsupportedFormatError,
)
from perf_etl.settings import IngestSettings

if TYPE_CHECKING:
    from perf_etl.ingest.readers import ReadResult

# How long one conversion may take before LibreOffice is stopped: a long report converts in a few seconds,
# and this stays under the per-file budget (ingest.IngestSettings.max_seconds_per_file, 120 s), so that a
# stuck conversion is ended here, with its processes, rather than by the worker being killed under it.
CONVERT_TIMEOUT_SECONDS = 90.0
MISSING_HINT = "install LibreOffice (libreoffice-writer-nogui) to read .doc/.wps, or save it as .docx"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_RTF_MAGIC = b"{\\rtf"
# OLE2 streams that say which Office program wrote the file (Word 97: WordDocument; MS Works .wps: CONTENTS).
_WORD_STREAM = "WordDocument"
_WORKS_STREAM = "CONTENTS"
_OTHER_OFFICE_STREAMS = {
    "Workbook": "an Excel workbook (.xls) named as a Word file: rename it .xls",
    "Book": "an Excel 5 workbook (.xls) named as a Word file: rename it .xls",
    "PowerPoint Document": "a PowerPoint presentation (.ppt) named as a Word file: export it as PDF",
}


def read_doc(data: bytes, options: IngestSettings = IngestSettings()) -> ReadResult:
    """A .doc / .wps as one page (Word files carry no reliable page breaks), with its tables."""
    from perf_etl.ingest import readers  # readers registers this reader, so it is imported when called

    suffix = _input_suffix(data)
    soffice = _soffice()
    converted = _convert_to_docx(soffice, data, suffix)
    try:
        read = readers.read_docx(converted, options)
    except CorruptDocxError as error:
        raise CorruptDocError(f"LibreOffice's .docx of it does not open: {error.detail}") from error
    engine = f"LibreOffice {_soffice_version(soffice)} → {read.text_engine}"
    pages = [replace(page, engine=engine) for page in read.pages]
    return replace(read, pages=pages, text_engine=engine, source_format="doc")


def _input_suffix(data: bytes) -> str:
    """The suffix LibreOffice should see the file under, after the checks that need no LibreOffice:
    CorruptDocError for a file that is no Word 97/WPS/RTF file at all, EncryptedDocError for one that needs a
    password, UnsupportedFormatError for another Office program's file."""
    if data.startswith(_RTF_MAGIC):  # Word saves "Rich Text" under .doc too, and LibreOffice reads it
        return ".rtf"
    if not data.startswith(_OLE_MAGIC):
        raise CorruptDocError("no OLE2 header (D0 CF 11 E0): not a Word 97 or WPS file")
    try:
        # A BytesIO: olefile takes bytes under 1536 long for a file name.
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            streams = {"/".join(entry) for entry in ole.listdir()}
    except Exception as error:  # OSError for a short header, others for broken sector chains: all corrupt
        raise CorruptDocError(f"OLE2 container: {type(error).__name__}: {error}") from error
    for stream, hint in _OTHER_OFFICE_STREAMS.items():
        if stream in streams and _WORD_STREAM not in streams:
            raise UnsupportedFormatError(hint)
    if _WORD_STREAM in streams:
        _check_not_encrypted(data)
        return ".doc"
    if _WORKS_STREAM in streams:
        return ".wps"
    raise CorruptDocError("an OLE2 file without a WordDocument stream: not a Word document")


def _check_not_encrypted(data: bytes) -> None:
    """EncryptedDocError when the Word FIB says the document is encrypted (msoffcrypto-tool reads the
    flag as the [MS-DOC] spec defines it; RC4 and XOR obfuscation both count)."""
    try:
        encrypted = msoffcrypto.OfficeFile(io.BytesIO(data)).is_encrypted()
    except Exception:  # a FIB too short to hold the flag: a broken file, which LibreOffice then judges
        encrypted = False
    if encrypted:
        raise EncryptedDocError("the Word document is encrypted: a password is needed to open it")


def _soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        raise ConverterMissingError(MISSING_HINT)
    return path


def _convert_to_docx(soffice: str, data: bytes, suffix: str) -> bytes:
    """The .docx LibreOffice writes for `data`. Each conversion has its own LibreOffice profile: two
    instances sharing one profile lock each other out (the second exits at once, converting nothing)."""
    with tempfile.TemporaryDirectory(prefix="perf-etl-doc-") as work:
        source = Path(work) / f"report{suffix}"
        source.write_bytes(data)
        out = Path(work) / "out"
        command = [
            soffice, f"-env:UserInstallation={(Path(work) / 'profile').as_uri()}", "--headless", "--norestore",
            "--nologo", "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(source),
        ]
        output = _run(command, work)
        converted = out / "report.docx"
        if not converted.is_file() and "no export filter" in output:  # LibreOffice without its Writer part
            raise ConverterMissingError(MISSING_HINT)
        if not converted.is_file():
            said = " ".join(output.split()[-30:]) or "no output"
            raise CorruptDocError(f"LibreOffice could not convert it ({said})")
        return converted.read_bytes()


def _run(command: list[str], work: str) -> str:
    """Run LibreOffice in its own process group, so that on a timeout all of it is stopped (soffice is a
    launcher for soffice.bin); its stdout and stderr together."""
    env = {**os.environ, "HOME": work}  # LibreOffice and fontconfig write caches under HOME
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                          env=env, start_new_session=True) as process:
        try:
            output, _ = process.communicate(timeout=CONVERT_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired as error:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise CorruptDocError(
                f"LibreOffice did not finish converting it within {CONVERT_TIMEOUT_SECONDS:.0f} s") from error
    return output.decode("utf-8", "replace")


@functools.cache
def _soffice_version(soffice: str) -> str:
    """"7.4.7.2" from "LibreOffice 7.4.7.2 40(Build:2)"; asked once per process."""
    try:
        said = subprocess.run([soffice, "--version"], capture_output=True, text=True, timeout=30,
                              stdin=subprocess.DEVNULL).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "(version unknown)"
    words = said.split()
    return words[1] if len(words) > 1 and words[0].startswith("LibreOffice") else "(version unknown)"
