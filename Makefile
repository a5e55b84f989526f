# The two README commands are `make run` and `make test`; the rest are helpers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
WEB_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: run serve bench test check lint format migrate worker clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[postgres,redis,test]"
	touch $(STAMP)

## Serve the site with demo content on http://$(HOST):$(PORT) (DEBUG on, SQLite by default).
run: $(STAMP)
	DEBUG=true $(BIN)/python manage.py migrate --no-input
	DEBUG=true $(BIN)/python manage.py demo_content --admin-login --site-url http://$(HOST):$(PORT)
	@trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=true $(BIN)/python manage.py db_worker --interval 2 & worker=$$!; \
	DEBUG=true $(BIN)/python manage.py runserver $(HOST):$(PORT)

## Serve the site as in production on http://$(HOST):$(PORT): DEBUG off, gunicorn with a
## worker per CPU, WhiteNoise's hashed and compressed static files, uploads, the task worker.
serve: $(STAMP)
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	@trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py db_worker & worker=$$!; \
	$(BIN)/gunicorn config.wsgi --bind $(HOST):$(PORT) --workers $(WEB_WORKERS)

## Load-test the production stack on generated data (SQLite, then PostgreSQL + Redis on
## 127.0.0.1) and print the table; BENCH_ARGS="--sizes 1000 --databases sqlite" for a short run.
bench: $(STAMP)
	@command -v wrk >/dev/null || { echo "Installing wrk (Debian's package)…"; \
		apt-get install -y -qq wrk >/dev/null || { echo "wrk is needed: apt-get install wrk"; exit 1; }; }
	$(BIN)/python bench/run.py $(BENCH_ARGS)

## Lint, check migrations, then run the whole test suite on every CPU (browser tests need
## /usr/bin/chromium).
test: $(STAMP) check
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check --fail-level WARNING

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrate: $(STAMP)
	$(BIN)/python manage.py migrate --no-input

worker: $(STAMP)
	$(BIN)/python manage.py db_worker

clean:
	rm -rf $(VENV) staticfiles
