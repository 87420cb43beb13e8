# Two commands a fresh machine needs: `make run` and `make test`. Everything else is set up here.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Pinned versions: requirements.lock (what the service runs on, with hashes: deploy/Dockerfile installs
# it with --require-hashes) and requirements-dev.lock (that plus the test tools), both for Python 3.11
# to 3.14 on any platform. `make lock` writes them again after pyproject.toml changes.
# PYTHON may be any interpreter path (`make setup PYTHON=python3.13`). durable-rules is installed from
# .wheels/, where scripts/build-durable-rules builds it (patched for 3.13+) from the lock's hash-checked sdist.
LOCK := requirements.lock
DEV_LOCK := requirements-dev.lock
# The TypeScript client test's tools (openapi-typescript, openapi-fetch, tsc), pinned by its package-lock.json.
NODE_PROJECT := tests/typescript
NODE_STAMP := $(NODE_PROJECT)/node_modules/.package-lock.json

.PHONY: run test test-spark bench lint check setup system-deps clean lock wheel

$(STAMP): pyproject.toml $(DEV_LOCK) scripts/build-durable-rules
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q --no-deps "$$(scripts/build-durable-rules $(PY) .wheels)"
	$(PY) -m pip install -q -c $(DEV_LOCK) -e '.[dev,postgres]'
	touch $(STAMP)

$(NODE_STAMP): $(NODE_PROJECT)/package.json $(NODE_PROJECT)/package-lock.json
	cd $(NODE_PROJECT) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(STAMP) $(NODE_STAMP)

system-deps:
	bash scripts/system-deps

run: $(STAMP)
	$(PY) -m advisor rules check
	$(PY) -m advisor db upgrade
	$(PY) -m advisor serve --host 127.0.0.1 --port 8000

test: $(STAMP) $(NODE_STAMP) system-deps
	$(PY) -m advisor rules check
	$(PY) -m pytest

# The Spark tests (skipped by `make test`: PySpark is ~450 MB and takes minutes to install; README, "Spark input").
test-spark: $(STAMP)
	$(PY) -m pip install -q -c $(DEV_LOCK) -e '.[spark]'
	$(PY) -m pytest -q tests/batch/test_spark.py

bench: $(STAMP) system-deps
	$(PY) -m bench

lint: $(STAMP)
	$(VENV)/bin/ruff check advisor web tests bench

# Not through $(STAMP): installing with the old lock as constraints may be what a pyproject change broke.
lock:
	test -x $(VENV)/bin/uv || { $(PYTHON) -m venv $(VENV) && $(PY) -m pip install -q uv; }
	$(VENV)/bin/uv pip compile -q --universal --generate-hashes pyproject.toml --extra postgres --extra redis -o $(LOCK)
	$(VENV)/bin/uv pip compile -q --universal pyproject.toml --extra postgres --extra redis --extra dev -o $(DEV_LOCK)

wheel: $(STAMP)
	$(PY) -m pip wheel -q --no-deps -w dist .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .wheels $(NODE_PROJECT)/node_modules
