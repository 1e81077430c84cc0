# Every target sets itself up: a fresh clone needs only `make run` or `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test unit ui e2e bench screenshot clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/heypeter-tui

test: $(STAMP)
	$(BIN)/python -m pytest -q

unit: $(STAMP)
	$(BIN)/python -m pytest -q tests/unit

ui: $(STAMP)
	$(BIN)/python -m pytest -q tests/ui

e2e: $(STAMP)
	$(BIN)/python -m pytest -q tests/e2e

bench: $(STAMP)
	$(BIN)/python bench/run.py

# Regenerates docs/screenshot.svg, the README's picture, from the app itself.
screenshot: $(STAMP)
	TZ=UTC $(BIN)/python docs/make_screenshot.py docs/screenshot.svg

clean:
	rm -rf $(VENV) dist build .pytest_cache
