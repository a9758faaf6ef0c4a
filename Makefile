# `make run` and `make test` do all the set-up: create .venv, install claimdesk into it
# (editable, with the test extra), then open the TUI or run the tests. The install is
# redone only when pyproject.toml changes.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
INSTALLED := $(VENV)/.installed

.PHONY: run test test-slow test-all clean

$(INSTALLED): pyproject.toml
	@echo "Installing claimdesk and its dependencies into $(VENV) (a few minutes the first time)..."
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[test]'
	touch $(INSTALLED)

run: $(INSTALLED)
	$(VENV)/bin/claimdesk $(ARGS)

# One test process per core (pytest-xdist); `make test WORKERS=0` runs them in this one.
WORKERS ?= auto
# The test processes keep compiled modules (and pytest its rewritten test modules) for
# the next run, even where the environment says not to write bytecode.
TEST_ENV := PYTHONDONTWRITEBYTECODE=

test: $(INSTALLED)
	$(TEST_ENV) $(VENV)/bin/python -m pytest -n $(WORKERS) $(PYTEST_ARGS)

# The heavy cases (marked slow): large inputs, kills, many processes. pytest exits 5 when
# no test is marked slow, which is not a failure.
test-slow: $(INSTALLED)
	$(TEST_ENV) $(VENV)/bin/python -m pytest -n $(WORKERS) -m slow $(PYTEST_ARGS) || [ $$? -eq 5 ]

test-all: test test-slow

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis *.egg-info
