"""Code exercises: the student writes the function (or class) and a check
runs it on inputs worked out by hand, then on random ones, against cnnedu's
own implementation.

In a lesson::

    def correlate2d(image, kernel):
        ...                                   # the student's code

    from cnnedu.exercises import CODE_EXERCISES
    CODE_EXERCISES["correlate2d"](correlate2d)   # a Feedback

Feedback names the input that failed, what was expected and what came back
(shape first, then the differing cells), and the classic mistake when the
answer is exactly what that mistake gives. The stub (a body of ``...``) is
"not attempted"; code that raises, runs longer than :data:`TIME_LIMIT`
seconds on one input, or returns None or the wrong type gets feedback and
never raises. ``solution("correlate2d")`` prints a worked solution.
"""

from cnnedu.exercises.code._runner import TIME_LIMIT, is_stub
from cnnedu.exercises.code.checks import CODE_EXERCISES
from cnnedu.exercises.code.exercise import CodeExercise, CodeFeedback, Mistake
from cnnedu.exercises.code.layer import as_layer
from cnnedu.exercises.code.solutions import solution, solution_source


def grade(name, student):
    """Run the check ``name`` on ``student`` for an autograder: print the
    feedback, and raise ``AssertionError`` with it unless it is correct.

    This is what the graded cells of ``make assignments`` call, so a course
    grades with exactly the checks of the lessons.

    Examples
    --------
    >>> def output_size(n, kernel_size, stride=1, padding=0, dilation=1):
    ...     return (n + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1
    >>> grade("output_size", output_size)  # doctest: +ELLIPSIS
    Correct: your output_size gives cnnedu's answers on all 16 inputs ...
    """
    if name not in CODE_EXERCISES:
        raise ValueError(f"name must be one of {', '.join(CODE_EXERCISES)}; got {name!r}")
    feedback = CODE_EXERCISES[name](student)
    print(feedback)
    if not feedback.correct:
        raise AssertionError(f"{name} does not pass its check yet ({feedback.status}): see the feedback above")
    return None


__all__ = [
    "CODE_EXERCISES",
    "TIME_LIMIT",
    "CodeExercise",
    "CodeFeedback",
    "Mistake",
    "as_layer",
    "grade",
    "is_stub",
    "solution",
    "solution_source",
]
