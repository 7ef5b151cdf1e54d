"""Write the bad landing folder of perf_etl_tests/fixtures/bad_landing.py and list what must become of
each file (document, or the reason code of its rejection).

    .venv/bin/python scripts/make_bad_landing.py OUT_DIR
    .venv/bin/perf-etl run --landing OUT_DIR --warehouse /tmp/bad.duckdb
"""

from __future__ import annotations

import argparse
from pathlib import Path

from perf_etl_tests.fixtures.bad_landing import build_bad_landing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, help="folder to write (created; existing files are overwritten)")
    expected = build_bad_landing(parser.parse_args().out)
    width = max(len(outcome) for outcome in expected.values())
    for source_path, outcome in sorted(expected.items()):
        print(f"{outcome:<{width}}  {source_path}")


if __name__ == "__main__":
    main()
