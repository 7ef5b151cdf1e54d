"""The marts BI tools read: SQL over core and raw, rebuilt per fiscal year (see build.py)."""
