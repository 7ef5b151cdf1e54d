-- marts.department_year: One row per department and fiscal year, with the change from the year before.
-- Reads: core.reports (and the year before), core.indicators
--
-- Columns:
--   fiscal_year                  The year whose spending is evaluated.
--   department_key               Canonical department key, stable across years (NULL when unknown).
--   department_name              Full official name as read from the report.
--   region                       Province / city / district the report names.
--   report_id                    The report this row is read from (see core.reports.report_id).
--   document_id                  The file it is in (sha256 of the file).
--   report_title                 Title of the report.
--   budget_initial_wan           年初预算数, 万元.
--   budget_wan                   Full-year budget the execution rate is measured against, 万元.
--   expenditure_wan              Actual expenditure (执行数), 万元.
--   basic_expenditure_wan        Basic (personnel and running) expenditure, 万元.
--   project_expenditure_wan      Project expenditure, 万元.
--   execution_rate_pct           Budget execution rate as stated, percent.
--   execution_rate_computed_pct  expenditure / budget, percent.
--   self_score                   Self-evaluation score, 0–100.
--   grade                        Grade as stated (优 / 良 / 中 / 差).
--   grade_from_score             Grade the score implies (优 ≥ 90, 良 ≥ 80, 中 ≥ 60, else 差).
--   indicators                   Performance indicators read from the report.
--   indicators_met               Indicators whose result reached the target (see marts.indicator_completion).
--   previous_expenditure_wan     The department's expenditure the year before, 万元 (NULL without that report).
--   expenditure_change_wan       expenditure_wan − previous_expenditure_wan, 万元.
--   expenditure_change_pct       Change of expenditure relative to the year before, percent.
--   execution_rate_change_pts    Change of the execution rate (stated, else computed), percentage points.
--   self_score_change            Change of the self-evaluation score, points.
--
-- One report stands for a department and year (the department-wide one when there are several; see
-- department_reports in macros.sql). The year-before columns need that year's report of the same
-- department_key; without it they are NULL.
WITH reports AS (
    SELECT * FROM department_reports(list_concat($years, [y - 1 FOR y IN $years]))
),

this_year AS (
    SELECT * FROM reports WHERE list_contains($years, fiscal_year)
)

SELECT
    this_year.fiscal_year::INTEGER AS fiscal_year,
    this_year.department_key,
    this_year.department_name,
    this_year.region,
    this_year.report_id,
    this_year.document_id,
    this_year.report_title,
    this_year.budget_initial_wan::DECIMAL(18, 2) AS budget_initial_wan,
    this_year.budget_wan::DECIMAL(18, 2) AS budget_wan,
    this_year.expenditure_wan::DECIMAL(18, 2) AS expenditure_wan,
    this_year.basic_expenditure_wan::DECIMAL(18, 2) AS basic_expenditure_wan,
    this_year.project_expenditure_wan::DECIMAL(18, 2) AS project_expenditure_wan,
    this_year.execution_rate_pct::DECIMAL(6, 2) AS execution_rate_pct,
    this_year.execution_rate_computed_pct::DECIMAL(6, 2) AS execution_rate_computed_pct,
    this_year.self_score::DECIMAL(5, 2) AS self_score,
    this_year.grade,
    this_year.grade_from_score,
    coalesce(indicators.indicators, 0)::INTEGER AS indicators,
    coalesce(indicators.indicators_met, 0)::INTEGER AS indicators_met,
    year_before.expenditure_wan::DECIMAL(18, 2) AS previous_expenditure_wan,
    (this_year.expenditure_wan - year_before.expenditure_wan)::DECIMAL(18, 2) AS expenditure_change_wan,
    round(100 * (this_year.expenditure_wan - year_before.expenditure_wan) / nullif(year_before.expenditure_wan, 0), 2)
        ::DECIMAL(18, 2) AS expenditure_change_pct,
    (this_year.execution_rate - year_before.execution_rate)::DECIMAL(6, 2) AS execution_rate_change_pts,
    (this_year.self_score - year_before.self_score)::DECIMAL(5, 2) AS self_score_change
FROM this_year
LEFT JOIN reports AS year_before
    ON year_before.department_key = this_year.department_key
    AND year_before.fiscal_year = this_year.fiscal_year - 1
LEFT JOIN indicator_totals($years) AS indicators
    ON indicators.report_id = this_year.report_id
ORDER BY fiscal_year, department_key, report_id
