"""The feedback object every check returns, and checks for numbers and arrays
that recognise typical wrong answers."""

import numpy as np


class Feedback:
    """Result of an exercise check: ``status`` is 'correct', 'wrong' or
    'not attempted', ``message`` says why.

    Shown in a notebook as a coloured line (HTML) or as plain text.

    Examples
    --------
    >>> Feedback("correct", "Well done.")
    Correct: Well done.
    >>> bool(Feedback("wrong", "Try again."))
    False
    """

    _STYLE = {"correct": ("#1b5e20", "#e8f5e9"), "wrong": ("#b00020", "#fdecea"), "not attempted": ("#555", "#f0f0f0")}

    def __init__(self, status, message):
        if status not in self._STYLE:
            raise ValueError(f"status must be 'correct', 'wrong' or 'not attempted'; got {status!r}")
        self.status = status
        self.message = message

    @property
    def correct(self):
        return self.status == "correct"

    def __bool__(self):
        return self.correct

    def __repr__(self):
        label = {"correct": "Correct", "wrong": "Not yet", "not attempted": "Not attempted yet"}[self.status]
        return f"{label}: {self.message}"

    def _repr_html_(self):
        color, background = self._STYLE[self.status]
        text = repr(self).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return f"<div style='color:{color};background:{background};padding:4px 8px;border-radius:4px'>{text}</div>"


def not_attempted(answer):
    """True when the learner has not filled in the answer yet (``...`` or None)."""
    return answer is Ellipsis or answer is None


def _one_number(answer):
    """A one-element list, tuple or array (``[46]``, ``np.array([[46]])``)
    becomes its single element; anything else is returned as it is."""
    if isinstance(answer, (list, tuple, np.ndarray)):
        try:
            values = np.asarray(answer, dtype=object).ravel()
        except ValueError:  # ragged nesting: not one number
            return answer
        if values.size == 1:
            return values[0]
    return answer


def check_number(answer, expected, wrong_answers=(), tolerance=1e-6, success="That is right."):
    """Check a numeric answer, with hints for known wrong answers.

    Parameters
    ----------
    answer : number, a list or array holding one number, or ``...``
    expected : number
    wrong_answers : sequence of (value, hint)
        Typical mistakes and the hint each one deserves.
    tolerance : float
        Relative tolerance (of max(1, |expected|)): answers within it are
        right, so float noise such as 46.0000001 is accepted.

    Notes
    -----
    A one-element list or array (``[46]``) counts as its number. A
    non-integer answer that misses by less than 0.1% is told it is close,
    so that a rounded answer is not mistaken for a wrong method.

    Examples
    --------
    >>> check_number(15, 15)
    Correct: That is right.
    >>> check_number([15.000000001], 15)
    Correct: That is right.
    >>> check_number(16, 15, [(16, "off by one: the formula uses floor")])
    Not yet: off by one: the formula uses floor
    >>> check_number(True, 1)
    Not yet: expected a number; got True, a truth value
    >>> check_number(..., 15)
    Not attempted yet: replace ... with your answer and run the cell again.
    >>> check_number(0.333, 1 / 3)
    Not yet: 0.333 is close but not equal to the answer: give it exactly, not rounded (1 / 3 is fine).
    """
    if not_attempted(answer):
        return Feedback("not attempted", "replace ... with your answer and run the cell again.")
    answer = _one_number(answer)
    if isinstance(answer, (bool, np.bool_)):  # True == 1 in Python, but it is not a number a student means
        return Feedback("wrong", f"expected a number; got {answer!r}, a truth value")
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return Feedback("wrong", f"expected a number; got {answer!r}")
    if abs(value - expected) <= tolerance * max(1.0, abs(expected)):
        return Feedback("correct", success)
    for wrong, hint in wrong_answers:
        if abs(value - wrong) <= tolerance * max(1.0, abs(wrong)):
            return Feedback("wrong", hint)
    if not value.is_integer() and abs(value - expected) <= 1e-3 * max(1.0, abs(expected)):
        return Feedback(
            "wrong",
            f"{value!r} is close but not equal to the answer: give it exactly, not rounded (1 / 3 is fine).",
        )
    return Feedback("wrong", f"{value:g} is not it. Work it out step by step and try again.")


def _cell_names(positions, limit=6):
    """'[0, 1], [2, 2]' for a list of index tuples, shortened after ``limit``."""
    names = ["[" + ", ".join(str(int(i)) for i in position) + "]" for position in positions[:limit]]
    if len(positions) > limit:
        names.append(f"and {len(positions) - limit} more")
    return ", ".join(names)


def check_array(answer, expected, wrong_answers=(), tolerance=1e-6, success="That is right."):
    """Check an array answer: shape first, then values, with hints for known
    wrong arrays.

    Parameters
    ----------
    answer : array_like or ``...``
    expected : array_like
    wrong_answers : sequence of (array_like, hint)
    tolerance : float
        Entries within ``tolerance`` (absolute, and relative to the entry)
        are equal, so float noise is accepted.

    Notes
    -----
    Extra axes of length one are ignored (``[[1, 2, 3]]`` for ``[1, 2, 3]``).
    When values differ, the message names the wrong cells by their index
    (counting from 0, row first), not only how many there are.

    Examples
    --------
    >>> check_array([1, 1, 1], [1, 1, 1])
    Correct: That is right.
    >>> check_array([-1, -1, -1], [1, 1, 1], [([-1, -1, -1], "you flipped the kernel")])
    Not yet: you flipped the kernel
    >>> check_array([1, 1], [1, 1, 1])
    Not yet: your array has shape (2,); the answer has shape (3,).
    >>> check_array([[1, 2], [3, 5]], [[1, 2], [3, 4]])
    Not yet: 1 of 4 entries differ from the answer: the entry at [1, 1] (row, column, counting from 0).
    """
    if not_attempted(answer):
        return Feedback("not attempted", "replace ... with your answer and run the cell again.")
    try:
        value = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return Feedback("wrong", f"expected an array of numbers; got {answer!r}")
    expected = np.asarray(expected, dtype=float)

    def same(a, b):
        return a.shape == b.shape and np.allclose(a, b, atol=tolerance, rtol=tolerance)

    if value.shape != expected.shape and value.squeeze().shape == expected.squeeze().shape:
        value = value.reshape(expected.shape)  # [[1, 2, 3]] for [1, 2, 3]: the same numbers
    for wrong, hint in wrong_answers:
        wrong = np.asarray(wrong, dtype=float)
        if same(value, wrong) and not same(wrong, expected):
            return Feedback("wrong", hint)
    if value.shape != expected.shape:
        return Feedback("wrong", f"your array has shape {value.shape}; the answer has shape {expected.shape}.")
    if same(value, expected):
        return Feedback("correct", success)
    differ = np.argwhere(~np.isclose(value, expected, atol=tolerance, rtol=tolerance))
    where = "the entry at" if len(differ) == 1 else "the entries at"
    axes = {1: "counting from 0", 2: "row, column, counting from 0"}.get(expected.ndim, "counting from 0")
    return Feedback(
        "wrong",
        f"{len(differ)} of {expected.size} entries differ from the answer: {where} {_cell_names(differ)} ({axes}).",
    )
