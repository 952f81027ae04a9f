# Two commands matter: `make run` serves the app on its embedded SQLite default and
# `make test` runs every check CI runs. Both build .venv from nothing when it is missing
# or older than pyproject.toml. A bare `make` lists the commands: each target's `##` comment
# is its line in that list.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help run test check format lint types contracts pytest bench migration clean

help: ## list these commands
	@echo "Commands (all but help and clean first create .venv and install the pinned dependencies, if needed):"
	@awk 'BEGIN {FS = ":.*## "} /^[a-z]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	@echo "Setting up $(VENV) with the pinned dependencies of pyproject.toml"
	@test -x $(BIN)/python || { echo "Creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	@echo "Upgrading pip"
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@echo "Installing storefront and its dependencies, dev tools included (about a minute the first time)"
	$(BIN)/python -m pip install --progress-bar off -e '.[dev]'
	@touch $(STAMP)
	@echo "$(VENV) is ready"

run: $(STAMP) ## serve the API on http://127.0.0.1:8000 (docs at /docs), ./storefront.db migrated first
	$(BIN)/storefront serve

test: check ## every check CI runs: format, lint, types, import contracts, all tests

check: $(STAMP) format lint types contracts pytest

format: $(STAMP) ## check the formatting (ruff format --check)
	$(BIN)/ruff format --check .

lint: $(STAMP) ## lint (ruff check)
	$(BIN)/ruff check .

types: $(STAMP) ## type-check (mypy --strict)
	$(BIN)/mypy

contracts: $(STAMP) ## check the import contracts between layers (lint-imports)
	$(BIN)/lint-imports

# The suite spends most of its time waiting on databases, servers and sleeps rather than
# computing, so it runs in PYTEST_WORKERS processes (3 on a 2-core machine takes about two
# thirds of the time of one); each test module stays in one process with its fixtures
# (--dist loadscope). PYTEST_WORKERS=0 runs it in this process alone.
PYTEST_WORKERS ?= 3

pytest: $(STAMP) ## run the tests only (PYTEST_ARGS="-k name" to choose)
	$(BIN)/pytest $(if $(filter 0,$(PYTEST_WORKERS)),,-n $(PYTEST_WORKERS) --dist loadscope) $(PYTEST_ARGS)

bench: $(STAMP) ## the benchmark (needs wrk and a local PostgreSQL; BENCH_ARGS for its options)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# Autogenerate compares the tables with a database at the head revision, so the revision is
# generated against a scratch SQLite database brought there first (the app's own database may
# be missing or behind: "Target database is not up to date"). The scratch database is removed
# however the commands end; the new file is formatted and left for review.
migration: $(STAMP) ## write a new Alembic revision from the tables (m="add reviews")
	@test -n "$(m)" || { echo 'usage: make migration m="add reviews"' >&2; exit 2; }
	@scratch=$$(mktemp -d) && trap 'rm -rf "$$scratch"' EXIT && \
	url="sqlite+aiosqlite:///$$scratch/migration.db" && \
	$(BIN)/alembic -x url="$$url" upgrade head && \
	generated=$$($(BIN)/alembic -x url="$$url" revision --autogenerate -m "$(m)") && \
	echo "$$generated" && \
	file=$$(echo "$$generated" | sed -n 's/^Generating \(.*\) \.\.\. *done$$/\1/p') && \
	test -n "$$file" && $(BIN)/ruff format "$$file"

clean: ## remove .venv and the tools' caches
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
