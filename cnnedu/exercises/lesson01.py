"""Exercises of lesson 01 (filters are pattern detectors).

Each ``check_<name>(answer)`` returns a :class:`~cnnedu.exercises.feedback.Feedback`
and never raises; ``solution_<name>()`` returns a right answer.

>>> check_patch_response(46)
Correct: 46: nine products, added up.
"""

import numpy as np

from cnnedu.correlate import correlate2d
from cnnedu.exercises.feedback import Feedback, check_number, not_attempted
from cnnedu.kernels import flip_kernel, get_kernel, response_range

EDGE_KERNEL = get_kernel("45-degree edge")

# Exercise 1: the 45-degree kernel on a patch of grey levels
PATCH = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]], dtype=float)


def solution_patch_response():
    """The response of the 45-degree kernel on :data:`PATCH`.

    Examples
    --------
    >>> solution_patch_response()
    46.0
    """
    return float(np.sum(PATCH * EDGE_KERNEL))


def check_patch_response(answer):
    """Exercise 1: lay the 45-degree kernel on ``PATCH`` and give the response.

    Examples
    --------
    >>> check_patch_response(14)
    Not yet: you flipped the kernel (that would be convolution); lay it on the patch exactly as written.
    >>> check_patch_response(...)
    Not attempted yet: replace ... with your answer and run the cell again.
    """
    expected = solution_patch_response()
    flipped = float(np.sum(PATCH * flip_kernel(EDGE_KERNEL)))
    matrix_product = PATCH @ EDGE_KERNEL
    if not not_attempted(answer) and not isinstance(answer, str):
        try:
            values = np.asarray(answer, dtype=float)
        except (TypeError, ValueError):
            values = None
        if values is not None and values.shape == (3, 3):
            if np.allclose(values, PATCH * EDGE_KERNEL):
                return Feedback("wrong", "those are the nine products; the response is their sum (one number).")
            if np.allclose(values, matrix_product):
                return Feedback("wrong", "that is a matrix product; a filter multiplies entry by entry, then adds.")
            return Feedback("wrong", "the response at one position is a single number, not a 3x3 array.")
    return check_number(
        answer,
        expected,
        wrong_answers=[
            (flipped, "you flipped the kernel (that would be convolution); lay it on the patch exactly as written."),
            (float(PATCH.sum()), "that is the sum of the pixels; multiply each pixel by its weight first."),
            (float(EDGE_KERNEL.sum()), "that is the sum of the weights; multiply each weight by its pixel first."),
            (float(np.sum(matrix_product)), "that is a matrix product; a filter multiplies entry by entry, then adds."),
        ],
        success="46: nine products, added up.",
    )


# Exercise 2: the largest possible response on pixels between 0 and 1
def solution_largest_response():
    """The largest response of the 45-degree kernel on any patch of pixels in [0, 1].

    Examples
    --------
    >>> solution_largest_response()
    9.0
    """
    return response_range(EDGE_KERNEL, 0.0, 1.0)[1]


def check_largest_response(answer):
    """Exercise 2: the largest response of the 45-degree kernel on pixels in [0, 1].

    Examples
    --------
    >>> check_largest_response(6)
    Not yet: 6 is what an all-white patch gives; you can do better by making the pixels under the -1 weights black.
    """
    return check_number(
        answer,
        solution_largest_response(),
        wrong_answers=[
            (
                6.0,
                "6 is what an all-white patch gives; you can do better by making the pixels under the -1 "
                "weights black.",
            ),
            (
                12.0,
                "12 would need the -1 weights to add +1 each; with pixels between 0 and 1 the best they can add is 0.",
            ),
            (18.0, "18 is the kernel laid on itself, but pixels must stay between 0 and 1."),
            (2.0, "2 is the largest single weight; the response adds up all nine products."),
            (
                -3.0,
                "-3 is the smallest response (white under the -1 weights, black elsewhere); the question asks "
                "for the largest.",
            ),
        ],
        success="9: white under every positive weight, black under every negative one. "
        "The patch that scores highest looks like the kernel.",
    )


# Exercise 3: design a detector for a horizontal edge, dark above and bright below
DARK_ABOVE = np.array([[0, 0, 0], [0.5, 0.5, 0.5], [1, 1, 1]], dtype=float)
VERTICAL_EDGE = np.array([[0, 0.5, 1], [0, 0.5, 1], [0, 0.5, 1]], dtype=float)


def solution_horizontal_edge_kernel():
    """A 3x3 kernel that answers positively to "dark above, bright below",
    negatively to the opposite, and 0 to flat patches and vertical edges.

    Examples
    --------
    >>> solution_horizontal_edge_kernel()
    array([[-1., -2., -1.],
           [ 0.,  0.,  0.],
           [ 1.,  2.,  1.]])
    """
    return get_kernel("Sobel y")


def check_horizontal_edge_kernel(answer):
    """Exercise 3: any 3x3 kernel that detects a horizontal edge, dark above
    and bright below, and ignores flat patches and vertical edges.

    The check tries the kernel on test patches: a flat grey patch (must give
    0), dark above / bright below (positive), the same turned upside down
    (negative) and a vertical edge (0).

    Examples
    --------
    >>> check_horizontal_edge_kernel([[1, 2, 1], [0, 0, 0], [-1, -2, -1]])
    Not yet: your kernel gives -4 on "dark above, bright below" and +4 on the opposite: it detects the opposite
    edge. Change the sign of every weight.
    """
    if not_attempted(answer):
        return Feedback("not attempted", "replace ... with your 3x3 kernel and run the cell again.")
    try:
        kernel = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return Feedback("wrong", f"expected a 3x3 array of numbers; got {answer!r}")
    if kernel.shape != (3, 3):
        return Feedback("wrong", f"the kernel must be 3x3; yours has shape {kernel.shape}.")
    if not np.all(np.isfinite(kernel)):
        return Feedback("wrong", "every weight must be a finite number.")
    flat = float(correlate2d(np.full((3, 3), 0.5), kernel)[0, 0])
    edge = float(correlate2d(DARK_ABOVE, kernel)[0, 0])
    opposite = float(correlate2d(DARK_ABOVE[::-1], kernel)[0, 0])
    vertical = float(correlate2d(VERTICAL_EDGE, kernel)[0, 0])
    mirrored_vertical = float(correlate2d(VERTICAL_EDGE[:, ::-1], kernel)[0, 0])

    def show(value):
        return f"{value:+.3g}" if abs(value) > 1e-9 else "0"

    if abs(flat) > 1e-9:
        return Feedback(
            "wrong",
            f"a flat grey patch (all 0.5) gives {show(flat)}; make the weights add up to 0 "
            f"(yours add up to {kernel.sum():.3g}) so that no edge means no response.",
        )
    if edge < -1e-9 and opposite > 1e-9:
        return Feedback(
            "wrong",
            f'your kernel gives {show(edge)} on "dark above, bright below" and {show(opposite)} on the opposite: '
            "it detects the opposite edge. Change the sign of every weight.",
        )
    if abs(edge) <= 1e-9:
        return Feedback(
            "wrong",
            'your kernel gives 0 on "dark above, bright below"; put negative weights in the top row '
            "and positive ones in the bottom row.",
        )
    if abs(vertical) > 1e-9 or abs(mirrored_vertical) > 1e-9:
        return Feedback(
            "wrong",
            f"your kernel also answers a vertical edge ({show(vertical)}); a horizontal-edge detector should "
            "ignore it: make every column add up to 0.",
        )
    if edge > 0 and opposite < 0:
        return Feedback(
            "correct",
            f'{show(edge)} on "dark above, bright below", {show(opposite)} on the opposite, 0 on flat '
            "patches and vertical edges: a horizontal-edge detector (Sobel y is one such kernel).",
        )
    return Feedback(
        "wrong",
        f'"dark above, bright below" gives {show(edge)} and the opposite gives {show(opposite)}; the first must '
        "be positive and the second negative.",
    )


# Exercise 4: sharpen on a flat patch
def solution_flat_sharpen():
    """Response of the sharpen kernel on a flat patch of grey 0.4.

    Examples
    --------
    >>> solution_flat_sharpen()
    0.4
    """
    return round(float(np.sum(np.full((3, 3), 0.4) * get_kernel("sharpen"))), 12)


def check_flat_sharpen(answer):
    """Exercise 4: the sharpen kernel on a patch where every pixel is 0.4.

    Examples
    --------
    >>> check_flat_sharpen(2.0)
    Not yet: 2 = 5 x 0.4 is only the centre product; the four -1 weights take away 4 x 0.4.
    """
    return check_number(
        answer,
        solution_flat_sharpen(),
        tolerance=1e-6,
        wrong_answers=[
            (2.0, "2 = 5 x 0.4 is only the centre product; the four -1 weights take away 4 x 0.4."),
            (0.0, "0 is what an edge detector gives on a flat patch; sharpen's weights add up to 1, not 0."),
            (-1.6, "-1.6 leaves out the centre: 5 x 0.4 is added to the four -1 x 0.4."),
            (1.0, "1 is the sum of the weights; multiply it by the grey level of the patch."),
        ],
        success="0.4: sharpen's weights add up to 1, so flat regions keep their grey level; "
        "only places that differ from their neighbours change.",
    )
