# Tapecut: `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Two test processes: the suite is sized for a 2-core machine.
PYTEST := $(BIN)/pytest -n 2 --dist loadfile
LINTED := tapecut conftest.py

.PHONY: install install-test run demo test lint typecheck audit test-deps pytest pytest-pg real-mail clean

TEST_STAMP := $(VENV)/.installed-test

# One line per step, so a first start says what it is doing while pip works. `make run` installs
# what Tapecut needs to run; the test tools (browser driver, linters, cloud SDKs) only come with
# the targets that use them.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || { echo "[1/3] Creating the virtual environment in $(VENV) …"; $(PYTHON) -m venv $(VENV); }
	@echo "[2/3] Installing Tapecut and its dependencies (a few minutes the first time) …"
	@$(BIN)/pip install -q --disable-pip-version-check --upgrade pip wheel setuptools
	@$(BIN)/pip install -q --disable-pip-version-check -e .
	@touch $(STAMP)

$(TEST_STAMP): $(STAMP)
	@echo "Installing the test tools …"
	@$(BIN)/pip install -q --disable-pip-version-check -e '.[test]'
	@touch $(TEST_STAMP)

install: $(STAMP)
install-test: $(TEST_STAMP)

# Migrate, create the demo login, import the demo mailbox, serve; Ctrl-C stops everything.
run: install
	@echo "[3/3] Starting the demo: keys, database, login, sample reports, servers …"
	@$(BIN)/tapecut demo

# The same set-up without starting the servers.
demo: install
	@$(BIN)/tapecut demo --no-serve

lint: install-test
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/ruff check $(LINTED)

typecheck: install-test
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

pytest: install-test test-deps
	$(call in_fresh_var_dir,$(PYTEST))

pytest-pg: install-test test-deps
	$(call in_fresh_var_dir,scripts/with-postgres.sh $(PYTEST))

# Known vulnerabilities in the installed packages (says loudly when the service is unreachable).
audit: install-test
	sh scripts/audit-deps.sh

# The parser and the import on the real mail beside the checkout (CI has it; says so where absent).
real-mail: install-test
	$(call in_fresh_var_dir,$(BIN)/tapecut eval real-mail)

test: lint typecheck audit pytest pytest-pg real-mail

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache
