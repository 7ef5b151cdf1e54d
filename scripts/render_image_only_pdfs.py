"""Write scanned-looking, image-only copies of the sample PDFs (and no-ToUnicode copies) to a folder.

The OCR tests make these in a temporary folder themselves; this script is for looking at them, or for
dropping them into a landing folder by hand:

    .venv/bin/python scripts/render_image_only_pdfs.py OUT_DIR [--dpi 200] [--no-seal] [--noise 6]

Each sample gives OUT_DIR/<name>.scan.pdf (page images only: grey, noisy, JPEG, a red seal on page 1)
and OUT_DIR/<name>.no-tounicode.pdf (the original with its fonts' Unicode maps removed: the text layer
extracts as garbage). Neither is committed: a 9-page scan is several megabytes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# Runnable from a checkout without installing the package.
sys.path.insert(0, str(REPO))

from perf_etl_tests.ocr.scans import image_only_pdf, without_tounicode  # noqa: E402

SAMPLES = REPO / "data" / "samples"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--samples", type=Path, default=SAMPLES)
    parser.add_argument("--dpi", type=int, default=200, help="scan resolution (default 200)")
    parser.add_argument("--noise", type=float, default=6.0, help="grey-level noise sigma (default 6)")
    parser.add_argument("--no-seal", action="store_true", help="no red seal on page 1")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for source in sorted(args.samples.glob("*.pdf")):
        data = source.read_bytes()
        scan = image_only_pdf(data, dpi=args.dpi, seal=not args.no_seal, noise=args.noise)
        (args.out / f"{source.stem}.scan.pdf").write_bytes(scan)
        (args.out / f"{source.stem}.no-tounicode.pdf").write_bytes(without_tounicode(data))
        print(f"{source.stem}: scan {len(scan) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
