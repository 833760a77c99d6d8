"""The graded route, end to end and offline: scripts/build_assignments.py
builds nbgrader assignments from the lesson sources, nbgrader grades
submissions in a local kernel (no docker), a solved notebook gets full marks,
and one with a classic mistake gets partial marks with the mistake's name in
its feedback."""

import importlib.util
import re
import shutil
from pathlib import Path

import nbformat
import pytest

pytest.importorskip(
    "nbgrader", reason="nbgrader is not installed (a dev tool for the graded route): pip install nbgrader==0.9.6"
)

ROOT = Path(__file__).resolve().parent.parent
BUGGY_BACKWARD = """
def max_pool2d_backward(x, grad_output, size, stride):
    x = np.asarray(x, dtype=float)
    grad_x = np.zeros_like(x)
    for r in range(len(grad_output)):
        for c in range(len(grad_output[0])):
            window = x[r * stride : r * stride + size, c * stride : c * stride + size]
            winners = window == window.max()  # every tied maximum: the classic bug
            grad_x[r * stride : r * stride + size, c * stride : c * stride + size][winners] += grad_output[r][c]
    return grad_x
"""


def _script():
    spec = importlib.util.spec_from_file_location("build_assignments", ROOT / "scripts" / "build_assignments.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    script = _script()
    out = tmp_path_factory.mktemp("course")
    built = script.build(out)
    return script, out, built


def _submit(out, student, assignment):
    folder = out / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_every_lesson_with_code_exercises_becomes_an_assignment(course):
    script, out, built = course
    assert {name: names for name, (_, names) in built.items()} == {
        "lesson01": ["correlate2d"],
        "lesson02": ["convolve2d"],
        "lesson03": ["output_size"],
        "lesson04": ["max_pool2d", "max_pool2d_backward"],
        "lesson05": ["conv_forward"],
        "lesson06": ["conv_backward"],
        "lesson08": ["Conv2d"],
    }
    lessons = {path.stem[:2]: path for path in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}
    for assignment, (notebook_file, names) in built.items():
        release = nbformat.read(out / "release" / assignment / notebook_file, as_version=4)
        text = "\n".join(cell.source for cell in release.cells)
        assert "BEGIN SOLUTION" not in text and "<details><summary>Worked solutions" not in text
        assert "The worked solutions pass their own checks" not in text
        assert not re.search(r"worked\s+solution", text, re.I), "a pointer to worked solutions is left"
        graded = [cell for cell in release.cells if cell.metadata.get("nbgrader", {}).get("grade")]
        assert [cell.metadata["nbgrader"]["points"] for cell in graded] == [script.POINTS[n] for n in names]
        assert all(re.search(r'grade\("\w+", \w+\)', cell.source) for cell in graded)
        # the stubs the students get are the lesson's own stub cells, unchanged
        lesson = nbformat.read(lessons[assignment[-2:]], as_version=4)
        stubs = [cell.source for cell in release.cells if cell.metadata.get("nbgrader", {}).get("solution")]
        for stub in stubs:
            assert stub in [cell.source for cell in lesson.cells]
        source = nbformat.read(out / "source" / assignment / notebook_file, as_version=4)
        assert sum("### BEGIN SOLUTION" in cell.source for cell in source.cells) == len(names)


def _score(out, assignment, student):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{out / 'gradebook.db'}", "cnnedu") as gradebook:
        submission = gradebook.find_submission(assignment, student)
        return submission.score, submission.max_score


def test_solved_gets_full_marks_and_a_classic_mistake_partial_marks_with_its_name(course):
    script, out, built = course
    notebook_file = built["lesson04"][0]
    # alice hands in the solved notebook (the instructor's source version)
    shutil.copy(out / "source" / "lesson04" / notebook_file, _submit(out, "alice", "lesson04"))
    # bob fills in the release: max_pool2d right, its backward pass with the tie bug
    release = nbformat.read(out / "release" / "lesson04" / notebook_file, as_version=4)
    from cnnedu.exercises.code import solution_source

    for cell in release.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if grade_id == "max_pool2d_solution":
            cell.source = solution_source("max_pool2d")
        elif grade_id == "max_pool2d_backward_solution":
            cell.source = BUGGY_BACKWARD
    nbformat.write(release, _submit(out, "bob", "lesson04") / notebook_file)

    script.nbgrader(["autograde", "lesson04", "--create"], out)
    script.nbgrader(["generate_feedback", "lesson04"], out)

    assert _score(out, "lesson04", "alice") == (10.0, 10.0)
    assert _score(out, "lesson04", "bob") == (5.0, 10.0)
    feedback = (out / "feedback" / "bob" / "lesson04" / notebook_file.replace(".ipynb", ".html")).read_text()
    assert "every tied maximum given the gradient" in feedback
    alice = (out / "feedback" / "alice" / "lesson04" / notebook_file.replace(".ipynb", ".html")).read_text()
    assert "every tied maximum given the gradient" not in alice


def test_lesson_08_solved_trains_the_students_layer_and_gets_full_marks(course):
    script, out, built = course
    notebook_file = built["lesson08"][0]
    shutil.copy(out / "source" / "lesson08" / notebook_file, _submit(out, "alice", "lesson08"))
    script.nbgrader(["autograde", "lesson08", "--create"], out)
    assert _score(out, "lesson08", "alice") == (10.0, 10.0)
    graded = nbformat.read(out / "autograded" / "alice" / "lesson08" / notebook_file, as_version=4)
    printed = "\n".join(
        output.get("text", "") for cell in graded.cells if cell.cell_type == "code" for output in cell.outputs
    )
    assert "The first layer is your Conv2d." in printed
    assert "first layer: your Conv2d" in printed
    assert "held-out accuracy after 5 epochs >= 90%: True" in printed
