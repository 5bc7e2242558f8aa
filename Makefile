# Tapecut: `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Two test processes: the suite is sized for a 2-core machine.
PYTEST := $(BIN)/pytest -n 2 --dist loadfile
LINTED := tapecut conftest.py

.PHONY: install run demo test lint typecheck audit test-deps pytest pytest-pg clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip wheel setuptools
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Migrate, create the demo login, import the demo mailbox, serve; Ctrl-C stops everything.
run: install
	$(BIN)/tapecut demo

# The same set-up without starting the servers.
demo: install
	$(BIN)/tapecut demo --no-serve

lint: install
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/ruff check $(LINTED)

typecheck: install
	$(BIN)/mypy tapecut

# System packages some tests need (e.g. Dovecot for the IMAP tests), where a script names them.
test-deps:
	if [ -f scripts/install-test-deps.sh ]; then sh scripts/install-test-deps.sh; fi

# Each run gets its own var dir (test database, message store), removed afterwards, so that two
# runs on one machine never share a test database. Both variables are set before pytest starts
# because pytest-django reads the settings before any conftest.py runs.
define in_fresh_var_dir
	d=$$(mktemp -d "$${TMPDIR:-/tmp}/tapecut-test.XXXXXX"); \
	DJANGO_SETTINGS_MODULE=tapecut.settings TAPECUT_VAR_DIR=$$d $(1); \
	status=$$?; rm -rf "$$d"; exit $$status
endef

pytest: install test-deps
	$(call in_fresh_var_dir,$(PYTEST))

pytest-pg: install test-deps
	$(call in_fresh_var_dir,scripts/with-postgres.sh $(PYTEST))

# Known vulnerabilities in the installed packages (says loudly when the service is unreachable).
audit: install
	sh scripts/audit-deps.sh

test: lint typecheck audit pytest pytest-pg

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache
