# Stockline: `make demo` runs the app with demo data, `make test` runs every check and test.
# Both need only Python 3.11 and make: the rest (virtualenv, packages, embedded PostgreSQL
# and Redis when DATABASE_URL / REDIS_URL are unset, Chromium for browser tests) is set up here.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PORT ?= 8000
DEMO_ARGS ?=

.PHONY: demo test test-faults install stop status lint format bench bench-ledger bench-api seed-scale clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev,embedded]'
	@touch $(STAMP)

install: $(STAMP)

demo: install
	PORT=$(PORT) exec $(PY) -m erp.run demo $(DEMO_ARGS)

test: install
	exec $(PY) -m erp.run test $(ARGS)

# Only the fault tests (also the last stage of `make test`), on servers of their own.
test-faults: install
	exec $(PY) -m erp.run faults $(ARGS)

stop:
	$(PY) -m erp.embedded stop

status:
	$(PY) -m erp.embedded status

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

bench: install
	$(PY) bench/import_bins.py
	$(PY) bench/import_items.py
	$(PY) bench/receive.py
	$(PY) bench/allocate.py
	$(PY) bench/segment.py
	$(PY) bench/plan.py
	$(PY) bench/ledger_post.py $(ARGS)

bench-ledger: install
	$(PY) bench/ledger_post.py $(ARGS)

bench-api: install
	$(PY) bench/api.py $(ARGS)

# A big tenant for the scale benches: `make seed-scale ENTRIES=1000000` (rerun to resume).
SCALE_TENANT ?= scale
ITEMS ?= 30000
ENTRIES ?= 1000000
YEARS ?= 3
WORKERS ?= 2
seed-scale: install
	$(PY) bench/seed_scale.py --tenant $(SCALE_TENANT) --items $(ITEMS) --entries $(ENTRIES) \
		--years $(YEARS) --workers $(WORKERS) $(ARGS)

clean: stop
	rm -rf .data staticfiles
