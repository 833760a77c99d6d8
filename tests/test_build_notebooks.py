"""The notebooks, their navigation links, the index and the README table are generated, never kept by hand."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("build_notebooks", ROOT / "scripts" / "build_notebooks.py")
build_notebooks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build_notebooks)


def test_percent_format_parsing():
    cells = build_notebooks.parse_source(
        "# %% [markdown]\n# # 01 - Title\n#\n# Text\n\n# %%\nx = 1\n# a comment stays\n"
    )
    assert cells == [("markdown", "# 01 - Title\n\nText"), ("code", "x = 1\n# a comment stays")]


def test_navigation_links_neighbours():
    lessons = [("01_a", "A", ""), ("02_b", "B", ""), ("03_c", "C", "")]
    nav = build_notebooks.navigation(lessons, 1)
    assert "(01_a.ipynb)" in nav and "(03_c.ipynb)" in nav and "(00_index.ipynb)" in nav
    assert "(01_a.ipynb)" not in build_notebooks.navigation(lessons, 0)  # no link back from the first lesson


def test_generated_files_are_up_to_date(capsys):
    assert build_notebooks.main(["--check"]) == 0, capsys.readouterr().out


def test_every_lesson_is_in_the_index_and_readme():
    lessons = build_notebooks.lessons()
    readme = (ROOT / "README.md").read_text()
    index = (ROOT / "notebooks" / "00_index.ipynb").read_text()
    for stem, _, _ in lessons:
        assert f"notebooks/{stem}.ipynb" in readme
        assert f"{stem}.ipynb" in index


def test_every_lesson_opens_in_colab_and_installs_the_release_there_only():
    name, tag = build_notebooks.repository()
    for stem, _, _ in build_notebooks.lessons():
        cells = nbformat_cells(stem)
        nav, setup = cells[1], cells[2]
        assert f"https://colab.research.google.com/github/{name}/blob/{tag}/notebooks/{stem}.ipynb" in nav["source"]
        assert setup["cell_type"] == "code"
        assert 'if "google.colab" in sys.modules:' in setup["source"]
        assert f'"--no-deps", "cnnedu @ git+https://github.com/{name}@{tag}"' in setup["source"]


def test_the_colab_cell_does_nothing_outside_colab(monkeypatch):
    import subprocess
    import sys

    calls = []
    monkeypatch.setattr(subprocess, "run", lambda *args, **kwargs: calls.append(args))
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    exec(build_notebooks.colab_setup_cell(), {})
    assert calls == []
    monkeypatch.setitem(sys.modules, "google.colab", object())
    exec(build_notebooks.colab_setup_cell(), {})
    assert len(calls) == 1 and "--no-deps" in calls[0][0]


def test_links_follow_the_one_repository_setting(monkeypatch):
    monkeypatch.setattr(build_notebooks, "repository", lambda: ("my-uni/cnn-course", "v9.9.9"))
    blocks = build_notebooks.generated_blocks()
    text = (
        "\n".join(blocks.values())
        + build_notebooks.colab_setup_cell()
        + build_notebooks.navigation([("01_a", "A", "")], 0)
    )
    assert "cnnedu/cnnedu" not in text
    assert "https://mybinder.org/v2/gh/my-uni/cnn-course/v9.9.9?urlpath=lab/tree/notebooks/00_index.ipynb" in text
    assert "https://colab.research.google.com/github/my-uni/cnn-course/blob/v9.9.9/notebooks/01_a.ipynb" in text
    assert "cnnedu @ git+https://github.com/my-uni/cnn-course@v9.9.9" in text
    assert "repo=https%3A%2F%2Fgithub.com%2Fmy-uni%2Fcnn-course&branch=main&urlpath=lab%2Ftree%2Fcnn-course%2F" in text


def test_a_bad_repository_setting_is_named(monkeypatch, tmp_path):
    import pytest

    (tmp_path / "pyproject.toml").write_text('[tool.cnnedu]\nrepository = "https://github.com/x/y"\ntag = "v1"\n')
    monkeypatch.setattr(build_notebooks, "ROOT", tmp_path)
    with pytest.raises(SystemExit, match="repository must be 'owner/name'"):
        build_notebooks.repository()


def nbformat_cells(stem):
    import nbformat

    return nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4).cells


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
