-- The warehouse tables of ../shared/data-contract.md. Every table carries fiscal_year so that a
-- fiscal-year partition can be replaced in one DELETE + INSERT (columns beyond the contract are
-- additions, which the contract allows). No PRIMARY KEY constraints: DuckDB checks them eagerly inside a
-- delete-then-insert transaction; uniqueness is an asset check instead.
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS core;
CREATE SCHEMA IF NOT EXISTS marts;

CREATE TABLE IF NOT EXISTS raw.documents (
    document_id VARCHAR NOT NULL,
    fiscal_year INTEGER,
    source_path VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL,
    file_size_bytes BIGINT NOT NULL,
    source_format VARCHAR NOT NULL,
    page_count INTEGER NOT NULL,
    text_engine VARCHAR NOT NULL,
    ingested_at TIMESTAMP NOT NULL,
    fiscal_year_source VARCHAR,
    folder_year INTEGER,
    fiscal_year_note VARCHAR
);

CREATE TABLE IF NOT EXISTS raw.pages (
    document_id VARCHAR NOT NULL,
    fiscal_year INTEGER,
    page_number INTEGER NOT NULL,
    text VARCHAR NOT NULL,
    char_count INTEGER NOT NULL,
    text_engine VARCHAR,
    ocr_confidence DOUBLE
);
-- Warehouses made before pages recorded their engine (0.1) gain the columns; their rows stay NULL
-- until the year is re-run.
ALTER TABLE raw.pages ADD COLUMN IF NOT EXISTS text_engine VARCHAR;
ALTER TABLE raw.pages ADD COLUMN IF NOT EXISTS ocr_confidence DOUBLE;

CREATE TABLE IF NOT EXISTS raw.rejected_files (
    source_path VARCHAR NOT NULL,
    sha256 VARCHAR,
    fiscal_year INTEGER,
    stage VARCHAR NOT NULL,
    reason_code VARCHAR NOT NULL,
    message VARCHAR NOT NULL,
    detected_at TIMESTAMP NOT NULL
);

-- The cells of the self-evaluation tables (自评表), one row per cell, read with the text (perf_etl/tables,
-- perf_etl/ingest/readers.py) and copied from meta.file_read_cells: a merged cell's text is in every
-- position it covers; a table continued over a page break is one table_index, each row with its own page;
-- caption is the text just above the table.
CREATE TABLE IF NOT EXISTS raw.table_cells (
    document_id VARCHAR NOT NULL,
    fiscal_year INTEGER,
    page_number INTEGER NOT NULL,
    table_index INTEGER NOT NULL,
    row_index INTEGER NOT NULL,
    column_index INTEGER NOT NULL,
    text VARCHAR NOT NULL,
    caption VARCHAR
);

CREATE TABLE IF NOT EXISTS staging.documents (
    document_id VARCHAR NOT NULL,
    fiscal_year INTEGER,
    text VARCHAR NOT NULL,
    char_count INTEGER NOT NULL,
    page_starts INTEGER[] NOT NULL
);

CREATE TABLE IF NOT EXISTS staging.sections (
    document_id VARCHAR NOT NULL,
    fiscal_year INTEGER,
    ordinal INTEGER NOT NULL,
    level INTEGER NOT NULL,
    heading VARCHAR NOT NULL,
    text VARCHAR NOT NULL,
    page_number INTEGER NOT NULL,
    char_start INTEGER NOT NULL
);

-- core.reports is made from its field declarations (perf_etl/models.py, REPORT_FIELDS; store.ensure_schema).

CREATE TABLE IF NOT EXISTS core.field_evidence (
    report_id VARCHAR,
    document_id VARCHAR NOT NULL,
    fiscal_year INTEGER NOT NULL,
    field VARCHAR NOT NULL,
    value VARCHAR NOT NULL,
    raw_text VARCHAR NOT NULL,
    page_number INTEGER NOT NULL,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    rule VARCHAR NOT NULL,
    ocr_confidence DOUBLE
);
ALTER TABLE core.field_evidence ADD COLUMN IF NOT EXISTS ocr_confidence DOUBLE;
-- A value a person corrected (perf_etl/review/corrections.py) has rule 'correction', raw_text saying who and
-- why, `value` the corrected value (NULL when the correction clears the field) and `extracted_value` what
-- the extractor read (NULL for every other rule).
ALTER TABLE core.field_evidence ADD COLUMN IF NOT EXISTS extracted_value VARCHAR;
ALTER TABLE core.field_evidence ALTER COLUMN value DROP NOT NULL;
-- How each value was found (perf_etl/extract/confidence.py): 'high' | 'medium' | 'low', and in words why it is
-- below high; NULL in rows written before (until their year is re-run).
ALTER TABLE core.field_evidence ADD COLUMN IF NOT EXISTS confidence VARCHAR;
ALTER TABLE core.field_evidence ADD COLUMN IF NOT EXISTS confidence_note VARCHAR;

CREATE TABLE IF NOT EXISTS core.indicators (
    report_id VARCHAR,
    document_id VARCHAR NOT NULL,
    fiscal_year INTEGER NOT NULL,
    indicator_name VARCHAR NOT NULL,
    target_value DOUBLE,
    target_unit VARCHAR,
    actual_value DOUBLE,
    actual_unit VARCHAR,
    completion_rate_pct DECIMAL(6, 2),
    source VARCHAR NOT NULL,
    page_number INTEGER
);

-- Added after the first release: a warehouse created before keeps its data and gains the columns.
ALTER TABLE core.indicators ADD COLUMN IF NOT EXISTS weight DECIMAL(6, 2);
-- `weight` was first called max_score: core is derived, the next run writes it again.
ALTER TABLE core.indicators DROP COLUMN IF EXISTS max_score;
ALTER TABLE core.indicators ADD COLUMN IF NOT EXISTS score DECIMAL(6, 2);
ALTER TABLE core.indicators ADD COLUMN IF NOT EXISTS level1 VARCHAR;
ALTER TABLE core.indicators ADD COLUMN IF NOT EXISTS level2 VARCHAR;
ALTER TABLE core.indicators ADD COLUMN IF NOT EXISTS target_text VARCHAR;
ALTER TABLE core.indicators ADD COLUMN IF NOT EXISTS actual_text VARCHAR;
ALTER TABLE core.indicators ADD COLUMN IF NOT EXISTS comparison VARCHAR;
ALTER TABLE core.indicators ADD COLUMN IF NOT EXISTS met BOOLEAN;
ALTER TABLE core.indicators ADD COLUMN IF NOT EXISTS deviation_reason VARCHAR;

CREATE TABLE IF NOT EXISTS core.expenditure_items (
    report_id VARCHAR,
    document_id VARCHAR NOT NULL,
    fiscal_year INTEGER NOT NULL,
    item_name VARCHAR NOT NULL,
    budget_wan DECIMAL(18, 2),
    actual_wan DECIMAL(18, 2),
    execution_rate_pct DECIMAL(6, 2)
);

CREATE TABLE IF NOT EXISTS core.score_components (
    report_id VARCHAR,
    document_id VARCHAR NOT NULL,
    fiscal_year INTEGER NOT NULL,
    component VARCHAR NOT NULL,
    max_score DECIMAL(6, 2),
    score DECIMAL(6, 2)
);

CREATE TABLE IF NOT EXISTS core.findings (
    report_id VARCHAR,
    document_id VARCHAR NOT NULL,
    fiscal_year INTEGER NOT NULL,
    kind VARCHAR NOT NULL,
    ordinal INTEGER NOT NULL,
    text VARCHAR NOT NULL
);

-- A file can hold several reports (perf_etl/extract/reports.py): every core row is keyed by its report's
-- report_id (the document_id for a file with one report, `<document_id>:<n>` for the n-th of several).
-- Added after the first release: an older warehouse gains the columns; core is derived, the next run fills them.
ALTER TABLE core.field_evidence ADD COLUMN IF NOT EXISTS report_id VARCHAR;
ALTER TABLE core.indicators ADD COLUMN IF NOT EXISTS report_id VARCHAR;
ALTER TABLE core.expenditure_items ADD COLUMN IF NOT EXISTS report_id VARCHAR;
ALTER TABLE core.score_components ADD COLUMN IF NOT EXISTS report_id VARCHAR;
ALTER TABLE core.findings ADD COLUMN IF NOT EXISTS report_id VARCHAR;

-- The corrections of the corrections store (perf_etl/review/corrections.py; the store, not this table, is
-- what survives), rewritten by every core run with what became of each: 'applied'; 'report_missing' (no
-- core.reports row has that report_id any more); 'source_changed' (the extractor now reads
-- `extracted_value_now`, not the `extracted_value` the correction was made against: not applied);
-- 'pending' (recorded after its year's core rows were last computed: applied by the next run of that year).
CREATE SCHEMA IF NOT EXISTS review;
CREATE TABLE IF NOT EXISTS review.corrections (
    report_id VARCHAR NOT NULL,
    field VARCHAR NOT NULL,
    value VARCHAR,
    reason VARCHAR NOT NULL,
    corrected_by VARCHAR NOT NULL,
    corrected_at TIMESTAMP NOT NULL,  -- UTC
    extracted_value VARCHAR,
    fiscal_year INTEGER,  -- of the report, NULL when it is missing
    status VARCHAR NOT NULL,
    extracted_value_now VARCHAR
);

-- What each stage's rows of a fiscal year were computed from (perf_etl/warehouse/fingerprints.py): a
-- re-run whose inputs have the recorded fingerprint skips the year. Written in the same transaction as
-- the rows it describes; `asset` is the Dagster asset key, e.g. 'staging/documents'.
CREATE SCHEMA IF NOT EXISTS meta;
CREATE TABLE IF NOT EXISTS meta.stage_inputs (
    asset VARCHAR NOT NULL,
    fiscal_year INTEGER NOT NULL,
    fingerprint VARCHAR NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);

-- What reading each landing file gave, by bytes and path, for the reader version that read it
-- (perf_etl/warehouse/read_cache.py): a file is read once per reader version, whichever run needs it.
-- `record` is the raw.documents row of an accepted file (outcome 'document') or the raw.rejected_files
-- row of a rejected one (outcome = its reason_code), as JSON.
CREATE TABLE IF NOT EXISTS meta.file_reads (
    sha256 VARCHAR NOT NULL,
    source_path VARCHAR NOT NULL,
    file_size BIGINT,  -- with modified_ns: the file as it was hashed; unchanged, it is not hashed again
    modified_ns BIGINT,
    reader_version VARCHAR NOT NULL,
    outcome VARCHAR NOT NULL,
    record JSON NOT NULL,
    text_fingerprint VARCHAR,
    read_at TIMESTAMP NOT NULL
);

ALTER TABLE meta.file_reads ADD COLUMN IF NOT EXISTS file_size BIGINT;
ALTER TABLE meta.file_reads ADD COLUMN IF NOT EXISTS modified_ns BIGINT;

-- The pages of the accepted files of meta.file_reads; raw.pages is filled from here.
CREATE TABLE IF NOT EXISTS meta.file_read_pages (
    sha256 VARCHAR NOT NULL,
    page_number INTEGER NOT NULL,
    text VARCHAR NOT NULL,
    char_count INTEGER NOT NULL,
    text_engine VARCHAR,
    ocr_confidence DOUBLE
);

-- The table cells of the accepted files of meta.file_reads (as raw.table_cells has them); raw.table_cells
-- is filled from here.
CREATE TABLE IF NOT EXISTS meta.file_read_cells (
    sha256 VARCHAR NOT NULL,
    page_number INTEGER NOT NULL,
    table_index INTEGER NOT NULL,
    row_index INTEGER NOT NULL,
    column_index INTEGER NOT NULL,
    text VARCHAR NOT NULL,
    caption VARCHAR
);

-- The contract checks' last evaluation per fiscal year (perf_etl/warehouse/check_results.py): a run that
-- skips a year (inputs unchanged) reports that year's checks as they were last evaluated.
CREATE TABLE IF NOT EXISTS meta.check_results (
    check_name VARCHAR NOT NULL,
    fiscal_year INTEGER NOT NULL,
    failing_rows INTEGER NOT NULL,
    failures JSON NOT NULL,  -- the first failing rows, as records
    evaluated_at TIMESTAMP NOT NULL
);

-- The chart image of each mart's asset page as last drawn (perf_etl/stages/marts.py), with the digest of what
-- it drew (the rows of the run's years and the drawing code): a run whose marts did not change shows it again
-- without drawing it (drawing the five charts costs seconds).
CREATE TABLE IF NOT EXISTS meta.mart_charts (
    mart VARCHAR PRIMARY KEY,
    digest VARCHAR NOT NULL,
    markdown VARCHAR NOT NULL
);
