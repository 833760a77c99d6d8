"""Build notebooks/lecture_board.ipynb: every demo of every lesson on one page,
for a projector, served with Voila (``make present``).

The demos are the entries of ``cnnedu.widgets.DEMOS``. Each is placed under the
first lesson whose code calls it (``notebooks/NN_*.ipynb``, in order); demos no
lesson uses yet go under "More demos". The board has one code cell per demo
(``show("kernel_scanner")``), a setup cell with the large-font style, and
markdown headings; Voila shows no code. Outputs are not stored: nbval only
runs the board, and Voila runs it for every visitor.

    python scripts/build_board.py           # (re)write the board if it changed
    python scripts/build_board.py --check   # exit 1 if the board is stale
"""

import argparse
import json
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
BOARD = NOTEBOOKS / "lecture_board.ipynb"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}

# Sizes chosen for a 1280-1920 px wide projector read from about 15 m away.
SETUP = '''\
# Setup of the lecture board (Voila hides this code; it only styles the page).
from IPython.display import HTML, display
import ipywidgets

from cnnedu import widgets

BOARD_DPI = 120  # the lessons draw at 80 dpi; sharper figures for a large screen

STYLE = """
<style>
body {
  --jp-widgets-font-size: 24px;
  --jp-widgets-inline-height: 44px;
  --jp-widgets-inline-label-width: 200px;
  --jp-widgets-inline-width: 520px;
  --jp-widgets-slider-handle-size: 26px;
  --jp-widgets-slider-track-thickness: 8px;
  --jp-ui-font-size1: 24px;
  --jp-content-font-size1: 24px;
}
.jp-RenderedHTMLCommon h1 { font-size: 60px; margin: 0.4em 0; }
.jp-RenderedHTMLCommon h2 { font-size: 46px; margin-top: 1.6em; padding-bottom: 0.2em;
                            border-bottom: 4px solid #4a6fa5; }
.jp-RenderedHTMLCommon p, .jp-RenderedHTMLCommon li { font-size: 28px; line-height: 1.4; }
.jp-RenderedHTMLCommon code { font-size: 26px; }
.widget-label, .widget-readout, .widget-dropdown select, .jupyter-button,
.widget-html-content, .widget-toggle-button { font-size: 24px !important; }
.widget-readout { min-width: 4em; }
.widget-html-content h3 { font-size: 36px !important; margin: 0.2em 0 !important; }
.board-caption { font-size: 24px; color: #444; margin: 0.3em 0; }
.board-caption code { font-size: 24px; background: #eef2f7; padding: 0 0.3em; }
/* One demo (caption, controls, figure) fits on one screen: the figure shrinks, keeping its shape. */
img.widget-image { align-self: center; width: auto !important; max-width: 100% !important;
                   max-height: 68vh; object-fit: contain; }
</style>
"""
display(HTML(STYLE))


def show(name):
    """Display the demo ``cnnedu.widgets.<name>()`` with its one-line call as a caption."""
    demo = widgets.DEMOS[name]()
    demo.figure.set_dpi(BOARD_DPI)
    demo.refresh()
    caption = ipywidgets.HTML(f"<div class='board-caption'>In any notebook: <code>cnnedu.widgets.{name}()</code></div>")
    return ipywidgets.VBox([caption, demo])'''

INTRO = """\
# How convolutional networks work: the demos

Every demo of the lessons, one after the other. Drag a slider and the figure follows.
Each demo is also one line in any notebook, shown above it."""


def lesson_titles():
    """[(stem, 'NN - Title', code text)] for every lesson notebook, in order."""
    found = []
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        if path.stem.startswith("00"):
            continue
        notebook = json.loads(path.read_text())
        cells = notebook.get("cells", [])
        title = path.stem
        for cell in cells:
            if cell["cell_type"] == "markdown":
                first = "".join(cell["source"]).strip().splitlines()[0]
                title = first.lstrip("#").strip()
                break
        code = "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")
        found.append((path.stem, title, code))
    return found


def grouping(demo_names, lessons):
    """[(heading, [demo names])]: each demo under the first lesson whose code calls it."""
    placed, groups = set(), []
    for _, title, code in lessons:
        called = set(re.findall(r"\b([A-Za-z_]\w*)\s*\(", code))
        names = [name for name in demo_names if name in called and name not in placed]
        if names:
            groups.append((title, names))
            placed.update(names)
    rest = [name for name in demo_names if name not in placed]
    if rest:
        groups.append(("More demos", rest))
    return groups


def build(demo_names, lessons):
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = KERNELSPEC
    notebook.metadata["language_info"] = {"name": "python"}
    notebook.cells.append(nbformat.v4.new_code_cell(SETUP))
    notebook.cells.append(nbformat.v4.new_markdown_cell(INTRO))
    for heading, names in grouping(demo_names, lessons):
        notebook.cells.append(nbformat.v4.new_markdown_cell(f"## {heading}"))
        for name in names:
            notebook.cells.append(
                nbformat.v4.new_code_cell(
                    "# NBVAL_IGNORE_OUTPUT: a live demo's widget view cannot be compared with stored text\n"
                    f'show("{name}")'
                )
            )
    if not demo_names:
        notebook.cells.append(nbformat.v4.new_markdown_cell("*No demo is registered in `cnnedu.widgets.DEMOS` yet.*"))
    return notebook


def sources(notebook):
    return [(cell.cell_type, cell.source) for cell in notebook.cells]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 if notebooks/lecture_board.ipynb is stale")
    args = parser.parse_args(argv)
    from cnnedu.widgets import DEMOS

    notebook = build(list(DEMOS), lesson_titles())
    current = nbformat.read(BOARD, as_version=4) if BOARD.exists() else None
    if current is not None and sources(current) == sources(notebook):
        print(f"{BOARD.relative_to(ROOT)} is up to date ({len(DEMOS)} demos)")
        return 0
    if args.check:
        print(f"{BOARD.relative_to(ROOT)} is stale: run python scripts/build_board.py")
        return 1
    nbformat.write(notebook, BOARD)
    print(f"wrote {BOARD.relative_to(ROOT)} ({len(DEMOS)} demos)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
