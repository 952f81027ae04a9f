# Two commands matter: `make run` serves the app on its embedded SQLite default and
# `make test` runs every check CI runs. Both build .venv from nothing when it is missing
# or older than pyproject.toml. A bare `make` lists the commands: each target's `##` comment
# is its line in that list.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help run test check format lint types contracts pytest bench clean

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

pytest: $(STAMP) ## run the tests only (PYTEST_ARGS="-k name" to choose)
	$(BIN)/pytest $(PYTEST_ARGS)

bench: $(STAMP) ## the benchmark (needs wrk and a local PostgreSQL; BENCH_ARGS for its options)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

clean: ## remove .venv and the tools' caches
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
