# make lab          - set up .venv and open the lessons in JupyterLab (what a student needs)
# make test         - set up .venv with the test tools, lint, and run every test (unit, doctest, notebooks, browser)
# make lint         - ruff check and ruff format --check (the rules are in pyproject.toml)
# make test-oldest  - the same package, as a wheel, on the oldest supported stack (Google Colab's)
# make present      - serve every demo on one large-font page (the lecture board) with Voila
# make bench        - speed ratios (benchmarks/)
# make assignments  - graded assignments for nbgrader, built from the lessons (docs/COURSE.md)
# Without make (Windows): see "Without make" in README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEV_STAMP := $(VENV)/.dev-installed-stamp
OLDEST := .venv-oldest

.PHONY: install install-dev lab lint test test-oldest bench clean present python-check

# The lessons need Python 3.11 or newer; say so before pip fails on a wheel it cannot find.
python-check:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "cnnedu needs Python 3.11 or newer; $(PYTHON) is " + sys.version.split()[0] + ". Run make with PYTHON=python3.11 (or newer).")'

$(STAMP): requirements.txt pyproject.toml | python-check
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

$(DEV_STAMP): $(STAMP) requirements-dev.txt requirements-present.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(DEV_STAMP)

install: $(STAMP)

install-dev: $(DEV_STAMP)

lab: install
	$(BIN)/jupyter lab notebooks/00_index.ipynb

# Lint first: a style slip fails in seconds, before the long run. `ruff format .` fixes layout.
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# MPLBACKEND is unset so that notebooks draw with the inline backend.
test: lint
	env -u MPLBACKEND $(BIN)/python -m pytest cnnedu tests \
		--nbval notebooks --nbval-current-env \
		--nbval-sanitize-with notebooks/sanitize.cfg --nbval-cell-timeout=120

# Colab's versions (requirements-oldest.txt) in their own venv, cnnedu installed as a regular wheel,
# tested from outside the checkout: unit tests, every demo, and every lesson executed.
test-oldest: install-dev
	bash scripts/test_oldest.sh $(PYTHON) $(OLDEST)

# The board is rebuilt from cnnedu.widgets.DEMOS first; PORT=8867 make present picks another port.
present: install
	$(BIN)/python -m pip install --quiet -r requirements-present.txt
	$(BIN)/python scripts/build_board.py
	@port=$${PORT:-8866}; \
	echo "Lecture board: open http://127.0.0.1:$$port/ in a browser (Ctrl+C stops it)"; \
	env -u MPLBACKEND $(BIN)/voila notebooks/lecture_board.ipynb --no-browser \
		--Voila.ip=127.0.0.1 --port=$$port --Voila.port_retries=0 --preheat_kernel=True

bench: install-dev
	$(BIN)/python benchmarks/bench_conv.py
	$(BIN)/python benchmarks/bench_train.py
	$(BIN)/python benchmarks/bench_widgets.py

clean:
	rm -rf $(VENV) $(OLDEST) .pytest_cache .hypothesis build dist

# make assignments - build graded assignments (nbgrader) from the lessons into build/assignments:
# source/ (worked solutions, graded cells with points) and release/ (what students get). See docs/COURSE.md.
.PHONY: assignments
assignments: install-dev
	$(BIN)/python scripts/build_assignments.py
