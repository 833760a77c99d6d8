"""Fixtures for the browser tests: JupyterLab and Voila on 127.0.0.1, driven by
Debian's Chromium through Playwright.

- ``chromium``: the path of the Chromium executable. ``CNNEDU_CHROMIUM`` if set,
  else ``chromium`` / ``chromium-browser`` on PATH. Missing: the tests skip and
  say how to install it, except in CI (``CI`` set), where they fail.
- ``browser``: one headless Chromium for the session (Playwright, sync API).
- ``lab_server``: JupyterLab serving a *copy* of ``notebooks/`` (it autosaves)
  with temporary config, runtime, data, settings and workspace folders, a
  random token, 127.0.0.1 and a free port; stopped by the PID started here.
- ``page``: a fresh page per test (in one browser context, whose cache keeps
  JupyterLab's scripts between tests).

Screenshots are written under ``test-artifacts/screenshots/`` (gitignored);
``test-artifacts/browser-timings.txt`` gets one line per test.
"""

import os
import shutil
import time

import pytest

from .browser_driver import ARTIFACTS, NOTEBOOKS, SCREENSHOTS
from .servers import LabServer

TIMINGS = []  # (test id, seconds, outcome, details), printed at the end of the run

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1440, "height": 900}  # a common laptop screen


def in_ci():
    """True when the environment variable CI says we run in continuous integration."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def unavailable(reason):
    """Skip (developer machine) or fail (CI) because the browser cannot run."""
    how = (
        "Install Debian's Chromium with `sudo apt-get install chromium` "
        "(Playwright's own browser download does not work everywhere), or set CNNEDU_CHROMIUM=/path/to/chromium."
    )
    if in_ci():
        pytest.fail(f"browser tests must run in CI, but {reason}. {how}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}. {how}")


def find_chromium():
    """Path of the Chromium to drive, or None: CNNEDU_CHROMIUM, else Chromium on PATH,
    else a browser that ``python -m playwright install chromium`` downloaded (where that works)."""
    configured = os.environ.get("CNNEDU_CHROMIUM")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as manager:
            bundled = manager.chromium.executable_path
    except Exception:
        return None
    return bundled if bundled and os.access(bundled, os.X_OK) else None


@pytest.fixture(scope="session")
def chromium():
    path = find_chromium()
    if path is None:
        configured = os.environ.get("CNNEDU_CHROMIUM")
        unavailable(f"CNNEDU_CHROMIUM={configured} is not executable" if configured else "Chromium was not found")
    return path


@pytest.fixture(scope="session")
def browser(chromium):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright Python package is missing (pip install -r requirements.txt)")
    manager = sync_playwright().start()
    try:
        instance = manager.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
    except Exception as error:
        manager.stop()
        pytest.fail(f"Chromium at {chromium} did not start through Playwright: {error}", pytrace=False)
    yield instance
    instance.close()
    manager.stop()


@pytest.fixture(scope="session")
def lab_server(chromium, tmp_path_factory):
    server = LabServer(tmp_path_factory.mktemp("lab"), NOTEBOOKS)
    yield server
    try:
        server.shutdown_kernels()
    except OSError:
        pass
    server.stop()


@pytest.fixture
def lab(lab_server):
    """The JupyterLab server; every kernel is shut down after the test."""
    yield lab_server
    try:
        lab_server.shutdown_kernels()
    except OSError:
        pass


@pytest.fixture(scope="session")
def browser_context(browser):
    """One context for the session, so JupyterLab's scripts stay in the browser cache
    between tests (each test still gets its own page and its own workspace)."""
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
    context.set_default_timeout(30_000)
    yield context
    context.close()


@pytest.fixture
def page(browser_context):
    new_page = browser_context.new_page()
    yield new_page
    new_page.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.browser_call_report = report
    return report


@pytest.fixture
def timing(request):
    """A dict the test fills with details; its duration and outcome are printed at the end."""
    details = {}
    start = time.perf_counter()
    yield details
    report = getattr(request.node, "browser_call_report", None)
    outcome = report.outcome if report is not None else "error"
    summary = ", ".join(f"{key}: {value}" for key, value in details.items())
    TIMINGS.append((request.node.name, time.perf_counter() - start, outcome, summary))


@pytest.fixture
def screenshots():
    """A function name -> path under test-artifacts/screenshots/ (folders created)."""

    def path(*parts):
        target = SCREENSHOTS.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    return path


def pytest_terminal_summary(terminalreporter):
    if not TIMINGS:
        return
    terminalreporter.section("browser tests: seconds per test")
    lines = [f"{seconds:6.1f} s  {outcome:6}  {name}  {details}" for name, seconds, outcome, details in TIMINGS]
    for line in lines:
        terminalreporter.write_line(line)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "browser-timings.txt").write_text("\n".join(lines) + "\n")
