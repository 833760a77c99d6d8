"""Running a student's code safely: a time limit, stub detection, and
messages that compare arrays shape first, then cell by cell.

Nothing here raises into the notebook: every problem with the student's
code becomes a :class:`Problem`, which the check turns into feedback.
"""

import dis
import signal
import threading
import traceback
from pathlib import Path

import numpy as np

_PACKAGE = str(Path(__file__).resolve().parents[2])  # cnnedu/: its frames are not the student's

#: Seconds one checked case may run before it is stopped and reported.
TIME_LIMIT = 3.0


class Problem(Exception):
    """Something about the student's code that the feedback should say."""


class NotAttempted(Exception):
    """The student's code is still the stub."""


class _TimeUp(BaseException):
    """Raised inside the student's code by the timer (BaseException, so that a
    student's ``except Exception`` cannot swallow it)."""


def _empty_body(function):
    """True when a function's body does nothing: only ``...``, ``pass``, a
    docstring or comments (the stub of an exercise)."""
    code = getattr(function, "__code__", None)
    if code is None:
        return False
    steps = [
        (step.opname, step.argval)
        for step in dis.get_instructions(code)
        if step.opname not in ("RESUME", "NOP", "CACHE")
    ]
    return steps in ([("LOAD_CONST", None), ("RETURN_VALUE", None)], [("RETURN_CONST", None)])


def is_stub(student):
    """True for ``...``, None, a function whose body is empty, or a class whose
    own methods are all empty.

    Examples
    --------
    >>> def correlate2d(image, kernel): ...
    >>> is_stub(correlate2d), is_stub(lambda image, kernel: image)
    (True, False)
    """
    if student is Ellipsis or student is None:
        return True
    if isinstance(student, type):
        methods = [value for value in vars(student).values() if callable(value) and hasattr(value, "__code__")]
        return bool(methods) and all(_empty_body(method) for method in methods)
    return _empty_body(student)


def _raise_time_up(signum, frame):
    raise _TimeUp


def call_with_time_limit(function, seconds=TIME_LIMIT):
    """``function()``, stopped after ``seconds``.

    In the main thread on Linux and macOS (where a Jupyter kernel runs cells)
    a ``SIGALRM`` timer interrupts the student's Python loop itself. Elsewhere
    (another thread, or Windows) the call runs in a daemon thread; when the
    time is up, the same exception is raised inside that thread (CPython's
    ``PyThreadState_SetAsyncExc``), so a Python loop stops there too instead of
    spinning on and slowing every later cell.

    Returns ``(finished, value)``; exceptions of ``function`` propagate.
    """
    if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGALRM, _raise_time_up)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            return True, function()
        except _TimeUp:
            return False, None
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            # None: the previous handler was not set from Python; the default is what was there
            signal.signal(signal.SIGALRM, signal.SIG_DFL if previous is None else previous)
    outcome = {}

    def run():
        try:
            outcome["value"] = function()
        except BaseException as error:  # handed back to the calling thread
            outcome["error"] = error

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        _stop(worker)
        return False, None
    if "error" in outcome:
        raise outcome["error"]
    return True, outcome["value"]


def _stop(worker, wait=1.0):
    """Raise the time-up exception inside ``worker`` and give it ``wait`` seconds to end.
    A Python loop stops at its next step; one long C call (a huge numpy product) ends first."""
    import ctypes

    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(worker.ident), ctypes.py_object(_TimeUp))
    worker.join(wait)


def describe_exception(error):
    """``ZeroDivisionError: division by zero (in correlate2d, line 4: `total / n`)``:
    the error and the innermost line of the student's own code."""
    text = f"{type(error).__name__}: {error}"
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if not frame.filename.startswith(_PACKAGE)
        and "site-packages" not in frame.filename
        and "/lib/python" not in frame.filename
    ]
    if frames:
        frame = frames[-1]
        where = f"in {frame.name}" + (f", line {frame.lineno}" if frame.lineno else "")
        if frame.line:
            where += f": `{frame.line.strip()}`"
        text += f" ({where})"
    return text


def as_number_array(value, what):
    """``value`` as a float array, or a :class:`Problem` that says what it was."""
    if value is None:
        raise Problem(f"{what} is None: did you forget the `return` (or to set it)?")
    if isinstance(value, (str, bytes, dict, set)):
        raise Problem(f"{what} is a {type(value).__name__} ({value!r:.60}); expected an array of numbers.")
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise Problem(
            f"{what} is a {type(value).__name__} that is not a rectangular array of numbers: {value!r:.80}"
        ) from None
    return array


def _format_value(value):
    return f"{float(value):.6g}"


def _compact(array):
    """An array as numpy prints it, whole numbers without a decimal point,
    every entry as wide as the widest so that the columns line up."""
    array = np.asarray(array, dtype=float)
    whole = bool(np.all(np.isfinite(array)) and np.all(array == np.round(array)))
    text = (lambda v: f"{v:.0f}") if whole else (lambda v: f"{v:.4g}")
    width = max((len(text(v)) for v in array.ravel()), default=1)
    return np.array2string(
        array,
        separator=" ",
        max_line_width=100,
        threshold=60,
        formatter={"float_kind": lambda v: text(v).rjust(width)},
    )


def close(got, expected):
    """Equal up to float32 rounding (relative 1e-4 of the largest entry)."""
    if got.shape != expected.shape:
        return False
    scale = max(1.0, float(np.max(np.abs(expected))) if expected.size else 1.0)
    return bool(np.all(np.abs(got - expected) <= 1e-4 * scale)) and not np.any(np.isnan(got))


def difference(part, got, expected, shown=3):
    """Lines that say how ``got`` differs from ``expected``: shape first, then
    the first differing cells (and both arrays when they are small)."""
    if got.shape != expected.shape:
        return [f"{part}: expected shape {expected.shape}, got shape {got.shape}."]
    scale = max(1.0, float(np.max(np.abs(expected))) if expected.size else 1.0)
    wrong = ~(np.abs(got - expected) <= 1e-4 * scale)  # also marks NaN
    cells = np.argwhere(wrong)
    if got.ndim == 0:
        return [f"{part}: expected {_format_value(expected)}, got {_format_value(got)}."]
    listed = "; ".join(
        f"[{', '.join(str(int(i)) for i in cell)}]: expected {_format_value(expected[tuple(cell)])}, "
        f"got {_format_value(got[tuple(cell)])}"
        for cell in cells[:shown]
    )
    lines = [
        f"{part}: the shape {expected.shape} is right, but {len(cells)} of {expected.size} cells differ: {listed}"
        + ("; ..." if len(cells) > shown else ".")
    ]
    if expected.size <= 25:
        lines += ["expected:", _compact(expected), "got:", _compact(got)]
    return lines
