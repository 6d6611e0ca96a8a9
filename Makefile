# The two commands that matter: `make run` (the whole system on this machine) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Every package of the repository, installed editable into one development environment.
PACKAGES := libs/servicekit services/booking services/crm services/sales services/tasks \
            services/billing services/notifications gateway web tools/devstack
STAMP  := $(VENV)/.installed

.PHONY: run test test-faults test-fuzz test-unit bench bench-quick install seed clean help

help:
	@echo "make run     start RabbitMQ if needed, migrate, seed the demo center, run every service"
	@echo "make test    unit, integration and end-to-end tests (real PostgreSQL + RabbitMQ)"
	@echo "make test-faults  the reliability suite: broker restarts, crashes, poison, outages (minutes)"
	@echo "make test-fuzz    schemathesis: every operation as each role, no 5xx, every answer documented (minutes)"
	@echo "make bench   the benchmarks on PostgreSQL: prints the Markdown table, writes bench/results/latest.json"
	@echo "make install create .venv and install everything (run and test do this when needed)"

$(STAMP): requirements.txt requirements-dev.txt $(addsuffix /pyproject.toml,$(PACKAGES)) web/package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt $(addprefix -e ,$(PACKAGES))
	# web's front-end packages (htmx, Bootstrap, the calendar) from the npm registry, exactly as locked
	cd web && npm ci --no-audit --no-fund --loglevel=error
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/python -m devstack run

seed: $(STAMP)
	$(BIN)/python -m devstack seed

test: $(STAMP)
	$(BIN)/python -m pytest

test-faults: $(STAMP)
	$(BIN)/python -m pytest -m faults tests/faults -s

test-fuzz: $(STAMP)
	$(BIN)/python -m pytest -m fuzz tests/e2e/test_schemathesis.py

# Figures, never timed tests: needs wrk (apt-get install wrk) and a quiet machine; ~20 minutes (quick: ~3).
bench: $(STAMP)
	$(BIN)/python -m bench

bench-quick: $(STAMP)
	$(BIN)/python -m bench --quick

test-unit: $(STAMP)
	$(BIN)/python -m pytest -m "not e2e" libs services gateway

clean:
	rm -rf $(VENV) var
