"""What the browser tests do on a page: run a notebook in JupyterLab, find the
demos in the DOM, move their controls and check that the figure changed.

A demo (``cnnedu.widgets.Demo``) is a VBox whose children are an optional
title, an HBox of controls, an HTML message line and the figure as an
``img.widget-image``: so every ``img.widget-image`` is one demo, and its parent
element is the demo. Playwright is imported by the fixtures, not here.
"""

import io
import json
import os
import re
import time
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
# The notebooks under test; overridable so the harness itself can be tried on sample notebooks.
NOTEBOOKS = Path(os.environ.get("CNNEDU_BROWSER_NOTEBOOKS", ROOT / "notebooks")).resolve()
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
# The element of JupyterLab's notebook panel that scrolls.
NOTEBOOK_SCROLLER = ".jp-NotebookPanel .jp-WindowedPanel-outer"

# Chromium cannot paint a page much taller than this (GPU texture limit).
MAX_SCREENSHOT_HEIGHT = 16000
FIGURE_CHANGE_TIMEOUT_MS = 5000
DEMO_CALL = re.compile(r"\b([A-Za-z_]\w*)\s*\(")

_PROMPTS_JS = """() => Array.from(document.querySelectorAll('.jp-Notebook .jp-CodeCell'))
    .map(cell => (cell.querySelector('.jp-InputPrompt') || {}).textContent || '')"""

_KERNEL_IDLE_JS = """() => Array.from(document.querySelectorAll('.jp-StatusBar-TextItem'))
    .some(item => /\\|\\s*Idle\\s*$/.test(item.textContent.trim()))"""

# Text of every output that shows an exception: a stderr output whose text looks like an
# IPython traceback (JupyterLab renders error outputs with the stderr mime type).
_OUTPUTS_JS = """() => Array.from(document.querySelectorAll('.jp-Notebook .jp-CodeCell')).map((cell, index) => ({
    index: index,
    prompt: (cell.querySelector('.jp-InputPrompt') || {}).textContent || '',
    source: (cell.querySelector('.jp-InputArea-editor') || {}).innerText || '',
    stderr: Array.from(cell.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'))
        .map(output => output.innerText),
    widgetErrors: Array.from(cell.querySelectorAll('.jp-OutputArea-output'))
        .map(output => output.innerText)
        .filter(text => /Error displaying widget|Error rendering widget/.test(text)),
}))"""

_ERROR_PATTERN = re.compile(r"Traceback \(most recent call last\)|^\w*(Error|Exception)\b.*:", re.M)


def expected_demo_count(path, demo_names):
    """How many demos the notebook at ``path`` shows.

    From the stored outputs when the notebook was executed (a Demo's output
    bundle holds a widget view *and* a PNG of its figure); otherwise the number
    of code cells whose last line calls a registered demo function
    (``demo_names()`` returns their names; called only then).
    """
    notebook = json.loads(Path(path).read_text())
    code_cells = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    if any(cell.get("outputs") for cell in code_cells):
        return sum(
            1
            for cell in code_cells
            for output in cell.get("outputs", [])
            if {"application/vnd.jupyter.widget-view+json", "image/png"} <= set(output.get("data", {}))
        )
    count = 0
    demo_names = demo_names()
    for cell in code_cells:
        lines = [line for line in "".join(cell["source"]).splitlines() if line.strip() and not line.startswith("#")]
        if lines and any(name in demo_names for name in DEMO_CALL.findall(lines[-1])):
            count += 1
    return count


def wait_for_kernel_idle(page, timeout_ms=60_000):
    page.wait_for_selector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', timeout=timeout_ms)
    page.wait_for_function(_KERNEL_IDLE_JS, timeout=timeout_ms)


def open_notebook(page, url):
    """Open a notebook in JupyterLab and wait until its kernel is connected and idle."""
    page.goto(url)
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook", timeout=60_000)
    wait_for_kernel_idle(page)


def click_menu(page, menu, item):
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{re.escape(menu)}$")).first.click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}$")).first.click()


def run_all(page, timeout_s=180):
    """Run All Cells and wait until the last cell is done or a cell raised.

    Returns the prompts of the code cells ('[3]:', '[ ]:' ...). Run All stops at
    the first exception, leaving the later prompts empty.
    """
    prompts = page.evaluate(_PROMPTS_JS)
    if not prompts:
        return prompts
    for attempt in range(2):
        click_menu(page, "Run", "Run All Cells")
        try:
            page.wait_for_function(f"() => ({_PROMPTS_JS})().some(p => /\\[(\\*|\\d+)\\]/.test(p))", timeout=10_000)
            break
        except Exception:
            if attempt:
                raise
    deadline = time.monotonic() + timeout_s
    while True:
        prompts = page.evaluate(_PROMPTS_JS)
        if not any("*" in prompt for prompt in prompts) and page.evaluate(_KERNEL_IDLE_JS):
            return prompts
        if time.monotonic() > deadline:
            raise AssertionError(f"Run All did not finish within {timeout_s} s; prompts: {prompts}")
        time.sleep(0.1)


def executed(prompt):
    return re.search(r"\[\d+\]", prompt) is not None


def cell_report(page):
    """Per code cell: prompt, source, stderr texts and widget errors."""
    return page.evaluate(_OUTPUTS_JS)


def errors_in(cells, prompts):
    """Text describing every cell that raised (empty when none did)."""
    problems = []
    for cell in cells:
        tracebacks = [text for text in cell["stderr"] if _ERROR_PATTERN.search(text)]
        if tracebacks or cell["widgetErrors"]:
            first_line = cell["source"].strip().splitlines()[:3]
            problems.append(
                f"code cell {cell['index'] + 1} {cell['prompt']} starting\n    "
                + "\n    ".join(first_line)
                + "\nraised:\n"
                + "\n".join(tracebacks + cell["widgetErrors"])
            )
    if not problems and prompts and not executed(prompts[-1]):
        done = [index for index, prompt in enumerate(prompts) if executed(prompt)]
        problems.append(
            f"Run All stopped after code cell {done[-1] + 1 if done else 0} of {len(prompts)} "
            f"without a visible traceback; prompts: {prompts}"
        )
    return "\n\n".join(problems)


def warnings_in(cells):
    """stderr outputs that are not tracebacks (warnings, progress bars)."""
    return [
        f"cell {cell['index'] + 1}: {text.strip()[:300]}"
        for cell in cells
        for text in cell["stderr"]
        if not _ERROR_PATTERN.search(text)
    ]


def wait_for_figures(page, scope, count, timeout_ms=30_000):
    """Wait until ``count`` demo figures inside ``scope`` (a CSS selector) have loaded."""
    page.wait_for_function(
        """([scope, count]) => {
            const images = document.querySelectorAll(scope + ' img.widget-image');
            return images.length >= count
                && Array.from(images).every(img => img.src && img.complete && img.naturalWidth > 0);
        }""",
        arg=[scope, count],
        timeout=timeout_ms,
    )
    return page.locator(f"{scope} img.widget-image")


def demo_message(demo):
    """The demo's message line (empty unless a setting cannot be drawn)."""
    texts = demo.locator(":scope > .widget-html .widget-html-content").all_inner_texts()
    return " ".join(text.strip() for text in texts if "Cannot draw" in text)


def _wait_src_change(page, image, old_src, timeout_ms):
    try:
        page.wait_for_function(
            "([img, old]) => img.src !== old && img.complete && img.naturalWidth > 0",
            arg=[image.element_handle(), old_src],
            timeout=timeout_ms,
        )
        return True
    except Exception:
        return False


def _slider_moves(handle):
    now = float(handle.get_attribute("aria-valuenow") or 0)
    high = float(handle.get_attribute("aria-valuemax") or now + 1)
    return ["ArrowRight"] if now < high else ["ArrowLeft"]


def move_a_control(page, demo, image, timeout_ms=FIGURE_CHANGE_TIMEOUT_MS, max_tries=6):
    """Move controls of ``demo`` one at a time until its figure changes.

    Sliders first (focus the noUi handle, press an arrow key), then dropdowns
    (select another option), toggle buttons, checkboxes. Returns a description
    of the move that changed the figure, the seconds until the new figure
    arrived, and ``undo`` (a function that moves a slider or dropdown back and
    returns whether a new figure arrived; None for other controls). Raises
    AssertionError listing what was tried when nothing changed.
    """
    tried = []
    candidates = []
    controls = demo  # the demo holds controls, a message line and the figure: nothing else to move
    for slider in controls.locator(".widget-slider").all():
        candidates.append(("slider", slider))
    for dropdown in controls.locator(".widget-dropdown").all():
        candidates.append(("dropdown", dropdown))
    for toggles in controls.locator(".widget-toggle-buttons").all():
        candidates.append(("toggle buttons", toggles))
    for checkbox in controls.locator(".widget-checkbox").all():
        candidates.append(("checkbox", checkbox))
    for toggle in controls.locator("button.widget-toggle-button").all():
        candidates.append(("toggle", toggle))
    if not candidates:
        raise AssertionError("the demo shows no slider, dropdown, toggle or checkbox to move")
    for kind, control in candidates[:max_tries]:
        label = (
            control.locator(".widget-label").first.inner_text() if control.locator(".widget-label").count() else ""
        ).strip()
        name = f"{kind} '{label}'" if label else kind
        old_src = image.get_attribute("src")
        start = time.perf_counter()
        if kind == "slider":
            handle = control.locator(".noUi-handle").first
            handle.scroll_into_view_if_needed()
            handle.focus()
            keys = _slider_moves(handle)
            for key in keys:
                handle.press(key)
            action = f"{name} {'/'.join(keys)} to {control.locator('.widget-readout').first.inner_text().strip()}"
            back = {"ArrowRight": "ArrowLeft", "ArrowLeft": "ArrowRight"}

            def undo(handle=handle, keys=keys, back=back):
                src = image.get_attribute("src")
                handle.focus()
                for key in keys:
                    handle.press(back[key])
                return _wait_src_change(page, image, src, timeout_ms)
        elif kind == "dropdown":
            select = control.locator("select")
            options = select.locator("option").all_inner_texts()
            values = [option.get_attribute("value") for option in select.locator("option").all()]
            current = select.input_value()
            if len(values) < 2:
                tried.append(f"{name} (one option)")
                continue
            new = values[(values.index(current) + 1) % len(values)] if current in values else values[0]
            select.select_option(new)
            action = f"{name} -> {options[values.index(new)].strip()}"

            def undo(select=select, current=current):
                src = image.get_attribute("src")
                select.select_option(current)
                return _wait_src_change(page, image, src, timeout_ms)
        elif kind == "toggle buttons":
            buttons = [
                button
                for button in control.locator("button").all()
                if "mod-active" not in (button.get_attribute("class") or "")
            ]
            if not buttons:
                tried.append(f"{name} (no other choice)")
                continue
            buttons[0].click()
            action = f"{name} -> {buttons[0].inner_text().strip()}"
            undo = None
        else:
            target = control.locator("input") if kind == "checkbox" else control
            target.first.click()
            action = f"{name} clicked"
            undo = None
        if _wait_src_change(page, image, old_src, timeout_ms):
            return action, time.perf_counter() - start, undo
        message = demo_message(demo)
        tried.append(f"{action}" + (f" (message: {message})" if message else " (figure unchanged)"))
    raise AssertionError("no control changed the figure; tried: " + "; ".join(tried))


def pixels(png_bytes):
    return np.asarray(Image.open(io.BytesIO(png_bytes)).convert("RGB"), dtype=np.int16)


def changed_fraction(before_png, after_png):
    """Fraction of pixels that differ between two screenshots (1.0 if the sizes differ)."""
    before, after = pixels(before_png), pixels(after_png)
    if before.shape != after.shape:
        return 1.0
    return float(np.mean(np.any(before != after, axis=-1)))


def full_screenshot(page, scroller, path):
    """Screenshot of everything inside the scrolling element ``scroller`` (the
    notebook, the Voila page): the viewport is made as tall as the content
    (capped), scrolled to the top, shot, then restored."""
    viewport = page.viewport_size
    # After a viewport change the app lays itself out on a later frame: wait until the
    # scrolling element fits in the window again before measuring the chrome around it.
    page.wait_for_function(
        """(selector) => {
            const el = document.querySelector(selector);
            return !el || el.getBoundingClientRect().bottom <= window.innerHeight + 1;
        }""",
        arg=scroller,
        timeout=5000,
    )
    measure = """(selector) => {
        const el = document.querySelector(selector) || document.scrollingElement;
        el.scrollTop = 0;
        const top = el.getBoundingClientRect().top;
        const children = Array.from(el.querySelectorAll('.jp-Cell, .jp-OutputArea, .jp-Notebook > *'));
        const bottom = children.length
            ? Math.max(...children.map(child => child.getBoundingClientRect().bottom))
            : top + el.scrollHeight;
        const chrome = window.innerHeight - el.getBoundingClientRect().height;  // menus and status bar
        return Math.ceil(bottom - top + Math.max(chrome, 0) + 40);
    }"""
    height = page.evaluate(measure, scroller)
    height = int(min(max(height, viewport["height"]), MAX_SCREENSHOT_HEIGHT))
    page.set_viewport_size({"width": viewport["width"], "height": height})
    try:
        page.wait_for_timeout(300)  # let the layout follow the new size
        page.evaluate(
            "(selector) => { const el = document.querySelector(selector); if (el) el.scrollTop = 0; }", scroller
        )
        page.screenshot(path=str(path))
    finally:
        page.set_viewport_size(viewport)
    return height


def tall_viewport(page, height=2400):
    """Make the viewport tall enough that a whole demo fits (element screenshots
    of an element taller than its scrolling container come out cut)."""
    viewport = page.viewport_size
    page.set_viewport_size({"width": viewport["width"], "height": height})
    page.wait_for_timeout(300)  # the app re-lays itself out on later frames
    return viewport


def visible_height(page, scroller):
    """Height in pixels of the visible part of the scrolling element."""
    return page.evaluate(
        "(selector) => "
        "{ const el = document.querySelector(selector); return el ? el.clientHeight : window.innerHeight; }",
        scroller,
    )
