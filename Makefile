# Two commands for a newcomer: `make demo` and `make test`. Both build .venv first.
# Python 3.12+ is found as python3.13, python3.12 or python3 (pyenv reads .python-version).
PYTHON ?= $(shell for p in python3.13 python3.12 python3; do \
	  $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

EXTRAS := analysis,dist,viz,dev
# The exact versions tested (all extras), written by `make lock`; the venv installs within them.
LOCK := requirements.lock
CONSTRAINTS := $(if $(wildcard $(LOCK)),-c $(LOCK),)
LINTED := sim tests benchmarks docs experiments run_experiment.py

.PHONY: venv demo test test-fast validation bench dashboard lint lock clean

$(STAMP): pyproject.toml $(wildcard $(LOCK))
	@test -n "$(PYTHON)" || { echo "error: Python 3.12 or newer is needed (python3.12 or python3 on PATH)"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(CONSTRAINTS) -e '.[$(EXTRAS)]'
	@echo "compiling the model's arithmetic (once; about 30 s)"
	$(BIN)/python -c 'from sim.model.model import load_compiled_code; load_compiled_code()'
	@touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/python run_experiment.py experiments/demo.toml --force

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not validation and not browser and not slow" $(PYTEST_ARGS)

validation: $(STAMP)
	$(BIN)/python -m pytest -m validation $(PYTEST_ARGS)

dashboard: $(STAMP)
	$(BIN)/python run_experiment.py dashboard

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_step.py

lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/mypy

# Pin every dependency of every extra to the versions installed and tested here.
lock: $(STAMP)
	$(BIN)/pip-compile --quiet --all-extras --strip-extras --no-emit-index-url --no-emit-find-links \
	    --output-file $(LOCK) pyproject.toml

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
