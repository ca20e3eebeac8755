# Two commands do all the set-up on a fresh clone (only python3 needed):
#   make run    - install, create the embedded SQLite database, load demo data, serve http://127.0.0.1:5000
#   make test   - install, lint, run the whole test suite (SQLite; and PostgreSQL when
#                 CATALOG_TEST_DATABASE_URL is set)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install lint bench clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/catalog init-db
	$(BIN)/catalog demo
	CATALOG_DEVELOPMENT=1 $(BIN)/catalog run --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	env -u CATALOG_TEST_DATABASE_URL $(BIN)/python -m pytest
	@if [ -n "$$CATALOG_TEST_DATABASE_URL" ]; then \
		echo "--- the same suite on PostgreSQL ($$CATALOG_TEST_DATABASE_URL)"; \
		$(BIN)/python -m pytest; \
	fi

bench: install
	$(BIN)/python tests/bench/import_bench.py

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
