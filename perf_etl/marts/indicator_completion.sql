-- marts.indicator_completion: Performance indicators met, per fiscal year and department.
-- Reads: core.reports (and the year before), core.indicators
--
-- Columns:
--   fiscal_year                  The year whose spending is evaluated.
--   department_key               Canonical department key (NULL when unknown).
--   department_name              Full official name as read from the report.
--   report_id                    The report the indicators are read from.
--   document_id                  The file it is in (sha256 of the file).
--   indicators                   Indicators read from the report: its 自评表 rows when it has any, else prose.
--   indicators_quantitative      Indicators whose target is a number.
--   indicators_qualitative       Indicators whose target is words ("科学合理", "按时完成").
--   indicators_assessed          Indicators whose result can be judged against the target (met or not met).
--   indicators_met               Indicators met: as extraction judged a 自评表 row (core.indicators.met: a ≤
--                                target below it, words by words), else stated rate ≥ 100, actual ≥ target, 得分 ≥ 分值.
--   indicators_not_met           Indicators judged not met.
--   indicators_undecided         Indicators nothing decides: indicators − indicators_assessed.
--   indicators_met_pct           indicators_met / indicators_assessed, percent.
--   mean_completion_pct          Mean completion of the quantitative ones (stated rate, else actual / target), percent.
--
-- Every department of the year has a row, with zero indicators when none were read. Targets and results
-- in different units are not compared (same_unit in macros.sql).
SELECT
    departments.fiscal_year::INTEGER AS fiscal_year,
    departments.department_key,
    departments.department_name,
    departments.report_id,
    departments.document_id,
    coalesce(totals.indicators, 0)::INTEGER AS indicators,
    coalesce(totals.indicators_quantitative, 0)::INTEGER AS indicators_quantitative,
    coalesce(totals.indicators_qualitative, 0)::INTEGER AS indicators_qualitative,
    coalesce(totals.indicators_assessed, 0)::INTEGER AS indicators_assessed,
    coalesce(totals.indicators_met, 0)::INTEGER AS indicators_met,
    coalesce(totals.indicators_not_met, 0)::INTEGER AS indicators_not_met,
    coalesce(totals.indicators - totals.indicators_assessed, 0)::INTEGER AS indicators_undecided,
    round(100 * totals.indicators_met / nullif(totals.indicators_assessed, 0), 2)::DECIMAL(6, 2)
        AS indicators_met_pct,
    round(totals.mean_completion_pct, 2)::DECIMAL(10, 2) AS mean_completion_pct
FROM department_reports($years) AS departments
LEFT JOIN indicator_totals($years) AS totals
    ON totals.report_id = departments.report_id
ORDER BY fiscal_year, department_key, report_id
