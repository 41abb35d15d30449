# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app recruiter

CHECKS := .venv-checks/bin

.PHONY: run test translations browser schema

$(BIN)/activate: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $(BIN)/activate

$(CHECKS)/activate: requirements-checks.txt
	$(PYTHON) -m venv .venv-checks
	$(CHECKS)/pip install --quiet -r requirements-checks.txt
	touch $(CHECKS)/activate

translations: $(BIN)/activate
	$(BIN)/pybabel compile --use-fuzzy --statistics -d recruiter/translations

instance/config.py:
	$(BIN)/python -c "import secrets; print(f'SECRET_KEY = {secrets.token_hex(32)!r}\nDEMO = True\nPARTY_NAME = \"Folkrörelsepartiet\"  # a fictional party for the demo\n# The demo logins need no authenticator app; production requires one of chairs and admins.\nSECOND_FACTOR_REQUIRED = False')" > $@

## run: install, create instance/recruiter.db with demo data, serve on http://127.0.0.1:5000
run: $(BIN)/activate translations instance/config.py
	$(FLASK) init-db
	$(FLASK) seed-demo --if-empty
	$(FLASK) run --host 127.0.0.1 --port 5000

## schema: regenerate recruiter/schema.sql, what the migrations build on an empty database
schema: $(BIN)/activate instance/config.py
	$(FLASK) schema > recruiter/schema.sql

## browser: Debian's chromium for the browser tests (installed when root)
browser:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null); } || \
	  { echo "Install Debian's chromium (apt-get install chromium) for the browser tests."; exit 1; }

## test: install, then the static checks (ruff with ruff.toml, bandit, semgrep with semgrep.yml)
## and the whole test suite
test: $(BIN)/activate $(CHECKS)/activate translations browser
	$(CHECKS)/ruff check .
	$(BIN)/bandit -q -r recruiter -ll -ii
	$(CHECKS)/semgrep scan --config semgrep.yml --metrics off --disable-version-check --error --quiet recruiter templates static
	$(BIN)/pytest -q
