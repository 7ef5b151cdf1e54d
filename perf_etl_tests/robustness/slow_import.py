"""A module that takes 1.5 s to import, as pdfplumber and pandas take a worker about a second."""

import time

IMPORT_SECONDS = 1.5
time.sleep(IMPORT_SECONDS)


def double(value: int) -> int:
    return 2 * value
