# Switchboard — `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON_PREFERENCE := only-system
PACKAGES := switchboard_shared switchboard_deploy $(patsubst services/%,switchboard_%,$(subst -,_,$(wildcard services/*)))
UV := $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/bin/uv)

.PHONY: help install run test test-fast lint format bench helm-lint clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(CURDIR)/.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv

install: $(UV) ## Create the environment from the lock file
	$(UV) sync --locked --all-packages

run: install ## Run the whole platform on embedded PostgreSQL and Kafka (Ctrl-C stops it)
	$(UV) run --no-sync switchboard run

test: install ## Run every test against a real PostgreSQL and broker
	$(UV) run --no-sync pytest

lint: install ## ruff (lint and format check) and mypy
	$(UV) run --no-sync ruff check .
	$(UV) run --no-sync ruff format --check .
	$(UV) run --no-sync mypy $(PACKAGES:%=-p %)

format: install ## Format and fix what ruff can
	$(UV) run --no-sync ruff format .
	$(UV) run --no-sync ruff check --fix .

bench: install ## Benchmark the platform on this machine (no pass/fail)
	$(UV) run --no-sync python -m switchboard_deploy.bench
	$(UV) run --no-sync python -m switchboard_deploy.bench_audit

helm-lint: install ## Render the Helm chart offline and validate every manifest
	$(UV) run --no-sync pytest deploy/tests/test_helm_chart.py -q

clean: ## Remove the environment and the embedded data
	rm -rf .venv .tools .data
