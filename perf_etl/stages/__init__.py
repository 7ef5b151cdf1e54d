"""The pipeline's stages, one module each, in order: raw → tables → staging → core → marts → publish.

Each module's `run(settings, years, log)` does its whole stage for some fiscal years and returns what it
computed: which years it planned (a year whose inputs did not change since its rows were written is skipped,
fingerprints.py), what it wrote, in one transaction. The Dagster assets (perf_etl/defs/assets) are a few
lines of wiring around these; the command line and the tests call the same functions.
"""
