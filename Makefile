# Two commands do all the set-up on a fresh clone (only python3 needed):
#   make run    - install, create the embedded SQLite database, load demo data, serve http://127.0.0.1:5000
#   make test   - install, lint, run the whole test suite (SQLite; and PostgreSQL when
#                 CATALOG_TEST_DATABASE_URL is set, the browser tests then on PostgreSQL only)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
# One test process per core (pytest-xdist); a test file runs whole in one process, so its module
# fixtures and the browser session are shared as before. PYTEST_PARALLEL= runs in one process.
PYTEST_PARALLEL ?= -n auto --dist loadfile

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

# The browser tests drive pages, which do not depend on the engine: when the PostgreSQL pass follows, they
# run there only (the production engine), which keeps the whole command within its 25 minutes.
test: lint
	env -u CATALOG_TEST_DATABASE_URL $(BIN)/python -m pytest $(PYTEST_PARALLEL) $${CATALOG_TEST_DATABASE_URL:+--ignore=tests/browser}
	@if [ -n "$$CATALOG_TEST_DATABASE_URL" ]; then \
		echo "--- the same suite on PostgreSQL ($$CATALOG_TEST_DATABASE_URL), browser tests included"; \
		$(BIN)/python -m pytest $(PYTEST_PARALLEL); \
	fi

bench: install
	$(BIN)/python tests/bench/import_bench.py

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
