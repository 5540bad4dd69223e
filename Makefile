# Two commands do everything on a fresh machine:
#   make app    set up, then open the app in a browser (http://localhost:8501)
#   make test   set up, then run lint and every test (browser tests included)
#   make check  lint and the fast tests (not browser, not slow): the edit-test loop

VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: setup app test check lint format bench browser clean

setup: $(VENV)/.installed

# Where a local CPU wheel of torch 2.13.0 is on pip's find-links (as on our dev machines), take
# it before anything asks for torch: a bare `torch` would pull a multi-GB CUDA build. Elsewhere
# the first install finds nothing and pip resolves torch normally.
$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	if $(PY) -m pip install --quiet --no-index --no-deps "torch==2.13.0" 2>/dev/null; then \
		$(PY) -m pip install --quiet "torch==2.13.0"; fi
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

app: setup
	$(VENV)/bin/gan-viz app --port $(PORT)

browser:
	sh scripts/ensure-chromium.sh

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: setup browser lint
	$(PY) -m pytest

check: setup lint
	$(PY) -m pytest -m "not browser and not slow" -q

bench: setup
	$(PY) benchmarks/engine.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
