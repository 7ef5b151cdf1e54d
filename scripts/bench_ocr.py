"""OCR throughput, cost and accuracy on the sample PDFs rendered as scans.

    .venv/bin/python scripts/bench_ocr.py [--dpi 150 [200 ...]] [--scan-dpi 200] [--pages-per-sample N]

Scans are made first (not timed) with perf_etl_tests/ocr/scans.py; then, per OCR dpi, every page is read
with perf_etl.ingest.ocr and the run prints pages/s (wall clock), CPU seconds per page (all threads),
peak RSS, the mean page confidence and the character accuracy (Chinese characters and digits against
the original PDFs' text layer). The model load is timed on its own. The load average is printed too:
on a shared machine other processes slow OCR down, and the numbers only mean something next to it.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# Runnable from a checkout without installing the package.
sys.path.insert(0, str(REPO))

from perf_etl.ingest import ocr  # noqa: E402
from perf_etl_tests.ocr.conftest import text_layer  # noqa: E402
from perf_etl_tests.ocr.metrics import document_accuracy  # noqa: E402
from perf_etl_tests.ocr.scans import image_only_pdf  # noqa: E402

SAMPLES = REPO / "data" / "samples"


@dataclass
class Scanned:
    name: str
    scan: bytes
    reference: list[str]  # text layer of the scanned pages, in order


@dataclass
class Run:
    dpi: int
    pages: int
    wall_s: float
    cpu_s: float
    confidence: float
    accuracy: float
    per_sample: dict[str, float]


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def current_rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def make_scans(scan_dpi: int, pages_per_sample: int | None) -> list[Scanned]:
    scanned = []
    for source in sorted(SAMPLES.glob("*.pdf")):
        data = source.read_bytes()
        reference = text_layer(data)
        numbers = list(range(1, len(reference) + 1))[:pages_per_sample]
        scan = image_only_pdf(data, dpi=scan_dpi, pages=numbers)
        scanned.append(Scanned(source.stem, scan, [reference[n - 1] for n in numbers]))
    return scanned


def run(scanned: list[Scanned], dpis: list[int], threads: int) -> list[Run]:
    """Every document at every dpi, alternating dpis document by document so that a change in the
    machine's load during the run weighs on all of them alike."""
    wall = dict.fromkeys(dpis, 0.0)
    cpu = dict.fromkeys(dpis, 0.0)
    read: dict[int, list[list[ocr.OcrPage]]] = {dpi: [] for dpi in dpis}
    for item in scanned:
        for dpi in dpis:
            started, cpu_started = time.perf_counter(), cpu_seconds()
            read[dpi].append(ocr.ocr_pdf_pages(item.scan, range(1, len(item.reference) + 1), threads, dpi=dpi))
            wall[dpi] += time.perf_counter() - started
            cpu[dpi] += cpu_seconds() - cpu_started
    references = [text for item in scanned for text in item.reference]
    runs = []
    for dpi in dpis:
        pages = [page for document in read[dpi] for page in document]
        per_sample = {
            item.name: document_accuracy(item.reference, [page.text for page in document])
            for item, document in zip(scanned, read[dpi], strict=True)
        }
        accuracy = document_accuracy(references, [page.text for page in pages])
        confidence = sum(page.confidence for page in pages) / len(pages)
        runs.append(Run(dpi, len(pages), wall[dpi], cpu[dpi], confidence, accuracy, per_sample))
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dpi", type=int, nargs="+", default=[ocr.DEFAULT_DPI], help="OCR render dpi")
    parser.add_argument("--scan-dpi", type=int, default=200, help="resolution of the simulated scans")
    parser.add_argument("--pages-per-sample", type=int, default=None, help="first N pages of each sample")
    parser.add_argument("--threads", type=int, default=None, help="ONNX Runtime threads (PERF_ETL_OCR_THREADS)")
    args = parser.parse_args()
    threads = ocr.ocr_threads(args.threads)
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start; "
          f"ONNX Runtime threads: {threads if threads > 0 else 'one per core'}")
    # Made in a child process, so this process's peak RSS is what OCR needs, not what rasterizing took.
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        scanned = pool.submit(make_scans, args.scan_dpi, args.pages_per_sample).result()
    page_count = sum(len(s.reference) for s in scanned)
    print(f"scans: {page_count} pages at {args.scan_dpi} dpi; RSS {current_rss_mb():.0f} MB")
    started = time.perf_counter()
    ocr.load_engine(threads)  # the one-off model load, timed apart from the pages
    print(f"engine load: {time.perf_counter() - started:.2f} s; RSS {current_rss_mb():.0f} MB")
    print("| OCR dpi | pages | pages/s | CPU s/page | mean confidence | char accuracy | " + " | ".join(
        s.name[:3] for s in scanned) + " |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | " + " | ".join("---:" for _ in scanned) + " |")
    for result in run(scanned, args.dpi, threads):
        print(
            f"| {result.dpi} | {result.pages} | {result.pages / result.wall_s:.2f} | {result.cpu_s / result.pages:.2f} "
            f"| {result.confidence:.3f} | {result.accuracy:.2%} | "
            + " | ".join(f"{value:.2%}" for value in result.per_sample.values())
            + " |",
            flush=True,
        )
    print(f"peak RSS: {peak_rss_mb():.0f} MB; load average {os.getloadavg()[0]:.2f} at end")


if __name__ == "__main__":
    main()
