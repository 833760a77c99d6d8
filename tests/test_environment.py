"""requirements.txt (pip) and environment.yml (conda, Binder) must pin the same packages to the same versions."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _pip_pins():
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[name.lower()] = version
    return pins


def _conda_pins():
    pins = {}
    in_pip_section = False
    for line in (ROOT / "environment.yml").read_text().splitlines():
        if re.match(r"^\s*- pip:\s*$", line):
            in_pip_section = True
            continue
        match = re.match(r"^  - ([A-Za-z0-9_.-]+)=([^=\s]+)\s*$", line)
        if match and not in_pip_section:
            pins[match.group(1).lower()] = match.group(2)
        pip_match = re.match(r"^\s+- ([A-Za-z0-9_.-]+)==([^=\s]+)\s*$", line)
        if pip_match and in_pip_section:
            pins[pip_match.group(1).lower()] = pip_match.group(2)
    pins.pop("python", None)
    return pins


def test_requirements_are_all_pinned():
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            assert re.fullmatch(r"[A-Za-z0-9_.-]+==[0-9][A-Za-z0-9.]*", line), f"not an exact pin: {line!r}"


def test_same_packages_and_pins():
    pip, conda = _pip_pins(), _conda_pins()
    assert pip, "requirements.txt has no pins"
    assert pip == conda, f"only in requirements.txt: {sorted(set(pip.items()) - set(conda.items()))}; only in environment.yml: {sorted(set(conda.items()) - set(pip.items()))}"


def test_environment_installs_the_package_itself():
    assert re.search(r"^\s+- -e \.\s*$", (ROOT / "environment.yml").read_text(), re.M)
