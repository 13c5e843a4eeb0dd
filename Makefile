# PFS Pilot — `make run` sets up everything and serves http://127.0.0.1:8000 ; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1:8000

.PHONY: run test setup lint format worker bench clean test-deps serve

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 ou plus est requis")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

setup: $(STAMP)
	$(BIN)/pfspilot migrate --noinput
	$(BIN)/pfspilot demo

run: setup
	@echo "Serveur : http://$(HOST)  (Ctrl-C pour arrêter ; le worker des tâches et pfspilot tick tournent en arrière-plan)"
	@$(BIN)/pfspilot reap_imports
	@$(BIN)/pfspilot worker >var/worker.log 2>&1 & echo $$! > var/worker.pid; \
	$(TICK_LOOP) >var/tick.log 2>&1 & echo $$! > var/tick.pid; \
	trap 'kill $$(cat var/worker.pid) $$(cat var/tick.pid) 2>/dev/null' EXIT INT TERM; \
	$(BIN)/pfspilot runserver $(HOST)

# `pfspilot tick` every minute (periodic work: today's sums, interrupted imports, coming plans);
# in production, a cron line `* * * * * pfspilot tick` does the same.
TICK_LOOP := while true; do $(BIN)/pfspilot tick; sleep 60; done

# The production set-up on this machine: gunicorn (deploy/gunicorn.conf.py: PFSPILOT_BIND,
# PFSPILOT_WORKERS, PFSPILOT_THREADS…) with PFSPILOT_DEBUG=0, static files collected into
# var/static and served by whitenoise. SECRET_KEY and CALLER_HASH_KEY come from the environment.
serve: $(STAMP)
	@[ -n "$$SECRET_KEY" ] && [ -n "$$CALLER_HASH_KEY" ] || { \
		echo "SECRET_KEY et CALLER_HASH_KEY sont obligatoires pour make serve (production)." >&2; \
		exit 2; }
	PFSPILOT_DEBUG=0 $(BIN)/pfspilot migrate --noinput
	PFSPILOT_DEBUG=0 $(BIN)/pfspilot collectstatic --noinput --verbosity 0
	PFSPILOT_DEBUG=0 $(BIN)/gunicorn -c deploy/gunicorn.conf.py

worker: $(STAMP)
	$(BIN)/pfspilot reap_imports
	@mkdir -p var; $(TICK_LOOP) >var/tick.log 2>&1 & echo $$! > var/tick.pid; \
	trap 'kill $$(cat var/tick.pid) 2>/dev/null' EXIT INT TERM; \
	$(BIN)/pfspilot worker

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Debian packages of the real components in tests (chromium, dovecot-imapd): root, once.
test-deps:
	bash .ci/install-components

# The suite on SQLite, then on PostgreSQL when TEST_DATABASE_URL names one (.ci/run sets it).
test: lint
	DATABASE_URL= $(BIN)/pytest
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== PostgreSQL : $$TEST_DATABASE_URL"; \
		DATABASE_URL="$$TEST_DATABASE_URL" $(BIN)/pytest --create-db; \
	else echo "== PostgreSQL non configuré (TEST_DATABASE_URL vide) : suite passée sur SQLite seulement"; fi

# Benchmarks run apart from the suite, against the tools a user would pick instead; pyworkforce's
# releases with Erlang A need Python 3.12, hence a separate environment.
BENCH_PYTHON ?= $(shell for p in python3.12 $$HOME/.pyenv/versions/3.12*/bin/python3.12 \
	/usr/bin/python3.12; do "$$p" -c 'import sys; assert sys.version_info[:2] == (3, 12)' \
	2>/dev/null && { echo "$$p"; break; }; done)
BENCH_VENV := .venv-bench
$(BENCH_VENV)/.installed: pyproject.toml
	@[ -n "$(BENCH_PYTHON)" ] || { echo "Python 3.12 introuvable : indiquez BENCH_PYTHON=…"; exit 1; }
	$(BENCH_PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet -e . pandas==3.1.1 pyworkforce==0.5.4 \
		ciw==3.2.7 SQLAlchemy==2.0.44
	@touch $@

bench: $(BENCH_VENV)/.installed
	@for script in bench/bench_*.py; do echo "== $$script"; $(BENCH_VENV)/bin/python $$script || exit 1; done

clean:
	rm -rf $(VENV) $(BENCH_VENV) var
