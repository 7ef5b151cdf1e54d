-- marts.data_quality: How complete and how consistent each core.reports field is, per fiscal year.
-- Reads: core.reports (and the year before), core.field_evidence
--
-- Columns:
--   fiscal_year                  The year whose spending is evaluated.
--   field                        A core.reports column.
--   reports                      Reports of the year.
--   reports_with_value           Reports in which the field has a value.
--   coverage_pct                 reports_with_value / reports, percent.
--   check_failures               Failed contract checks that concern the field (one per report and check).
--   failed_checks                Names of those checks, comma-separated (see perf_etl/validate/checks.py).
--
-- The checks are those of perf_etl/validate/checks.py, restated in SQL with the same thresholds (passed as
-- parameters from that module): a check failure counts against the field it is about — grade for
-- grade_agrees_with_score, execution_rate_pct for execution_rate_consistent, expenditure_wan for
-- spending_split_adds_up, the field itself for the range and evidence checks. They run on the rows in
-- core, that is after pandera withheld the rows it refused (those are counted in raw.rejected_files).
-- One row per report and field, the value as text (NULL when the field is empty).
WITH field_values AS (
    SELECT * FROM report_field_values($years)
),

check_failures AS (
    SELECT * FROM contract_check_failures($years, $money_columns, $max_rate_pct, $grades, $rate_tolerance_pct,
                                          $split_tolerance_wan)
),

failures_per_field AS (
    SELECT
        fiscal_year,
        field,
        count(*) AS check_failures,
        string_agg(DISTINCT check_name, ', ' ORDER BY check_name) AS failed_checks
    FROM check_failures
    GROUP BY fiscal_year, field
)

SELECT
    field_values.fiscal_year::INTEGER AS fiscal_year,
    field_values.field,
    count(*)::INTEGER AS reports,
    count(value)::INTEGER AS reports_with_value,
    round(100 * count(value) / count(*), 2)::DECIMAL(5, 2) AS coverage_pct,
    coalesce(any_value(failures_per_field.check_failures), 0)::INTEGER AS check_failures,
    any_value(failures_per_field.failed_checks) AS failed_checks
FROM field_values
LEFT JOIN failures_per_field
    ON failures_per_field.fiscal_year = field_values.fiscal_year
    AND failures_per_field.field = field_values.field
GROUP BY field_values.fiscal_year, field_values.field
ORDER BY fiscal_year, field
