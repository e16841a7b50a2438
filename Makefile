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
# ... and the same CPU code paths in torch, MKL, OpenBLAS and numpy (see numerics.env).
include numerics.env
export $(shell sed -n 's/^\([A-Z_]*\)=.*/\1/p' numerics.env)
JB_BUILD := $(VENV)/bin/jupyter-book build . -W -n --keep-going

.PHONY: assignments assignment-test lock reader-test bench bench-check timings train-mercer student student-test pdf pdf-deps pdf-test browser-deps browser-test mathjax help install book test unit lint nbval notebook-tests build-check execute lab clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 16

# The lock (requirements/*.txt) is compiled by pip-tools from pyproject.toml: `make lock`.
LOCK := requirements/runtime.txt requirements/book.txt requirements/dev.txt
$(STAMP): $(LOCK) pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements/book.txt -r requirements/dev.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP) $(MATHJAX)  ## create .venv, install the locked requirements and relnb, bundle MathJax

# Three locks, each compiled from declared inputs: runtime.txt (what the chapters import; Binder
# installs it), book.txt (runtime + the book build: the versions behind the stored outputs) and
# dev.txt (tests, linters, browser and accessibility test, JupyterLab, pip-tools; held to book.txt).
# pip-compile keeps every pin that still satisfies pyproject.toml; LOCK_FLAGS=--upgrade moves all
# of them to the newest releases (then `make execute nbval` and commit the changed outputs).
PIP_COMPILE = $(VENV)/bin/pip-compile --quiet --no-emit-index-url --no-emit-find-links --strip-extras --allow-unsafe $(LOCK_FLAGS)
lock: $(STAMP)  ## recompile requirements/*.txt from pyproject.toml with pip-tools (LOCK_FLAGS=--upgrade to refresh)
	$(PIP_COMPILE) -c requirements/torch-cpu.txt -o requirements/runtime.txt pyproject.toml
	$(PIP_COMPILE) --extra book -c requirements/runtime.txt -o requirements/book.txt pyproject.toml
	$(PIP_COMPILE) --extra test -o requirements/dev.txt pyproject.toml requirements/dev.in

# MathJax 3 is served with the book (no CDN: the book reads offline). It comes from the npm registry
# at install time, like the Python packages from PyPI; only the files the book uses are kept (~3 MB).
MATHJAX_VERSION := 3.2.2
MATHJAX := _mathjax/mathjax/es5/tex-chtml.js
$(MATHJAX):
	rm -rf _mathjax && mkdir -p _mathjax/tmp
	cd _mathjax/tmp && npm pack --silent mathjax@$(MATHJAX_VERSION) > /dev/null && tar xzf mathjax-$(MATHJAX_VERSION).tgz
	mkdir -p _mathjax/mathjax/es5/output/chtml/fonts _mathjax/mathjax/es5/input/tex
	cp _mathjax/tmp/package/es5/tex-chtml.js _mathjax/mathjax/es5/
	cp -r _mathjax/tmp/package/es5/output/chtml/fonts/woff-v2 _mathjax/mathjax/es5/output/chtml/fonts/
	cp -r _mathjax/tmp/package/es5/input/tex/extensions _mathjax/mathjax/es5/input/tex/
	cp -r _mathjax/tmp/package/es5/ui _mathjax/tmp/package/es5/a11y _mathjax/mathjax/es5/
	cp _mathjax/tmp/package/LICENSE _mathjax/mathjax/
	rm -rf _mathjax/tmp

mathjax: $(MATHJAX)  ## bundle MathJax $(MATHJAX_VERSION) for offline reading

book: $(STAMP) $(MATHJAX)  ## build the HTML book (strict: any warning fails)
	$(JB_BUILD)
	@echo "The book is at $(CURDIR)/_build/html/index.html"

test: $(STAMP) $(MATHJAX)  ## everything CI checks
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory lint unit bench-check nbval notebook-tests build-check browser-test pdf-test student-test assignment-test reader-test; \
	echo "make test: all checks passed in $$(( $$(date +%s) - start )) s"

lint: $(STAMP)  ## ruff over relnb and tests; notebook code no wider than the page (79 characters)
	$(VENV)/bin/ruff check relnb tests scripts benchmarks _ext
	$(VENV)/bin/ruff check --line-length 79 --select E501 $(NOTEBOOKS)

unit: $(STAMP)  ## unit, property and doctests of relnb
	$(PY) -m pytest -q -n 2 -m "not notebook and not browser and not pdf and not student and not assignment" tests relnb --doctest-modules

nbval: $(STAMP)  ## strict nbval: re-execute every notebook and compare with its stored outputs
	$(PY) -m pytest -q --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
		-n 2 --dist loadfile $(NOTEBOOKS)

notebook-tests: $(STAMP)  ## the notebook guard, the tamper test and the determinism test
	$(PY) -m pytest -q -m notebook tests

build-check: $(STAMP) $(MATHJAX)  ## strict book build from scratch
	rm -rf _build/html _build/.doctrees
	$(JB_BUILD)

# Debian's Chromium, driven by the pinned `playwright` package (its own browser download does not work here).
CHROMIUM := /usr/lib/chromium/chromium
browser-deps:  ## install Debian's Chromium for the browser test when missing
	@test -x $(CHROMIUM) || { echo "installing chromium (Debian)"; \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null; }

browser-test: $(STAMP) browser-deps  ## open every page of the built book in headless Chromium, offline
	test -f _build/html/book/index.html || $(MAKE) --no-print-directory build-check
	$(PY) -m pytest -q -n 2 -m browser tests/test_browser.py

TEX_PACKAGES := latexmk texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended tex-gyre poppler-utils
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
pdf-deps:  ## install Debian's TeX packages for the PDF edition when missing
	@command -v latexmk > /dev/null && command -v pdftotext > /dev/null || { echo "installing TeX (Debian)"; \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(TEX_PACKAGES) > /dev/null; }

pdf: $(STAMP) pdf-deps  ## build the PDF edition with pdflatex: _build/latex/book.pdf
	rm -rf _build/latex
	$(VENV)/bin/jupyter-book build . --builder pdflatex
	@echo "The PDF is at $(CURDIR)/_build/latex/book.pdf"

pdf-test: pdf  ## the PDF edition: no undefined references, no '??', results numbered
	$(PY) -m pytest -q -m pdf tests/test_pdf.py

train-mercer: $(STAMP)  ## re-run the Mercer chapter's training sweeps (~15 min) -> book/data/mercer_results.json
	$(PY) benchmarks/train_mercer.py

# Not part of `make test`. BENCH_FLAGS="--only retrieval" re-runs one benchmark. bench.json gets numbers only
# (identical from run to run); wall times go to book/data/timings.json. Then: make execute NOTEBOOKS=book/limits.ipynb
bench: $(STAMP)  ## benchmarks -> book/data/bench.json: trained vs optimum, baselines, retrieval (numbers only)
	$(PY) benchmarks/run.py $(BENCH_FLAGS)

bench-check: $(STAMP)  ## make bench --quick twice into a temporary folder: identical numbers, read as the page reads them
	$(PY) benchmarks/check.py

timings: $(STAMP) $(MATHJAX)  ## wall times of every notebook and of each part of make test -> book/data/timings.json (~17 min)
	$(PY) benchmarks/timings.py --out book/data/timings.json

student: $(STAMP) $(MATHJAX)  ## the student edition: no solutions (HTML in _build/student/html, notebooks in _build/student/notebooks)
	rm -rf _build/student _build/student_src
	$(PY) scripts/student_edition.py _build/student_src
	$(VENV)/bin/jupyter-book build _build/student_src -W -n --keep-going --path-output _build/student_src
	mkdir -p _build/student/notebooks
	mv _build/student_src/_build/html _build/student/html
	cp _build/student_src/book/*.ipynb _build/student/notebooks/
	@echo "Student edition: $(CURDIR)/_build/student/html/index.html, notebooks in $(CURDIR)/_build/student/notebooks"

student-test: student  ## no solution text, directive or cell survives in the student edition
	$(PY) -m pytest -q -m student tests/test_student_edition.py

# Otter-Grader assignments, one per chapter, generated from the chapters' computational exercises and their
# relnb.checks (scripts/make_assignments.py): _build/assignments/<chapter>/{master.ipynb,student,autograder}.
assignments: $(STAMP)  ## Otter-Grader assignments (student notebook, autograder notebook and zip) per chapter
	rm -rf _build/assignments
	@start=$$(date +%s); $(PY) scripts/make_assignments.py _build/assignments; \
	echo "make assignments: $$(( $$(date +%s) - start )) s"

assignment-test: assignments  ## otter run grades the solution (full), the student notebook (zero), wrong answers
	@start=$$(date +%s); $(PY) -m pytest -q -n 2 -m assignment tests/test_assignments.py; \
	echo "assignment test: $$(( $$(date +%s) - start )) s"

# A reader's environment: relnb's wheel with the ranges of pyproject.toml in a fresh venv, the chapters alone
# in a folder away from the checkout, relnb installed by each chapter's own first cell. Two environments, in
# parallel: the newest releases the ranges admit, and every direct dependency at its lower bound.
READER := _build/reader
reader-test: $(STAMP)  ## every chapter from relnb's wheel in fresh venvs: newest releases and lower bounds (~6 min)
	@rm -rf $(READER) && mkdir -p $(READER); start=$$(date +%s); \
	$(PY) scripts/reader_test.py --workdir $(READER)/newest > $(READER)/newest.log 2>&1 & newest=$$!; \
	low=0; $(PY) scripts/reader_test.py --lowest --workdir $(READER)/lowest > $(READER)/lowest.log 2>&1 || low=$$?; \
	new=0; wait $$newest || new=$$?; \
	for env in newest lowest; do echo "== $$env"; sed -n '/^{/,/^}/p' $(READER)/$$env.log; tail -n 1 $(READER)/$$env.log; done; \
	if [ $$new -ne 0 ] || [ $$low -ne 0 ]; then \
		echo "reader test failed: see $(READER)/newest.log and $(READER)/lowest.log"; \
		tail -n 60 $(READER)/newest.log $(READER)/lowest.log; exit 1; fi; \
	echo "reader test: both environments passed in $$(( $$(date +%s) - start )) s"

execute: $(STAMP)  ## re-run every notebook in place from a fresh kernel (regenerates stored outputs)
	for nb in $(NOTEBOOKS); do \
		echo "executing $$nb"; TIMEFORMAT='  %1R s wall time'; \
		time $(VENV)/bin/jupyter execute --inplace --timeout=600 "$$nb"; \
	done

lab: $(STAMP)  ## open the notebooks in JupyterLab from the same environment
	$(VENV)/bin/jupyter lab book

clean:  ## remove the build and caches (keeps .venv; `rm -rf .venv` for a full reset)
	rm -rf _build _mathjax .pytest_cache .hypothesis relnb.egg-info
	find . -name __pycache__ -not -path './.venv/*' -prune -exec rm -rf {} +
