"""Stores the core tables' DataFrames in the warehouse, one fiscal-year partition at a time."""

from collections.abc import Mapping, Sequence
from datetime import datetime, timezone

import dagster as dg
import pandas as pd

from perf_etl.warehouse import fingerprints, store

# DataFrame.attrs keys an output may carry (`for_years`): the fiscal years its rows replace (default: the
# run's), and the fingerprints of the inputs they were computed from (meta.stage_inputs).
YEARS_ATTR = "perf_etl/fiscal_years"
FINGERPRINTS_ATTR = "perf_etl/fingerprints"


def for_years(frame: pd.DataFrame, years: Sequence[int], input_fingerprints: Mapping[int, str | None]) -> pd.DataFrame:
    """`frame` as the rows of `years` only: the IO manager replaces those years and leaves the run's other
    years (skipped, their inputs unchanged) as they are; no years: nothing is written."""
    frame.attrs[YEARS_ATTR] = [int(year) for year in years]
    frame.attrs[FINGERPRINTS_ATTR] = {int(year): input_fingerprints.get(year) for year in years}
    return frame


def _table_name(asset_key: dg.AssetKey) -> str:
    return ".".join(asset_key.path)  # ["core", "reports"] -> core.reports


def _years(context: dg.InputContext | dg.OutputContext) -> list[int]:
    return [int(key) for key in context.asset_partition_keys]


class WarehouseTableIOManager(dg.ConfigurableIOManager):
    """Replaces the partition's rows of the table named by the asset key (delete + insert, one transaction),
    and records in the same transaction what they were computed from (perf_etl/warehouse/fingerprints.py)."""

    database: str

    def handle_output(self, context: dg.OutputContext, obj: pd.DataFrame) -> None:
        table = _table_name(context.asset_key)
        run_years = _years(context)
        years = obj.attrs.get(YEARS_ATTR, run_years)
        # Rows written without fingerprints have none recorded: a stale record must not match them later.
        recorded = obj.attrs.get(FINGERPRINTS_ATTR, dict.fromkeys(years))
        if years:
            statements = fingerprints.record_statements([context.asset_key.to_user_string()], recorded,
                                                        datetime.now(timezone.utc))
            with store.connect(self.database) as conn:
                store.write_partition_with(conn, years, [store.TableWrite(table, obj)], statements)
        metadata: dict[str, object] = {"rows_written": len(obj), "table": table}
        if sorted(years) == sorted(run_years):
            metadata["dagster/row_count"] = len(obj)
        context.add_output_metadata(metadata)

    def load_input(self, context: dg.InputContext) -> pd.DataFrame:
        with store.connect(self.database, read_only=True) as conn:
            return store.read_partition(conn, _table_name(context.asset_key), _years(context))
