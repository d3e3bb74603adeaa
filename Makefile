# The course's commands. `make book` and `make test` set everything up themselves.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8000

.PHONY: book book-student test serve execute bench dist pdf clean

# The virtual environment, rebuilt when the pins change.
$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

## book: build the online book from clean, warnings as errors
book: $(STAMP)
	rm -rf _build/html _build/.doctrees _build/jupyter_execute
	$(BIN)/jupyter-book build . --warningiserror --nitpick --keep-going
	@echo "The book is built: open file://$(CURDIR)/_build/html/index.html (or run 'make serve')."

## book-student: the book without solutions, for a class (_build/student/_build/html)
book-student: $(STAMP)
	$(BIN)/csto-course student --book

## test: unit tests, strict nbval over every notebook, browser tests over the built book
test: book
	$(BIN)/python -m pytest

## serve: preview the built book on http://127.0.0.1:$(PORT)/
serve:
	test -d _build/html || $(MAKE) book
	$(BIN)/python -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html

## execute: re-run every notebook in place (a second run changes no byte)
execute: $(STAMP)
	$(BIN)/csto-course execute

## dist: the course to take away, one zip that opens from disk (dist/csto-course.zip)
dist: book
	$(BIN)/python -m csto_course.dist

## pdf: the whole book as one PDF, printed by headless Chromium (_build/pdf/csto-course.pdf)
pdf: book
	$(BIN)/python -m csto_course.pdf

## bench: build time, test time and page weights on this machine
bench: $(STAMP)
	$(BIN)/python scripts/benchmark.py

clean:
	rm -rf _build dist .pytest_cache
