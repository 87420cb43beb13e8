# Two commands a fresh machine needs: `make run` and `make test`. Everything else is set up here.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test bench lint check setup system-deps clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

system-deps:
	bash scripts/system-deps

run: $(STAMP)
	$(PY) -m advisor rules check
	$(PY) -m advisor db upgrade
	$(PY) -m advisor serve --host 127.0.0.1 --port 8000

test: $(STAMP) system-deps
	$(PY) -m advisor rules check
	$(PY) -m pytest

bench: $(STAMP) system-deps
	$(PY) -m bench

lint: $(STAMP)
	$(VENV)/bin/ruff check advisor web tests bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
