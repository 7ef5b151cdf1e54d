"""Stores the core tables' DataFrames in the warehouse, one fiscal-year partition at a time."""

import dagster as dg
import pandas as pd

from perf_etl.warehouse import store


def _table_name(asset_key: dg.AssetKey) -> str:
    return ".".join(asset_key.path)  # ["core", "reports"] -> core.reports


def _years(context: dg.InputContext | dg.OutputContext) -> list[int]:
    return [int(key) for key in context.asset_partition_keys]


class WarehouseTableIOManager(dg.ConfigurableIOManager):
    """Replaces the partition's rows of the table named by the asset key (delete + insert, one transaction)."""

    database: str

    def handle_output(self, context: dg.OutputContext, obj: pd.DataFrame) -> None:
        table = _table_name(context.asset_key)
        with store.connect(self.database) as conn:
            store.write_partition(conn, _years(context), [store.TableWrite(table, obj)])
        context.add_output_metadata({"dagster/row_count": len(obj), "table": table})

    def load_input(self, context: dg.InputContext) -> pd.DataFrame:
        with store.connect(self.database, read_only=True) as conn:
            return store.read_partition(conn, _table_name(context.asset_key), _years(context))
