# Two entry points: `make demo` (install, write demo runs to runs/, serve them in TensorBoard)
# and `make test` (install everything, then lint and run every test suite).
PYTHON ?= python3
PIP := $(PYTHON) -m pip
PORT ?= 6006
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: install install-extras frontend browser demo demo-runs test lint test-python test-frontend bench docs

install: frontend
	$(PIP) install --quiet --disable-pip-version-check -e ".[dev]"

# The integrations' tests train tiny models: torch's CPU build (2.13.0 is the one these machines
# keep on disk; an unpinned torch would pull a multi-GB CUDA build), Keras 3 on its torch
# and JAX backends (JAX's CPU build), Lightning, and the sweep engines Ray Tune and Optuna.
install-extras: install
	$(PIP) install --quiet --disable-pip-version-check "torch==2.13.0" "jax[cpu]==0.10.2"
	$(PIP) install --quiet --disable-pip-version-check -e ".[dev,keras,lightning,ray,optuna]"

frontend:
	cd frontend && npm ci --no-audit --no-fund --loglevel=error && npm run build

browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium; }

demo-runs: install
	$(PYTHON) examples/demo.py --logdir runs

demo: demo-runs
	$(PYTHON) -m tensorboard.main --logdir runs --host 127.0.0.1 --port $(PORT)

lint:
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .

test-frontend:
	cd frontend && npm test

test-python:
	$(PYTHON) -m pytest -n 2 --dist loadfile -q tests

test: install-extras browser lint test-frontend test-python

bench: install
	for bench in benchmarks/bench_*.py; do echo "== $$bench"; $(PYTHON) $$bench || exit 1; done

# The documentation site (MkDocs Material + mkdocstrings) into site/, in strict mode.
docs:
	$(PIP) install --quiet --disable-pip-version-check -e ".[docs]"
	NO_MKDOCS_2_WARNING=1 $(PYTHON) -m mkdocs build --strict --site-dir site
