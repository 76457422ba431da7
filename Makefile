# The README's quick start: `make run` and `make test`, each from a fresh clone.
# `make check` is the inner loop: lint and the tests that need neither Chromium nor
# newman; `make test` is the full run.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
CHROMIUM ?= /usr/bin/chromium
# newman, Postman's runner, for tests/postman: a pinned version in .newman/ (gitignored).
NEWMAN_VERSION := 6.2.2
NEWMAN_DIR := .newman
# The official Node SDK (npm smartcar), for tests/e2e/test_v3_fixed_vehicle.py: in .node-sdk/.
NODE_SDK_VERSION := 10.4.0
NODE_SDK_DIR := .node-sdk
# `make dist`: the wheel and sdist other projects install (docs/install.md).
DIST ?= dist

.PHONY: run test check bench lint browser newman node-sdk clean dist screenshots

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

# Node.js and npm: the machine's, else Debian's where apt-get works.
newman: $(NEWMAN_DIR)/.installed-$(NEWMAN_VERSION)

$(NEWMAN_DIR)/.installed-$(NEWMAN_VERSION):
	@if ! command -v npm >/dev/null 2>&1; then \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
	  else echo "make: npm not found; install Node.js 18+ for newman (tests/postman)" >&2; exit 1; fi; \
	fi
	rm -rf $(NEWMAN_DIR) && mkdir -p $(NEWMAN_DIR)
	npm install --prefix $(NEWMAN_DIR) --no-audit --no-fund --loglevel=error newman@$(NEWMAN_VERSION)
	touch $@

node-sdk: $(NODE_SDK_DIR)/.installed-$(NODE_SDK_VERSION)

$(NODE_SDK_DIR)/.installed-$(NODE_SDK_VERSION): $(NEWMAN_DIR)/.installed-$(NEWMAN_VERSION)
	rm -rf $(NODE_SDK_DIR) && mkdir -p $(NODE_SDK_DIR)
	npm install --prefix $(NODE_SDK_DIR) --no-audit --no-fund --loglevel=error smartcar@$(NODE_SDK_VERSION)
	touch $@

test: $(VENV)/.installed-test browser newman node-sdk lint
	$(BIN)/pytest

# The markers come from the fixtures a test uses (tests/conftest.py).
check: $(VENV)/.installed-test lint
	$(BIN)/pytest -m "not browser and not newman"

lint: $(VENV)/.installed-test
	$(BIN)/lint-imports
	$(BIN)/ruff check mockcar tests benchmarks scripts
	$(BIN)/mypy mockcar benchmarks scripts
	$(BIN)/mypy --explicit-package-bases tests

# wrk against real servers on loopback, every row in one run (benchmarks/side_by_side.py);
# BENCH_ARGS="--seconds 2 --warmup 1" for a quick run; WIREMOCK=1 adds a WireMock row
# (needs java; the jar comes from the npm package `wiremock`, installed into .wiremock/).
bench: $(VENV)/.installed-test
	@if command -v wrk >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	else echo "make bench needs wrk (Debian: apt-get install wrk)"; exit 1; fi
	@if [ -n "$(WIREMOCK)" ] && [ ! -d .wiremock/node_modules/wiremock ]; then \
	  npm install --prefix .wiremock --no-audit --no-fund --loglevel=error wiremock; fi
	$(BIN)/python -m benchmarks.side_by_side $(if $(WIREMOCK),--wiremock) $(BENCH_ARGS)
	$(BIN)/python -m benchmarks.state_store $(BENCH_ARGS)
	$(BIN)/python -m benchmarks.fixture
	$(BIN)/python -m benchmarks.timeline
	$(BIN)/python -m benchmarks.fleet
	$(BIN)/python -m benchmarks.vehicle_pages
	$(BIN)/python -m benchmarks.hostile_scenarios

# Every Connect page and dashboard view at desktop (1440 px) and phone (375 px) width:
# docs/screenshots/*.png.
screenshots: $(VENV)/.installed-test browser
	$(BIN)/python scripts/screenshots.py
	$(BIN)/python scripts/dashboard_screenshots.py

# Built by `build` in an isolated environment: the sdist first, then the wheel from it, so
# the sdist is known to hold all the wheel needs (the bundled scenarios among it).
dist: $(VENV)/.installed-test
	rm -rf $(DIST)
	$(BIN)/python -m build --outdir $(DIST) .

clean:
	rm -rf $(VENV) $(NEWMAN_DIR) $(NODE_SDK_DIR) .wiremock .pytest_cache .mypy_cache .ruff_cache
