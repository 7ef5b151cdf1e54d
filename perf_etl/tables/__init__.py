"""The self-evaluation tables (自评表) of a document, read as tables rather than as flattened text.

Ingestion reads them with the text (perf_etl/ingest/readers.py: a PDF page pdfplumber parses for its text
is searched for tables before it is closed, so no page is parsed twice), the read cache keeps them, and
the raw.table_cells asset copies them into the warehouse. `perf_etl.tables.rows` turns those cells into
indicators, score components and totals.
"""
