# FrontDesk — the two commands that matter: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
#: Test-only packages whose declared python-dateutil<3 clashes with the app's pin (see pyproject.toml).
TEST_NODEPS := recurring-ical-events==3.8.2 x-wr-timezone==2.0.1 click==8.5.1
#: The data kernel, type-checked by make lint like widgets/, screens/ and tui/ (the rest of
#: data/ once the foreign-key attributes of its peewee models are typed).
MYPY_KERNEL := $(addprefix data/,i18n.py errors.py clock.py validators.py vocab.py pinyin.py \
	rooms.py idnumbers.py limits.py waits.py)
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
#: The app alone, as a SQLite deployment installs it (no test extras, no PostgreSQL driver:
#: peewee imports any driver it finds at start-up); `make test`'s venv has everything.
RUN_STAMP := $(VENV)/.run-installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test test-data lint sample bench soak i18n i18n-update clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m pip install --quiet --no-deps $(TEST_NODEPS)
	rm -f $(VENV)/.installed-*
	touch $@

$(RUN_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	rm -f $(VENV)/.run-installed-*
	touch $@

## run: open the app as desk1 on a private copy of sample.db (the tracked file is never written);
## a new venv gets the app only (pip install -e '.[postgres]' adds the PostgreSQL driver)
run: $(if $(wildcard $(STAMP)),$(STAMP),$(RUN_STAMP))
	$(BIN)/frontdesk --user $${FRONTDESK_USER:-desk1}

# Two workers (pytest-xdist; a file stays on one worker), then the tests marked `serial`
# alone; both parts always run, and the target fails when either does.
define pytest_both_parts
	$(BIN)/python -m pytest -q -n 2 --dist loadfile -m "not serial" $(1); parallel=$$?; \
	$(BIN)/python -m pytest -q -p no:xdist -m serial $(1); serial=$$?; \
	[ $$serial = 5 ] && serial=0; [ $$parallel = 0 ] && [ $$serial = 0 ]
endef

## test: the whole suite (the PostgreSQL half runs when FRONTDESK_TEST_PG is set)
test: $(STAMP)
	$(call pytest_both_parts,)

## test-data: the fast half, the data-layer tests (tests/data: no terminal)
test-data: $(STAMP)
	$(call pytest_both_parts,tests/data)

## lint: ruff, mypy (widgets/, screens/, tui/ and the data kernel; see [tool.mypy]), the layer tests
lint: $(STAMP)
	$(BIN)/ruff check data tui screens widgets tests
	$(BIN)/mypy widgets screens tui $(MYPY_KERNEL)
	$(BIN)/python -m pytest -q tests/data/test_layers.py

## sample: regenerate the tracked demo database (about 2 000 households)
sample: $(STAMP)
	$(BIN)/frontdesk sample --out sample.db --owners 2000 --seed 1 --force

bench: $(STAMP)
	$(BIN)/frontdesk bench

## soak: 32 processes × 200 mixed read-modify-write transactions on a new SQLite file; fails
## on any error or lost update (SOAK_DB=postgresql://… for an empty PostgreSQL database)
soak: $(STAMP)
	$(BIN)/frontdesk $(if $(SOAK_DB),--db '$(SOAK_DB)') soak

## i18n-update: merge new message ids from the code into the .po catalogs
i18n-update: $(STAMP)
	mkdir -p build
	$(BIN)/pybabel extract -k _ -k N_ -k ngettext:1,2 --no-location --sort-output --omit-header \
		-o build/frontdesk.pot data tui screens widgets
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -i build/frontdesk.pot -d data/locale -D frontdesk

## i18n: recompile the gettext catalogs after editing the .po files
i18n: $(STAMP)
	$(BIN)/pybabel compile -d data/locale -D frontdesk

clean:
	rm -rf $(VENV) build *.egg-info
