"""What a course needs to pin and reuse a release: one version everywhere, a licence in the
current metadata form, a citation file, a changelog entry, and the repository's address in
one setting, with no placeholder left in any file."""

import re
import subprocess
import tomllib
from pathlib import Path

import cnnedu

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_version_lives_in_the_package_and_everything_follows_it():
    version = cnnedu.__version__
    assert re.fullmatch(r"\d+\.\d+\.\d+", version)
    assert PYPROJECT["project"]["dynamic"] == ["version"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "cnnedu.__version__"}
    assert PYPROJECT["tool"]["cnnedu"]["tag"] == f"v{version}"
    assert re.search(rf"^version: {re.escape(version)}$", (ROOT / "CITATION.cff").read_text(), re.M)
    assert re.search(rf"^## {re.escape(version)} - \d{{4}}-\d\d-\d\d$", (ROOT / "CHANGELOG.md").read_text(), re.M)


def test_licence_in_the_current_metadata_form():
    assert PYPROJECT["project"]["license"] == "MIT"  # an SPDX expression, not {text = ...}
    assert PYPROJECT["project"]["license-files"] == ["LICENSE"]
    licence = (ROOT / "LICENSE").read_text()
    assert licence.startswith("MIT License") and "CC BY 4.0" in licence


def test_no_placeholder_address_is_left():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    if not tracked:  # not a git checkout (an unpacked sdist): look at the text files that matter
        tracked = [
            "README.md",
            "docs/COURSE.md",
            *[str(p.relative_to(ROOT)) for p in (ROOT / "notebooks").glob("*.ipynb")],
        ]
    offenders = []
    for name in tracked:
        path = ROOT / name
        if path.suffix in {".md", ".ipynb", ".py", ".toml", ".yml", ".cff", ".txt"} and path.exists():
            if re.search(r"\bORG/REPO\b", path.read_text(errors="replace")) and path.name != "test_release.py":
                offenders.append(name)
    assert not offenders, f"placeholder ORG/REPO left in {offenders}"


def test_every_photo_has_a_credit():
    from cnnedu.images import PHOTO_CREDITS, PHOTOS

    assert set(PHOTO_CREDITS) == set(PHOTOS)
    readme = (ROOT / "README.md").read_text()
    for name in ("china.jpg", "flower.jpg", "Grace Hopper"):
        assert name in readme
    assert all("CC BY 2.0" in PHOTO_CREDITS[name] for name in ("china", "flower"))
