"""`perf-etl`: run the pipeline on a landing folder, or extract single files to JSON lines.

Only the arguments are parsed here; perf_etl/commands.py does the work. It imports Dagster, pandas and the
readers (a second or more), so `run` starts its reading workers' fork server first, to import theirs meanwhile.
"""

from __future__ import annotations

import argparse
import gc
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from perf_etl import settings
from perf_etl.pool import start_fork_server

# What the worker processes of a run import: the readers and the stage functions.
WORKER_MODULES = ("perf_etl.pipeline",)


def parse_years(text: str) -> list[int]:
    """'2020-2024' -> 2020..2024; '2020,2023' -> [2020, 2023]; '2021' -> [2021]."""
    years: set[int] = set()
    for part in text.split(","):
        first, _, last = part.strip().partition("-")
        try:
            low, high = int(first), int(last or first)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a year list (e.g. 2020-2024 or 2020,2023)") from None
        if high < low:
            raise argparse.ArgumentTypeError(f"{part.strip()!r}: the range ends before it starts")
        years.update(range(low, high + 1))
    return sorted(years)


class _Parser(argparse.ArgumentParser):
    """Argument errors in one line ("perf-etl run: --years: …"), exit code 2, no usage dump."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


EXIT_CODES = """exit codes: 0 done; 1 the pipeline failed (run), or a file was rejected (extract); 2 a wrong argument"""


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="perf-etl", description=__doc__, epilog=EXIT_CODES)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run = commands.add_parser(
        "run", help="materialize every asset for the fiscal years in the landing folder", epilog=EXIT_CODES,
        description="Read the landing folder, then materialize raw → staging → core → marts → published marts "
                    "for its fiscal years (one Dagster run per range of consecutive years).")
    run.add_argument("--landing", type=Path, default=settings.landing_dir(),
                     help="folder of report files, subfolders included (default: %(default)s, or PERF_ETL_LANDING)")
    run.add_argument("--warehouse", type=Path, default=settings.warehouse_path(),
                     help="DuckDB warehouse file, created if missing (default: %(default)s, or PERF_ETL_WAREHOUSE)")
    run.add_argument("--years", type=parse_years, default=None,
                     help="fiscal years to run, e.g. 2020-2024 or 2020,2023; default: the landing folder's years "
                          "and those whose files were removed")
    extract = commands.add_parser(
        "extract", help="print one JSON object per file: report fields and evidence", epilog=EXIT_CODES,
        description="Read each file as the pipeline does (ingest, normalize, extract, validate) and print one JSON "
                    "line per file: report fields, evidence, and the rejection if it was rejected. No warehouse.")
    extract.add_argument("files", type=Path, nargs="+", help="report files (.pdf, .docx, .txt)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "run":
        start_fork_server(*WORKER_MODULES)
    from perf_etl import commands

    try:
        if args.command == "run":
            return commands.run_command(args.landing, args.warehouse, args.years)
        return commands.extract_command(args.files)
    except commands.UsageError as error:
        parser.exit(2, f"perf-etl {args.command}: {error}\n")


def console() -> int:
    """The `perf-etl` command: `main`, then an exit that leaves the memory of Dagster, pandas and the readers
    to the operating system (gc.freeze: the interpreter's last collections took 0.6 s; every connection and
    file is closed by then)."""
    code = main()
    gc.freeze()
    return code


if __name__ == "__main__":
    raise SystemExit(console())
