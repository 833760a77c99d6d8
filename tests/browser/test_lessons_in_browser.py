"""Every lesson as a student meets it: JupyterLab in Chromium.

For each ``notebooks/NN_*.ipynb`` (found when the tests are collected): open
it, Run All Cells, fail with the traceback text if a cell raises, then for
every demo in the page move a control and check that its figure changed.
Screenshots of the whole notebook and of every demo before and after the move
go to ``test-artifacts/screenshots/lessons/NN_topic/``.
"""

import shutil
import time

import pytest

from .browser_driver import (
    NOTEBOOK_SCROLLER,
    NOTEBOOKS,
    SCREENSHOTS,
    cell_report,
    changed_fraction,
    demo_message,
    errors_in,
    expected_demo_count,
    full_screenshot,
    move_a_control,
    open_notebook,
    run_all,
    tall_viewport,
    visible_height,
    wait_for_figures,
    warnings_in,
)

LESSONS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def registered_demos():
    from cnnedu.widgets import DEMOS

    return set(DEMOS)


@pytest.mark.parametrize("notebook", LESSONS, ids=[path.stem for path in LESSONS])
def test_lesson_runs_and_every_demo_responds(notebook, lab, page, timing, screenshots):
    stem = notebook.stem
    shutil.rmtree(SCREENSHOTS / "lessons" / stem, ignore_errors=True)  # no stale pictures from earlier runs
    expected = expected_demo_count(notebook, registered_demos)

    start = time.perf_counter()
    open_notebook(page, lab.notebook_url(notebook.name, f"browser-test-{stem}"))
    timing["open"] = f"{time.perf_counter() - start:.1f} s"

    start = time.perf_counter()
    prompts = run_all(page)
    timing["run all"] = f"{time.perf_counter() - start:.1f} s ({len(prompts)} code cells)"
    cells = cell_report(page)
    problems = errors_in(cells, prompts)
    if problems:
        full_screenshot(page, NOTEBOOK_SCROLLER, screenshots("lessons", stem, "notebook-error.png"))
        pytest.fail(f"{notebook.name}: a cell raised in JupyterLab.\n\n{problems}", pytrace=False)
    warnings = warnings_in(cells)
    stderr_file = screenshots("lessons", stem, "stderr.txt")
    stderr_file.unlink(missing_ok=True)
    if warnings:
        stderr_file.write_text("\n\n".join(warnings) + "\n")
        timing["stderr outputs"] = len(warnings)
        print(f"{notebook.name}: stderr outputs (warnings, progress bars):", *warnings, sep="\n")

    if stem[:2] != "00":
        assert expected >= 1, f"{notebook.name} shows no demo; every lesson needs at least one"
    images = wait_for_figures(page, ".jp-Notebook", expected)
    found = images.count()
    assert found == expected, f"{notebook.name}: {found} demo figures in the page, {expected} expected"
    view_height = visible_height(page, NOTEBOOK_SCROLLER)
    too_tall = []
    for index in range(found):
        height = images.nth(index).locator("xpath=..").bounding_box()["height"]
        if height > view_height:
            too_tall.append(f"demo {index + 1} is {height:.0f} px tall, the notebook view {view_height} px")
    if too_tall:
        timing["taller than the screen"] = "; ".join(too_tall)
    viewport = tall_viewport(page)
    moves, first_frame = [], []
    for index in range(found):
        image = images.nth(index)
        demo = image.locator("xpath=..")
        demo.scroll_into_view_if_needed()
        message = demo_message(demo)
        assert not message, f"{notebook.name}, demo {index + 1}: the default view cannot be drawn: {message}"
        demo.screenshot(path=screenshots("lessons", stem, f"demo{index + 1}-before.png"))
        before = image.screenshot()
        action, seconds, undo = move_a_control(page, demo, image)
        after = image.screenshot()
        demo.screenshot(path=screenshots("lessons", stem, f"demo{index + 1}-after.png"))
        fraction = changed_fraction(before, after)
        assert fraction > 0, (
            f"{notebook.name}, demo {index + 1}: a new figure arrived after {action} but no pixel changed"
        )
        moves.append(f"{action} -> {seconds:.2f} s, {fraction:.1%} of pixels")
        # Moving the control back should give back the first figure exactly. Recorded, not
        # asserted: a difference means the first picture a student sees is not the one the
        # demo draws for the same setting later (e.g. drawn before its layout was final).
        if undo is not None and undo():
            back = changed_fraction(before, image.screenshot())
            if back > 0:
                first_frame.append(f"demo {index + 1}: {back:.1%} of pixels differ")
    timing["demos"] = f"{found}: " + "; ".join(moves) if moves else "0"
    if first_frame:
        timing["first figure differs from the same setting redrawn"] = "; ".join(first_frame)
    page.set_viewport_size(viewport)
    full_screenshot(page, NOTEBOOK_SCROLLER, screenshots("lessons", stem, "notebook.png"))
    memory = lab.kernel_memory_mb()
    if memory:
        timing["kernel memory"] = f"{max(memory):.0f} MB"
