"""Exercises of lesson 09 (transposed convolution).

Each ``check_<name>(answer)`` returns a :class:`~cnnedu.exercises.feedback.Feedback`
and never raises; ``solution_<name>()`` returns a right answer, worked out
with cnnedu.

>>> check_output_size(9)
Correct: 9 = (5 - 1)*2 - 2*1 + (3 - 1) + 0 + 1: stamps 2 apart, each 3 long, minus the padding on both sides.
"""

import numpy as np

from cnnedu.exercises.feedback import Feedback, check_array, check_number, not_attempted
from cnnedu.padding import output_size
from cnnedu.transpose import conv_transpose2d, convolution_matrix, stamp_layout, transposed_output_size


def _row(values):
    """A 1-D signal as the (1, 1, 1, L) array conv_transpose2d takes."""
    return np.asarray(values, dtype=float)[np.newaxis, np.newaxis, np.newaxis]


# Exercise 1: the output size of a stride-2 upsampler
def solution_output_size():
    """Output size for n=5, k=3, s=2, p=1, output_padding=0.

    Examples
    --------
    >>> solution_output_size()
    9
    """
    return transposed_output_size(5, 3, stride=2, padding=1)


def check_output_size(answer):
    """Exercise 1: a transposed convolution with a 3x3 kernel, stride 2 and
    padding 1 gets a 5x5 input. How many rows has its output?

    Examples
    --------
    >>> check_output_size(3)
    Not yet: 3 is what a *convolution* with these settings makes of 5 (it shrinks). The transposed one grows: (n
    - 1)*s - 2p + (k - 1) + 1.
    """
    if isinstance(answer, (list, tuple, np.ndarray)):
        try:
            rows, columns = (float(value) for value in answer)
        except (TypeError, ValueError):  # not two numbers: checked as it is
            rows, columns = None, 0
        if rows == columns:
            answer = rows  # a square output given as (rows, columns)
    return check_number(
        answer,
        solution_output_size(),
        wrong_answers=[
            (
                output_size(5, 3, stride=2, padding=1),
                "3 is what a *convolution* with these settings makes of 5 (it shrinks). The transposed one grows: "
                "(n - 1)*s - 2p + (k - 1) + 1.",
            ),
            (
                transposed_output_size(5, 3, stride=2),
                "11 is the size before the crop: padding p cuts p cells from each side, 2p in all.",
            ),
            (
                10,
                "10 = n*s would need output_padding=1; here it is 0. The last stamp starts at (n - 1)*s and is "
                "k long, then 2p are cut.",
            ),
        ],
        success="9 = (5 - 1)*2 - 2*1 + (3 - 1) + 0 + 1: stamps 2 apart, each 3 long, minus the padding on both sides.",
    )


# Exercise 2: which output_padding undoes a stride-2 convolution's size?
def solution_output_padding():
    """output_padding that brings the 5x5 output of a (k=3, s=2, p=1)
    convolution of a 10x10 image back to 10x10.

    Examples
    --------
    >>> solution_output_padding()
    1
    """
    small = output_size(10, 3, stride=2, padding=1)  # 5
    return next(a for a in range(2) if transposed_output_size(small, 3, 2, 1, a) == 10)


def check_output_padding(answer):
    """Exercise 2: a convolution (3x3, stride 2, padding 1) turns a 10x10 image
    into 5x5. Which ``output_padding`` makes the transposed convolution with
    the same settings turn 5x5 back into 10x10?

    Examples
    --------
    >>> check_output_padding(0)
    Not yet: with output_padding=0 you get (5 - 1)*2 - 2 + 2 + 1 = 9: that undoes a 9x9 input, which stride 2
    also maps to 5x5.
    """
    return check_number(
        answer,
        solution_output_padding(),
        wrong_answers=[
            (
                0,
                "with output_padding=0 you get (5 - 1)*2 - 2 + 2 + 1 = 9: that undoes a 9x9 input, which stride 2 "
                "also maps to 5x5.",
            ),
            (2, "output_padding must be smaller than the stride (2), and 2 would give 11 anyway."),
            (-1, "output_padding adds cells at the end; it is never negative."),
        ],
        success="1: (10 + 2 - 3) mod 2 = 1 row fell to the floor in the convolution, and output_padding puts it back.",
    )


# Exercise 3: stamp a 1-D signal by hand
STAMP_INPUT = np.array([1.0, 2.0, 3.0])
STAMP_KERNEL = np.array([1.0, -1.0, 2.0])


def solution_stamps():
    """The stride-2 transposed convolution of ``STAMP_INPUT`` with ``STAMP_KERNEL``.

    Examples
    --------
    >>> solution_stamps()
    array([ 1., -1.,  4., -2.,  7., -3.,  6.])
    """
    return conv_transpose2d(_row(STAMP_INPUT), _row(STAMP_KERNEL), stride=2)[0, 0, 0]


def check_stamps(answer):
    """Exercise 3: the 1-D transposed convolution of [1, 2, 3] with the kernel
    [1, -1, 2], stride 2, no padding (7 numbers).

    Examples
    --------
    >>> check_stamps([1, 1, 3, 1, 6])
    Not yet: that is stride 1: the stamps of neighbouring inputs start 1 apart. With stride 2 they start 2
    apart, so the output has (3 - 1)*2 + 3 = 7 cells.
    """
    flipped = conv_transpose2d(_row(STAMP_INPUT), _row(STAMP_KERNEL[::-1]), stride=2)[0, 0, 0]
    no_overlap = np.concatenate([value * STAMP_KERNEL for value in STAMP_INPUT])
    return check_array(
        answer,
        solution_stamps(),
        wrong_answers=[
            (
                conv_transpose2d(_row(STAMP_INPUT), _row(STAMP_KERNEL))[0, 0, 0],
                "that is stride 1: the stamps of neighbouring inputs start 1 apart. With stride 2 they start 2 apart, "
                "so the output has (3 - 1)*2 + 3 = 7 cells.",
            ),
            (flipped, "the kernel is stamped as it is, not flipped: input 1 writes 1, -1, 2 into cells 1 to 3."),
            (
                no_overlap,
                "the stamps are 3 long but only 2 apart: they overlap by one cell, and overlapping values add.",
            ),
        ],
        success="Each input writes its value times [1, -1, 2], 2 cells further on; where two stamps meet, they add.",
    )


# Exercise 4: kernel sizes that overlap evenly at stride 2
KERNEL_SIZES = (2, 3, 4, 5, 6)


def solution_even_kernels():
    """Kernel sizes among ``KERNEL_SIZES`` whose stride-2 stamps cover the
    middle of the output evenly.

    Examples
    --------
    >>> solution_even_kernels()
    [2, 4, 6]
    """
    even = []
    for k in KERNEL_SIZES:
        counts = stamp_layout(8, k, stride=2).counts_1d
        middle = counts[k : len(counts) - k]  # away from both ends
        if middle.min() == middle.max():
            even.append(k)
    return even


def check_even_kernels(answer):
    """Exercise 4: at stride 2, which kernel sizes from 2 to 6 give every output
    cell (away from the borders) the same number of stamps, so no checkerboard?
    Answer with a list, e.g. [2, 3].

    Examples
    --------
    >>> check_even_kernels([3, 5])
    Not yet: those are the ones that overlap unevenly: with k = 3 the counts go 1, 2, 1, 2. Try the demo at stride 2.
    """
    if not_attempted(answer):
        return Feedback("not attempted", "replace ... with your answer and run the cell again.")
    try:
        chosen = sorted({int(value) for value in np.atleast_1d(np.asarray(answer, dtype=float)) if value == int(value)})
        if len(chosen) != np.size(answer):
            raise ValueError
    except (TypeError, ValueError, OverflowError):  # OverflowError: int(inf)
        return Feedback("wrong", f"expected a list of whole kernel sizes such as [2, 3]; got {answer!r}")
    right = solution_even_kernels()
    if chosen == right:
        return Feedback("correct", "2, 4 and 6: a kernel size divisible by the stride gives every cell k / s stamps.")
    if chosen == [3, 5]:
        return Feedback(
            "wrong",
            "those are the ones that overlap unevenly: with k = 3 the counts go 1, 2, 1, 2. Try the demo at stride 2.",
        )
    if set(chosen) < set(right):
        return Feedback("wrong", "right so far, but one is missing: which other sizes are divisible by the stride 2?")
    wrong = [k for k in chosen if k not in right]
    return Feedback(
        "wrong",
        f"{wrong[0]} overlaps unevenly at stride 2: stamps {wrong[0]} long, 2 apart, cover some "
        f"cells once more than others.",
    )


# Exercise 5: the matrix of a transposed convolution
MATRIX_KERNEL = np.array([1.0, 2.0, 3.0])


def solution_transposed_matrix():
    """The matrix M with ``M @ y`` = the stride-2 transposed convolution of a
    length-2 ``y`` with ``MATRIX_KERNEL`` (5 x 2).

    Examples
    --------
    >>> solution_transposed_matrix()
    array([[1., 0.],
           [2., 0.],
           [3., 1.],
           [0., 2.],
           [0., 3.]])
    """
    return convolution_matrix(5, MATRIX_KERNEL, stride=2).T


def check_transposed_matrix(answer):
    """Exercise 5: write the 5 x 2 matrix M such that ``M @ y`` is the stride-2
    transposed convolution of a length-2 signal y with the kernel [1, 2, 3].

    Examples
    --------
    >>> check_transposed_matrix([[1, 2, 3, 0, 0], [0, 0, 1, 2, 3]])
    Not yet: that is C, the convolution's matrix (2 x 5: it shrinks 5 to 2). The transposed convolution
    multiplies by its transpose, 5 x 2.
    """
    matrix = convolution_matrix(5, MATRIX_KERNEL, stride=2)
    return check_array(
        answer,
        solution_transposed_matrix(),
        wrong_answers=[
            (
                matrix,
                "that is C, the convolution's matrix (2 x 5: it shrinks 5 to 2). The transposed convolution "
                "multiplies by its transpose, 5 x 2.",
            ),
            (
                convolution_matrix(5, MATRIX_KERNEL[::-1], stride=2).T,
                "the kernel is not flipped: column j holds y_j's stamp [1, 2, 3], starting in row 2j + 1.",
            ),
        ],
        success="M = C transposed: column j is the stamp of y_j, 1, 2, 3 starting 2 rows further down each time.",
    )
