# pds — two commands matter: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO_HOME := .pds-demo
DEMO_PASSPHRASE := correct horse battery staple
DEMO_PASSWORD := demo-owner-password

CHROMIUM := /usr/bin/chromium

.PHONY: run test install chromium lint typecheck bench docs clean messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

## the browser suite (tests/browser) drives Debian's Chromium; never a downloaded browser
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  echo "$(CHROMIUM) is missing: installing Debian's chromium with apt (needs root)"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi

## make run: a demo store (created on first run) served on http://127.0.0.1:8000
run: install
	@if [ ! -f $(DEMO_HOME)/store.json ]; then \
	  PDS_HOME=$(DEMO_HOME) PDS_PASSPHRASE='$(DEMO_PASSPHRASE)' PDS_OWNER_PASSWORD='$(DEMO_PASSWORD)' \
	    $(BIN)/pds init && \
	  PDS_HOME=$(DEMO_HOME) PDS_PASSPHRASE='$(DEMO_PASSPHRASE)' $(BIN)/pds demo; \
	fi
	@echo ""
	@echo "  pds demo store: $(DEMO_HOME)  (passphrase: '$(DEMO_PASSPHRASE)')"
	@echo "  open http://127.0.0.1:8000 and log in with the owner password: $(DEMO_PASSWORD)"
	@echo "  command line (another terminal, while this serves):  PDS_HOME=$(DEMO_HOME) $(BIN)/pds status"
	@echo ""
	@# the demo shops (docs/vendors.md) take webhooks on 127.0.0.1: let the store send there
	PDS_HOME=$(DEMO_HOME) PDS_PASSPHRASE='$(DEMO_PASSPHRASE)' PDS_OUTBOUND_ALLOW_LOOPBACK=true \
	  $(BIN)/pds serve --host 127.0.0.1 --port 8000

## make test: lint, import contracts, types (mypy over pds and policies: [tool.mypy]), the whole suite
test: install chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/pytest -q -n auto

lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy

bench: install
	$(BIN)/python tests/perf/bench_store.py

docs: install
	$(BIN)/python docs/generate.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis

## the portal's translations: extract its text (pds, and the policies' words the owner
## reads: babel.cfg), merge it into every language's catalogue
## (pds/translations/<lang>/LC_MESSAGES/messages.po), compile the .mo files
TRANSLATIONS := pds/translations
messages: install
	$(BIN)/pybabel -q extract -F babel.cfg --no-location --sort-output -o $(TRANSLATIONS)/messages.pot pds policies
	$(BIN)/pybabel -q update --no-fuzzy-matching -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS)
	$(BIN)/pybabel compile --statistics -d $(TRANSLATIONS)
