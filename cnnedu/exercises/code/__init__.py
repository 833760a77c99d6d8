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

__all__ = [
    "CODE_EXERCISES",
    "TIME_LIMIT",
    "CodeExercise",
    "CodeFeedback",
    "Mistake",
    "as_layer",
    "is_stub",
    "solution",
    "solution_source",
]
