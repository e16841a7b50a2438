# Relations, kernels and attention: every command a reader, teacher or CI needs.
# `make book` and `make test` are the two set-up commands of the README.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard book/*.ipynb))
# Every command runs with the same thread count and hash seed as the stored outputs.
export RELNB_THREADS ?= 1
export PYTHONHASHSEED := 0
JB_BUILD := $(VENV)/bin/jupyter-book build . -W -n --keep-going

.PHONY: help install book test unit lint nbval notebook-tests build-check execute lab clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 16

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install the pinned requirements and relnb

book: $(STAMP)  ## build the HTML book (strict: any warning fails)
	$(JB_BUILD)
	@echo "The book is at $(CURDIR)/_build/html/index.html"

test: $(STAMP)  ## everything CI checks
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory lint unit nbval notebook-tests build-check; \
	echo "make test: all checks passed in $$(( $$(date +%s) - start )) s"

lint: $(STAMP)  ## ruff over relnb and tests
	$(VENV)/bin/ruff check relnb tests

unit: $(STAMP)  ## unit, property and doctests of relnb
	$(PY) -m pytest -q -n 2 -m "not notebook" tests relnb --doctest-modules

nbval: $(STAMP)  ## strict nbval: re-execute every notebook and compare with its stored outputs
	$(PY) -m pytest -q --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
		-n 2 --dist loadfile $(NOTEBOOKS)

notebook-tests: $(STAMP)  ## the notebook guard, the tamper test and the determinism test
	$(PY) -m pytest -q -m notebook tests

build-check: $(STAMP)  ## strict book build from scratch
	rm -rf _build/html _build/.doctrees
	$(JB_BUILD)

execute: $(STAMP)  ## re-run every notebook in place from a fresh kernel (regenerates stored outputs)
	for nb in $(NOTEBOOKS); do \
		echo "executing $$nb"; TIMEFORMAT='  %1R s wall time'; \
		time $(VENV)/bin/jupyter execute --inplace --timeout=600 "$$nb"; \
	done

lab: $(STAMP)  ## open the notebooks in JupyterLab from the same environment
	$(VENV)/bin/jupyter lab book

clean:  ## remove the build and caches (keeps .venv; `rm -rf .venv` for a full reset)
	rm -rf _build .pytest_cache .hypothesis relnb.egg-info
	find . -name __pycache__ -not -path './.venv/*' -prune -exec rm -rf {} +
