"""Exercise checks: each answers "correct" or a specific hint.

Use in a notebook::

    from cnnedu.exercises import lesson01 as ex
    answer = ...            # the learner fills this in
    ex.check_response(answer)

An unfilled answer (``...`` or ``None``) reports "not attempted yet" and
never raises, so a notebook with open exercises still runs top to bottom.
Every check has a worked solution: ``ex.solution_response()``.
"""

from cnnedu.exercises.feedback import Feedback, check_array, check_number, not_attempted

__all__ = ["Feedback", "check_array", "check_number", "not_attempted"]
