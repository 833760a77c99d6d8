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


def check_number(answer, expected, wrong_answers=(), tolerance=1e-9, success="That is right."):
    """Check a numeric answer, with hints for known wrong answers.

    Parameters
    ----------
    answer : number or ``...``
    expected : number
    wrong_answers : sequence of (value, hint)
        Typical mistakes and the hint each one deserves.

    Examples
    --------
    >>> check_number(15, 15)
    Correct: That is right.
    >>> check_number(16, 15, [(16, "off by one: the formula uses floor")])
    Not yet: off by one: the formula uses floor
    >>> check_number(..., 15)
    Not attempted yet: replace ... with your answer and run the cell again.
    """
    if not_attempted(answer):
        return Feedback("not attempted", "replace ... with your answer and run the cell again.")
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return Feedback("wrong", f"expected a number; got {answer!r}")
    if abs(value - expected) <= tolerance * max(1.0, abs(expected)):
        return Feedback("correct", success)
    for wrong, hint in wrong_answers:
        if abs(value - wrong) <= tolerance * max(1.0, abs(wrong)):
            return Feedback("wrong", hint)
    return Feedback("wrong", f"{value:g} is not it. Work it out step by step and try again.")


def check_array(answer, expected, wrong_answers=(), tolerance=1e-9, success="That is right."):
    """Check an array answer: shape first, then values, with hints for known
    wrong arrays.

    Examples
    --------
    >>> check_array([1, 1, 1], [1, 1, 1])
    Correct: That is right.
    >>> check_array([-1, -1, -1], [1, 1, 1], [([-1, -1, -1], "you flipped the kernel")])
    Not yet: you flipped the kernel
    >>> check_array([1, 1], [1, 1, 1])
    Not yet: your array has shape (2,); the answer has shape (3,).
    """
    if not_attempted(answer):
        return Feedback("not attempted", "replace ... with your answer and run the cell again.")
    try:
        value = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return Feedback("wrong", f"expected an array of numbers; got {answer!r}")
    expected = np.asarray(expected, dtype=float)
    for wrong, hint in wrong_answers:
        wrong = np.asarray(wrong, dtype=float)
        if wrong.shape == value.shape and np.allclose(value, wrong, atol=tolerance, rtol=0):
            if not (wrong.shape == expected.shape and np.allclose(wrong, expected, atol=tolerance, rtol=0)):
                return Feedback("wrong", hint)
    if value.shape != expected.shape:
        return Feedback("wrong", f"your array has shape {value.shape}; the answer has shape {expected.shape}.")
    if np.allclose(value, expected, atol=tolerance, rtol=0):
        return Feedback("correct", success)
    wrong_cells = int(np.sum(~np.isclose(value, expected, atol=tolerance, rtol=0)))
    return Feedback("wrong", f"{wrong_cells} of {expected.size} entries differ from the answer.")
