# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app recruiter

CHECKS := .venv-checks/bin

.PHONY: run test translations browser caddy schema

$(BIN)/activate: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $(BIN)/activate

# The tests' and checks' tools, on top of the runtime (a server never installs them).
$(VENV)/.dev-installed: $(BIN)/activate requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

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

## caddy: Debian's caddy for the deployment tests (installed when root; its own service stays off)
caddy:
	@command -v caddy >/dev/null || { [ "$$(id -u)" = 0 ] && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq caddy >/dev/null && \
	   { systemctl disable --now caddy >/dev/null 2>&1 || true; }); } || \
	  echo "Debian's caddy is missing (apt-get install caddy): tests/test_deploy.py skips its proxy tests."

## test: install, then the static checks (ruff with ruff.toml, bandit, semgrep with semgrep.yml)
## and the whole test suite
test: $(VENV)/.dev-installed $(CHECKS)/activate translations browser caddy
	$(CHECKS)/ruff check .
	$(BIN)/bandit -q -r recruiter -ll -ii
	$(CHECKS)/semgrep scan --config semgrep.yml --metrics off --disable-version-check --error --quiet recruiter templates static
	$(BIN)/pytest -q
