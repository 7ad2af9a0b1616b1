# Secure Attachment course: `make learn` to study, `make lab` to author, `make test` to check everything.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV    := .venv
BIN     := $(VENV)/bin
PYTHON  ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
             command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
             && { echo $$p; break; }; done)
PYTEST_ARGS ?=
LAB_ARGS ?=
LEARN_ARGS ?=
GRADE_ARGS ?=
# JupyterLab refuses to run as root unless told; containers and CI machines often are root.
# setuptools' "Editable installation" box warns about a folder named like the package: here that folder IS the package.
QUIET_EDITABLE := PYTHONWARNINGS="ignore:Editable installation"
ROOT_ARGS := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: help learn lab grade test lint pytest browser sandbox hub-deps lrs hub hub-stop hub-clean k8s-config validate bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed: install it, or run 'make PYTHON=/path/to/python3.11'"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when pyproject.toml changes (the stamp is newer otherwise).
# An editable install skips pyproject's data-files, so the formgrader's Content Security Policy is enabled here.
# Also the learner-side nbgrader and kernel settings (etc/: silence two warnings that worry learners for nothing),
# never replacing a file already there.
POLICY = mkdir -p $(VENV)/etc/jupyter/jupyter_server_config.d $(VENV)/etc/ipython && \
	cp course/grading/nbgrader/course-formgrader-policy.json $(VENV)/etc/jupyter/jupyter_server_config.d/ && \
	{ test -e $(VENV)/etc/jupyter/nbgrader_config.py || cp etc/jupyter/nbgrader_config.py $(VENV)/etc/jupyter/; } && \
	{ test -e $(VENV)/etc/ipython/ipython_kernel_config.py || cp etc/ipython/ipython_kernel_config.py $(VENV)/etc/ipython/; }

$(VENV)/.installed: pyproject.toml $(wildcard etc/*/*.py) | $(BIN)/python
	$(QUIET_EDITABLE) $(BIN)/python -m pip install --quiet -e '.[learn]'
	$(POLICY)
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(wildcard etc/*/*.py) | $(BIN)/python
	$(QUIET_EDITABLE) $(BIN)/python -m pip install --quiet -e '.[test]'
	$(POLICY)
	@touch $(VENV)/.installed $@

# Ralph, a learning record store, for the xAPI tests only: in an environment of its own, as its pins differ.
LRS_VENV := .venv-lrs
$(LRS_VENV)/.installed: | $(BIN)/python
	$(PYTHON) -m venv $(LRS_VENV)
	$(LRS_VENV)/bin/python -m pip install --quiet 'ralph-malph[cli,lrs]==5.1.0' 'requests>=2'
	@touch $@

lrs: $(LRS_VENV)/.installed ## Install Ralph (a learning record store) in .venv-lrs for the xAPI tests

learn: $(VENV)/.installed ## Set up and open the course as web pages (no code on screen), on this computer only
	$(BIN)/python -m course.learner_mode $(LEARN_ARGS) notebooks

lab: $(VENV)/.installed ## Set up and open the modules in JupyterLab, as learners see them (for authors)
	$(BIN)/jupyter lab $(ROOT_ARGS) $(LAB_ARGS) notebooks/00_start_here.ipynb

grade: $(VENV)/.installed ## Open the trainer's workspace: JupyterLab on the course folder, with the formgrader
	$(BIN)/course lab $(GRADE_ARGS)

validate: $(VENV)/.installed ## Check the content in data/ and list any problems
	$(BIN)/course validate

browser: ## Install Chromium for the browser tests when missing (needs root; otherwise they skip)
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "No Chromium and not root: the browser tests will skip (set CHROMIUM=/path to use another)"; fi

sandbox: ## Install bubblewrap, the sandbox for running submitted code (needs root; otherwise says what to do)
	@if command -v bwrap >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian's bubblewrap, the sandbox for submitted code"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null; \
	else echo "No bubblewrap and not root: ask an admin to install it (apt-get install bubblewrap). Grading works" \
	  "without it; showing students' own outputs (ShowStudentOutputs) and the sandbox tests need it."; fi

# The hub tests need real Unix users, so root on Linux; there this installs what they need (configurable-http-proxy
# from npm, Debian's PostgreSQL server for the gradebook test). Anywhere else they skip and say why.
hub-deps: ## Install the hub tests' system packages when root on Linux (proxy, PostgreSQL)
	@if [ "$$(id -u)" != 0 ] || [ "$$(uname -s)" != Linux ]; then \
	  echo "Not root on Linux: the hub tests will skip (they create Unix users)"; \
	else \
	  missing=""; \
	  command -v npm >/dev/null || missing="$$missing nodejs npm"; \
	  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	  if [ -n "$$missing" ]; then echo "Installing$$missing for the hub tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi; \
	  command -v configurable-http-proxy >/dev/null || { echo "Installing configurable-http-proxy with npm"; \
	    npm install --global --no-fund --no-audit configurable-http-proxy >/dev/null; }; \
	fi

hub: ## Serve the course to a cohort: install, demo accounts, start JupyterHub on 127.0.0.1:8000 (root)
	@command -v python3 >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv >/dev/null; }
	python3 hub/course_hub.py up

hub-stop: ## Stop the hub and every server it started
	python3 hub/course_hub.py stop

hub-clean: ## Stop the hub, remove its demo and LTI-launched accounts and every folder it made
	python3 hub/course_hub.py clean

# The Kubernetes image's settings, generated from course.deployment (the one-server hub writes the same at install).
K8S_IMAGE ?= hub/k8s/image
k8s-config: ## Write the Kubernetes image's Jupyter and nbgrader settings (hub/k8s/image) from course.deployment
	python3 -m course.deployment --everyone $(K8S_IMAGE)/jupyter --graders $(K8S_IMAGE)/graders \
	  --lab-settings $(K8S_IMAGE)/lab-settings --exchange-root /srv/nbgrader/exchange --course-id secure-attachment \
	  --gradebook-url-variable NBGRADER_DB_URL --course-root /home/jovyan/course \
	  --notebooks-script $(K8S_IMAGE)/copy-notebooks.sh --notebooks-from /opt/secure-attachment/notebooks

lint: $(VENV)/.installed-test ## Run ruff over the Python code
	$(BIN)/ruff check course tests benchmarks hub

pytest: $(VENV)/.installed-test browser sandbox hub-deps lrs ## Run the test suite only
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test: lint pytest ## Set up, lint and run every test

bench: $(VENV)/.installed-test ## Run the benchmarks (autograde_cohort.py takes a few minutes)
	@for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean: ## Remove the virtual environment and generated files
	rm -rf $(VENV) $(LRS_VENV) .pytest_cache .ruff_cache test-artifacts
