"""Exercises of lesson 04 (pooling).

Each ``check_<name>(answer)`` returns a :class:`~cnnedu.exercises.feedback.Feedback`
and never raises; ``solution_<name>()`` returns the right answer, worked out
with cnnedu.

>>> check_max_pool([[4, 8], [7, 9]])
Correct: [[4, 8], [7, 9]]: the largest value of each 2x2 block.
"""

import numpy as np

from cnnedu.exercises.feedback import Feedback, check_array, check_number, not_attempted
from cnnedu.pooling import (
    avg_pool2d,
    avg_pool2d_backward,
    avg_pool2d_forward,
    global_avg_pool,
    global_max_pool,
    max_pool2d,
    max_pool2d_backward,
    max_pool2d_forward,
)

# Exercises 1 and 2: one map, pooled two ways
MAP = np.array([[2, 0, 1, 5], [4, 3, 8, 1], [0, 7, 2, 2], [6, 1, 3, 9]], dtype=float)


def solution_max_pool():
    """2x2 max pooling, stride 2, of :data:`MAP`.

    Examples
    --------
    >>> solution_max_pool()
    array([[4., 8.],
           [7., 9.]])
    """
    return max_pool2d(MAP, 2, 2)


def check_max_pool(answer):
    """Exercise 1: 2x2 max pooling with stride 2 of ``MAP``.

    Examples
    --------
    >>> check_max_pool([[2.25, 3.75], [3.5, 4]])
    Not yet: that is average, not max pooling: keep the largest value of each window.
    """
    return check_array(
        answer,
        solution_max_pool(),
        wrong_answers=[
            (avg_pool2d(MAP, 2, 2), "that is average, not max pooling: keep the largest value of each window."),
            (-max_pool2d(-MAP, 2, 2), "those are the smallest values; max pooling keeps the largest."),
            (
                max_pool2d(MAP, 2, 1),
                "that is stride 1 (overlapping windows); with stride 2 the 2x2 windows tile the map: 2x2 output.",
            ),
            (
                solution_max_pool().T,
                "rows and columns are swapped: the first row of the output pools the top two rows.",
            ),
        ],
        success="[[4, 8], [7, 9]]: the largest value of each 2x2 block.",
    )


def solution_avg_pool():
    """2x2 average pooling, stride 2, of :data:`MAP`.

    Examples
    --------
    >>> solution_avg_pool()
    array([[2.25, 3.75],
           [3.5 , 4.  ]])
    """
    return avg_pool2d(MAP, 2, 2)


def check_avg_pool(answer):
    """Exercise 2: 2x2 average pooling with stride 2 of ``MAP``.

    Examples
    --------
    >>> check_avg_pool([[9, 15], [14, 16]])
    Not yet: those are the sums; divide each by the 4 cells of its window.
    """
    return check_array(
        answer,
        solution_avg_pool(),
        wrong_answers=[
            (max_pool2d(MAP, 2, 2), "that is max, not average pooling: take the mean of each window."),
            (4 * avg_pool2d(MAP, 2, 2), "those are the sums; divide each by the 4 cells of its window."),
            (avg_pool2d(MAP, 2, 1), "that is stride 1 (overlapping windows); with stride 2 the output is 2x2."),
        ],
        success="[[2.25, 3.75], [3.5, 4]]: the mean of each 2x2 block.",
    )


# Exercise 3: size of a pooled map
def solution_pooled_size():
    """Rows of a 14x14 map after 3x3 pooling with stride 2.

    Examples
    --------
    >>> solution_pooled_size()
    6
    """
    return max_pool2d(np.zeros((14, 14)), 3, 2).shape[0]


def check_pooled_size(answer):
    """Exercise 3: a 14x14 map, 3x3 max pooling, stride 2: how many rows?

    Examples
    --------
    >>> check_pooled_size(7)
    Not yet: off by one: the formula uses floor. floor((14 - 3) / 2) + 1 = 6; a window that would stick out of
    the map is dropped.
    >>> check_pooled_size((6, 6))
    Correct: 6: floor((14 - 3) / 2) + 1. The last row (index 13) is never pooled.
    """
    if isinstance(answer, (list, tuple, np.ndarray)):  # the shape, (rows, columns)?
        try:
            rows, columns = (float(value) for value in answer)
        except (TypeError, ValueError):  # not two numbers: checked as it is
            rows, columns = None, None
        if rows is not None and rows != columns:
            return Feedback("wrong", "the map and the window are square, so rows = columns: give one number.")
        if rows is not None:
            answer = rows
    return check_number(
        answer,
        solution_pooled_size(),
        wrong_answers=[
            (
                7,
                "off by one: the formula uses floor. floor((14 - 3) / 2) + 1 = 6; "
                "a window that would stick out of the map is dropped.",
            ),
            (6.5, "the number of windows is a whole number: take the floor of (14 - 3) / 2 = 5.5 first."),
            (5, "do not forget the + 1 at the end: it counts the first window."),
            (12, "that is stride 1; these windows move 2 cells at a time."),
            (4, "the windows move by the stride (2), not by their size (3)."),
        ],
        success="6: floor((14 - 3) / 2) + 1. The last row (index 13) is never pooled.",
    )


# Exercise 4: the gradient of max pooling with ties
TIES = np.array([[1, 3, 3, 0], [2, 3, 0, 0], [5, 1, 4, 4], [5, 0, 4, 1]], dtype=float)
TIES_GRADIENT = np.array([[1, 2], [3, 4]], dtype=float)


def solution_max_pool_gradient():
    """dJ/dX of 2x2 max pooling (stride 2) of :data:`TIES` for
    dJ/dY = :data:`TIES_GRADIENT`: each window's gradient goes to its first
    maximum in reading order.

    Examples
    --------
    >>> solution_max_pool_gradient()
    array([[0., 1., 2., 0.],
           [0., 0., 0., 0.],
           [3., 0., 4., 0.],
           [0., 0., 0., 0.]])
    """
    _, cache = max_pool2d_forward(TIES, 2, 2)
    return max_pool2d_backward(TIES_GRADIENT, cache)


def _tie_variants():
    """Gradients a learner gets by handling ties the wrong way, and the
    right cells marked with 1 instead of the incoming gradient."""
    every, split, last, unweighted = (np.zeros_like(TIES) for _ in range(4))
    for r in range(2):
        for c in range(2):
            window = TIES[2 * r : 2 * r + 2, 2 * c : 2 * c + 2]
            mask = window == window.max()
            every[2 * r : 2 * r + 2, 2 * c : 2 * c + 2] = mask * TIES_GRADIENT[r, c]
            split[2 * r : 2 * r + 2, 2 * c : 2 * c + 2] = mask * TIES_GRADIENT[r, c] / mask.sum()
            i, j = np.argwhere(mask)[-1]
            last[2 * r + i, 2 * c + j] = TIES_GRADIENT[r, c]
            i, j = np.argwhere(mask)[0]
            unweighted[2 * r + i, 2 * c + j] = 1.0  # the right cell, but 1 instead of the incoming gradient
    return every, split, last, unweighted


def check_max_pool_gradient(answer):
    """Exercise 4: the input gradient of 2x2 max pooling (stride 2) of
    ``TIES`` when the output gradient is ``TIES_GRADIENT``.

    Examples
    --------
    >>> check_max_pool_gradient(_tie_variants()[0])
    Not yet: every tied maximum got the window's gradient, so it is counted several times. Only one cell per
    window receives it: the first maximum in reading order (as PyTorch does).
    """
    every, split, last, unweighted = _tie_variants()
    _, average_cache = avg_pool2d_forward(TIES, 2, 2)
    return check_array(
        answer,
        solution_max_pool_gradient(),
        wrong_answers=[
            (
                every,
                "every tied maximum got the window's gradient, so it is counted several times. Only one cell per "
                "window receives it: the first maximum in reading order (as PyTorch does).",
            ),
            (
                split,
                "splitting the gradient among the tied cells keeps the total right, but max pooling (PyTorch, "
                "cnnedu) gives all of it to the first maximum in reading order.",
            ),
            (last, "you picked the last tied maximum; the first one in reading order receives the gradient."),
            (
                unweighted,
                "the right cells, but each window passes on its own incoming gradient (TIES_GRADIENT: 1, 2, 3, 4), "
                "not 1.",
            ),
            (
                avg_pool2d_backward(TIES_GRADIENT, average_cache),
                "that is the gradient of average pooling (a quarter to each cell); max pooling sends it to one cell.",
            ),
        ],
        success="each window's gradient lands on one cell: its first maximum.",
    )


# Exercise 5: global average pooling
FEATURE_MAPS = np.array(
    [[[[0, 1, 0], [1, 4, 1], [0, 1, 0]], [[2, 2, 2], [2, 2, 2], [2, 2, 11]]]], dtype=float
)  # (N=1, C=2, H=3, W=3)


def solution_global_pool():
    """Global average pooling of :data:`FEATURE_MAPS`: one number per map.

    Examples
    --------
    >>> solution_global_pool()
    array([[0.88888889, 3.        ]])
    """
    return global_avg_pool(FEATURE_MAPS)


def check_global_pool(answer):
    """Exercise 5: global average pooling of the two 3x3 maps in
    ``FEATURE_MAPS`` (give the two numbers, or round to two decimals).

    Examples
    --------
    >>> check_global_pool([4, 11])
    Not yet: that is global max pooling; global average pooling takes the mean of each map.
    >>> check_global_pool([0.89, 3])
    Correct: one number per feature map: the mean of its 9 cells.
    >>> check_global_pool([0.9, 3])
    Not yet: close: 8 / 9 = 0.888... rounded to two decimals is 0.89 (0.9 keeps too few decimals, 0.88 cuts them
    off instead of rounding).
    """
    if not_attempted(answer):
        return Feedback("not attempted", "replace ... with your answer and run the cell again.")
    expected = solution_global_pool().ravel()
    try:
        values = np.asarray(answer, dtype=float).ravel()
    except (TypeError, ValueError):
        return Feedback("wrong", f"give the two means as a list, e.g. [1.5, 2.0]; got {answer!r}")
    if values.shape == expected.shape and np.allclose(values, expected, atol=0.006):
        return Feedback("correct", "one number per feature map: the mean of its 9 cells.")
    if values.shape == expected.shape and np.allclose(values, expected, atol=0.051):
        return Feedback(
            "wrong",
            "close: 8 / 9 = 0.888... rounded to two decimals is 0.89 "
            "(0.9 keeps too few decimals, 0.88 cuts them off instead of rounding).",
        )
    return check_array(
        values,
        expected,
        wrong_answers=[
            (
                global_max_pool(FEATURE_MAPS).ravel(),
                "that is global max pooling; global average pooling takes the mean of each map.",
            ),
            (9 * expected, "those are the sums; divide each by the 9 cells of its map."),
            ([FEATURE_MAPS.mean()], "that is one mean over both maps; global pooling gives one number per map."),
        ],
    )
