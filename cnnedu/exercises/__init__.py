"""Exercise checks: each answers "correct" or a specific hint.

Use in a notebook::

    from cnnedu.exercises import lesson01 as ex
    answer = ...            # the learner fills this in
    ex.check_response(answer)

An unfilled answer (``...`` or ``None``) reports "not attempted yet" and
never raises, so a notebook with open exercises still runs top to bottom.
Every check has a worked solution: ``ex.solution_response()``.

Code exercises (the student writes a function or class) are checked by
``CODE_EXERCISES[name](their_function)``; see :mod:`cnnedu.exercises.code`.
"""

from cnnedu.exercises.code import CODE_EXERCISES
from cnnedu.exercises.feedback import Feedback, check_array, check_number, not_attempted

__all__ = ["CODE_EXERCISES", "Feedback", "check_array", "check_number", "not_attempted"]
