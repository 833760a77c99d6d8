# make lab   - set up .venv and open the lessons in JupyterLab
# make test  - set up .venv and run every test (unit, doctest, notebooks)
# make present - serve every demo on one large-font page (the lecture board) with Voila
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install lab test bench clean present

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

lab: install
	$(BIN)/jupyter lab notebooks/00_index.ipynb

# MPLBACKEND is unset so that notebooks draw with the inline backend.
test: install
	env -u MPLBACKEND $(BIN)/python -m pytest cnnedu tests \
		--nbval notebooks --nbval-current-env \
		--nbval-sanitize-with notebooks/sanitize.cfg --nbval-cell-timeout=120

# The board is rebuilt from cnnedu.widgets.DEMOS first; PORT=8867 make present picks another port.
present: install
	$(BIN)/python scripts/build_board.py
	@port=$${PORT:-8866}; \
	echo "Lecture board: open http://127.0.0.1:$$port/ in a browser (Ctrl+C stops it)"; \
	env -u MPLBACKEND $(BIN)/voila notebooks/lecture_board.ipynb --no-browser \
		--Voila.ip=127.0.0.1 --port=$$port --Voila.port_retries=0 --preheat_kernel=True

bench: install
	$(BIN)/python benchmarks/bench_conv.py
	$(BIN)/python benchmarks/bench_train.py
	$(BIN)/python benchmarks/bench_widgets.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis

# make assignments - build graded assignments (nbgrader) from the lessons into build/assignments:
# source/ (worked solutions, graded cells with points) and release/ (what students get). See docs/COURSE.md.
.PHONY: assignments
assignments: install
	$(BIN)/python scripts/build_assignments.py
