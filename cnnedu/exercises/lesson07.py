"""Exercises of lesson 07 (receptive fields).

Each ``check_<name>(answer)`` returns a :class:`~cnnedu.exercises.feedback.Feedback`
and never raises; ``solution_<name>()`` returns a right answer, computed with
cnnedu so that the answer and the lesson's formulas cannot drift apart.

>>> check_stack_size(17)
Correct: r = 1 + 4*1 + 2*1 + 1*2 + 2*4 = 17.
"""

import numpy as np

from cnnedu.exercises.feedback import Feedback, check_array, check_number, not_attempted
from cnnedu.layers import Conv2d, MaxPool2d
from cnnedu.receptive_field import receptive_field

# Exercises 1 and 2: conv 5x5 stride 1, conv 3x3 stride 2, max pool 2x2 stride 2, conv 3x3 stride 1
STACK = [Conv2d(1, 1, 5), Conv2d(1, 1, 3, stride=2), MaxPool2d(2, stride=2), Conv2d(1, 1, 3)]

# Exercise 3: three 3x3 convolutions, stride 1, dilations 1, 2 and 4
DILATED_STACK = [Conv2d(1, 1, 3, dilation=1), Conv2d(1, 1, 3, dilation=2), Conv2d(1, 1, 3, dilation=4)]

# Exercise 4: conv 5x5 (stride 1, padding 2), max pool 2x2 (stride 2), conv 3x3 (stride 1, padding 1).
# Not the lesson's worked example (conv 3x3 padding 1 first), whose regions the notebook prints.
PADDED_STACK = [Conv2d(1, 1, 5, padding=2), MaxPool2d(2, stride=2), Conv2d(1, 1, 3, padding=1)]
REGION_UNIT = 4

# Exercise 5: how many 3x3 stride-1 convolutions until the field is at least this wide?
TARGET_SIZE = 30


def solution_stack_size():
    """Receptive field size of a unit after :data:`STACK`.

    Examples
    --------
    >>> solution_stack_size()
    17
    """
    return receptive_field(STACK).size


def check_stack_size(answer):
    """Exercise 1: the receptive field size r of the last layer of ``STACK``.

    Examples
    --------
    >>> check_stack_size(10)  # doctest: +ELLIPSIS
    Not yet: you added k - 1 for every layer but did not multiply ...
    >>> check_stack_size(...)
    Not attempted yet: replace ... with your answer and run the cell again.
    """
    return check_number(
        answer,
        solution_stack_size(),
        wrong_answers=[
            (
                10,
                "you added k - 1 for every layer but did not multiply it by the product of the strides of the "
                "layers before it: after a stride-2 layer, one step costs 2 input cells.",
            ),
            (
                21,
                "you multiplied k_l - 1 by the strides up to and including layer l; only the layers before l "
                "count (a layer's own stride moves its windows, it does not widen one window).",
            ),
            (
                13,
                "adding the kernel sizes counts the cell shared by neighbouring windows more than once; "
                "use r = 1 + sum of (k_l - 1) * (product of earlier strides).",
            ),
            (16, "almost: the closed form starts from 1 (the unit itself) before adding the (k_l - 1) terms."),
        ],
        success="r = 1 + 4*1 + 2*1 + 1*2 + 2*4 = 17.",
    )


def solution_effective_stride():
    """Effective stride of the last layer of :data:`STACK`.

    Examples
    --------
    >>> solution_effective_stride()
    4
    """
    return receptive_field(STACK).stride


def check_effective_stride(answer):
    """Exercise 2: how many input cells apart are two neighbouring units of
    the last layer of ``STACK``?

    Examples
    --------
    >>> check_effective_stride(4)
    Correct: S = 1 * 2 * 2 * 1 = 4: neighbouring units look 4 input cells apart.
    """
    return check_number(
        answer,
        solution_effective_stride(),
        wrong_answers=[
            (6, "strides multiply, they do not add: a stride 2 after a stride 2 jumps 2 * 2 = 4 input cells."),
            (1, "that is the stride of the last layer alone; the effective stride multiplies all the strides."),
            (2, "one strided layer is missing: the second convolution and the pooling layer both have stride 2."),
            (17, "that is the receptive field size; the stride is the distance between two neighbouring fields."),
        ],
        success="S = 1 * 2 * 2 * 1 = 4: neighbouring units look 4 input cells apart.",
    )


def solution_dilated_size():
    """Receptive field size after :data:`DILATED_STACK`.

    Examples
    --------
    >>> solution_dilated_size()
    15
    """
    return receptive_field(DILATED_STACK).size


def check_dilated_size(answer):
    """Exercise 3: the receptive field of three 3x3 convolutions with
    dilations 1, 2 and 4 (stride 1).

    Examples
    --------
    >>> check_dilated_size(7)  # doctest: +ELLIPSIS
    Not yet: 7 is the field without dilation...
    """
    return check_number(
        answer,
        solution_dilated_size(),
        wrong_answers=[
            (
                7,
                "7 is the field without dilation: you used k = 3 for every layer. A dilated kernel spans "
                "d * (k - 1) + 1 cells: 3, 5 and 9 here.",
            ),
            (
                19,
                "you used d * k for the span; the k taps leave k - 1 gaps of d cells, so the span is "
                "d * (k - 1) + 1 (3, 5, 9).",
            ),
            (
                17,
                "adding the spans 3 + 5 + 9 counts shared cells twice; add span - 1 per layer, then 1.",
            ),
        ],
        success="spans 3, 5 and 9: r = 1 + 2 + 4 + 8 = 15, with only 27 weights.",
    )


def solution_region():
    """First and last input index seen by unit :data:`REGION_UNIT` after
    :data:`PADDED_STACK`.

    Examples
    --------
    >>> solution_region()
    (4, 13)
    """
    return receptive_field(PADDED_STACK).region(REGION_UNIT)


def check_region(answer):
    """Exercise 4: which input cells (first, last) does unit 4 of the last
    layer of ``PADDED_STACK`` see? Index 0 is the first real input cell.

    Examples
    --------
    >>> check_region((4, 13))
    Correct: r = 10, S = 2, P = 4: the field starts at 4 * 2 - 4 = 4 and ends at 4 + 10 - 1 = 13.
    >>> check_region((8, 17))  # doctest: +ELLIPSIS
    Not yet: you left out the padding...
    """
    if not_attempted(answer):
        return check_number(answer, 0)
    try:
        shape = np.shape(np.asarray(answer, dtype=float))
    except (TypeError, ValueError):  # not numbers, or ragged like [[1, 2], [3]]
        shape = None
    if isinstance(answer, (str, bytes)) or shape != (2,):
        return Feedback("wrong", f"give two numbers (first, last), e.g. (0, 7); got {answer!r}")
    return check_array(
        answer,
        solution_region(),
        wrong_answers=[
            (
                (8, 17),
                "you left out the padding: every padding cell shifts the field left, and the padding of a "
                "later layer counts times the earlier strides (P = 2 + 0 + 1 * 2 = 4).",
            ),
            (
                (5, 14),
                "the padding of the last convolution counts twice, because it sits after a stride-2 layer: "
                "P = 2 + 1 * 2 = 4, not 3.",
            ),
            (
                (4, 11),
                "the first cell is right, but the field is wider: the last convolution's k - 1 = 2 counts "
                "times the stride 2 before it, so r = 1 + 4 + 1 + 2 * 2 = 10.",
            ),
            ((4, 14), "the first cell is right; the last is first + r - 1 (the field has r = 10 cells)."),
            ((0, 9), "units of the last layer are S = 2 input cells apart: unit u starts at u * S - P."),
        ],
        success="r = 10, S = 2, P = 4: the field starts at 4 * 2 - 4 = 4 and ends at 4 + 10 - 1 = 13.",
    )


def solution_layers_needed():
    """Fewest 3x3 stride-1 convolutions whose field covers :data:`TARGET_SIZE` cells.

    Examples
    --------
    >>> solution_layers_needed()
    15
    """
    layers = 1
    while receptive_field([Conv2d(1, 1, 3)] * layers).size < TARGET_SIZE:
        layers += 1
    return layers


def check_layers_needed(answer):
    """Exercise 5: how many 3x3 stride-1 convolutions until one unit sees at
    least ``TARGET_SIZE`` (30) input cells?

    Examples
    --------
    >>> check_layers_needed(10)  # doctest: +ELLIPSIS
    Not yet: each 3x3 layer adds k - 1 = 2 cells...
    """
    return check_number(
        answer,
        solution_layers_needed(),
        wrong_answers=[
            (10, "each 3x3 layer adds k - 1 = 2 cells to the field, not 3: r = 1 + 2 L."),
            (14, "14 layers give r = 1 + 2 * 14 = 29, one short of 30."),
            (16, "16 layers work, but 15 already give r = 31."),
        ],
        success="r = 1 + 2 L >= 30 needs L = 15 (r = 31): without strides the field grows slowly.",
    )
