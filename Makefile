# The README's quick start: `make run` and `make test`, each from a fresh clone.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test bench lint browser clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "make: $(PYTHON) not found; set PYTHON=python3.x (3.11+)" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $(VENV)/.installed $@

run: $(VENV)/.installed
	$(BIN)/mockcar serve

# Headless Chromium for the Connect tests: Debian's package where apt-get works (our
# machines reach no browser download site), else Playwright's own download.
browser: $(VENV)/.installed-test
	@if [ -x "$(CHROMIUM)" ]; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && \
	     (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null); then :; \
	else $(BIN)/python -m playwright install chromium; fi

test: $(VENV)/.installed-test browser lint
	$(BIN)/pytest

lint: $(VENV)/.installed-test
	$(BIN)/lint-imports
	$(BIN)/ruff check mockcar tests benchmarks
	$(BIN)/mypy mockcar benchmarks
	$(BIN)/mypy --explicit-package-bases tests

bench: $(VENV)/.installed-test
	$(BIN)/python -m benchmarks.odometer
	$(BIN)/python -m benchmarks.fixture

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
