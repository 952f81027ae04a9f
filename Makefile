# Two commands matter: `make run` serves the app on its embedded SQLite default and
# `make test` runs every check CI runs. Both build .venv from nothing when it is missing
# or older than pyproject.toml. `make migration m="add reviews"` writes a new Alembic
# revision from the difference between the migrations and the tables.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test check format lint types contracts pytest bench migration clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m entrypoints.cli serve

test: check

check: $(STAMP) format lint types contracts pytest

format: $(STAMP)
	$(BIN)/ruff format --check .

lint: $(STAMP)
	$(BIN)/ruff check .

types: $(STAMP)
	$(BIN)/mypy

contracts: $(STAMP)
	$(BIN)/lint-imports

pytest: $(STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# Autogenerate compares the tables with a database at the head revision, so the revision is
# generated against a scratch SQLite database brought there first (the app's own database may
# be missing or behind: "Target database is not up to date"). The scratch database is removed
# however the commands end; the new file is formatted and left for review.
migration: $(STAMP)
	@test -n "$(m)" || { echo 'usage: make migration m="add reviews"' >&2; exit 2; }
	@scratch=$$(mktemp -d) && trap 'rm -rf "$$scratch"' EXIT && \
	url="sqlite+aiosqlite:///$$scratch/migration.db" && \
	$(BIN)/alembic -x url="$$url" upgrade head && \
	generated=$$($(BIN)/alembic -x url="$$url" revision --autogenerate -m "$(m)") && \
	echo "$$generated" && \
	file=$$(echo "$$generated" | sed -n 's/^Generating \(.*\) \.\.\. *done$$/\1/p') && \
	test -n "$$file" && $(BIN)/ruff format "$$file"

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
