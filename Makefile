# The two commands of the quick start:
#   make run    create .venv, install chatshop, start the shop (console sandbox by default)
#   make test   create .venv, install chatshop with its test tools, lint and run every test
#   make mutate which test catches each deliberate breakage of a promise (tools/mutate.py)
#   make bench  every benchmark on this machine: one table, appended to bench/RESULTS.md
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The WeChat client (the "wechat" extra): for the tests, and for `make run` when
# WECHATY_PUPPET_SERVICE_ENDPOINT is set.
WECHAT_STAMP := $(VENV)/.installed-wechat
# The local WeChat stand-in the WeChat tests talk to (Node: wechaty-puppet-service serving
# wechaty-puppet-mock), at the exact versions of its lockfile. Its stamp lives inside
# node_modules, so deleting that folder reinstalls it.
STAND_IN   := tests/integration/wechat_stand_in
NODE_STAMP := $(STAND_IN)/node_modules/.installed
# The benchmarks' extra tools (the "bench" extra: the profiler).
BENCH_STAMP := $(VENV)/.installed-bench
# Passed to bench/run_all.py, e.g. `make bench BENCH_ARGS="--full"` or "--only core --runs 1".
BENCH_ARGS ?=

.PHONY: run test lint install clean mutate bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

$(WECHAT_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[test,wechat]"
	touch $(WECHAT_STAMP)

# `npm install` with the lockfile rather than `npm ci`: npm 11 writes lockfiles without
# the other platforms' optional packages (@swc/core's), which `npm ci` then refuses.
# --ignore-scripts: nothing the stand-in uses needs an install script. Without npm the
# WeChat tests are skipped (outside CI), so this step only says so.
$(NODE_STAMP): $(STAND_IN)/package.json $(STAND_IN)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		cd $(STAND_IN) && npm install --no-audit --no-fund --ignore-scripts --loglevel=error \
		&& touch node_modules/.installed; \
	else \
		echo "npm not found: the WeChat tests need Node 18+ and npm, and will be skipped"; \
	fi

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[test,bench]"
	touch $(BENCH_STAMP)

install: $(STAMP)

run: $(STAMP) $(if $(WECHATY_PUPPET_SERVICE_ENDPOINT),$(WECHAT_STAMP))
	$(BIN)/chatshop run

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

test: lint $(WECHAT_STAMP) $(NODE_STAMP)
	$(BIN)/pytest

# Break each promise on purpose in a temporary copy of the tree and show which test
# catches it (tools/mutate.py); the working tree is never modified.
mutate: $(WECHAT_STAMP) $(NODE_STAMP)
	$(BIN)/python tools/mutate.py

# Every benchmark (bench/run_all.py): median, min and max of 3 runs each, printed as one
# table and appended to bench/RESULTS.md with the machine's cores and memory. Figures only:
# nothing passes or fails on a time. Under 10 minutes at the default sizes.
bench: $(BENCH_STAMP)
	$(BIN)/python bench/run_all.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .import_linter_cache .hypothesis $(STAND_IN)/node_modules
