"""Save every table the pipeline makes of fixed inputs, and later check that a changed pipeline makes the
same (issue 17: a redesign must not change any output).

    .venv/bin/python scripts/snapshot_outputs.py save DIR [--sets samples,table_fixtures,real_corpus,generated]
    .venv/bin/python scripts/snapshot_outputs.py compare DIR

`save` builds each input set into DIR/inputs/<set>/ (the bundled samples; the table fixtures, whose bytes
carry the time they were built, so they are kept; the real corpus's texts as .txt files; 1,000 generated
reports, seed 0), runs `perf-etl run` on each into a fresh warehouse, and writes every raw, staging, core and
marts table as Parquet to DIR/tables/<set>/, sorted, without the columns that record when a run happened.
`compare` runs the current code on the same inputs and lists each table whose rows or columns differ;
exit code 1 when any does. meta.* is left out: it holds fingerprints of the code itself.

To check a change against the code before it, save with the old code and compare with the new:

    git worktree add /tmp/before <commit before the change>
    (cd /tmp/before && ln -s /work/main/.venv .venv && .venv/bin/python scripts/snapshot_outputs.py save /tmp/outputs)
    .venv/bin/python scripts/snapshot_outputs.py compare /tmp/outputs

The inputs are kept with the outputs, so the comparison reads the same bytes. The real corpus's reports of
the current year are fiscal_year_out_of_range until it ends: save and compare in the same year.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from perf_etl.warehouse.store import RUN_TIME_COLUMNS  # noqa: E402

SCHEMAS = ("raw", "staging", "core", "marts")
GENERATED_REPORTS = 1000


def _samples(folder: Path) -> None:
    shutil.copytree(REPO / "data" / "samples", folder)


def _table_fixtures(folder: Path) -> None:
    from perf_etl_tests.fixtures.table_pdfs import FIXTURES, write_fixture

    folder.mkdir(parents=True)
    for name in FIXTURES:
        write_fixture(name, folder)


def _real_corpus(folder: Path) -> None:
    from perf_etl.extract.real_corpus import load_corpus

    folder.mkdir(parents=True)
    for text in load_corpus(REPO / "perf_etl_tests" / "fixtures" / "real"):
        (folder / f"{text.batch}_{text.id}.txt").write_text(text.text, encoding="utf-8")


def _generated(folder: Path) -> None:
    subprocess.run([sys.executable, str(REPO / "scripts" / "generate_corpus.py"), str(folder), "--n",
                    str(GENERATED_REPORTS), "--seed", "0", "--truth", str(folder.parent / "generated_truth.jsonl")],
                   check=True)


INPUT_SETS: dict[str, Callable[[Path], None]] = {
    "samples": _samples, "table_fixtures": _table_fixtures, "real_corpus": _real_corpus, "generated": _generated,
}


def run_pipeline(landing: Path, warehouse: Path) -> None:
    """`perf-etl run` as a user runs it, on a throwaway Dagster instance; the marts are published beside
    the warehouse (the default when PERF_ETL_PUBLISH_URL is not set)."""
    env = {key: value for key, value in os.environ.items() if key not in ("DAGSTER_HOME", "PERF_ETL_PUBLISH_URL")}
    # The code of this checkout, whichever checkout the virtualenv was installed from (a git worktree).
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), *filter(None, [env.get("PYTHONPATH")])])
    done = subprocess.run([sys.executable, "-m", "perf_etl.cli", "run", "--landing", str(landing), "--warehouse",
                           str(warehouse)], env=env, cwd=warehouse.parent, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"perf-etl run --landing {landing} failed (exit {done.returncode}):\n"
                         + "\n".join(done.stderr.splitlines()[-20:]))


def tables(conn: duckdb.DuckDBPyConnection) -> list[str]:
    return [f"{schema}.{name}" for schema, name in conn.execute(
        "SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema IN "
        f"({', '.join('?' * len(SCHEMAS))}) ORDER BY ALL", list(SCHEMAS)).fetchall()]


def content_columns(conn: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    schema, name = table.split(".")
    return [column for (column,) in conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ? "
        "ORDER BY ordinal_position", [schema, name]).fetchall() if column not in RUN_TIME_COLUMNS]


def dump(warehouse: Path, out: Path) -> int:
    """Every table's rows (run times left out, sorted) as out/<schema>.<table>.parquet; returns the count."""
    out.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        names = tables(conn)
        for table in names:
            columns = ", ".join(f'"{c}"' for c in content_columns(conn, table))
            conn.execute(f"COPY (SELECT {columns} FROM {table} ORDER BY ALL) TO '{out / table}.parquet' "
                         "(FORMAT parquet)")
    return len(names)


def differences(saved: Path, made: Path) -> list[str]:
    """One line per table missing on either side, or whose columns or rows differ."""
    found = []
    saved_tables = {path.stem for path in saved.glob("*.parquet")}
    made_tables = {path.stem for path in made.glob("*.parquet")}
    found += [f"{table}: only in the saved outputs" for table in sorted(saved_tables - made_tables)]
    found += [f"{table}: new, not in the saved outputs" for table in sorted(made_tables - saved_tables)]
    with duckdb.connect() as conn:
        for table in sorted(saved_tables & made_tables):
            old, new = f"'{saved / table}.parquet'", f"'{made / table}.parquet'"
            old_columns = [c for c, *_ in conn.execute(f"DESCRIBE SELECT * FROM {old}").fetchall()]
            new_columns = [c for c, *_ in conn.execute(f"DESCRIBE SELECT * FROM {new}").fetchall()]
            if old_columns != new_columns:
                found.append(f"{table}: columns {old_columns} -> {new_columns}")
                continue
            gone = conn.execute(f"SELECT count(*) FROM (FROM {old} EXCEPT ALL FROM {new})").fetchone()[0]
            added = conn.execute(f"SELECT count(*) FROM (FROM {new} EXCEPT ALL FROM {old})").fetchone()[0]
            if gone or added:
                example = conn.execute(f"FROM {old} EXCEPT ALL FROM {new} LIMIT 1").fetchall() or conn.execute(
                    f"FROM {new} EXCEPT ALL FROM {old} LIMIT 1").fetchall()
                found.append(f"{table}: {gone} saved row(s) not made, {added} made row(s) not saved; "
                             f"e.g. {str(example[0])[:300]}")
    return found


def save(folder: Path, sets: list[str]) -> int:
    for name in sets:
        landing = folder / "inputs" / name
        shutil.rmtree(landing, ignore_errors=True)
        INPUT_SETS[name](landing)
        with tempfile.TemporaryDirectory() as work:
            warehouse = Path(work) / "warehouse.duckdb"
            run_pipeline(landing, warehouse)
            shutil.rmtree(folder / "tables" / name, ignore_errors=True)
            count = dump(warehouse, folder / "tables" / name)
        print(f"{name}: {count} tables saved in {folder / 'tables' / name}")
    return 0


def compare(folder: Path) -> int:
    sets = sorted(path.name for path in (folder / "tables").iterdir() if path.is_dir())
    failed = 0
    for name in sets:
        with tempfile.TemporaryDirectory() as work:
            warehouse = Path(work) / "warehouse.duckdb"
            run_pipeline(folder / "inputs" / name, warehouse)
            dump(warehouse, Path(work) / "tables")
            found = differences(folder / "tables" / name, Path(work) / "tables")
        print(f"{name}: {'the same outputs' if not found else f'{len(found)} table(s) differ'}")
        for line in found:
            print(f"  {line}")
        failed += bool(found)
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("save", "compare"))
    parser.add_argument("folder", type=Path)
    parser.add_argument("--sets", default=",".join(INPUT_SETS),
                        help=f"input sets to save, comma-separated (default: all of {', '.join(INPUT_SETS)})")
    args = parser.parse_args(argv)
    if args.command == "compare":
        if not (args.folder / "tables").is_dir():
            parser.error(f"{args.folder}: no saved outputs (run `save` first)")
        return compare(args.folder)
    sets = [name.strip() for name in args.sets.split(",") if name.strip()]
    unknown = [name for name in sets if name not in INPUT_SETS]
    if unknown:
        parser.error(f"--sets: unknown {', '.join(unknown)} (known: {', '.join(INPUT_SETS)})")
    return save(args.folder.resolve(), sets)


if __name__ == "__main__":
    raise SystemExit(main())
