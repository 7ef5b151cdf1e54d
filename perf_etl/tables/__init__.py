"""The self-evaluation tables (自评表) of a document, read as cell grids: ruled PDF tables, Word and web-page
tables, tables flattened into text; and the header words that tell a 自评表's columns (columns.py).

Ingestion reads them with the text (perf_etl/ingest/readers.py: a PDF page pdfplumber parses for its text
is searched for tables before it is closed, so no page is parsed twice), the read cache keeps them, and
the raw.table_cells asset copies them into the warehouse. Extraction (`perf_etl.extract.table_rows`) turns
those cells into indicators, score components and totals.
"""
