"""Peak memory and re-read work of `perf-etl run` over a landing folder of hostile files.

    .venv/bin/python scripts/bench_hostile.py [--workdir DIR]

The folder is perf_etl_tests/fixtures/bad_landing.py's (broken, encrypted, scanned, misnamed, huge-page,
zip-bomb, link and encoding cases), plus a PDF that takes minutes to read and a file whose name is GBK bytes.
`perf-etl run` runs twice in a child process with a fresh Dagster instance, sampled like scripts/bench.py
does (RSS and PSS summed over the process tree every 0.2 s); the child counts the files handed to the
readers. The second run, with nothing changed, must read none. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import REPO, fresh_instance_env, run_sampled

from perf_etl_tests.fixtures.bad_landing import build_bad_landing, slow_pdf


def build_landing(landing: Path) -> int:
    expected = build_bad_landing(landing)
    (landing / "a slow one.pdf").write_bytes(slow_pdf())
    gbk_name = "2024年度 GBK 文件名.txt".encode("gbk")
    Path(os.fsdecode(os.fsencode(landing) + b"/" + gbk_name)).write_bytes(
        (REPO / "data" / "samples" / "000_c00e73963f41166b.txt").read_bytes().replace(b"\n", b"\r\n"))
    return len(expected) + 2


def child(landing: str, warehouse: str, counts_path: str) -> int:
    """In the child: `perf-etl run`, counting the files given to the readers."""
    from perf_etl import cli
    from perf_etl.stages import raw

    read: list[int] = []
    real = raw.read_tasks

    def counted(tasks, limits, pool=None):  # type: ignore[no-untyped-def]
        read.append(len(tasks))
        return real(tasks, limits, pool)

    raw.read_tasks = counted
    try:
        return cli.main(["run", "--landing", landing, "--warehouse", warehouse])
    finally:
        Path(counts_path).write_text(json.dumps(sum(read)), encoding="utf-8")


def run(landing: Path, warehouse: Path, home: Path, log: Path) -> dict[str, object]:
    env = fresh_instance_env(home)
    counts = home / "read.json"
    command = [sys.executable, str(Path(__file__).resolve()), "--child", str(landing), str(warehouse), str(counts)]
    exit_code, seconds, sampler = run_sampled(command, env, log)
    return {
        "seconds": round(seconds, 1),
        "exit_code": exit_code,
        "files_read": json.loads(counts.read_text()) if counts.exists() else None,
        "peak_rss_mb": round(sampler.peak_rss_kib / 1024, 1),
        "peak_pss_mb": round(sampler.peak_pss_kib / 1024, 1),
        "max_process_rss_mb": round(sampler.peak_single_kib / 1024, 1),
        "log": str(log),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "perf-etl-bench-hostile")
    args = parser.parse_args(argv)
    shutil.rmtree(args.workdir, ignore_errors=True)
    landing, warehouse = args.workdir / "landing", args.workdir / "warehouse.duckdb"
    files = build_landing(landing)
    first = run(landing, warehouse, args.workdir / "home_first", args.workdir / "first.log")
    again = run(landing, warehouse, args.workdir / "home_again", args.workdir / "again.log")
    result = {"files": files, "first": first, "no_change_rerun": again}
    print(f"{files} hostile files; first run {first['seconds']} s, peak RSS {first['peak_rss_mb']} MB "
          f"(PSS {first['peak_pss_mb']} MB, largest process {first['max_process_rss_mb']} MB), "
          f"{first['files_read']} files read; re-run {again['seconds']} s, {again['files_read']} files read")
    print(json.dumps(result, ensure_ascii=False))
    return 0 if first["exit_code"] == 0 and again["exit_code"] == 0 else 1


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        raise SystemExit(child(*sys.argv[2:5]))
    raise SystemExit(main())
