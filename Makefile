# ai-numbers: `make run` then `make test` on a fresh machine (each sets up .venv when missing).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export DAGSTER_HOME := $(CURDIR)/dagster_home

.PHONY: install postgresql run refresh test test-ui ui bench clean

$(STAMP): setup.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## run: fetch what answers, fall back to local snapshots, materialize every asset (mode auto;
## AI_NUMBERS_MODE=offline|live). Schedulers call .venv/bin/ai-numbers run directly: make
## turns every failing exit code into 2.
run: $(STAMP)
	$(BIN)/ai-numbers run

## refresh: live run (fetch every registered source; exit code 3 when none answered)
refresh: $(STAMP)
	$(BIN)/ai-numbers run --mode live

## postgresql: Debian's PostgreSQL server for the tests of the deployment instance (they start
## their own server in a temporary directory); installed when absent and we are root, else the
## tests say how and skip
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql \
	   >/dev/null); } || echo "PostgreSQL not installed: tests/integration/test_postgres.py skips"

## test: the whole test suite but the browser tests
test: $(STAMP) postgresql
	$(BIN)/python -m pytest -q tests --ignore=tests/browser

## test-ui: the report and the Dagster UI in headless Chromium (Debian's /usr/bin/chromium)
test-ui: $(STAMP)
	$(BIN)/python -m pytest -q tests/browser

## ui: the Dagster UI (webserver + daemon) on http://127.0.0.1:3000
ui: $(STAMP)
	$(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

## bench: benchmarks, ratios measured side by side. The project's modules are compiled first,
## as pip compiles the libraries they are compared with (where PYTHONDONTWRITEBYTECODE is
## set, nothing else writes their bytecode, and every process would compile them again)
bench: $(STAMP)
	$(BIN)/python -m compileall -q pipelines assets tools
	$(BIN)/python -m tools.bench

clean:
	rm -rf data dagster_home/storage dagster_home/history dagster_home/schedules dagster_home/logs
