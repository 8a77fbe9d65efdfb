# Two commands on a fresh machine: `make run` and `make test`. Both create .venv when it is
# missing and install the project into it; both are safe to run again.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench clean setup

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(PY) run_pipeline.py run --db out/pipeline.db

test: $(STAMP)
	$(PY) -m pytest -q

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m mypy pipeline extractors schemas corpora

bench: $(STAMP)
	$(PY) run_pipeline.py bench

clean:
	rm -rf out .pytest_cache .mypy_cache
