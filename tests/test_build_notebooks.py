"""The notebooks, their navigation links, the index and the README table are generated, never kept by hand."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("build_notebooks", ROOT / "scripts" / "build_notebooks.py")
build_notebooks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build_notebooks)


def test_percent_format_parsing():
    cells = build_notebooks.parse_source("# %% [markdown]\n# # 01 - Title\n#\n# Text\n\n# %%\nx = 1\n# a comment stays\n")
    assert cells == [("markdown", "# 01 - Title\n\nText"), ("code", "x = 1\n# a comment stays")]


def test_navigation_links_neighbours():
    lessons = [("01_a", "A", ""), ("02_b", "B", ""), ("03_c", "C", "")]
    nav = build_notebooks.navigation(lessons, 1)
    assert "(01_a.ipynb)" in nav and "(03_c.ipynb)" in nav and "(00_index.ipynb)" in nav
    assert "01_a" not in build_notebooks.navigation(lessons, 0)


def test_generated_files_are_up_to_date(capsys):
    assert build_notebooks.main(["--check"]) == 0, capsys.readouterr().out


def test_every_lesson_is_in_the_index_and_readme():
    lessons = build_notebooks.lessons()
    readme = (ROOT / "README.md").read_text()
    index = (ROOT / "notebooks" / "00_index.ipynb").read_text()
    for stem, _, _ in lessons:
        assert f"notebooks/{stem}.ipynb" in readme
        assert f"{stem}.ipynb" in index


def test_every_figure_in_a_lesson_is_followed_by_a_one_line_description():
    """A code cell that shows a matplotlib figure is followed by a markdown cell '*Figure: ...*' saying
    what the picture shows (for every reader, and for those who cannot see it); demos carry their own
    caption (tests/test_widgets_generic.py)."""
    missing = []
    for source in sorted((ROOT / "notebooks" / "src").glob("[0-9][0-9]_*.py")):
        cells = build_notebooks.parse_source(source.read_text())
        for index, (kind, text) in enumerate(cells):
            if kind == "code" and "plt.show()" in text:
                following = cells[index + 1] if index + 1 < len(cells) else ("", "")
                described = following[1].startswith("*Figure: ") and following[1].endswith("*")
                if not (following[0] == "markdown" and described):
                    missing.append(f"{source.name}: cell {index} ({text.splitlines()[0][:50]!r})")
    assert not missing, "figures without a description:\n" + "\n".join(missing)


def test_markdown_cells_of_the_sources_hold_only_comment_lines():
    """A line without '#' inside a markdown cell of a source is code that slipped into the text."""
    stray = []
    for source in sorted((ROOT / "notebooks" / "src").glob("[0-9][0-9]_*.py")):
        kind = None
        for number, line in enumerate(source.read_text().splitlines(), start=1):
            if line.startswith("# %%"):
                kind = "markdown" if "[markdown]" in line else "code"
            elif kind == "markdown" and line.strip() and not line.startswith("#"):
                stray.append(f"{source.name}:{number}: {line[:60]}")
    assert not stray, "\n".join(stray)
