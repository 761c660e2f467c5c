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
test: dev-deps system-packages
	$(BIN)/ruff check .
	$(BIN)/bandit -q -c pyproject.toml -r app workflows config
	$(BIN)/pytest $(PYTEST_ARGS)

## make test-postgres: the same suite against a throwaway PostgreSQL cluster.
test-postgres: dev-deps system-packages
	TRACKER_TEST_DATABASE=postgres $(BIN)/pytest $(PYTEST_ARGS)

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
