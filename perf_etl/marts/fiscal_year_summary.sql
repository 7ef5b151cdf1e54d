-- marts.fiscal_year_summary: One row per fiscal year that has reports.
-- Reads: core.reports (and the year before), raw.rejected_files
--
-- Columns:
--   fiscal_year                  The year whose spending is evaluated.
--   reports                      Reports in core.reports (a file can hold several: core.reports.report_id).
--   reports_department_overall   Of those, departments' overall reports (report_type department_overall).
--   reports_project              Of those, project reports (report_type project).
--   departments                  Departments reporting (a report without a department_key counts as one).
--   total_budget_wan             Sum of the departments' full-year budgets, 万元.
--   total_expenditure_wan        Sum of the departments' expenditure, 万元.
--   execution_rate_weighted_pct  Execution rate (stated, else computed) weighted by expenditure, percent.
--   mean_score                   Mean self-evaluation score.
--   median_score                 Median self-evaluation score.
--   grade_excellent              Departments graded 优 (the stated grade, else the one the score implies).
--   grade_good                   Departments graded 良.
--   grade_fair                   Departments graded 中.
--   grade_poor                   Departments graded 差.
--   grade_missing                Departments with neither a grade nor a score.
--   rejected_files               Files of the year in raw.rejected_files (any stage), counted once each.
--
-- Department figures use the one report that stands for each department (see department_reports in
-- macros.sql), so a department with two reports is not counted twice.
WITH departments AS (
    SELECT * FROM department_reports($years)
),

report_counts AS (
    SELECT
        fiscal_year,
        count(*) AS reports,
        count(*) FILTER (WHERE report_type = 'department_overall') AS reports_department_overall,
        count(*) FILTER (WHERE report_type = 'project') AS reports_project
    FROM core.reports
    WHERE list_contains($years, fiscal_year)
    GROUP BY fiscal_year
),

rejected AS (
    SELECT fiscal_year, count(DISTINCT source_path) AS rejected_files
    FROM raw.rejected_files
    WHERE list_contains($years, fiscal_year)
    GROUP BY fiscal_year
),

department_totals AS (
    SELECT
        fiscal_year,
        count(*) AS departments,
        sum(budget_wan) AS total_budget_wan,
        sum(expenditure_wan) AS total_expenditure_wan,
        sum(execution_rate * expenditure_wan)
            / nullif(sum(expenditure_wan) FILTER (WHERE execution_rate IS NOT NULL), 0) AS execution_rate_weighted,
        avg(self_score) AS mean_score,
        median(self_score) AS median_score,
        count(*) FILTER (WHERE overall_grade = '优') AS grade_excellent,
        count(*) FILTER (WHERE overall_grade = '良') AS grade_good,
        count(*) FILTER (WHERE overall_grade = '中') AS grade_fair,
        count(*) FILTER (WHERE overall_grade = '差') AS grade_poor,
        count(*) FILTER (WHERE overall_grade IS NULL) AS grade_missing
    FROM departments
    GROUP BY fiscal_year
)

SELECT
    department_totals.fiscal_year::INTEGER AS fiscal_year,
    report_counts.reports::INTEGER AS reports,
    report_counts.reports_department_overall::INTEGER AS reports_department_overall,
    report_counts.reports_project::INTEGER AS reports_project,
    departments::INTEGER AS departments,
    total_budget_wan::DECIMAL(18, 2) AS total_budget_wan,
    total_expenditure_wan::DECIMAL(18, 2) AS total_expenditure_wan,
    round(execution_rate_weighted, 2)::DECIMAL(6, 2) AS execution_rate_weighted_pct,
    round(mean_score, 2)::DECIMAL(5, 2) AS mean_score,
    round(median_score, 2)::DECIMAL(5, 2) AS median_score,
    grade_excellent::INTEGER AS grade_excellent,
    grade_good::INTEGER AS grade_good,
    grade_fair::INTEGER AS grade_fair,
    grade_poor::INTEGER AS grade_poor,
    grade_missing::INTEGER AS grade_missing,
    coalesce(rejected.rejected_files, 0)::INTEGER AS rejected_files
FROM department_totals
JOIN report_counts USING (fiscal_year)
LEFT JOIN rejected USING (fiscal_year)
ORDER BY fiscal_year
