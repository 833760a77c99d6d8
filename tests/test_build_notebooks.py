"""The notebooks, their navigation links, the index, the README tables and the lesson map of
docs/ARCHITECTURE.md are generated, never kept by hand; and no import runs up the layers."""

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

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


def generated_block(path, name):
    """The text of the ``<!-- generated: name -->`` block of a file."""
    match = re.search(rf"<!-- generated: {name} -->\n(.*?)<!-- end generated -->", path.read_text(), re.S)
    assert match, f"{path.name} has no generated block {name!r}"
    return match.group(1).rstrip("\n")


def defined_in(name):
    """The cnnedu module whose source defines ``name`` at its top level, found by reading the files
    (independently of the ``__module__`` the generator uses)."""
    pattern = re.compile(rf"^(def|class) {name}\b|^{name}\s*=", re.M)
    homes = [
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for path in sorted((ROOT / "cnnedu").rglob("*.py"))
        if pattern.search(path.read_text())
    ]
    assert len(homes) == 1, f"{name} is defined in {homes}"
    return homes[0]


def test_lesson_uses_traces_every_name_to_the_module_that_defines_it():
    source = (
        "import numpy as np\n"
        "import cnnedu as ce\n"
        "import cnnedu.widgets\n"
        "from cnnedu import coverage\n"
        "from cnnedu.exercises import CODE_EXERCISES\n"
        "from cnnedu.exercises import lesson01 as ex\n"
        "from cnnedu.plotting import show_map\n"
        "y, cache = ce.conv2d_forward(np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2)), np.zeros(1))\n"
        "show_map(coverage.never_visited(10, 3, stride=4))\n"
        "ex.check_patch_response(ex.PATCH.sum())\n"
        'CODE_EXERCISES["output_size"]\n'
        "cnnedu.widgets.padding_explorer()\n"
        "cnnedu.widgets.kernel_scanner()\n"
        "image = ce.images.shapes_image()\n"
    )
    uses = build_notebooks.lesson_uses(source)
    from cnnedu.widgets import DEMOS

    assert set(uses["math"]) == {defined_in("conv2d_forward"), defined_in("never_visited"), "cnnedu.images"}
    assert uses["plotting"] == [defined_in("show_map")]
    assert set(uses["exercises"]) == {defined_in("CODE_EXERCISES"), "cnnedu.exercises.lesson01"}
    assert defined_in("PATCH") == "cnnedu.exercises.lesson01"  # a constant, traced by the same route
    assert uses["demos"] == ["padding_explorer", "kernel_scanner"]  # in the order the lesson shows them
    assert set(uses["widgets"]) == {DEMOS["padding_explorer"].__module__, DEMOS["kernel_scanner"].__module__}
    assert "numpy" not in str(uses)  # only cnnedu is mapped
    bare = build_notebooks.lesson_uses("import cnnedu as ce\nimport cnnedu.widgets\nprint(ce, cnnedu.widgets)\n")
    assert bare == {"math": [], "plotting": [], "widgets": [], "exercises": [], "demos": []}


def test_the_lesson_map_is_the_one_the_code_gives_now():
    from cnnedu.widgets import DEMOS

    table = generated_block(ROOT / "docs" / "ARCHITECTURE.md", "lesson-map")
    assert table == build_notebooks.lesson_map()
    rows = table.splitlines()[2:]
    assert len(rows) == len(build_notebooks.lessons())
    for (stem, _, _), row in zip(build_notebooks.lessons(), rows, strict=True):
        assert f"(../notebooks/{stem}.ipynb)" in row
        assert f"`exercises.lesson{stem[:2]}`" in row  # every lesson has its exercises
    for name in DEMOS:  # every demo is shown by some lesson
        assert f"`{name}()` in " in table


def test_the_readme_demo_table_lists_every_registered_demo_once():
    from cnnedu.widgets import DEMOS

    table = generated_block(ROOT / "README.md", "demos")
    assert table == build_notebooks.demo_table()
    names = re.findall(r"^\| (?:\d\d|-) \| `(\w+)\(\)` \|", table, re.M)
    assert sorted(names) == sorted(DEMOS)


def test_a_stale_lesson_map_or_demo_table_fails_the_check(monkeypatch, capsys):
    fresh = build_notebooks.code_blocks()
    for name in fresh:
        stale = {**fresh, name: fresh[name].replace("`", "", 2)}
        monkeypatch.setattr(build_notebooks, "code_blocks", lambda stale=stale: stale)
        assert build_notebooks.main(["--check", "00"]) == 1
        where = "docs/ARCHITECTURE.md" if name == "lesson-map" else "README.md"
        assert where in capsys.readouterr().out


def test_an_unknown_generated_block_is_named():
    with pytest.raises(SystemExit, match="unknown generated block 'lesson-mop'"):
        build_notebooks.with_generated_blocks("<!-- generated: lesson-mop -->\n<!-- end generated -->", ROOT / "x.md")


def test_no_import_runs_up_the_layers():
    """scripts/import_map.py --check: math never imports plotting or widgets, plotting never widgets."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "import_map.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_import_check_would_catch_an_upward_import():
    import_map = build_notebooks._import_map()
    mapping = {
        "cnnedu.conv": ["cnnedu.plotting.style"],
        "cnnedu.plotting.layer": ["cnnedu.widgets._demo", "cnnedu.conv"],
        "cnnedu.widgets.layer": ["cnnedu.plotting.layer", "cnnedu.conv"],
    }
    assert import_map.upward_imports(mapping) == [
        ("cnnedu.conv", "cnnedu.plotting.style"),
        ("cnnedu.plotting.layer", "cnnedu.widgets._demo"),
    ]
