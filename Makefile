PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DATA_DIR ?= data
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-test demo bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# the pages' front-end libraries from the npm registry (package-lock.json); Node from PyPI when the machine has none
ASSETS := node_modules/.package-lock.json

$(ASSETS): $(BIN)/python package.json package-lock.json hatch_build.py
	$(BIN)/python hatch_build.py

$(VENV)/.installed: $(BIN)/python pyproject.toml $(ASSETS)
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(BIN)/python pyproject.toml $(ASSETS)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

demo: install
	$(BIN)/lcc demo --data-dir $(DATA_DIR) --if-empty

run: demo
	$(BIN)/lcc serve --data-dir $(DATA_DIR) --host $(HOST) --port $(PORT)

test: install-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# benchmarks run peers side by side on the same data and write docs/benchmarks.md; not part of `make test`
# (peers.py: lcc-graph, raw pyoxigraph, Oxigraph server, rdflib-endpoint at 100 and 1,000 communities, about an hour;
# PEERS_ARGS passes options, e.g. PEERS_ARGS='--communities 100 --seconds 5')
bench: install-test
	$(BIN)/python benchmarks/peers.py $(PEERS_ARGS)
	$(BIN)/python benchmarks/ceiling.py
	$(BIN)/python benchmarks/instances.py

clean:
	rm -rf $(VENV) $(DATA_DIR) build dist .pytest_cache node_modules
