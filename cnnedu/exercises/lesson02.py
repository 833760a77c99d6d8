"""Exercises of lesson 02 (cross-correlation vs convolution).

Each ``check_<name>(answer)`` returns a :class:`~cnnedu.exercises.feedback.Feedback`
and never raises; ``solution_<name>()`` returns a right answer.

>>> check_flip(solution_flip())
Correct: Turned by 180 degrees: left-right and up-down.
"""

import numpy as np

from cnnedu.correlate import convolve1d, correlate1d
from cnnedu.exercises.feedback import Feedback, check_array, not_attempted
from cnnedu.kernels import flip_kernel, get_kernel, kernel_names

# Exercise 1: flip a 2x3 kernel
FLIP_KERNEL = np.array([[1, 2, 3], [4, 5, 6]], dtype=float)


def solution_flip():
    """:data:`FLIP_KERNEL` flipped as convolution flips it.

    Examples
    --------
    >>> solution_flip()
    array([[6., 5., 4.],
           [3., 2., 1.]])
    """
    return flip_kernel(FLIP_KERNEL)


def check_flip(answer):
    """Exercise 1: the kernel ``[[1, 2, 3], [4, 5, 6]]`` as convolution lays it down.

    Examples
    --------
    >>> check_flip([[3, 2, 1], [6, 5, 4]])
    Not yet: you flipped only left-right; convolution also flips up-down.
    >>> check_flip([[1, 4], [2, 5], [3, 6]])
    Not yet: that is the transpose (rows become columns); flipping keeps the shape and reverses both directions.
    """
    return check_array(
        answer,
        solution_flip(),
        wrong_answers=[
            (FLIP_KERNEL[:, ::-1], "you flipped only left-right; convolution also flips up-down."),
            (FLIP_KERNEL[::-1, :], "you flipped only up-down; convolution also flips left-right."),
            (
                FLIP_KERNEL.T,
                "that is the transpose (rows become columns); flipping keeps the shape and reverses both directions.",
            ),
            (
                FLIP_KERNEL[::-1, ::-1].T,
                "that is a quarter turn or a transpose; flipping keeps the shape (2 rows of 3).",
            ),
            (FLIP_KERNEL, "that is the kernel unchanged: cross-correlation uses it as is, convolution flips it."),
        ],
        success="Turned by 180 degrees: left-right and up-down.",
    )


# Exercise 2: 1-D cross-correlation by hand
SIGNAL = np.array([1, 3, 2, 0, 4], dtype=float)
KERNEL = np.array([1, 2], dtype=float)


def solution_correlation():
    """Valid cross-correlation of :data:`SIGNAL` with :data:`KERNEL`.

    Examples
    --------
    >>> solution_correlation()
    array([7., 7., 2., 8.])
    """
    return correlate1d(SIGNAL, KERNEL)


def check_correlation(answer):
    """Exercise 2: cross-correlate ``[1, 3, 2, 0, 4]`` with ``[1, 2]`` ('valid').

    Examples
    --------
    >>> check_correlation([5, 8, 4, 4])
    Not yet: that is convolution, not cross-correlation: you flipped the kernel. Slide [1, 2] as written.
    """
    return check_array(
        answer,
        solution_correlation(),
        wrong_answers=[
            (
                convolve1d(SIGNAL, KERNEL),
                "that is convolution, not cross-correlation: you flipped the kernel. Slide [1, 2] as written.",
            ),
            (
                correlate1d(SIGNAL, KERNEL, mode="full"),
                "you padded with zeros (mode 'full'); 'valid' keeps only the positions where the whole kernel "
                "lies on the signal.",
            ),
            (
                convolve1d(SIGNAL, KERNEL, mode="full"),
                "that is a full convolution: the kernel was flipped and the signal padded. Slide [1, 2] as "
                "written, without padding.",
            ),
        ],
        success="[7, 7, 2, 8]: at each of the 4 positions, 1 x left + 2 x right.",
    )


# Exercise 3: output of a causal system
IMPULSE_RESPONSE = np.array([1, 2, 3], dtype=float)
SYSTEM_INPUT = np.array([2, 0, 1], dtype=float)


def solution_system_output():
    """Output of the system with impulse response [1, 2, 3] for the input [2, 0, 1], t = 0..4.

    Examples
    --------
    >>> solution_system_output()
    array([2., 4., 7., 2., 3.])
    """
    return convolve1d(SYSTEM_INPUT, IMPULSE_RESPONSE, mode="full")


def check_system_output(answer):
    """Exercise 3: the system answers an impulse with [1, 2, 3]; give its
    output at t = 0, 1, 2, 3, 4 for the input [2, 0, 1].

    Examples
    --------
    >>> check_system_output([6, 4, 5, 2, 1])
    Not yet: that is cross-correlation: the response came out backwards. The newest input meets h[0], so the
    response must be reversed under the input.
    """
    only_first = np.array([2, 4, 6, 0, 0], dtype=float)
    only_second = np.array([0, 0, 1, 2, 3], dtype=float)
    return check_array(
        answer,
        solution_system_output(),
        wrong_answers=[
            (
                correlate1d(SYSTEM_INPUT, IMPULSE_RESPONSE, mode="full"),
                "that is cross-correlation: the response came out backwards. The newest input meets h[0], "
                "so the response must be reversed under the input.",
            ),
            (
                only_first,
                "you kept only the answer to the first input (2 at t = 0); the input 1 at t = 2 adds its own "
                "1, 2, 3 from t = 2 on.",
            ),
            (
                only_second,
                "you kept only the answer to the input at t = 2; the input 2 at t = 0 adds 2, 4, 6 from t = 0 on.",
            ),
            (solution_system_output()[:3], "the output goes on after the input stops: give 5 values, t = 0 to 4."),
            (
                convolve1d(SYSTEM_INPUT, IMPULSE_RESPONSE, mode="valid"),
                "the output goes on after the input stops: give 5 values, t = 0 to 4.",
            ),
        ],
        success="[2, 4, 7, 2, 3]: 2 x [1, 2, 3] from t = 0 plus 1 x [1, 2, 3] from t = 2.",
    )


# Exercise 4: which presets give the same map under both operations
def solution_agreeing_kernels():
    """Preset kernels that equal their own flip, so correlation = convolution.

    Examples
    --------
    >>> solution_agreeing_kernels()
    ['Laplacian', 'box blur', 'sharpen', 'identity']
    """
    return [name for name in kernel_names() if np.allclose(get_kernel(name), flip_kernel(get_kernel(name)))]


_FLIP_HINTS = {
    "Sobel x": "Sobel x flipped is minus Sobel x, so convolution gives the negative of cross-correlation.",
    "Sobel y": "Sobel y flipped is minus Sobel y, so convolution gives the negative of cross-correlation.",
    "45-degree edge": "the 45-degree kernel flipped is [[1, 1, 2], [1, 2, -1], [2, -1, -1]]: a detector of the "
    "opposite edge, so the two maps differ.",
}


def check_agreeing_kernels(answer):
    """Exercise 4: which presets give the same map by cross-correlation and by
    convolution? Answer a list of names from ``cnnedu.kernels.kernel_names()``.

    Examples
    --------
    >>> check_agreeing_kernels(["Laplacian", "box blur", "sharpen", "identity", "Sobel x"])
    Not yet: Sobel x flipped is minus Sobel x, so convolution gives the negative of cross-correlation.
    """
    if not_attempted(answer):
        return Feedback("not attempted", "replace ... with a list of kernel names and run the cell again.")
    if isinstance(answer, str):
        answer = answer.split(",")  # one name, or several written in one string: "Laplacian, box blur"
    try:
        names = [str(name).strip() for name in answer]
    except TypeError:
        return Feedback("wrong", f"expected a list of kernel names; got {answer!r}")
    known = {name.lower(): name for name in kernel_names()}
    unknown = [name for name in names if name.lower() not in known]
    if unknown:
        return Feedback("wrong", f"unknown name(s) {unknown}; choose from {kernel_names()}.")
    chosen = {known[name.lower()] for name in names}
    expected = set(solution_agreeing_kernels())
    for name in kernel_names():
        if name in chosen and name not in expected:
            return Feedback("wrong", _FLIP_HINTS.get(name, f"{name} changes when flipped."))
    missing = [name for name in kernel_names() if name in expected and name not in chosen]
    if missing:
        return Feedback(
            "wrong",
            f"{missing[0]} is missing: turn it by 180 degrees and compare; a kernel that equals its flip gives "
            "the same map both ways.",
        )
    return Feedback(
        "correct",
        "Laplacian, box blur, sharpen and identity equal their own flip (symmetric under a half-turn), so "
        "both operations agree; the edge detectors do not.",
    )
