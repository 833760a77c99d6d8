"""The dependency files by role agree with each other and with pyproject.toml.

- requirements.txt (what a student installs) and environment.yml (conda) pin the same
  packages to the same versions; binder/environment.yml pins those plus Voila;
- requirements-dev.txt builds on them and pins every test tool exactly;
- pyproject.toml's runtime lower bounds are exactly the oldest stack that CI tests
  (requirements-oldest.txt), and requirements.txt pins every runtime dependency.
"""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"([A-Za-z0-9_.-]+)==([0-9][A-Za-z0-9.]*)")


def _pins(name):
    """{package: version} of a pip requirements file, following its ``-r`` includes."""
    pins = {}
    for line in (ROOT / name).read_text().splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        if line.startswith("-r "):
            pins.update(_pins(line[3:].strip()))
            continue
        match = PIN.fullmatch(line)
        assert match, f"{name}: not an exact pin: {line!r}"
        pins[match.group(1).lower()] = match.group(2)
    return pins


def _conda_pins(name):
    pins, pip_section = {}, []
    in_pip_section = False
    for line in (ROOT / name).read_text().splitlines():
        if re.match(r"^\s*- pip:\s*$", line):
            in_pip_section = True
            continue
        if in_pip_section:
            pip_section.append(line.strip())
            continue
        match = re.match(r"^  - ([A-Za-z0-9_.-]+)=([^=\s]+)\s*$", line)
        if match:
            pins[match.group(1).lower()] = match.group(2)
    pins.pop("python", None)
    return pins, pip_section


def _runtime_bounds():
    """{package: lower bound} of pyproject.toml's runtime dependencies."""
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    bounds = {}
    for dependency in dependencies:
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)>=([0-9.]+)(,<[0-9.]+)?", dependency)
        assert match, f"pyproject.toml: a runtime dependency needs a lower bound: {dependency!r}"
        bounds[match.group(1).lower()] = match.group(2)
    return bounds


def test_student_files_pin_the_same_packages():
    conda, pip_section = _conda_pins("environment.yml")
    assert _pins("requirements.txt") == conda
    assert pip_section == ["- -e ."], "environment.yml installs the package itself, nothing else from pip"


def test_binder_adds_only_voila():
    binder, _ = _conda_pins("binder/environment.yml")
    expected = _pins("requirements.txt") | _pins("requirements-present.txt")
    assert binder == expected
    assert "pip install --no-deps" in (ROOT / "binder" / "postBuild").read_text()


def test_students_get_no_test_tools():
    student = _pins("requirements.txt")
    for tool in ("pytest", "nbval", "hypothesis", "playwright", "voila", "ruff", "torch"):
        assert tool not in student, (
            f"requirements.txt is what a student installs; {tool} belongs in requirements-dev.txt"
        )
    dev = _pins("requirements-dev.txt")
    assert {"pytest", "nbval", "hypothesis", "playwright", "voila"} <= set(dev)
    assert set(student) <= set(dev)


def test_lower_bounds_are_the_oldest_stack_ci_tests():
    bounds, oldest, pinned = _runtime_bounds(), _pins("requirements-oldest.txt"), _pins("requirements.txt")
    for package, bound in bounds.items():
        assert oldest.get(package) == bound, (
            f"{package}: pyproject says >= {bound}, the oldest stack tested has {oldest.get(package)}"
        )
        assert package in pinned, f"{package} is a runtime dependency but requirements.txt does not pin it"


def test_makefile_installs_the_dev_set_for_tests_only():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^lint: install-dev$", makefile, re.M) and re.search(r"^test: lint$", makefile, re.M)
    assert re.search(r"^lab: install$", makefile, re.M)
    assert "requirements-dev.txt" in makefile


def test_pre_commit_runs_the_pinned_ruff_and_ci_runs_the_lint():
    hooks = (ROOT / ".pre-commit-config.yaml").read_text()
    pinned = re.search(r"^ruff==(\S+)$", (ROOT / "requirements-dev.txt").read_text(), re.M)
    assert pinned, "requirements-dev.txt should pin ruff"
    assert f"rev: v{pinned[1]}" in hooks, "the pre-commit hook and requirements-dev.txt run different ruff versions"
    assert "id: ruff-check" in hooks and "id: ruff-format" in hooks
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^lint:.*\n\t\$\(BIN\)/ruff check \.\n\t\$\(BIN\)/ruff format --check \.$", makefile, re.M)
    assert re.search(r"^test: lint$", makefile, re.M), "make test (which .ci/run runs) should lint first"
    assert re.search(r"^make test$", (ROOT / ".ci" / "run").read_text(), re.M)
