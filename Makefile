# Two commands on a fresh machine: `make run` and `make test`. Both create .venv when it is
# missing and install the project into it; both are safe to run again.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench clean setup browser

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(PY) run_pipeline.py run --db out/pipeline.db

# Headless Chromium (Debian's package) for tests/test_browser.py. Best effort: without root or
# network the browser tests skip and say why.
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/dev/null 2>&1 || echo "chromium could not be installed: browser tests will be skipped"

test: $(STAMP) browser
	$(PY) -m pytest -q

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m mypy pipeline extractors schemas corpora

bench: $(STAMP)
	$(PY) run_pipeline.py bench

clean:
	rm -rf out .pytest_cache .mypy_cache
