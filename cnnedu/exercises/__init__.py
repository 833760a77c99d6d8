"""Exercise checks: each answers "correct" or a specific hint.

Use in a notebook::

    from cnnedu.exercises import lesson01 as ex
    answer = ...            # the learner fills this in
    ex.check_response(answer)

An unfilled answer (``...`` or ``None``) reports "not attempted" and
never raises, so a notebook with open exercises still runs top to bottom.
Every check has a worked solution: ``ex.solution_response()``.
:data:`EXERCISES` lists them all, lesson by lesson:

>>> EXERCISES["lesson01"][:2]
('patch_response', 'largest_response')

Code exercises (the student writes a function or class) are checked by
``CODE_EXERCISES[name](their_function)``; see :mod:`cnnedu.exercises.code`.
"""

import importlib
import pkgutil
import re

from cnnedu.exercises.code import CODE_EXERCISES
from cnnedu.exercises.feedback import Feedback, check_array, check_number, not_attempted


def _lesson_exercises():
    """{'lesson01': ('patch_response', ...), ...}: every ``lessonNN`` module of this
    package and the names of the checks it defines (not those it imports, such as
    ``check_number``), in the order it defines them."""
    found = {}
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
        if re.fullmatch(r"lesson\d\d", module_info.name):
            module = importlib.import_module(f"{__name__}.{module_info.name}")
            found[module_info.name] = tuple(
                name.removeprefix("check_")
                for name, value in vars(module).items()
                if name.startswith("check_") and getattr(value, "__module__", None) == module.__name__
            )
    return found


#: The number exercises of every lesson: module name -> exercise names. Exercise ``name`` of
#: ``lessonNN`` is checked by ``lessonNN.check_<name>(answer)`` and answered by
#: ``lessonNN.solution_<name>()``; a new ``lessonNN.py`` here is picked up without registering it.
#: For example ``EXERCISES["lesson01"][:2]`` is ``('patch_response', 'largest_response')``.
EXERCISES = _lesson_exercises()

__all__ = ["CODE_EXERCISES", "EXERCISES", "Feedback", "check_array", "check_number", "not_attempted"]
