"""Your own pictures, in JupyterLab in Chromium: upload a photo and then a
file that is not one into the kernel scanner, and draw a held-out digit on the
digit explorer's pad, cell by cell, until the network names it.

The notebook under test is written into the served folder by the test (two
one-line demo cells). Screenshots: ``test-artifacts/screenshots/own_pictures/``.
"""

import importlib.util
import json
import time

import numpy as np
import pytest

from .browser_driver import (
    NOTEBOOK_SCROLLER,
    cell_report,
    changed_fraction,
    demo_message,
    errors_in,
    full_screenshot,
    open_notebook,
    run_all,
    tall_viewport,
    wait_for_figures,
    wait_for_kernel_idle,
)

NOTEBOOK = "own_pictures.ipynb"
CELLS = ["import cnnedu.widgets", "cnnedu.widgets.kernel_scanner()", "cnnedu.widgets.digit_explorer()"]
DIGIT_INDEX = 14  # a held-out "5" that the quick model names with 99.9% when rounded to the pad's shades


def write_notebook(folder):
    cells = [
        {"cell_type": "code", "metadata": {}, "source": source, "outputs": [], "execution_count": None}
        for source in CELLS
    ]
    notebook = {
        "cells": cells,
        "metadata": {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (folder / NOTEBOOK).write_text(json.dumps(notebook))


def a_real_photo():
    """china.jpg, a 427x640 JPEG photograph that ships with scikit-learn (found without importing it)."""
    from pathlib import Path

    spec = importlib.util.find_spec("sklearn")
    return Path(next(iter(spec.submodule_search_locations))) / "datasets" / "images" / "china.jpg"


@pytest.fixture
def demos(lab, page, timing):
    """The notebook opened and run in JupyterLab; returns the two demo elements."""
    write_notebook(lab.root)
    start = time.perf_counter()
    open_notebook(page, lab.notebook_url(NOTEBOOK, f"own-pictures-{time.monotonic_ns()}"))
    prompts = run_all(page)
    problems = errors_in(cell_report(page), prompts)
    assert not problems, problems
    images = wait_for_figures(page, ".jp-Notebook", 2, timeout_ms=90_000)
    timing["open and run"] = f"{time.perf_counter() - start:.1f} s"
    tall_viewport(page, 1600)
    return [images.nth(index).locator("xpath=..") for index in range(2)]


def wait_until(page, condition, timeout_s=30, what="the condition"):
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout_s} s")
        page.wait_for_timeout(100)


def upload(page, demo, path):
    with page.expect_file_chooser() as chooser:
        demo.locator(".widget-upload").click()
    chooser.value.set_files(str(path))


def test_upload_a_photo_then_a_bad_file_into_the_kernel_scanner(demos, page, tmp_path, timing, screenshots):
    scanner = demos[0]
    figure = scanner.locator("img.widget-image")
    scanner.scroll_into_view_if_needed()
    before_src, before = figure.get_attribute("src"), figure.screenshot()

    upload(page, scanner, a_real_photo())  # a good file: the figure shows it, the menu says so
    wait_until(page, lambda: figure.get_attribute("src") != before_src, what="a new figure after the upload")
    wait_for_kernel_idle(page)
    assert scanner.locator(".widget-dropdown select").last.input_value() == "your picture"
    assert "china.jpg" in scanner.inner_text()
    assert not demo_message(scanner) and "Cannot use" not in scanner.inner_text()
    assert changed_fraction(before, figure.screenshot()) > 0.05
    scanner.screenshot(path=screenshots("own_pictures", "scanner-uploaded-photo.png"))
    good_src = figure.get_attribute("src")

    bad = tmp_path / "lecture-notes.pdf"
    bad.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n")
    upload(page, scanner, bad)  # a bad file: its message in the demo, the picture kept
    wait_until(page, lambda: "Cannot use lecture-notes.pdf" in scanner.inner_text(), what="the bad file's message")
    text = scanner.inner_text()
    assert "is a PDF document, not an image" in text
    assert figure.get_attribute("src") == good_src
    scanner.screenshot(path=screenshots("own_pictures", "scanner-bad-file.png"))

    handle = scanner.locator(".widget-slider .noUi-handle").first  # and the demo goes on
    handle.focus()
    handle.press("ArrowRight")
    wait_until(page, lambda: figure.get_attribute("src") != good_src, what="a redraw after the bad file")
    wait_for_kernel_idle(page)
    assert "Cannot use" not in scanner.inner_text()
    timing["upload"] = "china.jpg shown, lecture-notes.pdf refused, slider still works"


def test_draw_a_held_out_digit_on_the_pad(demos, page, timing, screenshots):
    from cnnedu.training import digits_dataset

    _, images, _, labels = digits_dataset()
    shades = np.round(images[DIGIT_INDEX, 0] * 2) / 2  # the pad's shades: 0, 0.5, 1
    explorer = demos[1]
    explorer.scroll_into_view_if_needed()
    cells = explorer.locator(".cnnedu-drawing-pad button")
    assert cells.count() == 64
    explorer.locator("button", has_text="clear").click()
    wait_until(page, lambda: "the pad is empty" in explorer.inner_text(), what="the cleared pad")
    start = time.perf_counter()
    clicks = 0
    for (row, column), shade in np.ndenumerate(shades):
        for _ in range({0.0: 0, 1.0: 1, 0.5: 2}[float(shade)]):  # ink takes one click, half ink two
            cells.nth(row * 8 + column).click()
            clicks += 1
            page.wait_for_timeout(60)  # a student's pace; two quick clicks would each cycle the cell
    wait_for_kernel_idle(page)
    label = int(labels[DIGIT_INDEX])
    prediction = explorer.locator(".cnnedu-prediction")
    wait_until(
        page,
        lambda: prediction.count() and prediction.inner_text().strip() == str(label),
        timeout_s=60,
        what=f"the prediction {label}",
    )
    timing["drawing"] = f"{clicks} clicks, {time.perf_counter() - start:.1f} s until the network said {label}"
    colours = cells.evaluate_all("cells => cells.map(cell => getComputedStyle(cell).backgroundColor)")
    expected = [f"rgb({v}, {v}, {v})" for v in (np.round(255 * (1 - shades.ravel()))).astype(int)]
    assert colours == expected, "the pad does not show the drawing the kernel received"
    explorer.screenshot(path=screenshots("own_pictures", "digit-drawn-and-classified.png"))
    full_screenshot(page, NOTEBOOK_SCROLLER, screenshots("own_pictures", "notebook.png"))


PHOTO_DEMOS = ["kernel_scanner", "flip_explorer", "rgb_layer_demo", "receptive_field_explorer"]


@pytest.fixture(scope="module")
def voila_photo_demos(chromium, tmp_path_factory):
    """Voila (as the lecture board is served) on a page with the four photo demos."""
    import sys

    from .servers import Server, free_port, jupyter_environment

    base = tmp_path_factory.mktemp("voila-own-pictures")
    folder = base / "notebooks"
    folder.mkdir()
    cells = ["import cnnedu.widgets"] + [f"cnnedu.widgets.{name}()" for name in PHOTO_DEMOS]
    notebook = {
        "cells": [
            {"cell_type": "code", "metadata": {}, "source": source, "outputs": [], "execution_count": None}
            for source in cells
        ],
        "metadata": {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = folder / "photos.ipynb"
    path.write_text(json.dumps(notebook))
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "voila",
        str(path),
        f"--port={port}",
        "--no-browser",
        "--Voila.ip=127.0.0.1",
        "--Voila.port_retries=0",
        "--show_tracebacks=True",
    ]
    server = Server(
        "Voila",
        command,
        jupyter_environment(base / "jupyter"),
        folder,
        base / "voila.log",
        "/voila/static/favicon.ico",
        f"http://127.0.0.1:{port}",
    )
    yield server
    server.stop()


def test_upload_good_and_bad_files_into_every_photo_demo_in_voila(
    voila_photo_demos, browser, tmp_path, timing, screenshots
):
    bad = tmp_path / "notes.txt"
    bad.write_text("Bring a photo of your cat to the next lecture.\n")
    context = browser.new_context(viewport={"width": 1440, "height": 2400}, device_scale_factor=1)
    context.set_default_timeout(60_000)
    page = context.new_page()
    try:
        start = time.perf_counter()
        page.goto(voila_photo_demos.url + "/")
        wait_until(
            page,
            lambda: (
                page.locator("img.widget-image").count() == len(PHOTO_DEMOS)
                and page.evaluate(
                    "() => Array.from(document.querySelectorAll('img.widget-image'))"
                    ".every(img => img.complete && img.naturalWidth > 0)"
                )
            ),
            timeout_s=120,
            what="the four demos in Voila",
        )
        timing["shown"] = f"{time.perf_counter() - start:.1f} s"
        for index, name in enumerate(PHOTO_DEMOS):
            figure = page.locator("img.widget-image").nth(index)
            demo = figure.locator("xpath=..")
            demo.scroll_into_view_if_needed()
            old_src = figure.get_attribute("src")
            upload(page, demo, a_real_photo())
            wait_until(
                page,
                lambda figure=figure, old_src=old_src: figure.get_attribute("src") != old_src,
                timeout_s=60,
                what=f"{name}: a new figure after uploading china.jpg",
            )
            wait_until(page, lambda demo=demo: "china.jpg" in demo.inner_text(), what=f"{name}: the file named")
            assert "your picture" in demo.locator("select").evaluate_all(
                "selects => selects.map(select => select.value)"
            ), f"{name}: 'your picture' is not selected"
            demo.screenshot(path=screenshots("own_pictures", f"voila-{name}-photo.png"))
            good_src = figure.get_attribute("src")
            upload(page, demo, bad)
            wait_until(
                page,
                lambda demo=demo: "Cannot use notes.txt" in demo.inner_text(),
                what=f"{name}: the bad file's message",
            )
            assert "is text, not an image" in demo.inner_text()
            assert figure.get_attribute("src") == good_src, f"{name}: a bad file changed the figure"
        timing["uploads"] = f"china.jpg and notes.txt into {', '.join(PHOTO_DEMOS)}"
    finally:
        context.close()
