"""Exercises of lesson 06 (backpropagation through a convolution).

The exercises share one small example: a 3x3 input ``X``, a 2x2 kernel
``K`` (stride 1, no padding) and the gradient ``GRAD_OUTPUT`` = dJ/dY that
arrives from the layer above.

Each ``check_<name>(answer)`` returns a :class:`~cnnedu.exercises.feedback.Feedback`
and never raises; ``solution_<name>()`` returns a right answer.

>>> check_bias_gradient(5)
Correct: 5: the bias touches every output of every sample, so its gradient sums all of dJ/dY.
"""

import numpy as np
import scipy.signal

from cnnedu.backprop_paths import dilate, input_gradient, kernel_gradient
from cnnedu.correlate import convolve2d, correlate2d
from cnnedu.exercises.feedback import Feedback, check_array, check_number
from cnnedu.pooling import max_pool2d_backward, max_pool2d_forward

X = np.array([[1.0, 2.0, 0.0], [0.0, 1.0, 3.0], [2.0, 1.0, 1.0]])
K = np.array([[1.0, 2.0], [3.0, 4.0]])
GRAD_OUTPUT = np.array([[1.0, 0.0], [2.0, -1.0]])


# Exercise 1: dJ/dX
def solution_input_gradient():
    """dJ/dX of the example: the full convolution of dJ/dY with K.

    Examples
    --------
    >>> solution_input_gradient()
    array([[ 1.,  2.,  0.],
           [ 5.,  7., -2.],
           [ 6.,  5., -4.]])
    """
    return input_gradient(GRAD_OUTPUT, K, X.shape)


def check_input_gradient(answer):
    """Exercise 1: compute dJ/dX (a 3x3 array) for ``X``, ``K`` and ``GRAD_OUTPUT``.

    Examples
    --------
    >>> check_input_gradient([[4, 3, 0], [10, 3, -3], [4, 0, -1]])
    Not yet: that is the full cross-correlation: you forgot to flip the kernel. dJ/dx12 = dy11 k12 + dy12 k11.
    """
    return check_array(
        answer,
        solution_input_gradient(),
        wrong_answers=[
            (
                correlate2d(GRAD_OUTPUT, K, mode="full"),
                "that is the full cross-correlation: you forgot to flip the kernel. dJ/dx12 = dy11 k12 + dy12 k11.",
            ),
            (
                convolve2d(GRAD_OUTPUT, K, mode="valid"),
                "dJ/dX has the shape of X (3x3): use the full convolution, so every input pixel gets its share.",
            ),
            (
                kernel_gradient(X, GRAD_OUTPUT, K.shape),
                "that is dJ/dK (2x2); dJ/dX is the full convolution of dJ/dY with K, of the shape of X.",
            ),
        ],
        success="Each input pixel collects dJ/dy times the kernel entry that met it: the full convolution.",
    )


# Exercise 2: dJ/dK
def solution_kernel_gradient():
    """dJ/dK of the example: the valid cross-correlation of X with dJ/dY.

    Examples
    --------
    >>> solution_kernel_gradient()
    array([[0., 1.],
           [3., 2.]])
    """
    return kernel_gradient(X, GRAD_OUTPUT, K.shape)


def check_kernel_gradient(answer):
    """Exercise 2: compute dJ/dK (a 2x2 array) for ``X``, ``K`` and ``GRAD_OUTPUT``.

    Examples
    --------
    >>> check_kernel_gradient([[4, 1], [3, 6]])
    Not yet: you flipped dJ/dY (that is a convolution). dJ/dk11 = sum of dJ/dy_ij times x_ij, no flip.
    >>> check_kernel_gradient([[2, 3], [1, 0]]).message[:40]
    'that is dJ/dK turned by 180 degrees, wha'
    """
    return check_array(
        answer,
        solution_kernel_gradient(),
        wrong_answers=[
            (
                convolve2d(X, GRAD_OUTPUT, mode="valid"),
                "you flipped dJ/dY (that is a convolution). dJ/dk11 = sum of dJ/dy_ij times x_ij, no flip.",
            ),
            (
                scipy.signal.correlate2d(GRAD_OUTPUT, X, mode="valid"),
                (
                    "that is dJ/dK turned by 180 degrees, what scipy.signal.correlate2d(dJ/dY, X, "
                    "mode='valid') returns: "
                    "cross-correlation is not commutative, and swapping its arguments turns the result around. "
                    "Slide dJ/dY over X: correlate2d(X, dJ/dY, mode='valid')."
                ),
            ),
            (GRAD_OUTPUT * K, "dJ/dK needs the inputs X: each entry is a sum of dJ/dy times the pixel that met it."),
            (
                input_gradient(GRAD_OUTPUT, K, X.shape),
                "that is dJ/dX (3x3); dJ/dK has the shape of K: slide dJ/dY over X and sum the products.",
            ),
        ],
        success="dJ/dK is the valid cross-correlation of X with dJ/dY.",
    )


# Exercise 3: the bias gradient over a batch of two
BATCH_GRAD_OUTPUT = np.array([[[[1.0, 0.0], [2.0, -1.0]]], [[[0.0, 1.0], [1.0, 1.0]]]])  # (N=2, C_out=1, 2, 2)


def solution_bias_gradient():
    """dJ/db for ``BATCH_GRAD_OUTPUT``: summed over the batch and every position.

    Examples
    --------
    >>> solution_bias_gradient()
    5.0
    """
    return float(BATCH_GRAD_OUTPUT.sum(axis=(0, 2, 3))[0])


def check_bias_gradient(answer):
    """Exercise 3: the gradient of the single bias, for a batch of two samples.

    Examples
    --------
    >>> check_bias_gradient(3)
    Not yet: that is the last sample only: the gradient was overwritten per sample instead of summed over the batch.
    >>> check_bias_gradient([5])  # dJ/db as an array of shape (1,): one output channel
    Correct: 5: the bias touches every output of every sample, so its gradient sums all of dJ/dY.
    """
    if isinstance(answer, (list, tuple, np.ndarray)):
        values = np.asarray(answer, dtype=object).ravel()
        if values.size == 1:
            answer = values[0]  # one output channel: dJ/db written as an array of one number is fine
        elif values.size == len(BATCH_GRAD_OUTPUT):
            return Feedback(
                "wrong",
                "those are the sums of each sample separately; the one bias is shared by both "
                "samples, so add them: one number.",
            )
    last_sample = float(BATCH_GRAD_OUTPUT[-1].sum())
    first_sample = float(BATCH_GRAD_OUTPUT[0].sum())
    return check_number(
        answer,
        solution_bias_gradient(),
        wrong_answers=[
            (
                last_sample,
                "that is the last sample only: the gradient was overwritten per sample instead of summed "
                "over the batch.",
            ),
            (first_sample, "that is the first sample only; the bias is shared by every sample: sum over the batch."),
            (
                float(BATCH_GRAD_OUTPUT.mean()),
                "that is the mean; the bias adds to every output once, so its gradient is the plain sum.",
            ),
            (
                float(BATCH_GRAD_OUTPUT.sum() / 2),
                "no division by the batch size here: the sum is the gradient of the loss J as given.",
            ),
        ],
        success="5: the bias touches every output of every sample, so its gradient sums all of dJ/dY.",
    )


# Exercise 4: stride 2 spreads dJ/dY with zeros
STRIDED_GRAD_OUTPUT = np.array([[1.0, 2.0], [3.0, 4.0]])


def solution_spread_gradient():
    """``STRIDED_GRAD_OUTPUT`` spread for a stride-2 layer.

    Examples
    --------
    >>> solution_spread_gradient()
    array([[1., 0., 2.],
           [0., 0., 0.],
           [3., 0., 4.]])
    """
    return dilate(STRIDED_GRAD_OUTPUT, 2)


def check_spread_gradient(answer):
    """Exercise 4: spread the 2x2 dJ/dY of a stride-2 layer with zeros (a 3x3 array).

    Examples
    --------
    >>> check_spread_gradient([[1, 2, 0], [3, 4, 0], [0, 0, 0]])
    Not yet: the zeros go *between* the entries (stride - 1 = 1 zero between neighbours), not after them.
    """
    return check_array(
        answer,
        solution_spread_gradient(),
        wrong_answers=[
            (
                [[1, 2, 0], [3, 4, 0], [0, 0, 0]],
                "the zeros go *between* the entries (stride - 1 = 1 zero between neighbours), not after them.",
            ),
            (
                [[0, 0, 0], [0, 1, 2], [0, 3, 4]],
                "the zeros go *between* the entries (stride - 1 = 1 zero between neighbours), not before them.",
            ),
            (
                [[1, 0, 2, 0], [0, 0, 0, 0], [3, 0, 4, 0], [0, 0, 0, 0]],
                "put stride - 1 zeros between neighbours only; nothing after the last entry: 2 entries -> 3 cells.",
            ),
        ],
        success="Stride s: s - 1 zeros between neighbours, as if the stride-1 output had been computed and "
        "every other value dropped.",
    )


# Exercise 5: max pooling backward with a tie
POOL_INPUT = np.array([[1.0, 3.0], [3.0, 2.0]])
POOL_GRAD_OUTPUT = np.array([[10.0]])


def solution_max_pool_gradient():
    """dJ/dx of a 2x2 max pool over ``POOL_INPUT`` (tied maxima: the first one wins).

    Examples
    --------
    >>> solution_max_pool_gradient()
    array([[ 0., 10.],
           [ 0.,  0.]])
    """
    _, cache = max_pool2d_forward(POOL_INPUT, 2)
    return max_pool2d_backward(POOL_GRAD_OUTPUT, cache)


def check_max_pool_gradient(answer):
    """Exercise 5: dJ/dx of a 2x2 max pool on [[1, 3], [3, 2]] with dJ/dy = 10.

    Examples
    --------
    >>> check_max_pool_gradient([[0, 10], [10, 0]])
    Not yet: both 3s got the gradient, so it is counted twice. Only one maximum (the first, as in PyTorch) gets it.
    """
    return check_array(
        answer,
        solution_max_pool_gradient(),
        wrong_answers=[
            (
                [[0, 10], [10, 0]],
                "both 3s got the gradient, so it is counted twice. Only one maximum (the first, "
                "as in PyTorch) gets it.",
            ),
            (
                [[2.5, 2.5], [2.5, 2.5]],
                "that is average pooling's backward; max pooling sends the gradient to the maximum only.",
            ),
            (
                [[0, 0], [10, 0]],
                "ties go to the first maximum in reading order (row by row): that is the 3 at the top right.",
            ),
            (
                [[0, 5], [5, 0]],
                "splitting the gradient between tied maxima is not what the max's derivative says; "
                "one winner takes it all (the first, as in PyTorch).",
            ),
        ],
        success="One window, one winner: the first maximum gets all of dJ/dy.",
    )
