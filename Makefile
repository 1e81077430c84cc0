# Every target sets itself up: a fresh clone needs only `make run` or `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test unit ui e2e bench lint screenshot clean compile mutate bugs

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Bytecode, as a wheel install would have it (PYTHONDONTWRITEBYTECODE may be set): starts stay fast.
compile: $(STAMP)
	$(BIN)/python -m compileall -q heypeter_tui

run: compile
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

# Mutation testing of the core against the unit tests (tests/MUTANTS.md: how long, what survives and why).
# mutmut keeps its results in mutants/. On a later run it re-tests what changed, then every survivor again
# (mutmut keeps a survivor's verdict even when a new test would now kill it).
mutate: $(STAMP)
	@again=$$(test -d mutants && echo yes); \
	$(BIN)/mutmut run --max-children $$(nproc) && \
	if [ -n "$$again" ]; then \
		$(BIN)/python tests/mutation_score.py --names | xargs -r $(BIN)/mutmut run --max-children $$(nproc); \
	fi
	$(BIN)/python tests/mutation_score.py

# Each bug a skeptic once slipped past the suite, put back one at a time: every one must fail a test.
bugs: $(STAMP)
	$(BIN)/python tests/reintroduce.py

# ruff is a developer's tool, not a test dependency: installed here on first use.
lint: $(STAMP)
	$(BIN)/python -m ruff --version >/dev/null 2>&1 || $(BIN)/python -m pip install --quiet ruff
	$(BIN)/python -m ruff check heypeter_tui tests docs bench

# Regenerates docs/screenshot.svg, the README's picture, from the app itself.
screenshot: $(STAMP)
	TZ=UTC $(BIN)/python docs/make_screenshot.py docs/screenshot.svg

clean:
	rm -rf $(VENV) dist build .pytest_cache mutants
