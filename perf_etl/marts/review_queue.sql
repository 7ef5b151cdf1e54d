-- marts.review_queue: The values a person should look at first, one row per report and field, most urgent first.
-- Reads: core.reports (and the year before), core.field_evidence, raw.documents, staging.documents (and the year before)
--
-- Columns:
--   fiscal_year                  The year whose spending is evaluated.
--   report_id                    The report (equal to document_id for a file with one report).
--   field                        A core.reports column.
--   value                        The value core holds, as text (NULL: none was read).
--   reason                       Why to look at it, most serious first, '; '-separated (see below).
--   priority                     1 = look first (a failed check, disagreeing figures, a year the text does not state, a correction whose source changed); 2 = a weak source (low OCR, inferred year, indirect name, no name read, money fields far apart, a figure stated next to the field's words but not read); 3 = medium confidence or a flattened table; 4 = nothing found against it.
--   urgency                      Sum of the reasons' weights: orders the rows within a priority.
--   confidence                   How the value was found: high / medium / low (core.field_evidence.confidence).
--   raw_text                     The words the value was read from.
--   page_number                  Page of those words.
--   char_start                   Offset of the words in staging.documents.text (an empty span: a table cell).
--   char_end                     End offset of the words.
--   rule                         The extraction rule that read it.
--
-- Every value read is listed, so that a report can be gone through whole, but only the first priorities
-- are the queue proper. Reasons and weights: correction source changed (6), failed check (5), candidates
-- disagree (4), fiscal year not stated in the text (4), low OCR confidence (3), fiscal year inferred (3), name
-- read indirectly (3), no department name read (3), zero total (3), money fields 100 times apart (3), a
-- field not read while its words stand before a figure in the text (3 within 3 characters, 2 within 10, else 1),
-- weak label (2), a total not read while the report states its other totals (2), an expenditure over 150 % of the
-- budget (2), computed or fallback value (1), value from a flattened table (1). A value a
-- person corrected (rule 'correction') is not listed; its correction is, when its source changed.
WITH reports AS (
    SELECT * FROM core.reports WHERE list_contains($years, fiscal_year)
),

evidence AS (
    SELECT evidence.*
    FROM core.field_evidence AS evidence
    WHERE list_contains($years, evidence.fiscal_year)
        AND evidence.field IN (SELECT column_name FROM information_schema.columns
                               WHERE table_schema = 'core' AND table_name = 'reports')
    QUALIFY row_number() OVER (PARTITION BY report_id, field ORDER BY rule = 'correction' DESC) = 1
),

-- A check counts against every field it compares: a wrong rate may be a wrong budget or expenditure.
check_fields (check_name, field) AS (
    VALUES ('execution_rate_consistent', 'budget_wan'), ('execution_rate_consistent', 'expenditure_wan'),
           ('spending_split_adds_up', 'basic_expenditure_wan'), ('spending_split_adds_up', 'project_expenditure_wan'),
           ('grade_agrees_with_score', 'self_score')
),

check_failures AS (
    SELECT report_id, field, string_agg(DISTINCT check_name, ', ' ORDER BY check_name) AS checks
    FROM (
        SELECT failure.report_id, failure.field, failure.check_name
        FROM contract_check_failures($years, $money_columns, $max_rate_pct, $grades, $rate_tolerance_pct,
                                     $split_tolerance_wan) AS failure
        UNION ALL
        SELECT failure.report_id, check_fields.field, failure.check_name
        FROM contract_check_failures($years, $money_columns, $max_rate_pct, $grades, $rate_tolerance_pct,
                                     $split_tolerance_wan) AS failure
        JOIN check_fields USING (check_name)
    )
    GROUP BY report_id, field
),

-- Reports that state some of budget, expenditure and rate: the others are then likely stated too.
partly_read AS (
    SELECT fiscal_year, report_id, budget_wan IS NULL AS budget_wan, expenditure_wan IS NULL AS expenditure_wan,
        execution_rate_pct IS NULL AS execution_rate_pct
    FROM reports
    WHERE (budget_wan IS NOT NULL)::INTEGER + (expenditure_wan IS NOT NULL)::INTEGER
        + (execution_rate_pct IS NOT NULL)::INTEGER IN (1, 2)
),

-- A figure the report states that was not read: the field is NULL while its words (the labels this genre
-- writes a figure under: 预算数 / 全年执行数 / 执行率 / 自评得分 / 等级 …, in prose or as a 自评表 header flattened
-- into a line) stand in the text close before a number (for a grade, a grade word). `gap` is the number of
-- characters between the words and the nearest figure; a number that is a date or a document number (followed by
-- 年 / 月 / 日 / 号) does not count.
stated_labels (field, label_pattern, figure_pattern) AS (
    VALUES ('budget_wan', '预算数|全年预算|调整后预算|年初预算|预算资金|预算安排|下达预算|资金总额|批复', '<number>'),
           ('expenditure_wan', '执行数|实际支出|支出总额|实际执行|决算数|已支付|支出共计|使用资金', '<number>'),
           ('execution_rate_pct', '执行率|执行进度|支出率|使用率', '<number>'),
           -- Not a bare 得分: every indicator row of a 自评表 has one; the total is 总分 / 自评得分.
           ('self_score', '自评得分|自评总分|总得分|综合得分|总分|自评分', '<number>'),
           ('grade', '等级|评价结果|自评结果|等次|评定为|评为', '[优良中差]')
),

stated_in_text AS (
    SELECT fiscal_year, report_id, field, gap
    FROM (
        SELECT reports.fiscal_year, reports.report_id, stated_labels.field,
            list_min(list_transform(
                regexp_extract_all(documents.text, '(?:' || stated_labels.label_pattern || ')([^0-9]{0,30}?)'
                    || replace(stated_labels.figure_pattern, '<number>', '[0-9]+(?:[.][0-9]+)?(?:[^0-9.年月日号]|$)'),
                    1),
                lambda words: length(words))) AS gap,
            CASE stated_labels.field WHEN 'budget_wan' THEN reports.budget_wan IS NULL
                WHEN 'expenditure_wan' THEN reports.expenditure_wan IS NULL
                WHEN 'execution_rate_pct' THEN reports.execution_rate_pct IS NULL
                WHEN 'self_score' THEN reports.self_score IS NULL
                WHEN 'grade' THEN reports.grade IS NULL END AS missing
        FROM reports
        JOIN staging.documents AS documents ON documents.document_id = reports.document_id
        CROSS JOIN stated_labels
    )
    WHERE missing AND gap IS NOT NULL
),

-- Money fields of one report far from each other: one 100 times another (an amount in 元 read as 万元, a
-- sub-item read as the total), or an expenditure more than half again its budget. Both are listed: which one
-- is wrong the figures alone cannot tell.
money_values AS (
    SELECT report_id, field, try_cast(amount AS DOUBLE) AS amount
    FROM (SELECT report_id, budget_initial_wan, budget_wan, expenditure_wan, basic_expenditure_wan,
                 project_expenditure_wan FROM reports)
    UNPIVOT (amount FOR field IN (budget_initial_wan, budget_wan, expenditure_wan, basic_expenditure_wan,
                                  project_expenditure_wan))
    WHERE try_cast(amount AS DOUBLE) > 0
),

money_apart AS (
    SELECT this.report_id, this.field, 3 AS weight,
        'money field ' || round(greatest(this.amount / other.amount, other.amount / this.amount))::BIGINT
            || ' times ' || other.field AS words
    FROM money_values AS this
    JOIN money_values AS other ON other.report_id = this.report_id AND other.field <> this.field
        -- A basic and a project expenditure may well be far apart: each is compared with the totals only.
        AND other.field IN ('budget_initial_wan', 'budget_wan', 'expenditure_wan')
    WHERE greatest(this.amount / other.amount, other.amount / this.amount) >= 100
    UNION ALL
    SELECT this.report_id, this.field, 2, 'expenditure ' || round(100 * expenditure.amount / budget.amount)
        || ' % of the budget'
    FROM money_values AS budget
    JOIN money_values AS expenditure ON expenditure.report_id = budget.report_id
        AND expenditure.field = 'expenditure_wan'
    JOIN money_values AS this ON this.report_id = budget.report_id
        AND this.field IN ('budget_wan', 'expenditure_wan')
    WHERE budget.field = 'budget_wan' AND expenditure.amount > 1.5 * budget.amount
),

corrections_changed AS (
    SELECT report_id, field, status, extracted_value, extracted_value_now
    FROM review.corrections
    WHERE status IN ('source_changed', 'report_missing') AND list_contains($years, fiscal_year)
),

-- The values read (plus a row for a report whose department name was not read), with their evidence.
candidates AS (
    SELECT
        evidence.fiscal_year, evidence.report_id, evidence.field, evidence.value, evidence.confidence,
        evidence.confidence_note, evidence.raw_text, evidence.page_number, evidence.char_start, evidence.char_end,
        evidence.rule, evidence.ocr_confidence
    FROM evidence
    WHERE evidence.rule <> 'correction'
        OR EXISTS (SELECT 1 FROM corrections_changed AS changed
                   WHERE changed.report_id = evidence.report_id AND changed.field = evidence.field)
    UNION ALL
    SELECT fiscal_year, report_id, 'department_name', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
    FROM reports
    WHERE department_name IS NULL
    UNION ALL
    SELECT fiscal_year, report_id, field, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
    FROM (SELECT * FROM partly_read UNPIVOT (missing FOR field IN (budget_wan, expenditure_wan, execution_rate_pct)))
    WHERE missing
    UNION ALL
    SELECT fiscal_year, report_id, field, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
    FROM stated_in_text
    WHERE NOT EXISTS (SELECT 1 FROM partly_read WHERE partly_read.report_id = stated_in_text.report_id
                          AND stated_in_text.field IN ('budget_wan', 'expenditure_wan', 'execution_rate_pct'))
),

-- One row per reason: (report, field, weight, words).
reasons AS (
    SELECT report_id, field, 6 AS weight,
        'correction source changed: ' || CASE status WHEN 'report_missing' THEN 'the report is gone'
            ELSE 'extracted ' || coalesce(extracted_value, 'nothing') || ' then, '
                || coalesce(extracted_value_now, 'nothing') || ' now' END AS words
    FROM corrections_changed
    UNION ALL
    SELECT report_id, field, 5, 'failed check: ' || checks FROM check_failures
    UNION ALL
    SELECT report_id, field, 4, regexp_extract(confidence_note, '(' || $conflict_pattern || ')[^;]*')
    FROM candidates WHERE regexp_matches(coalesce(confidence_note, ''), $conflict_pattern)
    UNION ALL
    SELECT candidates.report_id, candidates.field, 4, 'fiscal year not stated in the text'
        || CASE WHEN documents.fiscal_year_source IS NOT NULL AND documents.fiscal_year_source <> 'content'
                THEN ' (from the ' || documents.fiscal_year_source || ')' ELSE '' END
    FROM candidates
    LEFT JOIN raw.documents AS documents ON documents.document_id = split_part(candidates.report_id, ':', 1)
    WHERE candidates.field = 'fiscal_year'
        AND (candidates.rule = 'ingest:fiscal_year' OR coalesce(documents.fiscal_year_source, 'content') <> 'content')
    UNION ALL
    SELECT report_id, field, 3, 'fiscal year inferred (' || rule || ')'
    FROM candidates WHERE field = 'fiscal_year' AND (rule LIKE 'inferred:%' OR rule = 'most_mentioned')
    UNION ALL
    SELECT report_id, field, 3, 'low OCR confidence (' || round(ocr_confidence, 2) || ')'
    FROM candidates WHERE ocr_confidence < $low_ocr_confidence
    UNION ALL
    SELECT report_id, field, 3, 'name read indirectly (' || rule || ')'
    FROM candidates WHERE list_contains($indirect_name_rules, rule)
    UNION ALL
    SELECT report_id, field, 3, 'no department name read' FROM candidates WHERE field = 'department_name' AND value IS NULL
    UNION ALL
    SELECT report_id, field, 2, 'not read, while the report states its other totals'
    FROM candidates
    WHERE field IN ('budget_wan', 'expenditure_wan', 'execution_rate_pct') AND value IS NULL
        AND EXISTS (SELECT 1 FROM partly_read WHERE partly_read.report_id = candidates.report_id)
    UNION ALL
    SELECT report_id, field, CASE WHEN gap <= 3 THEN 3 WHEN gap <= 10 THEN 2 ELSE 1 END,
        'not read, while its words stand ' || gap || ' characters before a figure'
    FROM stated_in_text
    UNION ALL
    SELECT report_id, field, max(weight), string_agg(words, ', ' ORDER BY words)
    FROM money_apart GROUP BY report_id, field
    UNION ALL
    SELECT report_id, field, 3, 'zero total'
    FROM candidates WHERE list_contains($money_columns, field) AND try_cast(value AS DOUBLE) = 0
    UNION ALL
    SELECT report_id, field, 2, 'weak label (' || rule || ')'
    FROM candidates WHERE regexp_matches(coalesce(confidence_note, ''), 'weak label')
    UNION ALL
    SELECT report_id, field, 1, 'computed or fallback value (' || rule || ')'
    FROM candidates WHERE rule LIKE 'derived:%' OR rule LIKE '%(only budget stated)'
    UNION ALL
    SELECT report_id, field, 1, 'value from a flattened table'
    FROM candidates WHERE (rule LIKE 'table:%' AND char_end > char_start) OR rule = 'indicator:table-text'

),

per_field AS (
    SELECT
        report_id,
        field,
        sum(weight)::INTEGER AS urgency,
        max(weight) AS top_weight,
        string_agg(words, '; ' ORDER BY weight DESC, words) AS reason
    FROM reasons
    GROUP BY report_id, field
)

SELECT
    candidates.fiscal_year::INTEGER AS fiscal_year,
    candidates.report_id,
    candidates.field,
    candidates.value,
    coalesce(per_field.reason, 'nothing found against it') AS reason,
    (CASE WHEN per_field.top_weight >= 4 THEN 1 WHEN per_field.top_weight = 3 THEN 2
          WHEN per_field.top_weight >= 1 OR candidates.confidence IN ('medium', 'low') THEN 3 ELSE 4 END)::INTEGER
        AS priority,
    coalesce(per_field.urgency, 0)::INTEGER AS urgency,
    candidates.confidence,
    candidates.raw_text,
    candidates.page_number::INTEGER AS page_number,
    candidates.char_start::INTEGER AS char_start,
    candidates.char_end::INTEGER AS char_end,
    candidates.rule
FROM candidates
LEFT JOIN per_field USING (report_id, field)
ORDER BY fiscal_year, priority, urgency DESC, report_id, field
