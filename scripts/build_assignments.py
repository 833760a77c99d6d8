"""Build graded assignments (nbgrader) from the lesson sources.

For every lesson with code exercises this writes an nbgrader course folder:

    build/assignments/
        nbgrader_config.py
        source/lesson01/01_filters.ipynb    the instructor's version: worked solutions in
                                             "### BEGIN SOLUTION" regions, graded cells with points
        release/lesson01/01_filters.ipynb   what students get (made by `nbgrader generate_assignment`):
                                             the lesson as it is, code exercises stubbed,
                                             worked solutions removed

Each code exercise is one graded cell that calls the lesson's own check
(``cnnedu.exercises.code.grade``), worth the points in :data:`POINTS`.
Grading a class then is nbgrader's usual routine, offline and without docker:

    cd build/assignments
    # put each student's notebook in submitted/<student>/lesson01/01_filters.ipynb
    nbgrader autograde lesson01
    nbgrader generate_feedback lesson01     # feedback/<student>/lesson01/01_filters.html
    nbgrader export                         # grades.csv

Usage:

    python scripts/build_assignments.py              # every lesson with code exercises
    python scripts/build_assignments.py 04 08        # some lessons
    python scripts/build_assignments.py --out DIR    # another course folder
"""

import argparse
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "build" / "assignments"
CHECK = re.compile(r'CODE_EXERCISES\["(\w+)"\]\((\w+)\)')
# Sentences that point to worked solutions ("Worked solutions are in the note ...", "Stuck? ... prints a
# worked solution."): a period inside `code` does not end them.
POINTER = re.compile(r" ?(?:Worked\s+solutions|Stuck\?)(?:[^.`]|`[^`]*`)*\.")

#: Points of each code exercise.
POINTS = {
    "correlate2d": 5,
    "convolve2d": 5,
    "output_size": 5,
    "max_pool2d": 5,
    "max_pool2d_backward": 5,
    "conv_forward": 5,
    "conv_backward": 10,
    "Conv2d": 10,
}

CONFIG = """# nbgrader configuration of the cnnedu assignments (written by scripts/build_assignments.py)
c = get_config()  # noqa: F821 (nbgrader provides it)
c.CourseDirectory.course_id = "cnnedu"
c.CourseDirectory.db_url = "sqlite:///gradebook.db"
# A solution region is removed without a stub: the release keeps the lesson's own stub above it.
c.ClearSolutions.code_stub = {"python": ""}
# Lesson 08 trains two networks; every other cell takes seconds.
c.ExecutePreprocessor.timeout = 600
"""


def _lesson_builder():
    spec = importlib.util.spec_from_file_location("build_notebooks", ROOT / "scripts" / "build_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _nbgrader(cell, **fields):
    cell.metadata["nbgrader"] = {"schema_version": 3, "locked": False, "solution": False, "grade": False, **fields}
    return cell


def _is_worked_solutions(cell):
    """The lesson's worked answers of the number exercises (not for a student release)."""
    return cell.source.lstrip().startswith("<details><summary>Worked solutions")


def assignment_notebook(notebook):
    """The nbgrader source version of a built lesson notebook.

    Returns ``(notebook, names)``: every stub cell followed by a check cell
    ``CODE_EXERCISES["name"](name)`` gets the worked solution in a solution
    region; every check cell is followed by a graded cell.
    """
    from cnnedu.exercises.code import solution_source

    cells, names = [], []
    for cell in notebook.cells:
        if _is_worked_solutions(cell):
            continue
        if cell.cell_type == "markdown":
            cell.source = POINTER.sub("", cell.source)
        match = CHECK.search(cell.source) if cell.cell_type == "code" else None
        if match is None:
            cells.append(cell)
            continue
        name, argument = match.groups()
        if name != argument or name not in POINTS:
            raise SystemExit(f"check cell {cell.source!r}: expected CODE_EXERCISES[name](name) with a known name")
        stub = next((c for c in reversed(cells) if c.cell_type == "code"), None)
        if stub is None or not re.search(rf"^(def|class) {name}\b", stub.source, re.M):
            raise SystemExit(f"no stub cell defining {name} before its check cell")
        stub.source = (
            f"{stub.source.rstrip()}\n\n\n### BEGIN SOLUTION\n{solution_source(name).rstrip()}\n### END SOLUTION"
        )
        _nbgrader(stub, solution=True, grade_id=f"{name}_solution")
        _nbgrader(cell, locked=True, grade_id=f"{name}_check")
        graded = nbformat.v4.new_code_cell(
            f"# Graded, {POINTS[name]} points: the check above must pass.\n"
            f"from cnnedu.exercises.code import grade\n\n"
            f'grade("{name}", {name})'
        )
        _nbgrader(graded, grade=True, locked=True, points=POINTS[name], grade_id=f"{name}_graded")
        cells += [cell, graded]
        names.append(name)
    notebook.cells = cells
    for index, cell in enumerate(notebook.cells):  # ids stay stable from build to build
        cell.id = f"cell-{index:03d}"
    return notebook, names


def nbgrader(arguments, course):
    """Run ``nbgrader ARGUMENTS`` in the course folder with this Python. The
    folder of this Python goes first on PATH: nbgrader calls ``alembic`` by
    name to set up its gradebook."""
    environment = dict(os.environ)
    environment["PATH"] = str(Path(sys.executable).parent) + os.pathsep + environment.get("PATH", "")
    return subprocess.run(
        [sys.executable, "-m", "nbgrader", *arguments, "--log-level=WARN"],
        cwd=course,
        env=environment,
        check=True,
        capture_output=True,
        text=True,
    )


def build(out, only=()):
    """Write the course folder ``out`` and release every assignment; return
    ``{assignment: (notebook file, [exercise names])}``."""
    builder = _lesson_builder()
    lessons = builder.lessons()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "nbgrader_config.py").write_text(CONFIG)
    built = {}
    for stem, _, _ in lessons:
        if only and stem[:2] not in only:
            continue
        notebook, names = assignment_notebook(builder.build_notebook(stem, lessons))
        if not names:
            continue
        assignment = f"lesson{stem[:2]}"
        folder = out / "source" / assignment
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        nbformat.write(notebook, folder / f"{stem}.ipynb")
        built[assignment] = (f"{stem}.ipynb", names)
    for assignment, (notebook_file, _) in built.items():
        nbgrader(["generate_assignment", assignment, "--force"], out)
        release = out / "release" / assignment / notebook_file
        notebook = nbformat.read(release, as_version=4)
        for cell in notebook.cells:  # the removed solution leaves blank lines under the stub
            if cell.metadata.get("nbgrader", {}).get("solution"):
                cell.source = cell.source.rstrip()
        nbformat.write(notebook, release)
    return built


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("only", nargs="*", help="lesson numbers, e.g. 04; default every lesson with code exercises")
    parser.add_argument("--out", default=str(DEFAULT_OUT), help=f"course folder (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    try:
        import nbgrader  # noqa: F401
    except ImportError:
        print("nbgrader is not installed: pip install nbgrader==0.9.6 (see docs/COURSE.md)", file=sys.stderr)
        return 1
    try:
        built = build(args.out, args.only)
    except subprocess.CalledProcessError as error:
        print(f"{' '.join(error.cmd)} failed:\n{error.stdout}{error.stderr}", file=sys.stderr)
        return 1
    for assignment, (notebook, names) in built.items():
        points = sum(POINTS[name] for name in names)
        print(f"{assignment}: {notebook}, {points} points ({', '.join(names)})")
    print(f"course folder: {args.out} (source/ for instructors, release/ for students)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
