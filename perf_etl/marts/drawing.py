"""The charts drawn in worker processes (perf_etl/stages/marts.py): the caller imports this light module to hand
the work over, and matplotlib (about a second to import) loads in the workers, side by side, instead of in
the run's process before them."""

from __future__ import annotations

import pandas as pd


def draw_charts(batch: list[tuple[str, pd.DataFrame]]) -> list[str]:
    """`charts.mart_chart_markdown` of (table, rows) items."""
    from perf_etl.marts.charts import mart_chart_markdown

    return [mart_chart_markdown(table, frame) for table, frame in batch]
