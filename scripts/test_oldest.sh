#!/usr/bin/env bash
# Test cnnedu on the oldest stack it supports (requirements-oldest.txt: Google Colab's versions),
# installed as users get it: a regular wheel, not the checkout.
#
#     bash scripts/test_oldest.sh [PYTHON] [VENV]        (make test-oldest)
#
# 1. A fresh venv gets the wheel and its runtime dependencies only, held to the oldest pins;
#    from a directory outside the checkout, every demo is built, moved and rendered as PNG.
# 2. The test tools and a kernel join it (same pins); the unit tests and doctests run against
#    the installed package, and every lesson is executed (outputs not compared: the stored ones
#    come from the pinned stack).
set -euo pipefail
PYTHON="${1:-python3}"
VENV="${2:-.venv-oldest}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
start=$SECONDS

rm -rf "$VENV"
"$PYTHON" -m venv "$VENV"
VENV="$(cd "$VENV" && pwd)"
"$VENV/bin/python" -m pip install --quiet --upgrade pip

wheels="$(mktemp -d)"
outside="$(mktemp -d)"
trap 'rm -rf "$wheels" "$outside"' EXIT
"$VENV/bin/python" -m pip wheel --quiet --no-deps --wheel-dir "$wheels" .
# Only what the wheel declares, at the versions Colab has (the constraints pin them, install nothing else).
"$VENV/bin/python" -m pip install --quiet "$wheels"/cnnedu-*.whl -c requirements-oldest.txt
echo "--- runtime only: $("$VENV/bin/python" -m pip freeze | grep -ciE '^(numpy|scipy|matplotlib|ipywidgets|scikit-learn|pillow)==') pinned packages"
(cd "$outside" && env -u MPLBACKEND MPLBACKEND=Agg "$VENV/bin/python" "$ROOT/scripts/smoke_demos.py")

# The test tools, with the oldest pins still holding (pip fails rather than upgrade one of them).
grep -E '^(pytest|nbval|hypothesis)==' requirements-dev.txt > "$outside/tools.txt"
"$VENV/bin/python" -m pip install --quiet -r "$outside/tools.txt" -r requirements-oldest.txt
"$VENV/bin/python" -m pip freeze > "$outside/freeze.txt"
for pin in $(grep -E '^[a-z]' requirements-oldest.txt); do
    grep -qix "$pin" "$outside/freeze.txt" || { echo "the oldest stack drifted: $pin is not installed"; exit 1; }
done
echo "--- oldest stack: $(grep -E '^[a-z]' requirements-oldest.txt | tr '\n' ' ')"

# From outside the checkout, so that `import cnnedu` finds the installed wheel; the browser
# tests run on the pinned stack only. The package's doctests run from site-packages.
cd "$outside"
PYDEVD_DISABLE_FILE_VALIDATION=1 env -u MPLBACKEND "$VENV/bin/python" -m pytest -p no:cacheprovider -q \
    --rootdir "$ROOT" -c "$ROOT/pyproject.toml" \
    "$ROOT/tests" --ignore="$ROOT/tests/browser" --pyargs cnnedu
PYDEVD_DISABLE_FILE_VALIDATION=1 env -u MPLBACKEND "$VENV/bin/python" -m pytest -p no:cacheprovider -q \
    --rootdir "$ROOT" -c "$ROOT/pyproject.toml" -o addopts="" \
    --nbval-lax --nbval-current-env --nbval-cell-timeout=120 "$ROOT"/notebooks/[0-9][0-9]_*.ipynb
echo "--- oldest stack passed in $((SECONDS - start)) s"
