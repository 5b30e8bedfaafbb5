# Two entry points on a fresh machine: `make demo` and `make test` (both create/use .venv).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: demo test install bench clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install -e '.[dev]'
	touch $@

install: $(INSTALLED)

## demo: one suggestion on the bundled default model, unguided then guided
demo: $(INSTALLED)
	@echo "== unguided =="
	$(BIN)/ghostwise complete docs/demo/inventory.py --line 16 --col 34 --no-guided --stats
	@echo "== guided =="
	$(BIN)/ghostwise complete docs/demo/inventory.py --line 16 --col 34 --stats

## test: the whole suite (real model, real Jedi/tree-sitter, real LSP client over stdio)
test: $(INSTALLED)
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) build *.egg-info
