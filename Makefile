# Two commands on a fresh machine:  `make demo`  (set up + main job)  and  `make test`  (set up + tests).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
TORCH  ?= torch==2.13.0
OUT    ?= runs/demo
EXTRAS ?= dev

.PHONY: setup demo test bench clean

setup: $(VENV)/.installed

# torch is installed first and pinned, so pip takes the CPU wheel on disk instead of a CUDA build.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet "$(TORCH)"
	$(BIN)/pip install --quiet -e ".[$(EXTRAS)]"
	touch $@

demo: setup
	$(BIN)/ganlens demo --out $(OUT)

test: setup
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python benchmarks/train_throughput.py

clean:
	rm -rf $(VENV) runs .pytest_cache
