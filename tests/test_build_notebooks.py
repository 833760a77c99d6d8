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
