# Tendril: `make run` to try it, `make test` to check it. Everything installs into .venv.
PORT ?= 8000
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test
BROKER_TEST_URL ?= redis://127.0.0.1:6379/0
# Test processes side by side (pytest-xdist); each has its own SQLite file or PostgreSQL database.
TEST_WORKERS ?= 2
STATIC_BUILD := tendril/ui/static/build/.built

.PHONY: run test test-sqlite test-services lint fmt bench chromium static install clean messages

run: $(VENV)/.runtime $(STATIC_BUILD)
	$(BIN)/tendril init
	$(BIN)/tendril demo
	$(BIN)/tendril run --port $(PORT)

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(VENV)/.runtime $@

install: $(VENV)/.runtime

$(STATIC_BUILD): frontend/package.json $(wildcard frontend/*.mjs frontend/src/*)
	cd frontend && npm install --no-audit --no-fund --loglevel=error && node build.mjs
	touch $@

static: $(STATIC_BUILD)

# Browser tests drive Debian's chromium; Playwright cannot download its own browser here.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests…"; \
	  apt-get install -y -q chromium >/dev/null 2>&1 || \
	  { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }; }

test: $(VENV)/.test $(STATIC_BUILD) chromium
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-services

test-sqlite:
	env -u DATABASE_URL -u BROKER_URL $(BIN)/pytest -q -n $(TEST_WORKERS)

# The same suite on PostgreSQL and Redis when they answer; under CI=true a missing one fails.
test-services:
	@if $(BIN)/python tests/services_up.py "$(PG_TEST_URL)" "$(BROKER_TEST_URL)"; then \
	  DATABASE_URL=$(PG_TEST_URL) BROKER_URL=$(BROKER_TEST_URL) $(BIN)/pytest -q -n $(TEST_WORKERS) -m "not browser"; \
	elif [ "$$CI" = "true" ]; then \
	  echo "CI: PostgreSQL and Redis must answer for the services run"; exit 1; \
	else \
	  echo "PostgreSQL or Redis does not answer: skipping the services run"; \
	fi

lint: $(VENV)/.test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy tendril
	$(BIN)/lint-imports

fmt: $(VENV)/.test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(VENV)/.test
	$(BIN)/python bench/event_ingest.py
	$(BIN)/python bench/import_contacts.py --rows 1000000
	$(BIN)/python bench/concurrent_writes.py
	$(BIN)/python bench/consumer_lag.py
	$(BIN)/python bench/contact_search.py
	$(BIN)/python bench/qualification.py
	$(BIN)/python bench/collector.py
	$(BIN)/python bench/segment_batch.py
	$(BIN)/python bench/personalisation.py

# The vi and th catalogues: collect every marked string (tests, bench and built files are not
# the product's text), then compile. Both .po and .mo are committed, so a clone needs no gettext;
# this target does (apt-get install gettext). New entries come untranslated, changed ones fuzzy:
# tendril/ui/tests/test_translations.py fails until each is translated.
messages: $(VENV)/.runtime
	cd tendril && TENDRIL_VAR_DIR=$(CURDIR)/var ../$(BIN)/tendril manage makemessages \
	  -l vi -l th --add-location file --no-obsolete \
	  --ignore tests --ignore static --ignore migrations --ignore locale
	cd tendril && TENDRIL_VAR_DIR=$(CURDIR)/var ../$(BIN)/tendril manage compilemessages -l vi -l th

clean:
	rm -rf $(VENV) frontend/node_modules tendril/ui/static/build
