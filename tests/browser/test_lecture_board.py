"""The lecture board (``make present``): notebooks/lecture_board.ipynb served by
Voila and seen by Chromium at a projector's 1920x1080.

Checks that the board lists every registered demo (no browser needed), then
that Voila shows every demo with no code and no error, in large type, each
demo fitting on one screen, and that moving a control of each demo changes its
figure. Screenshots: ``test-artifacts/screenshots/board/``.
"""

import importlib.util
import re
import shutil
import sys
import time

import pytest

from .browser_driver import (
    ROOT,
    SCREENSHOTS,
    changed_fraction,
    demo_message,
    full_screenshot,
    move_a_control,
)
from .servers import Server, free_port, jupyter_environment

BOARD = ROOT / "notebooks" / "lecture_board.ipynb"
PROJECTOR = {"width": 1920, "height": 1080}
VOILA_SCROLLER = "#rendered_cells"
ERRORS_JS = """() => Array.from(document.querySelectorAll(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], ' +
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]'))
    .map(output => output.innerText)
    .filter(text => /Traceback|Error|error/.test(text))"""


def load_build_board():
    spec = importlib.util.spec_from_file_location("build_board", ROOT / "scripts" / "build_board.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def board_demo_names():
    """Names shown by the board: one ``show("name")`` code cell each."""
    import nbformat

    notebook = nbformat.read(BOARD, as_version=4)
    return [
        match.group(1)
        for cell in notebook.cells
        if cell.cell_type == "code"
        for match in re.finditer(r'^show\("(\w+)"\)', cell.source, re.M)
    ]


def test_board_lists_every_registered_demo_grouped_by_lesson(capsys):
    build_board = load_build_board()
    status = build_board.main(["--check"])
    assert status == 0, capsys.readouterr().out + " (the board must show every demo of cnnedu.widgets.DEMOS)"
    from cnnedu.widgets import DEMOS

    assert sorted(board_demo_names()) == sorted(DEMOS)


def test_board_stores_each_demos_picture_for_a_static_render():
    """Without a widget frontend (GitHub, nbviewer) only the stored bundle is
    shown: every demo cell must carry the demo's default figure as a PNG, not
    just the text form of a widget."""
    import base64

    import nbformat

    notebook = nbformat.read(BOARD, as_version=4)
    demo_cells = [
        cell for cell in notebook.cells if cell.cell_type == "code" and re.search(r'^show\("', cell.source, re.M)
    ]
    assert len(demo_cells) == len(board_demo_names())
    for cell in demo_cells:
        pictures = [output.data["image/png"] for output in cell.outputs if "image/png" in output.get("data", {})]
        assert len(pictures) == 1, f"{cell.source!r} stores no picture: run scripts/build_board.py --execute"
        assert base64.b64decode(pictures[0]).startswith(b"\x89PNG")


def test_board_grouping_puts_each_demo_under_its_registered_lesson():
    build_board = load_build_board()
    lessons = [
        ("01_a", "01 - Filters", "import cnnedu\ncnnedu.widgets.kernel_scanner()"),
        (
            "02_b",
            "02 - Flips",
            "from cnnedu.widgets import flip_explorer, kernel_scanner\nflip_explorer()\nkernel_scanner()",
        ),
    ]
    groups = build_board.grouping({"kernel_scanner": "01", "flip_explorer": "02", "orphan_demo": "07"}, lessons)
    assert groups == [
        ("01 - Filters", ["kernel_scanner"]),
        ("02 - Flips", ["flip_explorer"]),
        ("More demos", ["orphan_demo"]),
    ]


def test_course_page_links_open_files_that_exist():
    """The Binder and nbgitpuller links of docs/COURSE.md open notebooks of this repository."""
    from urllib.parse import unquote

    text = (ROOT / "docs" / "COURSE.md").read_text()
    targets = re.findall(r"urlpath=(?:lab/tree|voila/render)/([\w/.-]+\.ipynb)", text)
    targets += [
        path.split("/", 1)[1]
        for path in re.findall(r"lab/tree/([\w/.-]+\.ipynb)", unquote(text))
        if path.startswith("REPO/")
    ]
    assert "notebooks/00_index.ipynb" in targets and "notebooks/lecture_board.ipynb" in targets
    missing = sorted({target for target in targets if not (ROOT / target).exists()})
    assert not missing, f"docs/COURSE.md links to missing files: {missing}"


# The options of `make present` that the Voila fixture below uses too.
PRESENT_OPTIONS = ["--no-browser", "--Voila.ip=127.0.0.1", "--Voila.port_retries=0", "--preheat_kernel=True"]


def test_make_present_serves_the_board_with_the_tested_options():
    makefile = (ROOT / "Makefile").read_text()
    match = re.search(r"^present:.*?(?=^\S|\Z)", makefile, re.M | re.S)
    assert match, "the Makefile has no present target"
    recipe = match.group(0).replace("\\\n", " ")
    assert "scripts/build_board.py" in recipe and "voila notebooks/lecture_board.ipynb" in recipe
    missing = [option for option in PRESENT_OPTIONS if option not in recipe]
    assert not missing, f"make present lacks {missing}"


@pytest.fixture(scope="module")
def voila(chromium, tmp_path_factory):
    """Voila serving the board with the options of ``make present`` (plus tracebacks shown)."""
    base = tmp_path_factory.mktemp("voila")
    port = free_port()
    command = [sys.executable, "-m", "voila", str(BOARD), f"--port={port}", *PRESENT_OPTIONS, "--show_tracebacks=True"]
    server = Server(
        "Voila", command, jupyter_environment(base / "jupyter"), BOARD.parent, base / "voila.log",
        "/voila/static/favicon.ico", f"http://127.0.0.1:{port}",
    )  # fmt: skip
    yield server
    server.stop()


def wait_for_board(page, count, timeout_s=120):
    """Wait until ``count`` demo figures have loaded, or fail with the error shown."""
    deadline = time.monotonic() + timeout_s
    while True:
        errors = page.evaluate(ERRORS_JS)
        if errors:
            pytest.fail("the lecture board shows an error:\n" + "\n\n".join(errors), pytrace=False)
        loaded = page.evaluate(
            "() => Array.from(document.querySelectorAll('img.widget-image')).filter(img => img.complete && "
            "img.naturalWidth > 0).length"
        )
        if loaded >= count:
            return
        if time.monotonic() > deadline:
            pytest.fail(
                f"the lecture board showed {loaded} of {count} demo figures within {timeout_s} s", pytrace=False
            )
        time.sleep(0.2)


def test_board_in_voila_every_demo_responds(voila, browser, timing, screenshots):
    names = board_demo_names()
    shutil.rmtree(SCREENSHOTS / "board", ignore_errors=True)  # no stale pictures from earlier runs
    context = browser.new_context(viewport=PROJECTOR, device_scale_factor=1)
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        start = time.perf_counter()
        # Voila answers once every demo cell has run: on a busy 2-core machine twelve demos took over
        # the 30 s default (eleven took 27 s), so the page gets the board's own 120 s budget
        page.goto(voila.url + "/", timeout=120_000)
        wait_for_board(page, len(names))
        timing["board shown"] = f"{time.perf_counter() - start:.1f} s ({len(names)} demos)"

        text = page.inner_text("body")
        shown_code = [snippet for snippet in ('show("', "BOARD_DPI", "import ") if snippet in text]
        assert not shown_code, f"the board shows code ({shown_code}); Voila should strip every input"
        sizes = page.evaluate(
            """() => ({
                h2: parseFloat(getComputedStyle(
                    document.querySelector('.jp-RenderedHTMLCommon h2') || document.body).fontSize),
                label: Math.min(...Array.from(document.querySelectorAll('.widget-label')).filter(l => l.offsetParent)
                                     .map(l => parseFloat(getComputedStyle(l).fontSize))),
            })"""
        )
        assert sizes["h2"] >= 40, f"lesson headings are {sizes['h2']} px; a lecture hall needs large type"
        assert sizes["label"] >= 22, f"control labels are {sizes['label']} px; a lecture hall needs large type"

        images = page.locator("img.widget-image")
        assert images.count() == len(names)
        moves = []
        for index, name in enumerate(names):
            image = images.nth(index)
            demo = image.locator("xpath=..")
            demo.scroll_into_view_if_needed()
            message = demo_message(demo)
            assert not message, f"board demo {name}: the default view cannot be drawn: {message}"
            demo.screenshot(
                path=screenshots("board", f"{index + 1:02d}_{name}-before.png")
            )  # first: also for a failure
            box = demo.bounding_box()
            assert box["height"] <= PROJECTOR["height"], (
                f"board demo {name} is {box['height']:.0f} px tall: it does not fit on a {PROJECTOR['height']} "
                "px screen"
            )
            before = image.screenshot()
            action, seconds, undo = move_a_control(page, demo, image)
            after = image.screenshot()
            demo.screenshot(path=screenshots("board", f"{index + 1:02d}_{name}-after.png"))
            assert changed_fraction(before, after) > 0, f"board demo {name}: a new figure arrived but no pixel changed"
            moves.append(f"{name} {seconds:.2f} s")
        timing["moves"] = ", ".join(moves)
        full_screenshot(page, VOILA_SCROLLER, screenshots("board", "board.png"))
    finally:
        context.close()
