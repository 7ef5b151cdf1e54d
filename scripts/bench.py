"""Throughput benchmark: N generated reports through the whole pipeline, and raw text extraction on the same files.

1. Generates (or reuses) a corpus of N report PDFs with known field values (scripts/generate_corpus.py).
2. Runs `perf-etl run` (landing → raw → staging → core → marts) in a child process into a fresh warehouse,
   with DAGSTER_HOME set to a fresh instance so that each Dagster step's duration can be read back, while
   a sampler adds up the resident memory of the child and every process below it (the ingest workers).
3. Runs it again on the same landing folder and warehouse: the "nothing new" re-run.
4. Reads core.reports back and scores it against truth.jsonl: a throughput with wrong outputs is worthless.
5. Times raw text extraction on the same files, one process, with pdfplumber (`extract_text()`, default
   settings, `page.close()` after each page) and with pypdfium2 (`get_textpage().get_text_range()`). Each
   engine stops starting new files after --extract-seconds; the output says whether every page was read.
   pypdfium2 is also timed before step 2: the machine's speed drifts, and the pipeline's pages/s is
   compared with the faster of the two pypdfium2 timings (`pipeline_share_of_pypdfium2`).

A readable table goes to stdout, then, as the last line, one JSON object with the numbers
(also written to WORKDIR/run_n<N>_s<SEED>/bench.json).

    .venv/bin/python scripts/bench.py --n 300 --seed 0 [--workdir DIR] [--skip-rerun]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
GENERATOR = REPO / "scripts" / "generate_corpus.py"
RSS_POLL_SECONDS = 0.2
# Fields of core.reports scored against the truth; the first four are the headline ones of the issue.
HEADLINE_FIELDS = ("fiscal_year", "budget_wan", "expenditure_wan", "self_score")
OTHER_FIELDS = ("execution_rate_pct", "department_name", "region", "grade")
MONEY_TOLERANCE = 0.005  # DECIMAL(18, 2) in the warehouse; the truth has two decimals


# ---------------------------------------------------------------- corpus


def ensure_corpus(folder: Path, n: int, seed: int, regenerate: bool) -> tuple[list[dict[str, Any]], float | None]:
    """The truth rows of the corpus in `folder` (PDFs in folder/landing, truth beside it, so that the landing
    folder holds reports only), generating it first unless a complete one is there.

    Returns (truth rows, generation seconds or None when reused). A corpus of another generator version
    (perf_etl_tests/fixtures/corpus.py:GENERATOR_VERSION) is generated again."""
    from perf_etl_tests.fixtures.corpus import GENERATOR_VERSION, TRUTH_FILE

    truth, version = folder / TRUTH_FILE, folder / "generator_version"
    reusable = (truth.exists() and len(truth.read_text(encoding="utf-8").splitlines()) == n and version.exists()
                and version.read_text(encoding="utf-8").strip() == str(GENERATOR_VERSION))
    if reusable and not regenerate:
        return _read_jsonl(truth), None
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    # A child process: the generator's own worker processes then do not count in this process's rusage.
    subprocess.run([sys.executable, str(GENERATOR), str(folder / "landing"), "--n", str(n), "--seed", str(seed),
                    "--truth", str(truth)], check=True)
    version.write_text(f"{GENERATOR_VERSION}\n", encoding="utf-8")
    return _read_jsonl(truth), time.perf_counter() - started


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# ---------------------------------------------------------------- memory of a process tree


def _children_by_parent() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as stat:
                # The command name may hold spaces and parentheses: the fields after the last ")" are fixed.
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue  # the process ended while we looked
        children.setdefault(parent, []).append(int(entry.name))
    return children


def _tree(root: int) -> Iterator[int]:
    children = _children_by_parent()
    stack = [root]
    while stack:
        pid = stack.pop()
        yield pid
        stack.extend(children.get(pid, []))


def _status_kib(pid: int, path: str, key: str) -> int:
    try:
        with open(f"/proc/{pid}/{path}", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith(key):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _cpu_ticks(pid: int) -> int:
    """utime + stime of a process in clock ticks (its own, not its children's)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return 0


@dataclass
class MemorySampler:
    """Samples the summed RSS and PSS of a process and all its descendants until stopped.

    RSS counts pages shared between the fork server and its workers once per process (an upper bound, what
    a container limit would be compared with conservatively); PSS splits shared pages between them."""

    root: int
    peak_rss_kib: int = 0
    peak_pss_kib: int = 0
    peak_processes: int = 0
    peak_single_kib: int = 0  # the largest VmHWM (a process's own peak RSS, even between two samples)
    # pid -> user + system clock ticks last seen. getrusage(RUSAGE_CHILDREN) cannot be used: it misses the
    # ingest workers, whose fork server is not waited for by its parent.
    cpu_ticks: dict[int, int] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            pids = list(_tree(self.root))
            self.peak_rss_kib = max(self.peak_rss_kib, sum(_status_kib(p, "status", "VmRSS:") for p in pids))
            self.peak_pss_kib = max(self.peak_pss_kib, sum(_status_kib(p, "smaps_rollup", "Pss:") for p in pids))
            self.peak_processes = max(self.peak_processes, len(pids))
            self.peak_single_kib = max([self.peak_single_kib, *(_status_kib(p, "status", "VmHWM:") for p in pids)])
            for pid in pids:
                self.cpu_ticks[pid] = max(self.cpu_ticks.get(pid, 0), _cpu_ticks(pid))
            self._stop.wait(RSS_POLL_SECONDS)


# ---------------------------------------------------------------- the pipeline run


def busy_cpu_seconds() -> float:
    """CPU seconds all processes of the machine have used since boot (from /proc/stat): with our own CPU
    time it tells how much of the machine other work took while we measured."""
    fields = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


@dataclass
class PipelineRun:
    seconds: float  # wall time of the whole `perf-etl run` process, start-up included
    cpu_seconds: float  # user + system time of the child and every process below it (sampled from /proc)
    other_cpu_seconds: float  # CPU time the rest of the machine used meanwhile (contention)
    exit_code: int
    landing_read_seconds: float | None  # as the CLI prints it
    before_run_seconds: float | None  # process start to the first Dagster run's start: imports, reading, instance
    run_seconds: float  # sum of the Dagster runs' durations
    stage_seconds: dict[str, float]  # Dagster step key -> seconds, summed over runs
    runs: int
    peak_rss_mb: float
    peak_pss_mb: float
    max_process_rss_mb: float  # the largest single process's own peak (VmHWM)
    processes: int
    log: str


def fresh_instance_env(home: Path) -> dict[str, str]:
    """The environment of a child run on a new Dagster instance in `home`, configured as `make run`'s
    (instance.yaml: its SQLite event log, telemetry off so that no network call is timed)."""
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    shutil.copyfile(REPO / "instance.yaml", home / "dagster.yaml")
    # Marts are published beside the warehouse (DuckDB), never to a database the caller's environment names.
    env = {key: value for key, value in os.environ.items() if key != "PERF_ETL_PUBLISH_URL"}
    env["DAGSTER_HOME"] = str(home)
    return env


def run_sampled(command: list[str], env: dict[str, str], log: Path) -> tuple[int, float, MemorySampler]:
    """Run `command` with its output in `log`, sampling the memory of it and every process below it.
    Returns (exit code, wall seconds, the sampler)."""
    started = time.perf_counter()
    with log.open("w", encoding="utf-8") as output:
        child = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT, cwd=REPO)
        sampler = MemorySampler(child.pid)
        sampler.start()
        exit_code = child.wait()
        sampler.stop()
    return exit_code, time.perf_counter() - started, sampler


def run_pipeline(landing: Path, warehouse: Path, home: Path, log: Path) -> PipelineRun:
    """`perf-etl run` in a child process with a fresh Dagster instance in `home`."""
    env = fresh_instance_env(home)
    command = [sys.executable, "-m", "perf_etl.cli", "run", "--landing", str(landing), "--warehouse", str(warehouse)]
    busy_before = busy_cpu_seconds()
    started = time.time()
    exit_code, seconds, sampler = run_sampled(command, env, log)
    # Sampled every RSS_POLL_SECONDS: a process living less than that is missed (the workers live all run).
    cpu_seconds = sum(sampler.cpu_ticks.values()) / os.sysconf("SC_CLK_TCK")
    other_cpu_seconds = max(0.0, busy_cpu_seconds() - busy_before - cpu_seconds)
    run_seconds, stage_seconds, runs, first_run_start = _dagster_stats(home)
    return PipelineRun(
        seconds=seconds, cpu_seconds=cpu_seconds, other_cpu_seconds=other_cpu_seconds, exit_code=exit_code,
        landing_read_seconds=read_seconds(log),
        before_run_seconds=None if first_run_start is None else first_run_start - started,
        run_seconds=run_seconds, stage_seconds=stage_seconds,
        runs=runs, peak_rss_mb=sampler.peak_rss_kib / 1024, peak_pss_mb=sampler.peak_pss_kib / 1024,
        max_process_rss_mb=sampler.peak_single_kib / 1024,
        processes=sampler.peak_processes, log=str(log),
    )


def _dagster_stats(home: Path) -> tuple[float, dict[str, float], int, float | None]:
    """(seconds inside Dagster runs, seconds per step key, number of runs, the first run's start as a Unix
    time) from the instance in `home`."""
    from perf_etl.instance import prepared_instance

    stage_seconds: dict[str, float] = {}
    run_seconds = 0.0
    starts = []
    with prepared_instance(home) as instance:
        runs = instance.get_runs()
        for run in runs:
            stats = instance.get_run_stats(run.run_id)
            if stats.start_time:
                starts.append(stats.start_time)
            if stats.start_time and stats.end_time:
                run_seconds += stats.end_time - stats.start_time
            for step in instance.get_run_step_stats(run.run_id):
                if step.start_time and step.end_time:
                    seconds = step.end_time - step.start_time
                    stage_seconds[step.step_key] = stage_seconds.get(step.step_key, 0.0) + seconds
    return run_seconds, stage_seconds, len(runs), min(starts, default=None)


# The CLI's last line about its read of the landing folder (perf_etl/commands.py, no terminal).
READ_LINE = re.compile(r"(?:read \d+ new or changed landing file\(s\)|no landing file is new or changed)"
                       r" \(([\d.]+) s\)")


def read_seconds(log: Path) -> float | None:
    """The seconds the CLI says it spent reading the landing folder into the read cache."""
    found = READ_LINE.findall(log.read_text(encoding="utf-8", errors="replace"))
    return float(found[-1]) if found else None


# ---------------------------------------------------------------- accuracy


REPORT_COLUMNS = ("file_name", "fiscal_year", "budget_wan", "expenditure_wan", "execution_rate_pct", "self_score",
                  "department_name", "region", "grade")
REPORTS_SQL = """
SELECT d.file_name, r.fiscal_year, r.budget_wan, r.expenditure_wan, r.execution_rate_pct, r.self_score,
       r.department_name, r.region, r.grade
FROM core.reports r JOIN raw.documents d USING (document_id)
"""


def accuracy(warehouse: Path, truth: list[dict[str, Any]]) -> dict[str, Any]:
    """Share of reports whose field in core.reports equals the truth (a report missing from core counts as
    wrong for every field), the rejections by reason, and the page count the warehouse holds."""
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as conn:
        rows = {row[0]: dict(zip(REPORT_COLUMNS, row, strict=True)) for row in conn.execute(REPORTS_SQL).fetchall()}
        rejected = dict(conn.execute("SELECT reason_code, count(*) FROM raw.rejected_files GROUP BY ALL").fetchall())
        pages = conn.execute("SELECT count(*) FROM raw.pages").fetchone()[0]
    right = {name: 0 for name in (*HEADLINE_FIELDS, *OTHER_FIELDS)}
    for expected in truth:
        got = rows.get(expected["file_name"])
        if got is None:
            continue
        for name in right:
            right[name] += _equal(name, expected, got)
    total = len(truth) or 1
    shares = {name: round(count / total, 4) for name, count in right.items()}
    wrong_examples = _wrong_examples(rows, truth)
    return {"in_core": round(len(rows) / total, 4), "fields": shares,
            "headline_mean": round(sum(shares[f] for f in HEADLINE_FIELDS) / len(HEADLINE_FIELDS), 4),
            "rejected": rejected, "warehouse_pages": pages, "wrong_examples": wrong_examples}


def _equal(name: str, expected: dict[str, Any], got: dict[str, Any]) -> bool:
    value = got[name]
    if name == "grade":
        return value == expected["grade_normalized"]
    if value is None:
        return False
    if isinstance(expected[name], float):
        return abs(float(value) - expected[name]) <= MONEY_TOLERANCE
    return value == expected[name]


def _wrong_examples(rows: dict[str, dict[str, Any]], truth: list[dict[str, Any]], limit: int = 8) -> list[str]:
    """A few 'file field: expected != got' lines, to start from when accuracy drops."""
    examples = []
    for expected in truth:
        got = rows.get(expected["file_name"])
        if got is None:
            examples.append(f"{expected['file_name']}: not in core.reports")
            continue
        for name in (*HEADLINE_FIELDS, *OTHER_FIELDS):
            if not _equal(name, expected, got):
                wanted = expected["grade_normalized" if name == "grade" else name]
                examples.append(f"{expected['file_name']} {name}: {wanted!r} != {got[name]!r}")
        if len(examples) >= limit:
            break
    return examples[:limit]


# ---------------------------------------------------------------- raw extraction


@dataclass
class ExtractionRate:
    engine: str
    files: int
    pages: int
    seconds: float
    cpu_seconds: float  # this process's CPU time: less sensitive than wall time to other work on the machine
    chars: int
    complete: bool  # every file read (not cut by the time budget)

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


def _pdfplumber_pages(path: Path) -> tuple[int, int]:
    import pdfplumber

    pages = chars = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            chars += len(page.extract_text() or "")
            page.close()  # as the pipeline does: otherwise every page's objects stay cached
            pages += 1
    return pages, chars


def _pypdfium2_pages(path: Path) -> tuple[int, int]:
    import pypdfium2

    # Raw pdfium at its fastest: no system font lookup (with CJK system fonts installed, the default loads
    # a 20 MB substitute per document). The pipeline gives pdfium its metrics font instead.
    pypdfium2.raw.FPDF_SetSystemFontInfo(None)
    pages = chars = 0
    document = pypdfium2.PdfDocument(path)
    try:
        for index in range(len(document)):
            page = document[index]
            text_page = page.get_textpage()
            chars += len(text_page.get_text_range())
            text_page.close()
            page.close()
            pages += 1
    finally:
        document.close()
    return pages, chars


ENGINES: dict[str, Callable[[Path], tuple[int, int]]] = {"pdfplumber": _pdfplumber_pages,
                                                         "pypdfium2": _pypdfium2_pages}


def extraction_rate(engine: str, files: list[Path], budget_seconds: float, seed: int) -> ExtractionRate:
    """Pages per second of one engine over `files` in one process. Files are taken in a seeded shuffled
    order, so a run cut short by the budget is a fair sample of lengths and fonts, not the first N files."""
    read = ENGINES[engine]
    order = files[:]
    random.Random(seed).shuffle(order)
    read(order[0])  # warm-up: imports and font caches are not throughput
    pages = chars = count = 0
    started, cpu_started = time.perf_counter(), time.process_time()
    for path in order:
        if time.perf_counter() - started > budget_seconds:
            break
        file_pages, file_chars = read(path)
        pages, chars, count = pages + file_pages, chars + file_chars, count + 1
    return ExtractionRate(engine, count, pages, time.perf_counter() - started, time.process_time() - cpu_started,
                          chars, count == len(order))


def ocr_extraction_rate(files: list[Path], pages: int, seed: int) -> ExtractionRate:
    """OCR pages/s in this process (ONNX Runtime's threads: PERF_ETL_OCR_THREADS, default one per CPU):
    the first page of seeded random files, rendered as noisy 200 dpi scans with a seal (not timed)."""
    from perf_etl.ingest import ocr
    from perf_etl_tests.ocr.scans import image_only_pdf

    order = files[:]
    random.Random(seed).shuffle(order)
    scans = [image_only_pdf(path.read_bytes(), pages=[1]) for path in order[:pages]]
    ocr.load_engine()  # the model load is a one-off per process, not throughput
    started, cpu_started = time.perf_counter(), time.process_time()
    chars = sum(len(page.text) for scan in scans for page in ocr.ocr_pdf_pages(scan, [1]))
    return ExtractionRate("rapidocr-onnxruntime", len(scans), len(scans), time.perf_counter() - started,
                          time.process_time() - cpu_started, chars, True)


@dataclass
class StageRates:
    """Normalization and field extraction in this process on pypdfium2's text of a sample of files: the
    per-page cost of the rules, without Dagster, DuckDB or workers. Best of `repeats` runs (CPU seconds): at
    300 reports a Dagster step's time moves by a third from run to run on this VM, this by a few percent."""

    files: int
    pages: int
    normalize_cpu_seconds: float
    extract_cpu_seconds: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "pages": self.pages,
            "normalize_pages_per_cpu_s": round(self.pages / self.normalize_cpu_seconds, 1),
            "extract_pages_per_cpu_s": round(self.pages / self.extract_cpu_seconds, 1),
            "normalize_and_extract_pages_per_cpu_s": round(
                self.pages / (self.normalize_cpu_seconds + self.extract_cpu_seconds), 1),
        }


def stage_rates(files: list[Path], seed: int, sample: int = 100, repeats: int = 5) -> StageRates:
    import pypdfium2

    from perf_etl.extract import extract_document
    from perf_etl.models import PageText
    from perf_etl.normalize import normalize_document

    order = files[:]
    random.Random(seed).shuffle(order)
    documents: list[list[PageText]] = []
    for path in order[:sample]:
        pdf = pypdfium2.PdfDocument(path)
        documents.append([PageText(index + 1, page.get_textpage().get_text_range()) for index, page in enumerate(pdf)])
        pdf.close()

    def best(run: Callable[[], object]) -> float:
        run()  # warm-up: imports, compiled patterns, caches
        times = []
        for _ in range(repeats):
            started = time.process_time()
            run()
            times.append(time.process_time() - started)
        return min(times)

    staged = [normalize_document(f"d{index}", 2022, pages) for index, pages in enumerate(documents)]
    normalize = best(lambda: [normalize_document(f"d{i}", 2022, pages) for i, pages in enumerate(documents)])
    extract = best(lambda: [extract_document(document) for document in staged])
    return StageRates(len(documents), sum(map(len, documents)), normalize, extract)


# ---------------------------------------------------------------- report


def machine() -> dict[str, Any]:
    model = ""
    with contextlib.suppress(OSError):
        model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                      if line.startswith("model name")), "")
    memory_kib = _status_kib_meminfo()
    from importlib.metadata import version

    return {"nproc": os.cpu_count(), "cpus_usable": len(os.sched_getaffinity(0)), "cpu_model": model,
            "memory_gib": round(memory_kib / 1024 / 1024, 1), "python": platform.python_version(),
            "platform": platform.platform(), "cjk_system_fonts": cjk_system_fonts(),
            "versions": {name: version(name) for name in ("dagster", "duckdb", "pdfplumber", "pypdfium2", "pandas")}}


def cjk_system_fonts() -> list[str] | None:
    """The machine's Chinese font families (fontconfig's view; None without fc-list): with pdfium's default
    font lookup they decide how fast non-embedded CJK text is read (docs/performance.md)."""
    try:
        listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=30,
                                check=False).stdout
    except OSError:
        return None
    return sorted({line.split(",")[0].strip() for line in listed.splitlines() if line.strip()})


def per_font_kind(truth: list[dict[str, Any]], landing: Path, budget_seconds: float, seed: int
                  ) -> dict[str, ExtractionRate]:
    """Raw pypdfium2 pages/s over the files of each font kind of the corpus (its truth's `font`)."""
    kinds: dict[str, list[Path]] = {}
    for row in truth:
        kinds.setdefault(row["font"], []).append(landing / row["file_name"])
    return {kind: extraction_rate("pypdfium2", files, budget_seconds / len(kinds), seed)
            for kind, files in sorted(kinds.items())}


def _status_kib_meminfo() -> int:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def summary(args: argparse.Namespace, truth: list[dict[str, Any]], generate_seconds: float | None,
            first: PipelineRun, rerun: PipelineRun | None, scores: dict[str, Any],
            rates: dict[str, ExtractionRate], ocr_rate: ExtractionRate | None,
            stages: StageRates, font_kinds: dict[str, ExtractionRate]) -> dict[str, Any]:
    pages = sum(row["page_count"] for row in truth)
    reports = len(truth)
    pdfium = max(rates["pypdfium2"], rates["pypdfium2_before"], key=lambda rate: rate.pages_per_s)
    return {
        "reports": reports,
        "pages": pages,
        "seed": args.seed,
        "generate_seconds": None if generate_seconds is None else round(generate_seconds, 1),
        "pipeline_seconds": round(first.seconds, 2),
        "pipeline_exit_code": first.exit_code,
        "pipeline_pages_per_s": round(pages / first.seconds, 2),
        "pipeline_cpu_seconds": round(first.cpu_seconds, 1),
        "pipeline_pages_per_cpu_s": round(pages / first.cpu_seconds, 2) if first.cpu_seconds else None,
        "other_load_cpus": round(first.other_cpu_seconds / first.seconds, 2),
        "reports_per_s": round(reports / first.seconds, 3),
        "dagster_run_seconds": round(first.run_seconds, 2),
        "landing_read_seconds": first.landing_read_seconds,
        "before_run_seconds": _rounded(first.before_run_seconds),
        "stage_seconds": {key: round(value, 2) for key, value in sorted(first.stage_seconds.items())},
        "dagster_runs": first.runs,
        "pdfplumber_pages_per_s": round(rates["pdfplumber"].pages_per_s, 2),
        # The faster of the timings before and after the pipeline: the stricter yardstick.
        "pypdfium2_pages_per_s": round(pdfium.pages_per_s, 2),
        "pipeline_share_of_pypdfium2": round(pages / first.seconds / pdfium.pages_per_s, 3),
        "pdfplumber_pages_per_cpu_s": _per_cpu(rates["pdfplumber"]),
        "pypdfium2_pages_per_cpu_s": _per_cpu(pdfium),
        "ocr_pages_per_s": None if ocr_rate is None else round(ocr_rate.pages_per_s, 3),
        "ocr_pages_per_cpu_s": None if ocr_rate is None else _per_cpu(ocr_rate),
        "extraction": {name: {**asdict(rate), "seconds": round(rate.seconds, 2)} for name, rate in rates.items()},
        "rules_in_process": stages.as_dict(),
        "peak_rss_mb": round(first.peak_rss_mb, 1),
        "peak_pss_mb": round(first.peak_pss_mb, 1),
        "max_process_rss_mb": round(first.max_process_rss_mb, 1),
        "peak_processes": first.processes,
        "rerun_seconds": None if rerun is None else round(rerun.seconds, 2),
        "rerun_exit_code": None if rerun is None else rerun.exit_code,
        "rerun_stage_seconds": None if rerun is None else {
            key: round(value, 2) for key, value in sorted(rerun.stage_seconds.items())},
        "accuracy": scores,
        "ingest_workers": os.environ.get("PERF_ETL_INGEST_WORKERS", "default (min(2, CPUs))"),
        "machine": machine(),
        "font_kinds": {kind: sum(row["font"] == kind for row in truth) for kind in font_kinds},
        "pypdfium2_pages_per_s_by_font_kind": {kind: round(rate.pages_per_s, 2) for kind, rate in font_kinds.items()},
    }


def _rounded(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds, 2)


def _per_cpu(rate: ExtractionRate) -> float | None:
    return round(rate.pages / rate.cpu_seconds, 2) if rate.cpu_seconds else None


def print_table(result: dict[str, Any]) -> None:
    rows = [
        ("reports / pages", f"{result['reports']} / {result['pages']}"),
        ("pipeline wall time", f"{result['pipeline_seconds']:.1f} s (exit {result['pipeline_exit_code']})"),
        ("  before the first Dagster run", f"{result['before_run_seconds']} s (imports, reading, instance)"),
        ("  of which reading the landing folder", f"{result['landing_read_seconds']} s (CLI, into the read cache)"),
        ("  of which Dagster runs", f"{result['dagster_run_seconds']:.1f} s in {result['dagster_runs']} run(s)"),
        ("pipeline throughput",
         f"{result['pipeline_pages_per_s']:.1f} pages/s, {result['reports_per_s']:.2f} reports/s"),
        ("pipeline CPU time", f"{result['pipeline_cpu_seconds']:.0f} s ({result['pipeline_pages_per_cpu_s']} pages "
                              f"per CPU-second); other work on the machine used {result['other_load_cpus']} CPUs"),
        ("pdfplumber extract_text", _rate_line(result["extraction"]["pdfplumber"])),
        ("pypdfium2 get_text_range, before", _rate_line(result["extraction"]["pypdfium2_before"])),
        ("pypdfium2 get_text_range, after", _rate_line(result["extraction"]["pypdfium2"])),
        ("pipeline ÷ pypdfium2 (faster timing)", f"{result['pipeline_share_of_pypdfium2']:.1%}"),
        ("pypdfium2 by font kind (reports)", ", ".join(
            f"{kind} ({result['font_kinds'][kind]}): {rate:.0f} pages/s"
            for kind, rate in result["pypdfium2_pages_per_s_by_font_kind"].items())),
        ("CJK system fonts", "unknown (no fc-list)" if result["machine"]["cjk_system_fonts"] is None else
         ", ".join(result["machine"]["cjk_system_fonts"]) or "none"),
        ("OCR (rapidocr, scanned pages)", "skipped" if result["ocr_pages_per_s"] is None else
         f"{result['ocr_pages_per_s']:.2f} pages/s, {result['ocr_pages_per_cpu_s']} per CPU-s"),
        ("peak memory (tree)", f"RSS {result['peak_rss_mb']:.0f} MB, PSS {result['peak_pss_mb']:.0f} MB, largest "
                               f"process {result['max_process_rss_mb']:.0f} MB, {result['peak_processes']} processes"),
        ("normalize + extract, in process", "{normalize_and_extract_pages_per_cpu_s} pages per CPU-s (normalize "
         "{normalize_pages_per_cpu_s}, extract {extract_pages_per_cpu_s}; {pages} pages of {files} files, best of 5)"
         .format(**result["rules_in_process"])),
        ("re-run, no new files", "skipped" if result["rerun_seconds"] is None else f"{result['rerun_seconds']:.1f} s"),
        ("in core.reports", f"{result['accuracy']['in_core']:.1%}"),
    ]
    rows += [(f"  {name} right", f"{share:.1%}") for name, share in result["accuracy"]["fields"].items()]
    width = max(len(label) for label, _ in rows)
    print()
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    print("\nstage (Dagster step)".ljust(width + 1) + "  seconds   share of runs")
    total = result["dagster_run_seconds"] or 1.0
    for key, seconds in sorted(result["stage_seconds"].items(), key=lambda item: -item[1]):
        print(f"  {key:<{width - 2}}  {seconds:7.1f}   {seconds / total:6.1%}")
    if result["accuracy"]["wrong_examples"]:
        print("\nfirst wrong values:")
        for line in result["accuracy"]["wrong_examples"]:
            print(f"  {line}")
    print()


def _rate_line(rate: dict[str, Any]) -> str:
    pages_per_s = rate["pages"] / rate["seconds"] if rate["seconds"] else 0.0
    scope = "all pages" if rate["complete"] else f"time-bounded sample of {rate['files']} files"
    per_cpu = rate["pages"] / rate["cpu_seconds"] if rate["cpu_seconds"] else 0.0
    return (f"{pages_per_s:.1f} pages/s, {per_cpu:.1f} per CPU-s "
            f"({rate['pages']} pages in {rate['seconds']:.1f} s, {scope})")


# ---------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=300, help="reports in the corpus (default 300)")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "perf-etl-bench",
                        help="corpus, warehouse, Dagster instance and logs (default: $TMPDIR/perf-etl-bench)")
    parser.add_argument("--extract-seconds", type=float, default=300.0,
                        help="time budget per extraction engine; past it no new file is started (default 300)")
    parser.add_argument("--ocr-pages", type=int, default=20,
                        help="pages rendered as 200 dpi scans and read by OCR, for OCR pages/s (default 20; 0: skip)")
    parser.add_argument("--skip-rerun", action="store_true", help="do not time the re-run with no new files")
    parser.add_argument("--regenerate", action="store_true", help="generate the corpus even if one is there")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    workdir = args.workdir.resolve()
    corpus = workdir / f"corpus_n{args.n}_s{args.seed}"
    truth, generate_seconds = ensure_corpus(corpus, args.n, args.seed, args.regenerate)
    # A fresh folder per run: the warehouse, and the marts published beside it (Parquet, marts.duckdb).
    run_dir = workdir / f"run_n{args.n}_s{args.seed}"
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    warehouse = run_dir / "warehouse.duckdb"
    print(f"corpus {corpus}: {len(truth)} reports, {sum(r['page_count'] for r in truth)} pages; running the pipeline…",
          flush=True)
    landing = corpus / "landing"
    files = [landing / row["file_name"] for row in truth]
    # This machine's speed drifts by a quarter over minutes (a shared VM): pypdfium2 is timed before and
    # after the pipeline, and the pipeline is compared with the faster of the two.
    pdfium_before = extraction_rate("pypdfium2", files, args.extract_seconds, args.seed)
    first = run_pipeline(landing, warehouse, run_dir / "dagster_home", run_dir / "pipeline.log")
    rerun = None
    if not args.skip_rerun:
        print("re-running with no new files…", flush=True)
        rerun = run_pipeline(landing, warehouse, run_dir / "dagster_home_rerun", run_dir / "pipeline_rerun.log")
    scores = accuracy(warehouse, truth)
    print("timing raw text extraction…", flush=True)
    rates = {engine: extraction_rate(engine, files, args.extract_seconds, args.seed) for engine in ENGINES}
    rates["pypdfium2_before"] = pdfium_before
    ocr_rate = None if args.ocr_pages <= 0 else ocr_extraction_rate(files, args.ocr_pages, args.seed)
    print("timing normalization and extraction in process…", flush=True)
    stages = stage_rates(files, args.seed)
    font_kinds = per_font_kind(truth, landing, args.extract_seconds, args.seed)
    result = summary(args, truth, generate_seconds, first, rerun, scores, rates, ocr_rate, stages, font_kinds)
    print_table(result)
    line = json.dumps(result, ensure_ascii=False)
    (run_dir / "bench.json").write_text(line + "\n", encoding="utf-8")
    print(line)
    return 0 if first.exit_code == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
