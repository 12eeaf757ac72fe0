# OneStop: `make run` serves the demo; `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
DEMO_PASSWORD ?= onestop-demo-2026
export DEMO_PASSWORD

.PHONY: install run test demo lint format messages bench loadtest clean

$(BIN)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip setuptools wheel
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

# Serve the demo at http://127.0.0.1:8000 with a Celery worker and beat (no other server).
run: export DEBUG ?= 1
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo --password "$(DEMO_PASSWORD)"
	$(PY) manage.py compilemessages --ignore=.venv >/dev/null
	@echo ""
	@echo "  OneStop is starting at http://127.0.0.1:8000"
	@echo "  Sign in as frontdesk, frontdesk2, supervisor, manager or hq"
	@echo "  Demo password: $(DEMO_PASSWORD)"
	@echo ""
	$(BIN)/honcho start -f Procfile.dev

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Refresh the Chinese catalogue after changing strings, then translate the new entries.
messages: install
	DEBUG=1 $(PY) manage.py makemessages --locale zh_Hans --ignore=.venv --ignore=var --ignore=tests --no-obsolete
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv

# Load test (not part of `make test`): 200 concurrent staff for two minutes against gunicorn on
# the local PostgreSQL, over the demo data plus 100,000 complaints. Loopback only.
loadtest: install
	$(PY) -m loadtest.run $(LOADTEST_ARGS)

# A million complaints in PostgreSQL (BENCH_DATABASE_URL, default onestop_bench; kept between
# runs, BENCH_ARGS=--fresh rebuilds), then p50/p95 server time per page -> bench-results/latest.md.
bench: install
	$(PY) -m bench.run $(BENCH_ARGS)

clean:
	rm -rf var
