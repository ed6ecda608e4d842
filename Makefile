# Lotse: `make demo` serves the demo, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PY := $(BIN)/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test install messages migrate lint typecheck pytest deploy-check serve stop-db lock clean bench pdf-libraries gettext-tools handbook

$(STAMP): requirements/base.txt requirements/dev.txt
	@echo "==> Creating the virtual environment in $(VENV) and installing pinned dependencies"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/base.txt -r requirements/dev.txt
	@touch $(STAMP)

install: $(STAMP)

messages: $(STAMP)
	@echo "==> Compiling translations"
	@$(MANAGE) compile_translations --verbosity 0

migrate: install messages
	@echo "==> Starting the embedded PostgreSQL (var/postgres) unless DATABASE_URL is set, and migrating"
	@$(MANAGE) migrate --no-input --verbosity 0

# PDFs are drawn by WeasyPrint with Pango and the DejaVu fonts; the test suite also runs makemessages (GNU
# gettext). As root with apt they are installed here; otherwise make stops at once with the command to run.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core

pdf-libraries:
	@if ! ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || ! fc-list 2>/dev/null | grep -q DejaVuSans; then \
	  if [ "$$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then \
	    echo "==> Installing Pango and the DejaVu fonts for the PDFs"; \
	    apt-get update -qq || true; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(PDF_PACKAGES) >/dev/null; \
	  else \
	    echo "Lotse draws its PDFs with Pango and the DejaVu fonts. Install them first, then run make again:"; \
	    echo "  sudo apt-get install $(PDF_PACKAGES)"; \
	    exit 1; \
	  fi; \
	fi

gettext-tools:
	@if ! command -v xgettext >/dev/null; then \
	  if [ "$$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then \
	    echo "==> Installing GNU gettext (the tests check the message catalogue with makemessages)"; \
	    apt-get update -qq || true; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gettext >/dev/null; \
	  else \
	    echo "The tests check the message catalogue with GNU gettext. Install it first, then run make again:"; \
	    echo "  sudo apt-get install gettext"; \
	    exit 1; \
	  fi; \
	fi

demo: pdf-libraries migrate
	@echo "==> Loading the demo county (idempotent)"
	@$(MANAGE) load_demo_data
	@echo "==> Collecting static files"
	@$(MANAGE) collectstatic --no-input --verbosity 0
	@echo "==> Serving Lotse on http://$(HOST):$(PORT)/ with its background worker (Ctrl+C stops both; the database keeps running, 'make stop-db' stops it)"
	@$(MANAGE) procrastinate worker & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	  $(MANAGE) runserver --insecure $(HOST):$(PORT)

# The pictures of the user guide (docs/handbuch/bilder/), taken from the demo county in headless Chromium.
handbook: pdf-libraries migrate
	@echo "==> Loading the demo county (idempotent) and taking the pictures of docs/handbuch/"
	@$(MANAGE) load_demo_data --quiet-logins
	@$(MANAGE) handbook_screenshots

serve: migrate
	@$(MANAGE) runserver $(HOST):$(PORT)

lint: install
	@echo "==> ruff"
	@$(BIN)/ruff check lotse manage.py
	@$(BIN)/ruff format --check lotse manage.py

typecheck: install
	@echo "==> mypy"
	@$(BIN)/mypy lotse manage.py

deploy-check: install
	@echo "==> Django deploy check with production settings"
	@DJANGO_SETTINGS_MODULE=lotse.settings.production \
	  SECRET_KEY=deploy-check-$$(printf '%064d' 0)-not-a-real-key \
	  DATABASE_URL=postgresql://lotse@127.0.0.1:5432/lotse ALLOWED_HOSTS=lotse.example.org \
	  $(MANAGE) check --deploy --fail-level WARNING

pytest: pdf-libraries gettext-tools migrate
	@echo "==> Missing-migrations check"
	@$(MANAGE) makemigrations --check --dry-run --verbosity 1
	@echo "==> pytest"
	@$(BIN)/pytest $(PYTEST_ARGS); status=$$?; if [ $$status -eq 5 ]; then echo "pytest collected no tests"; exit 1; fi; exit $$status

test: lint typecheck deploy-check pytest

# Benchmarks print figures; they are not part of `make test`.
bench: migrate
	@echo "==> Import benchmark: a workbook of 100,000 persons and their accommodation history (200,000 stays, 60,000 assignments; generated once into var/bench), in a throw-away database"
	@name=lotse_bench_$$(date +%s)_$$$$; \
	  $(MANAGE) bench_import --keep-database --database-name $$name && \
	  echo "==> Key figures benchmark on the imported workbook" && \
	  $(MANAGE) bench_kennzahlen --database-name $$name && \
	  echo "==> Name search of the case list, beside a hand-written statement through the same indexes" && \
	  $(MANAGE) bench_search --database-name $$name && \
	  echo "==> Load: 150 simulated caseworkers and a statistics user against gunicorn (production settings, TLS); then the throw-away database is dropped" && \
	  $(MANAGE) bench_load --database-name $$name --drop

stop-db: install
	@$(PY) -c "from pathlib import Path; from lotse.core.embedded_db import stop; print('stopped' if stop(Path('var/postgres')) else 'not running')"

lock:
	@$(PY) -m pip install --quiet pip-tools
	@cd requirements && ../$(BIN)/pip-compile -q --strip-extras --no-header --no-emit-index-url --no-emit-find-links base.in
	@cd requirements && ../$(BIN)/pip-compile -q --strip-extras --no-header --no-emit-index-url --no-emit-find-links dev.in

clean:
	rm -rf $(VENV) var/static
