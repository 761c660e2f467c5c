# The two README commands are `make run` and `make test`; everything else is here for developers and CI.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
REQ_HASH := $(shell cat requirements.txt | md5sum | cut -c1-12)
RUN_HASH := $(shell cat requirements.txt requirements-run.txt | md5sum | cut -c1-12)
DEV_HASH := $(shell cat requirements.txt requirements-run.txt requirements-dev.txt | md5sum | cut -c1-12)
RUNTIME_STAMP := $(VENV)/.runtime-$(REQ_HASH)
RUN_STAMP := $(VENV)/.run-$(RUN_HASH)
DEV_STAMP := $(VENV)/.dev-$(DEV_HASH)
PYTEST_ARGS ?=
# Test processes (pytest-xdist; each has its own template database, PostgreSQL cluster, Redis and SMTP sink on free
# ports). PYTEST_WORKERS=1 runs in one process, as before.
PYTEST_WORKERS ?= 2
XDIST := $(if $(filter-out 0 1,$(PYTEST_WORKERS)),-n $(PYTEST_WORKERS) --dist worksteal,)
# The far-apart days `make test-dates` runs the suite on (TRACKER_TEST_NOW, tests/support/clock.py).
TEST_DATES ?= 2027-06-30 2030-01-02
DATES_ARGS ?=

.PHONY: run test test-postgres test-dates lint security-scan bench load-test run-prod-local clean deps run-deps dev-deps system-packages

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV) || { \
	  echo "python3 -m venv failed: on Debian install it with: sudo apt-get install -y python3-venv"; exit 1; }
	@$(BIN)/python -m pip install -q --upgrade pip

$(RUNTIME_STAMP): $(BIN)/python requirements.txt
	$(BIN)/pip install -q -r requirements.txt
	@rm -f $(VENV)/.runtime-*; touch $@

# requirements.txt is what production installs; requirements-run.txt adds the local stack (embedded Redis, mail
# catcher) that make run and the tests start; requirements-dev.txt adds the test and tooling packages.
$(RUN_STAMP): $(RUNTIME_STAMP) requirements-run.txt
	$(BIN)/pip install -q -r requirements-run.txt
	@rm -f $(VENV)/.run-*; touch $@

$(DEV_STAMP): $(RUN_STAMP) requirements-dev.txt
	$(BIN)/pip install -q -r requirements-dev.txt
	@rm -f $(VENV)/.dev-*; touch $@

deps: $(RUNTIME_STAMP)
run-deps: $(RUN_STAMP)
dev-deps: $(DEV_STAMP)

system-packages:
	@scripts/ensure-system-packages.sh chromium postgresql

## make run: set up, migrate, load reference + demo data, run web, worker, beat, Redis and the mail catcher.
run: run-deps
	@$(BIN)/python -m devtools.run

## make test: set up and run the whole suite (it starts its own Redis, SMTP server, worker and PostgreSQL).
## TRACKER_TEST_NOW=2030-01-02 make test runs it on another day.
test: dev-deps system-packages
	$(BIN)/ruff check .
	$(BIN)/bandit -q -c pyproject.toml -r app workflows config
	$(BIN)/pytest $(XDIST) $(PYTEST_ARGS)

## make test-postgres: every test that uses the database, against a throwaway PostgreSQL cluster (a test that never
## touches the database cannot behave differently there: the `database` marker is set from the fixtures it uses).
test-postgres: dev-deps system-packages
	TRACKER_TEST_DATABASE=postgres $(BIN)/pytest $(XDIST) -m database $(PYTEST_ARGS)

## make test-dates: the suite on each day of TEST_DATES (DATES_ARGS narrows it, e.g. DATES_ARGS='-m "not database"').
test-dates: dev-deps system-packages
	@set -e; for day in $(TEST_DATES); do \
	  echo "== the suite on $$day"; \
	  TRACKER_TEST_NOW=$$day $(BIN)/pytest $(XDIST) $(DATES_ARGS) $(PYTEST_ARGS); \
	done

## make run-prod-local: PostgreSQL + Redis + gunicorn (2 workers) + 2 Celery workers + beat, production config.
run-prod-local: run-deps system-packages
	@$(BIN)/python -m devtools.run_prod_local

## make bench: 1k / 100k / 1M reviews on SQLite and PostgreSQL, every page, report, job, import and export;
## writes docs/BENCHMARKS.md. BENCH_ARGS="--sizes 1000,100000 --backends sqlite" for a quicker run.
BENCH_ARGS ?=
bench: dev-deps system-packages
	$(BIN)/python -m bench.run $(BENCH_ARGS)

## make load-test: the production shape (make run-prod-local) with LOAD_REVIEWS generated reviews, LOAD_USERS
## signed-in locust users for LOAD_MINUTES after ramp-up, workflow jobs sent meanwhile; writes docs/LOADTEST.md.
## Smoke run: make load-test LOAD_REVIEWS=10000 LOAD_USERS=10 LOAD_MINUTES=0.5
LOAD_USERS ?= 50
LOAD_MINUTES ?= 3
LOAD_REVIEWS ?= 1000000
load-test: dev-deps system-packages
	LOAD_USERS=$(LOAD_USERS) LOAD_MINUTES=$(LOAD_MINUTES) LOAD_REVIEWS=$(LOAD_REVIEWS) $(BIN)/python -m loadtest.run

lint: dev-deps
	$(BIN)/ruff check .
	$(BIN)/bandit -q -c pyproject.toml -r app workflows config

## make security-scan: sqlmap + wapiti against a throwaway local instance, signed in (docs/SECURITY.md).
security-scan: run-deps
	@scripts/ensure-system-packages.sh sqlmap wapiti
	$(BIN)/python -m devtools.security_scan

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
