-- marts.indicator_completion: Performance indicators met, per fiscal year and department.
--
-- Columns:
--   fiscal_year                  The year whose spending is evaluated.
--   department_key               Canonical department key (NULL when unknown).
--   department_name              Full official name as read from the report.
--   document_id                  The report the indicators are read from.
--   indicators                   Indicators read from the report: its 自评表 rows when it has any, else prose.
--   indicators_assessed          Indicators whose result can be judged against the target.
--   indicators_met               Indicators met: stated completion rate ≥ 100, else actual ≥ target, else 得分 ≥ 分值.
--   indicators_met_pct           indicators_met / indicators_assessed, percent.
--   mean_completion_pct          Mean completion (stated rate, else actual / target), percent.
--
-- Every department of the year has a row, with zero indicators when none were read. Targets and results
-- in different units are not compared (same_unit in macros.sql).
SELECT
    departments.fiscal_year::INTEGER AS fiscal_year,
    departments.department_key,
    departments.department_name,
    departments.document_id,
    coalesce(totals.indicators, 0)::INTEGER AS indicators,
    coalesce(totals.indicators_assessed, 0)::INTEGER AS indicators_assessed,
    coalesce(totals.indicators_met, 0)::INTEGER AS indicators_met,
    round(100 * totals.indicators_met / nullif(totals.indicators_assessed, 0), 2)::DECIMAL(6, 2)
        AS indicators_met_pct,
    round(totals.mean_completion_pct, 2)::DECIMAL(10, 2) AS mean_completion_pct
FROM department_reports($years) AS departments
LEFT JOIN indicator_totals($years) AS totals
    ON totals.document_id = departments.document_id
ORDER BY fiscal_year, department_key, document_id
