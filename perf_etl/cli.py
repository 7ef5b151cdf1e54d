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

from perf_etl.pool import start_fork_server
from perf_etl.settings import DEFAULT_LANDING, DEFAULT_WAREHOUSE, Settings, SettingsError

# What the worker processes of a run import: the readers and the per-batch functions of the stages. Not the
# charts: the fork server forks no reader before its imports are done, and matplotlib would add a second.
WORKER_MODULES = ("perf_etl.ingest.ingest", "perf_etl.normalize.packed", "perf_etl.extract.batch")


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


_WAREHOUSE_HELP = f"DuckDB warehouse file, created if missing (default: {DEFAULT_WAREHOUSE}, or PERF_ETL_WAREHOUSE)"
EXIT_CODES = """exit codes: 0 done; 1 the pipeline failed (run), or a file was rejected (extract); 2 a wrong argument"""


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="perf-etl", description=__doc__, epilog=EXIT_CODES)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run = commands.add_parser(
        "run", help="materialize every asset for the fiscal years in the landing folder", epilog=EXIT_CODES,
        description="Read the landing folder, then materialize raw → staging → core → marts → published marts "
                    "for its fiscal years (one Dagster run per range of consecutive years).")
    run.add_argument("--landing", type=Path, default=None,
                     help=f"folder of report files, subfolders included (default: {DEFAULT_LANDING}, "
                          "or PERF_ETL_LANDING)")
    run.add_argument("--warehouse", type=Path, default=None, help=_WAREHOUSE_HELP)
    run.add_argument("--years", type=parse_years, default=None,
                     help="fiscal years to run, e.g. 2020-2024 or 2020,2023; default: the landing folder's years "
                          "and those whose files were removed")
    extract = commands.add_parser(
        "extract", help="print one JSON object per file: report fields and evidence", epilog=EXIT_CODES,
        description="Read each file as the pipeline does (ingest, normalize, extract, validate) and print one JSON "
                    "line per file: report fields, evidence, and the rejection if it was rejected. No warehouse.")
    extract.add_argument("files", type=Path, nargs="+", help="report files, in any format the pipeline reads "
                         "(docs/operations.md, Formats read)")
    _add_corrections_parser(commands)
    _add_review_parser(commands)
    return parser


def _add_review_parser(commands: argparse._SubParsersAction) -> None:
    review = commands.add_parser(
        "review", help="start the review page: the queue, each value at its words, corrections", epilog=EXIT_CODES,
        description="Serve a local web page over the review copy the last run published (beside the warehouse: "
                    "review.duckdb; never the working warehouse): the values to look at first, each report's text "
                    "with its values highlighted, and a form to accept a value or correct it. Corrections go to "
                    "the corrections store and are applied at the next run. Binds 127.0.0.1; another interface "
                    "needs --token, which every request must then carry.")
    review.add_argument("--warehouse", type=Path, default=None,
                        help="the warehouse whose published review copy to read and whose corrections store to "
                             f"write (default: {DEFAULT_WAREHOUSE}, or PERF_ETL_WAREHOUSE)")
    review.add_argument("--store", type=Path, default=None,
                        help="the corrections store (default: beside the warehouse, or PERF_ETL_CORRECTIONS)")
    review.add_argument("--host", default="127.0.0.1", help="interface to bind (default: %(default)s)")
    review.add_argument("--port", type=int, default=8765, help="port (default: %(default)s; 0 picks a free one)")
    review.add_argument("--token", default=None, help="a secret every request must carry (needed off 127.0.0.1)")
    review.add_argument("--reviewer", default=None, help="name recorded with each correction (default: your login)")


def _add_corrections_parser(commands: argparse._SubParsersAction) -> None:
    corrections = commands.add_parser(
        "corrections", help="export, import or list the corrections store", epilog=EXIT_CODES,
        description="The corrections people made to extracted values live in a small store beside the warehouse "
                    "(applied by every run). Export them to a CSV file to keep in version control, import one "
                    "back. CSV: UTF-8 with a BOM, header report_id,field,value,reason,corrected_by,corrected_at,"
                    "extracted_value; an empty value cell clears the field, an empty extracted_value cell means "
                    "the field was empty when corrected.")
    actions = corrections.add_subparsers(dest="action", required=True, parser_class=_Parser)
    export = actions.add_parser("export", help="write every correction to a CSV file", epilog=EXIT_CODES)
    export.add_argument("file", type=Path, help="CSV file to write ('-' for standard output)")
    load = actions.add_parser("import", help="record the corrections of a CSV file (all or none)", epilog=EXIT_CODES)
    load.add_argument("file", type=Path, help="CSV file as `export` writes it")
    load.add_argument("--replace", action="store_true",
                      help="remove the store's corrections the file does not hold (the store then equals the file)")
    actions.add_parser("list", help="print the corrections and what the last run did with them", epilog=EXIT_CODES)
    for action in actions.choices.values():
        action.add_argument("--warehouse", type=Path, default=None,
                            help=f"the warehouse whose corrections these are (default: {DEFAULT_WAREHOUSE}, or "
                                 "PERF_ETL_WAREHOUSE)")
        action.add_argument("--store", type=Path, default=None,
                            help="the corrections store (default: beside the warehouse, "
                                 "<warehouse>.corrections.duckdb, or PERF_ETL_CORRECTIONS)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "run":
        start_fork_server(*WORKER_MODULES)
    from perf_etl import commands

    try:
        # The one reading of the environment (PERF_ETL_*), with the paths given on the command line.
        settings = Settings.from_environment(landing=getattr(args, "landing", None),
                                             warehouse=getattr(args, "warehouse", None))
        if args.command == "run":
            return commands.run_command(settings, args.years)
        if args.command == "review":
            return commands.review_command(settings, args.store, args.host, args.port, args.token, args.reviewer)
        if args.command == "corrections":
            return commands.corrections_command(args.action, settings, args.store,
                                                getattr(args, "file", None), replace=getattr(args, "replace", False))
        return commands.extract_command(settings, args.files)
    except (commands.UsageError, SettingsError) as error:
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
