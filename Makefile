# The two commands of the README: `make run` and `make test`. Both create .venv and install the project
# on first use, so a fresh clone needs nothing else.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: install run test lint dev samples accuracy bench bench-hostile clean
BENCH_N ?= 300
BENCH_SEED ?= 0

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

HOME_DIR := $(CURDIR)/.dagster_home

## Build data/warehouse.duckdb from the bundled samples in data/samples (runs kept in .dagster_home/, as
## `make dev` shows them).
run: $(STAMP) $(HOME_DIR)/dagster.yaml
	DAGSTER_HOME=$(HOME_DIR) $(BIN)/perf-etl run

## Lint and run every test.
test: $(STAMP)
	$(BIN)/ruff check perf_etl perf_etl_tests scripts
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check perf_etl perf_etl_tests scripts

## The Dagster UI and daemon on http://127.0.0.1:3000 with a persistent instance in .dagster_home/.
# `dagster dev` warns that `dg dev` (another package, dagster-dg-cli) supersedes it; it is what we run.
dev: $(STAMP) $(HOME_DIR)/dagster.yaml
	DAGSTER_HOME=$(HOME_DIR) $(BIN)/python -m perf_etl.instance
	DAGSTER_HOME=$(HOME_DIR) PYTHONWARNINGS='ignore:Function `dev_command` is superseded' \
		$(BIN)/dagster dev -w workspace.yaml

# The instance both share: its configuration from instance.yaml.
$(HOME_DIR)/dagster.yaml: instance.yaml
	mkdir -p $(HOME_DIR) && cp instance.yaml $@

## Re-render the sample PDFs from ../shared/seeds (they are committed; only needed when seeds change).
samples: $(STAMP)
	$(BIN)/python scripts/render_sample_pdfs.py

## Regenerate docs/accuracy.md from the hand labels.
accuracy: $(STAMP)
	$(BIN)/python scripts/accuracy_report.py

## Throughput: BENCH_N generated reports through the whole pipeline, plus raw pdfplumber/pypdfium2 extraction
## on the same files; the last line is one JSON object (see docs/performance.md).
bench: $(STAMP)
	$(BIN)/python scripts/bench.py --n $(BENCH_N) --seed $(BENCH_SEED)

## Peak memory and re-read work of a run over a folder of hostile files (docs/performance.md).
bench-hostile: $(STAMP)
	$(BIN)/python scripts/bench_hostile.py

clean:
	rm -rf $(VENV) data/warehouse.duckdb data/warehouse.duckdb.wal .dagster_home
