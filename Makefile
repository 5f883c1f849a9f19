# The two commands a newcomer needs: `make run` and `make test`.
# Each creates .venv when it is missing and installs into it only when pyproject.toml changed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/parcours serve --demo --host $(HOST) --port $(PORT)

# axe-core (accessibility checks of the browser tests) and the JavaScript verifier of our badges
# (tests/badges) come from npm when npm is present.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --silent --no-audit --no-fund && touch $@; \
	else echo "npm absent: the browser tests will be skipped"; fi

# One test process per core (TEST_WORKERS=1 for a single process); each test file runs whole
# in one process, in its own databases and working folder.
TEST_WORKERS ?= auto

test: $(STAMP) node_modules/.installed
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP)
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .import_linter_cache .grimp_cache

# --- translations ----------------------------------------------------------------------------
# `make messages`: extract the French texts into app/locale/messages.pot, then update the English
# catalog app/locale/en/LC_MESSAGES/messages.po. A new text gets an empty translation to write
# (tests/app/test_translations.py fails until it is translated); a text gone from the code
# becomes an obsolete `#~` entry; --no-fuzzy-matching: a changed text starts untranslated
# instead of inheriting a guess marked fuzzy.
# pybabel walks the repository root and babel.cfg picks what it reads: `_("...")` in app/**.py,
# referentiel/explain.py and app/templates/**.html, and the texts of Problem(...) and flash(...).
# French texts kept in constants and translated later (TITLES, MSG_..., error="...") cannot be
# extracted: they are written by hand in messages.po, each marked `#. keep: <why>`.
# KEEP_HAND_ENTRIES copies those into the template before the update, so they stay live
# entries (a plain `pybabel update` would turn them into obsolete `#~` entries, which are not
# loaded at run time).
MESSAGES_POT := app/locale/messages.pot
MESSAGES_PO := app/locale/en/LC_MESSAGES/messages.po

define KEEP_HAND_ENTRIES
import sys
from babel.messages.pofile import read_po, write_po
pot_path, po_path = sys.argv[1:]
with open(pot_path, "rb") as f:
    pot = read_po(f)
with open(po_path, "rb") as f:
    po = read_po(f)
for kept in po:
    if not kept.id or not any(c.startswith("keep:") for c in kept.auto_comments):
        continue
    if kept.id not in pot:
        pot.add(kept.id, locations=kept.locations, auto_comments=kept.auto_comments)
        continue
    found = pot[kept.id]
    found.locations += [x for x in kept.locations if x not in found.locations]
    found.auto_comments += [x for x in kept.auto_comments if x not in found.auto_comments]
with open(pot_path, "wb") as f:
    write_po(f, pot, include_lineno=False)
endef
export KEEP_HAND_ENTRIES

.PHONY: messages
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _ --add-location=file \
	    --project=parcours-numerique --version=0.1.0 -o $(MESSAGES_POT) .
	$(BIN)/python -c "$$KEEP_HAND_ENTRIES" $(MESSAGES_POT) $(MESSAGES_PO)
	$(BIN)/pybabel update -i $(MESSAGES_POT) -o $(MESSAGES_PO) -l en \
	    --no-fuzzy-matching --ignore-pot-creation-date
