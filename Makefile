# Tapecut: `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Two test processes: the suite is sized for a 2-core machine.
PYTEST := $(BIN)/pytest -n 2 --dist loadfile
LINTED := tapecut conftest.py

.PHONY: install demo-keys run demo test lint typecheck audit test-deps pytest pytest-pg clean

# One line per step, so a first start says what it is doing while pip works.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || { echo "[1/4] Creating the virtual environment in $(VENV) …"; $(PYTHON) -m venv $(VENV); }
	@echo "[2/4] Installing Tapecut and its dependencies (a few minutes the first time) …"
	@$(BIN)/pip install -q --disable-pip-version-check --upgrade pip wheel setuptools
	@$(BIN)/pip install -q --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

# This machine's own identity keys for the demo (var/keys/, made once, readable by you alone),
# so that identities are not protected by the development SECRET_KEY (tapecut.W010, W011).
# A database made before the keys keeps its derived keys (new keys could not read it).
KEYS := $(CURDIR)/var/keys
with_keys = if [ -f $(KEYS)/identity-keys ]; then \
	export TAPECUT_IDENTITY_KEYS_FILE=$(KEYS)/identity-keys TAPECUT_IDENTITY_HMAC_KEY_FILE=$(KEYS)/identity-hmac-key; fi;

demo-keys: install
	@if [ -f $(KEYS)/identity-keys ]; then echo "[3/4] Identity keys: $(KEYS)/ (already made)"; \
	elif [ -f var/tapecut.sqlite3 ]; then echo "[3/4] Identity keys: the existing var/tapecut.sqlite3 keeps the keys derived from SECRET_KEY"; \
	else echo "[3/4] Making this machine's identity keys in $(KEYS)/ …"; \
	  mkdir -p $(KEYS) && chmod 700 $(KEYS) && umask 077 && \
	  $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(32))" > $(KEYS)/identity-hmac-key && \
	  $(BIN)/python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())" > $(KEYS)/identity-keys; fi

# Migrate, create the demo login, import the demo mailbox, serve; Ctrl-C stops everything.
run: install demo-keys
	@echo "[4/4] Starting the demo: database, login, sample reports, servers …"
	@$(with_keys) $(BIN)/tapecut demo

# The same set-up without starting the servers.
demo: install demo-keys
	@$(with_keys) $(BIN)/tapecut demo --no-serve

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
