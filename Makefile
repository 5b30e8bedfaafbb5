# Two entry points on a fresh machine: `make demo` and `make test` (both create/use .venv).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
LLAMA_CFLAGS := $(shell tools/llama_cflags.sh)

.PHONY: demo test unit lint format install test-editors vsix bench llama-server fuzz soak clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	CMAKE_ARGS="-DCMAKE_C_FLAGS='$(LLAMA_CFLAGS)' -DCMAKE_CXX_FLAGS='$(LLAMA_CFLAGS)'" \
		$(BIN)/python -m pip install -e '.[dev]'
	touch $@

install: $(INSTALLED)

## demo: one suggestion on the bundled default model after `depot.` (Depot is in a module the model never
## sees), unguided then guided; each says whether the member it names exists
demo: $(INSTALLED)
	@echo "== unguided: the model alone =="
	@$(BIN)/ghostwise complete docs/demo/restock.py --line 9 --col 11 --no-guided --explain
	@echo "== guided: the engine checks every name while the model decodes =="
	@$(BIN)/ghostwise complete docs/demo/restock.py --line 9 --col 11 --explain

## test: lint, then the whole suite (real model, real Jedi/tree-sitter, real LSP client over stdio)
test: lint
	$(BIN)/pytest -q

## unit: the model-free unit layer alone (seconds)
unit: $(INSTALLED)
	$(BIN)/pytest -q tests/unit

## lint: ruff (lint + format check) and mypy over the Python; tsc, biome and prettier over the extension
lint: $(INSTALLED) vscode-client/node_modules/.package-lock.json
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	cd vscode-client && npm run --silent lint

## format: rewrite the Python and TypeScript in the one house style
format: $(INSTALLED) vscode-client/node_modules/.package-lock.json
	$(BIN)/ruff check --fix --select I .
	$(BIN)/ruff format .
	cd vscode-client && npm run --silent format

vscode-client/node_modules/.package-lock.json: vscode-client/package-lock.json
	cd vscode-client && npm ci --no-audit --no-fund

## bench: every benchmark set (HumanEval, three member sets, two API sets), then docs/benchmarks.md's tables
bench: $(INSTALLED)
	bash benchmarks/run_all.sh

## test-editors: extension checks + real-editor end-to-end tests (VS Code via code-server, Neovim 0.12/0.11, Helix)
test-editors: $(INSTALLED)
	$(BIN)/pytest -q tests/test_settings_schema.py tests/e2e

## llama-server: build llama.cpp's llama-server (CPU) from the llama.cpp sources of the installed
## llama-cpp-python's sdist (PyPI) into ~/.cache/ghostwise/llama-server/VERSION-cpu (once); print its path
llama-server: $(INSTALLED)
	@PYTHON=$(BIN)/python bash tools/build_llama_server.sh

## fuzz: the seeded fuzz of a real stdio session for SECONDS (default 600) with SEED (default 13);
## `make test` runs it for 45 s with seed 13
SECONDS ?= 600
SEED ?= 13
fuzz: $(INSTALLED)
	GHOSTWISE_FUZZ_SECONDS=$(SECONDS) GHOSTWISE_FUZZ_SEED=$(SEED) $(BIN)/pytest -q -s --timeout 0 tests/fuzz

## soak: MINUTES (default 20) of realistic editing on the default model; RSS, answers, latency per minute
MINUTES ?= 20
soak: $(INSTALLED)
	$(BIN)/python benchmarks/soak.py --minutes $(MINUTES)

## vsix: build vscode-client/ghostwise.vsix
vsix:
	cd vscode-client && npm ci && npm run package

clean:
	rm -rf $(VENV) build *.egg-info
