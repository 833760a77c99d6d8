"""Every exercise, from the registries: each number exercise in
``cnnedu.exercises.EXERCISES`` and each code exercise in ``CODE_EXERCISES``.

What holds for every check is tested here once: the worked solution passes its
own check (this replaced the last cell of every lesson), an unfilled answer is
"not attempted", odd input gets "wrong" with a message and never raises, a near
miss of the solution is wrong. What one exercise recognises (a typical mistake
and its hint) stays in ``test_exercises_lessonNN.py``.
"""

import ast
import importlib
from pathlib import Path

import numpy as np
import pytest

import cnnedu.exercises
from cnnedu.exercises import CODE_EXERCISES, EXERCISES, Feedback
from cnnedu.exercises.code import solutions as worked

NUMBER_EXERCISES = [(lesson, name) for lesson, names in EXERCISES.items() for name in names]
IDS = [f"{lesson}.{name}" for lesson, name in NUMBER_EXERCISES]

# Answers no exercise accepts: words, ragged or nested lists, containers, objects, numbers of the
# wrong kind or size, and truth values (True equals 1 in Python, but no exercise asks for a truth value).
JUNK = [
    "abc",
    "twelve",
    "",
    b"12",
    [[1, 2], [3]],
    {"a": 1},
    set(),
    [],
    object(),
    -1,
    3,
    -1.5,
    7.5,
    1000,
    3 + 4j,
    float("nan"),
    float("inf"),
    [1, 2],
    [1, 2, 3],
    [[0, 0], [0, 0]],
    np.zeros((3, 3)),
    np.array(["a"]),
    True,
    False,
]
# Answers that may even be right for some exercise ("46" is lesson 01's first answer as text): the
# check must still answer with a Feedback, not an exception.
ODD = ["46", "9", " 1 ", [46], ("4", "13"), np.float32(29.0), np.int64(15)]


def check_and_solution(lesson, name):
    module = importlib.import_module(f"cnnedu.exercises.{lesson}")
    return getattr(module, f"check_{name}"), getattr(module, f"solution_{name}")


def near_miss(solution):
    """An answer close to ``solution`` but wrong: half a unit off, or one name fewer."""
    if isinstance(solution, list) and all(isinstance(item, str) for item in solution):
        return solution[:-1]
    return np.asarray(solution, dtype=float) + 0.5


def test_the_registry_holds_every_check_and_solution_of_every_lesson_module():
    """Read independently from the module sources: every lessonNN.py is registered, every check has
    a worked solution and every solution a check, in the order the module defines them."""
    folder = Path(cnnedu.exercises.__file__).parent
    files = sorted(folder.glob("lesson[0-9][0-9].py"))
    assert [path.stem for path in files] == list(EXERCISES) == [f"lesson{n:02d}" for n in range(1, 10)]
    for path in files:
        defined = [node.name for node in ast.parse(path.read_text()).body if isinstance(node, ast.FunctionDef)]
        checks = [name.removeprefix("check_") for name in defined if name.startswith("check_")]
        solutions = [name.removeprefix("solution_") for name in defined if name.startswith("solution_")]
        assert set(checks) == set(solutions), f"{path.name}: a check without a solution, or the other way round"
        assert list(EXERCISES[path.stem]) == checks, path.name
        assert len(checks) >= 4, f"{path.name} has only {len(checks)} exercises"


def test_the_code_exercises_and_their_worked_solutions_are_the_same_list():
    assert list(worked.SOLUTIONS) == list(CODE_EXERCISES)
    assert all(exercise.name == name for name, exercise in CODE_EXERCISES.items())


@pytest.mark.parametrize("lesson, name", NUMBER_EXERCISES, ids=IDS)
def test_the_worked_solution_passes_its_own_check(lesson, name):
    check, solution = check_and_solution(lesson, name)
    feedback = check(solution())
    assert isinstance(feedback, Feedback)
    assert feedback.status == "correct", feedback.message
    assert feedback and repr(feedback).startswith("Correct: ")
    assert "<div" in feedback._repr_html_() and "#1b5e20" in feedback._repr_html_()


@pytest.mark.parametrize("unfilled", [..., None], ids=["ellipsis", "None"])
@pytest.mark.parametrize("lesson, name", NUMBER_EXERCISES, ids=IDS)
def test_an_unfilled_answer_is_not_attempted(lesson, name, unfilled):
    feedback = check_and_solution(lesson, name)[0](unfilled)
    assert feedback.status == "not attempted"
    assert "replace ..." in feedback.message
    assert repr(feedback).startswith("Not attempted yet: ")
    assert not feedback


@pytest.mark.parametrize("junk", JUNK, ids=[f"junk{index}" for index in range(len(JUNK))])
@pytest.mark.parametrize("lesson, name", NUMBER_EXERCISES, ids=IDS)
def test_junk_is_wrong_with_a_message_not_an_exception(lesson, name, junk):
    feedback = check_and_solution(lesson, name)[0](junk)
    assert isinstance(feedback, Feedback)
    assert feedback.status == "wrong"
    assert isinstance(feedback.message, str) and len(feedback.message) > 10


@pytest.mark.parametrize("odd", ODD, ids=[f"odd{index}" for index in range(len(ODD))])
@pytest.mark.parametrize("lesson, name", NUMBER_EXERCISES, ids=IDS)
def test_odd_answers_get_feedback_not_an_exception(lesson, name, odd):
    feedback = check_and_solution(lesson, name)[0](odd)
    assert isinstance(feedback, Feedback) and feedback.status in {"correct", "wrong"}
    assert feedback.message


@pytest.mark.parametrize("lesson, name", NUMBER_EXERCISES, ids=IDS)
def test_a_near_miss_of_the_solution_is_wrong_and_says_something_else(lesson, name):
    check, solution = check_and_solution(lesson, name)
    right = check(solution())
    feedback = check(near_miss(solution()))
    assert feedback.status == "wrong"
    assert feedback.message and feedback.message != right.message


@pytest.mark.parametrize("name", list(CODE_EXERCISES))
def test_the_worked_code_passes_its_own_check(name):
    feedback = CODE_EXERCISES[name](worked.SOLUTIONS[name])
    assert isinstance(feedback, Feedback)
    assert feedback.status == "correct", feedback.message
    assert f"your {name} gives cnnedu's answers on all" in feedback.message


def raising_student(name):
    """Student code of the right kind (function or class) that raises on every input."""
    if CODE_EXERCISES[name].kind == "class":

        class Broken:
            def __init__(self, *args, **kwargs):
                raise RuntimeError("a bug in the student's code")

            def __call__(self, x):
                return x

            def backward(self, grad_output):
                return grad_output

        return Broken

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in the student's code")

    return broken


@pytest.mark.parametrize("name", list(CODE_EXERCISES))
def test_code_that_raises_is_wrong_and_the_message_names_the_input_and_the_error(name):
    feedback = CODE_EXERCISES[name](raising_student(name))
    assert feedback.status == "wrong"
    assert feedback.message.startswith("On input 1 of ")
    assert "RuntimeError: a bug in the student's code" in feedback.message


@pytest.mark.parametrize("name", list(CODE_EXERCISES))
def test_something_that_is_not_code_is_named(name):
    kind = CODE_EXERCISES[name].kind
    feedback = CODE_EXERCISES[name](42)
    assert feedback.status == "wrong"
    assert f"{name} must be a {kind}; got int" in feedback.message
