"""Write the data dictionary section of docs/bi.md from the schemas in code.

    .venv/bin/python scripts/data_dictionary.py           # rewrite the section
    .venv/bin/python scripts/data_dictionary.py --check   # exit 1 if the section is out of date

The columns come from perf_etl/warehouse/schema.sql and from the output of the mart SQL files
(perf_etl/marts/*.sql), with the descriptions of those files' headers.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from perf_etl.publish.dictionary import dictionary_markdown, with_dictionary

DEFAULT_DOC = Path(__file__).resolve().parent.parent / "docs" / "bi.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--doc", type=Path, default=DEFAULT_DOC)
    parser.add_argument("--check", action="store_true", help="only report whether the section is up to date")
    args = parser.parse_args(argv)
    current = args.doc.read_text(encoding="utf-8")
    updated = with_dictionary(current, dictionary_markdown())
    if args.check:
        if updated != current:
            print(f"{args.doc}: the data dictionary is out of date; run scripts/data_dictionary.py", file=sys.stderr)
            return 1
        return 0
    args.doc.write_text(updated, encoding="utf-8")
    print(f"wrote the data dictionary of {args.doc}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
