"""The contract's checks on core, as Dagster asset checks with readable failure metadata.

They are evaluated inside the core asset's step (check_specs), on the rows extraction produced before
pandera withheld any, so a failure shows what was wrong even when the row was kept out of core.
"""

from collections.abc import Sequence

import dagster as dg

from perf_etl.defs.assets.common import frame_preview
from perf_etl.validate.checks import CONTRACT_CHECKS, CheckOutcome

# Checks that mean the warehouse is wrong (not just that a report is inconsistent) fail as errors.
ERROR_CHECKS = {"unique_report_id", "fiscal_year_in_partition", "evidence_for_every_field"}


def core_asset_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(["core", table])


CORE_CHECK_SPECS = [
    dg.AssetCheckSpec(check.name, asset=core_asset_key(check.table), description=check.description)
    for check in CONTRACT_CHECKS
]


def check_result(outcome: CheckOutcome, withheld_documents: Sequence[str],
                 metadata: dict[str, object] | None = None) -> dg.AssetCheckResult:
    severity = dg.AssetCheckSeverity.ERROR if outcome.name in ERROR_CHECKS else dg.AssetCheckSeverity.WARN
    return dg.AssetCheckResult(
        check_name=outcome.name,
        asset_key=core_asset_key(outcome.table),
        passed=outcome.passed,
        severity=severity,
        metadata={
            "failing_rows": len(outcome.failures),
            "failures": frame_preview(outcome.failures, rows=50),
            "documents_withheld_from_core": len(withheld_documents),
            **(metadata or {}),
        },
    )
