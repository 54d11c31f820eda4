# Jinxiu (锦绣) — build, run and test.
#
#   make run     create .venv, install, build static assets, compile translations, start
#                (migrate, demo data if empty, web server + one worker; Ctrl-C stops both)
#   make test    the whole test suite (PYTEST_ARGS="-m 'not e2e'" to pass options to pytest)
#   make lint    ruff + import-linter contracts
#   make bench   every bench/*/run.sh
#   make lock    re-pin requirements.lock after pyproject.toml changed
#   make clean   remove .venv, node_modules and build outputs (never var/: user data)
#
# Every step is skipped when its inputs have not changed, so a second `make run` is fast.

PYTHON ?= python3
UV_VERSION := 0.13.8
VENV := .venv
VPY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
PYTEST_ARGS ?=
VENDOR := src/jinxiu/static/vendor

SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help venv .venv assets messages run test lint bench lock clean

help:
	@sed -n '3,10p' Makefile | sed 's/^# \{0,1\}//'

# --- Python ------------------------------------------------------------------------------------
# The stamp is newer than requirements.lock and pyproject.toml once both are installed.
venv .venv: $(VENV)/.installed

define ensure_uv
	@test -x $(VPY) || { echo "+ $(PYTHON) -m venv $(VENV)"; $(PYTHON) -m venv $(VENV); }
	@test -x $(UV) && $(UV) --version | grep -q ' $(UV_VERSION)' || \
	  { echo "+ pip install uv==$(UV_VERSION)"; \
	    $(VENV)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION); }
endef

$(VENV)/.installed: requirements.lock pyproject.toml
	$(ensure_uv)
	$(UV) pip install --python $(VPY) -r requirements.lock
	$(UV) pip install --python $(VPY) -e . --no-deps
	@$(UV) pip check --python $(VPY) >/dev/null 2>&1 || { $(UV) pip check --python $(VPY); \
	  echo "requirements.lock does not satisfy pyproject.toml: run 'make lock' and commit it"; \
	  exit 1; }
	@touch $@

lock:
	$(ensure_uv)
	$(UV) pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements.lock

# --- front-end packages (npm registry, lockfile; never a CDN) -----------------------------------
# npm ci writes node_modules/.package-lock.json; it is older than package-lock.json only when
# the lock changed since the last install.
node_modules/.package-lock.json: package-lock.json package.json
	npm ci --no-audit --no-fund
	@touch $@

assets: node_modules/.package-lock.json
	node scripts/build-assets.mjs

# --- translations -------------------------------------------------------------------------------
# Django's compilemessages needs GNU gettext's msgfmt; without it, polib does the same job.
messages: $(VENV)/.installed
	@if ! find src/jinxiu -path '*/locale/*/LC_MESSAGES/*.po' -print -quit | grep -q .; then \
	  echo "messages: no .po catalogues yet"; \
	elif command -v msgfmt >/dev/null 2>&1; then \
	  echo "+ jinxiu compilemessages"; \
	  $(VENV)/bin/jinxiu compilemessages --ignore=.venv --ignore=node_modules \
	    --ignore=var --ignore=bench; \
	else \
	  echo "+ scripts/compile_messages.py (msgfmt not found: compiling with polib)"; \
	  $(VPY) scripts/compile_messages.py --quiet; \
	fi

# --- run and test --------------------------------------------------------------------------------
# .env (see .env.example), when present, configures `make run` only: tests choose their own.
run: venv assets messages
	@if [ -f .env ]; then echo "(reading .env)"; set -a; . ./.env; set +a; fi; \
	  exec $(VENV)/bin/jinxiu up

test: venv assets messages
	$(VPY) -m pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

bench: venv
	@found=0; for script in bench/*/run.sh; do \
	  [ -f "$$script" ] || continue; found=1; \
	  echo "+ bash $$script"; \
	  PATH="$(CURDIR)/$(VENV)/bin:$$PATH" bash "$$script" || exit $$?; \
	done; [ $$found = 1 ] || echo "bench: no bench/*/run.sh yet"

# var/ holds the user's database, uploads and secret key: clean never touches it.
clean:
	rm -rf $(VENV) node_modules $(VENDOR) ./static build dist src/*.egg-info \
	  .pytest_cache .ruff_cache .hypothesis .import_linter_cache test-results
	find . \( -path ./var -o -path ./.git \) -prune -o -name __pycache__ -type d -prune \
	  -exec rm -rf {} +
	find src -path '*/locale/*/LC_MESSAGES/*.mo' -delete
