"""Exercises of lesson 03 (padding and stride).

Each ``check_<name>(answer)`` returns a :class:`~cnnedu.exercises.feedback.Feedback`
and never raises; ``solution_<name>()`` returns the right answer, worked out
with cnnedu.

>>> check_padded_size(28)
Correct: 28: padding 2 on each side gives the 5x5 kernel room to keep the size.
"""

import numpy as np

from cnnedu.correlate import convolve1d, correlate1d
from cnnedu.coverage import never_visited
from cnnedu.exercises.feedback import Feedback, check_array, check_number, not_attempted
from cnnedu.padding import kernel_span, output_size


def _one_size(answer):
    """A square output's size given as a pair, e.g. ``(28, 28)`` or
    ``[28, 28]``, becomes the number 28; anything else is left as it is.
    Returns (answer, hint): a hint when the pair is not square."""
    if isinstance(answer, (list, tuple, np.ndarray)):
        try:
            rows, columns = (float(value) for value in answer)
        except (TypeError, ValueError):  # not two numbers: checked as it is
            return answer, None
        if rows != columns:
            return answer, "the image and the kernel are square, so rows = columns: give one number."
        return rows, None
    return answer, None


# Exercise 1: a 28x28 image, a 5x5 kernel, stride 1, padding 2 on each side
def solution_padded_size():
    """Output size for n=28, f=5, s=1, p=2.

    Examples
    --------
    >>> solution_padded_size()
    28
    """
    return output_size(28, 5, stride=1, padding=2)


def check_padded_size(answer):
    """Exercise 1: output size of a 5x5 kernel on 28x28 with padding 2, stride 1.

    Examples
    --------
    >>> check_padded_size(26)
    Not yet: you padded only one side: p is added on each side, so the input grows by 2p = 4.
    >>> check_padded_size(...)
    Not attempted yet: replace ... with your answer and run the cell again.
    >>> check_padded_size((28, 28))
    Correct: 28: padding 2 on each side gives the 5x5 kernel room to keep the size.
    """
    answer, hint = _one_size(answer)
    if hint:
        return Feedback("wrong", hint)
    return check_number(
        answer,
        solution_padded_size(),
        wrong_answers=[
            (27, "off by one: after (n + 2p - f) / s comes + 1 (the first position)."),
            (26, "you padded only one side: p is added on each side, so the input grows by 2p = 4."),
            (24, "that is the size without padding (valid); add 2p = 4 to n first."),
            (32, "32 is the padded input; the kernel still needs room: subtract f - 1 = 4."),
        ],
        success="28: padding 2 on each side gives the 5x5 kernel room to keep the size.",
    )


# Exercise 2: stride and the floor
def solution_strided_size():
    """Output size for n=28, f=3, s=2, p=0.

    Examples
    --------
    >>> solution_strided_size()
    13
    """
    return output_size(28, 3, stride=2, padding=0)


def check_strided_size(answer):
    """Exercise 2: output size of a 3x3 kernel on 28x28, stride 2, no padding.

    Examples
    --------
    >>> check_strided_size(14)
    Not yet: off by one: the formula uses floor. (28 - 3) / 2 = 12.5 rounds down to 12, then + 1. (It is not
    simply n / s.)
    >>> check_strided_size([13, 13])
    Correct: 13: floor(25 / 2) + 1. The last column (index 27) is never read.
    """
    answer, hint = _one_size(answer)
    if hint:
        return Feedback("wrong", hint)
    return check_number(
        answer,
        solution_strided_size(),
        wrong_answers=[
            (
                14,
                "off by one: the formula uses floor. (28 - 3) / 2 = 12.5 rounds down to 12, then + 1. "
                "(It is not simply n / s.)",
            ),
            (13.5, "the number of positions is a whole number: take the floor of (n + 2p - f) / s = 12.5 first."),
            (
                12.5,
                (
                    "(n + 2p - f) / s = 12.5 is not yet a count of positions: take its floor (12), then add 1 "
                    "for the first position."
                ),
            ),
            (
                15,
                (
                    "n / s + 1 = 28 / 2 + 1 is not the formula: the kernel needs f = 3 cells, so first subtract f "
                    "from n: floor((28 - 3) / 2) + 1."
                ),
            ),
            (12, "do not forget the + 1 at the end: it counts the first position."),
            (26, "that is stride 1; with stride 2 the kernel skips every other position: divide by s."),
            (25, "that is stride 1 without the + 1; divide by the stride s = 2, take the floor, then add 1."),
        ],
        success="13: floor(25 / 2) + 1. The last column (index 27) is never read.",
    )


# Exercise 3: padding that keeps the size for a dilated kernel
def solution_dilated_same_padding():
    """Padding p (each side) that keeps the size for f=5, d=2, s=1.

    Examples
    --------
    >>> solution_dilated_same_padding()
    4
    """
    return (kernel_span(5, dilation=2) - 1) // 2


def check_dilated_same_padding(answer):
    """Exercise 3: padding on each side that keeps a 5x5 kernel with
    dilation 2 (stride 1) from shrinking the map.

    Examples
    --------
    >>> check_dilated_same_padding(2)
    Not yet: that would be right without dilation. With dilation 2 the 5 taps span d(f-1)+1 = 9 cells, so p = (9
    - 1) / 2.
    """
    return check_number(
        answer,
        solution_dilated_same_padding(),
        wrong_answers=[
            (
                2,
                "that would be right without dilation. With dilation 2 the 5 taps span d(f-1)+1 = 9 cells, "
                "so p = (9 - 1) / 2.",
            ),
            (8, "8 is the total: p is added on each side, so each side gets half of it."),
            (5, "the dilated kernel spans d(f-1)+1 = 9 cells, not d*f = 10; p = (9 - 1) / 2."),
            (9, "9 is the span of the dilated kernel; the padding on each side is (span - 1) / 2."),
        ],
        success="4: the dilated kernel spans 9 cells, and 4 zeros on each side keep n + 8 - 9 + 1 = n.",
    )


# Exercise 4: cells that a strided kernel never reads, once the row is padded
def solution_never_visited():
    """Input indices never read along one axis for n=10, f=3, s=4, p=1.

    Examples
    --------
    >>> solution_never_visited()
    [2, 6]
    """
    return never_visited(10, 3, stride=4, padding=1).tolist()


def check_never_visited(answer):
    """Exercise 4: a 3-wide kernel with stride 4 on a row of 10 cells
    (indices 0-9) with padding 1 on each side. Which cells of the row are
    never read? Give a list.

    Examples
    --------
    >>> check_never_visited([6, 2])
    Correct: [2, 6]: windows at padded 0-2, 4-6 and 8-10 miss padded 3, 7 and 11; 11 is a padding zero, 3 and 7
    are cells 2 and 6.
    >>> check_never_visited({2, 6})
    Correct: [2, 6]: windows at padded 0-2, 4-6 and 8-10 miss padded 3, 7 and 11; 11 is a padding zero, 3 and 7
    are cells 2 and 6.
    >>> check_never_visited([3, 7])
    Not yet: those are indices of the padded row; cell i of the row sits at padded index i + 1 (padded 0 is a
    zero), so subtract 1.
    """
    if not_attempted(answer):
        return Feedback("not attempted", "replace ... with your answer and run the cell again.")
    if isinstance(answer, (set, frozenset)):
        answer = sorted(answer, key=str)  # a set of indices is a fine answer too
    try:
        values = np.atleast_1d(np.asarray(answer, dtype=float))
    except (TypeError, ValueError):
        return Feedback("wrong", f"give a list of indices such as [1, 5]; got {answer!r}")
    if values.ndim != 1:
        return Feedback("wrong", "give a flat list of indices such as [1, 5].")
    if not isinstance(answer, (list, tuple, np.ndarray)) and values.size == 1 and values[0] == 2:  # a count
        return Feedback("wrong", "2 is how many; give the list of the indices themselves.")
    given = sorted(set(values.tolist()))
    expected = solution_never_visited()
    if given == expected:
        return Feedback(
            "correct",
            "[2, 6]: windows at padded 0-2, 4-6 and 8-10 miss padded 3, 7 and 11; 11 is a padding zero, "
            "3 and 7 are cells 2 and 6.",
        )
    padded = (
        "those are indices of the padded row; cell i of the row sits at padded index i + 1 (padded 0 is a zero), "
        "so subtract 1."
    )
    hints = {
        (3.0, 7.0, 8.0, 9.0): "that is the worked example, without padding. With p = 1 the padded row has 12 cells: "
        "where do the windows start now, and which cells do they read?",
        (3.0, 7.0): padded,
        (3.0, 7.0, 11.0): padded + " (11 is the padding zero after the row.)",
        (2.0, 6.0, 10.0): "there is no cell 10: the row has cells 0-9; padded index 11 is a padding zero.",
        (
            2.0,
            6.0,
            9.0,
        ): "the third window starts at padded 8 and reads padded 8, 9 and 10, which are cells 7, 8 and 9.",
        (2.0,): "look between the second and third windows too: the second reads padded 4-6, the third starts at 8.",
        (6.0,): "look between the first and second windows too: the first reads padded 0-2, the second starts at 4.",
        (): "a 3-wide kernel that jumps 4 cells skips one cell in every 4: some cells are still never read.",
    }
    if tuple(given) in hints:
        return Feedback("wrong", hints[tuple(given)])
    return Feedback(
        "wrong",
        "write the padded row (12 cells), mark where each window starts (0, 4, ...) and the 3 cells it reads, "
        "then subtract 1 from the padded indices nobody reads (the padding zeros are not cells of the row).",
    )


# Exercise 5: full mode in 1-D
X_FULL = [1, 2, 3]
KERNEL_FULL = [1, 0, -1]


def solution_full_mode():
    """Full cross-correlation of [1, 2, 3] with the kernel [1, 0, -1].

    Examples
    --------
    >>> solution_full_mode()
    array([-1., -2., -2.,  2.,  3.])
    """
    return correlate1d(X_FULL, KERNEL_FULL, mode="full")


def check_full_mode(answer):
    """Exercise 5: cross-correlate [1, 2, 3] with [1, 0, -1] in 'full' mode.

    Examples
    --------
    >>> check_full_mode([1, 2, 2, -2, -3])
    Not yet: you flipped the kernel: that is convolution. Cross-correlation slides [1, 0, -1] as written.
    >>> check_full_mode([-2, -2, 2])
    Not yet: that is 'same' mode; 'full' pads f - 1 = 2 zeros on each side: [0, 0, 1, 2, 3, 0, 0].
    """
    return check_array(
        answer,
        solution_full_mode(),
        wrong_answers=[
            (
                convolve1d(X_FULL, KERNEL_FULL, mode="full"),
                "you flipped the kernel: that is convolution. Cross-correlation slides [1, 0, -1] as written.",
            ),
            (
                correlate1d(X_FULL, KERNEL_FULL, mode="same"),
                "that is 'same' mode; 'full' pads f - 1 = 2 zeros on each side: [0, 0, 1, 2, 3, 0, 0].",
            ),
            (
                correlate1d(X_FULL, KERNEL_FULL, mode="valid"),
                "that is 'valid' mode (no padding); 'full' pads 2 zeros on each side.",
            ),
            (
                correlate1d(X_FULL, KERNEL_FULL, mode="full")[::-1],
                "your list is reversed: the first output is the kernel's last tap on x[0], the window [0, 0, 1].",
            ),
        ],
        success="[-1, -2, -2, 2, 3]: five positions on [0, 0, 1, 2, 3, 0, 0].",
    )
