-- What the mart queries share, installed as temporary macros on the connection that builds the marts
-- (perf_etl/marts/build.py), so that each rule is written once.

-- The report that stands for a department in a fiscal year. A department files one 部门整体支出绩效自评报告
-- a year, but the warehouse may hold more (a project report, a re-issued one, the project tables filed in
-- the same file as the overall report): the department-wide report wins (one of unknown type before a project
-- report), then the later fill date, then the smaller report_id, so the choice is stable. A report without a
-- department_key stands for the department of its file when another report of the file names one (a project
-- table whose 实施单位 was not read, bundled with its department's report), else for itself.
CREATE OR REPLACE TEMP MACRO department_reports(years) AS TABLE
SELECT
    * EXCLUDE (stands_for),
    -- The stated execution rate, or the computed one when the report states none.
    coalesce(execution_rate_pct, execution_rate_computed_pct) AS execution_rate,
    -- The stated grade, or the one the score implies when the report states none.
    coalesce(grade, grade_from_score) AS overall_grade
FROM (
    SELECT *, coalesce(department_key, max(department_key) OVER (PARTITION BY document_id), report_id) AS stands_for
    FROM core.reports
    WHERE list_contains(years, fiscal_year)
)
QUALIFY row_number() OVER (
    PARTITION BY fiscal_year, stands_for
    ORDER BY
        CASE report_type WHEN 'department_overall' THEN 0 WHEN 'project' THEN 2 ELSE 1 END,
        fill_date DESC NULLS LAST,
        report_id
) = 1;

-- Whether a target and a result can be compared: the same unit, or a unit missing on one side (then taken
-- to be the other's). 160 宗 against 174 宗 compares; 2 亿元 against 15000 万元 does not.
CREATE OR REPLACE TEMP MACRO same_unit(target_unit, actual_unit) AS
target_unit IS NULL OR actual_unit IS NULL OR target_unit = actual_unit;

-- How far an indicator got, in percent: the stated completion rate, else actual / target.
CREATE OR REPLACE TEMP MACRO indicator_completion_pct(target_value, target_unit, actual_value, actual_unit,
                                                      completion_rate_pct) AS
coalesce(
    completion_rate_pct,
    CASE WHEN same_unit(target_unit, actual_unit) AND target_value > 0 THEN 100 * actual_value / target_value END
);

-- Whether an indicator was met: a stated completion rate ≥ 100 decides, else actual ≥ target, else (a 自评表
-- row whose target or result is words: "按时完成") full marks, 得分 ≥ 分值.
-- NULL when it cannot be told (no rate, no comparable values, no score).
CREATE OR REPLACE TEMP MACRO indicator_met(target_value, target_unit, actual_value, actual_unit,
                                           completion_rate_pct, weight, score) AS
CASE
    WHEN completion_rate_pct IS NOT NULL THEN completion_rate_pct >= 100
    WHEN target_value IS NOT NULL AND actual_value IS NOT NULL AND same_unit(target_unit, actual_unit)
        THEN actual_value >= target_value
    WHEN weight IS NOT NULL AND score IS NOT NULL THEN score >= weight
END;

-- Indicator counts per report. A report with 自评表 rows (source 'table') is counted from them: the table
-- lists every indicator once, while prose repeats some and misses others.
CREATE OR REPLACE TEMP MACRO indicator_totals(years) AS TABLE
SELECT
    report_id,
    count(*) AS indicators,
    count(*) FILTER (WHERE target_value IS NOT NULL) AS indicators_quantitative,
    count(*) FILTER (WHERE comparison = 'qualitative') AS indicators_qualitative,
    count(met) AS indicators_assessed,
    count(*) FILTER (WHERE met) AS indicators_met,
    count(*) FILTER (WHERE NOT met) AS indicators_not_met,
    avg(completion_pct) AS mean_completion_pct
FROM (
    SELECT
        report_id,
        target_value,
        comparison,
        -- A row extraction judged (it has a comparison) keeps its verdict, undecided included (points lost
        -- with no reason given); the others are judged by their figures.
        CASE WHEN comparison IS NOT NULL THEN met
             ELSE indicator_met(target_value, target_unit, actual_value, actual_unit, completion_rate_pct,
                                weight, score) END AS met,
        indicator_completion_pct(target_value, target_unit, actual_value, actual_unit, completion_rate_pct)
            AS completion_pct
    FROM core.indicators
    WHERE list_contains(years, fiscal_year)
    QUALIFY source = max(CASE WHEN source = 'table' THEN 'table' ELSE 'prose' END) OVER (PARTITION BY report_id)
)
GROUP BY report_id;

-- One row per report of `years` and field, the value as text (NULL when the field is empty). Every column is a
-- field except those that identify the row rather than being read from the text (models.NO_EVIDENCE_COLUMNS).
CREATE OR REPLACE TEMP MACRO report_field_values(years) AS TABLE
SELECT report_id, report_year AS fiscal_year, field, value
FROM (
    SELECT report_id, fiscal_year AS report_year,
        COLUMNS(* EXCLUDE (report_id, document_id, report_ordinal, extractor_version))::VARCHAR
    FROM core.reports
    WHERE list_contains(years, fiscal_year)
)
UNPIVOT INCLUDE NULLS (value FOR field IN (COLUMNS(* EXCLUDE (report_id, report_year))));

-- The contract checks of perf_etl/validate/checks.py restated in SQL, one row per failure: report_id,
-- fiscal_year, the field it counts against and the check's name (marts.data_quality counts them,
-- marts.review_queue lists them). The thresholds are parameters from that module (build.CHECK_PARAMETERS).
CREATE OR REPLACE TEMP MACRO contract_check_failures(years, money_columns, max_rate_pct, grades, rate_tolerance_pct,
                                                     split_tolerance_wan) AS TABLE
WITH reports AS (
    SELECT * FROM core.reports WHERE list_contains(years, fiscal_year)
),

field_values AS (
    SELECT * FROM report_field_values(years)
),

check_failures AS (
    SELECT report_id, fiscal_year, field, 'money_non_negative' AS check_name
    FROM field_values
    WHERE list_contains(money_columns, field) AND try_cast(value AS DECIMAL(18, 2)) < 0

    UNION ALL
    SELECT report_id, fiscal_year, 'execution_rate_pct', 'rates_in_range'
    FROM reports
    WHERE execution_rate_pct NOT BETWEEN 0 AND max_rate_pct

    UNION ALL
    SELECT report_id, fiscal_year, 'self_score', 'score_in_range'
    FROM reports
    WHERE self_score NOT BETWEEN 0 AND 100

    UNION ALL
    SELECT report_id, fiscal_year, 'grade', 'grade_in_values'
    FROM reports
    WHERE NOT list_contains(grades, grade)

    UNION ALL
    SELECT report_id, fiscal_year, 'grade', 'grade_agrees_with_score'
    FROM reports
    WHERE grade <> grade_from_score

    UNION ALL
    SELECT report_id, fiscal_year, 'execution_rate_pct', 'execution_rate_consistent'
    FROM reports
    WHERE abs(execution_rate_pct - execution_rate_computed_pct) > rate_tolerance_pct

    UNION ALL
    SELECT report_id, fiscal_year, 'expenditure_wan', 'spending_split_adds_up'
    FROM reports
    WHERE abs(basic_expenditure_wan + project_expenditure_wan - expenditure_wan) > split_tolerance_wan

    UNION ALL
    SELECT report_id, fiscal_year, field, 'evidence_for_every_field'
    FROM field_values
    WHERE value IS NOT NULL
        AND NOT EXISTS (
            SELECT 1 FROM core.field_evidence AS evidence
            WHERE evidence.report_id = field_values.report_id AND evidence.field = field_values.field
        )
)
SELECT * FROM check_failures;
