"""Lesson 06 exercises: what each check recognises (typical mistakes and their hints,
the answer forms it accepts) and the solutions against an independent computation. What holds
for every exercise (the worked solution passes, unfilled is "not attempted", junk never raises)
is tested once, from the registry, in test_exercises_all.py."""

import re

import numpy as np
import pytest

import cnnedu as ce
from cnnedu.exercises import lesson06 as ex


def test_solutions_agree_with_conv2d_backward():
    _, cache = ce.conv2d_forward(ex.X[None, None], ex.K[None, None], np.zeros(1))
    grad_x, grad_k, _ = ce.conv2d_backward(ex.GRAD_OUTPUT[None, None], cache)
    assert np.allclose(ex.solution_input_gradient(), grad_x[0, 0])
    assert np.allclose(ex.solution_kernel_gradient(), grad_k[0, 0])
    batch_x = np.stack([ex.X, ex.X])[:, None]
    _, cache = ce.conv2d_forward(batch_x, ex.K[None, None], np.zeros(1))
    assert np.isclose(ex.solution_bias_gradient(), ce.conv2d_backward(ex.BATCH_GRAD_OUTPUT, cache)[2][0])


def test_worked_entries_by_hand():
    grad_x = ex.solution_input_gradient()
    dy, k = ex.GRAD_OUTPUT, ex.K
    assert grad_x[0, 0] == dy[0, 0] * k[0, 0]  # dJ/dx11 = dy11 k11
    assert grad_x[0, 1] == dy[0, 0] * k[0, 1] + dy[0, 1] * k[0, 0]  # dJ/dx12 = dy11 k12 + dy12 k11
    assert ex.solution_kernel_gradient()[0, 0] == np.sum(dy * ex.X[:2, :2])


@pytest.mark.parametrize(
    "name, answer, hint",
    [
        ("input_gradient", [[4, 3, 0], [10, 3, -3], [4, 0, -1]], "forgot to flip"),
        ("input_gradient", [[7]], "shape of X"),
        ("input_gradient", [[0, 1], [3, 2]], "that is dJ/dK"),
        ("input_gradient", np.zeros((3, 3)), "entries differ"),
        ("kernel_gradient", [[4, 1], [3, 6]], "flipped dJ/dY"),
        ("kernel_gradient", [[1, 0], [6, -4]], "needs the inputs X"),
        ("kernel_gradient", [[2, 3], [1, 0]], "turned by 180 degrees"),
        ("kernel_gradient", [[0, 1], [3, 3]], r"1 of 4 entries differ from the answer: the entry at \[1, 1\]"),
        ("kernel_gradient", np.zeros((3, 3)), "shape"),
        ("bias_gradient", 3, "overwritten per sample"),
        ("bias_gradient", 2, "first sample only"),
        ("bias_gradient", 0.625, "mean"),
        ("bias_gradient", [2, 3], "each sample separately"),
        ("spread_gradient", [[1, 2, 0], [3, 4, 0], [0, 0, 0]], "not after them"),
        ("spread_gradient", [[1, 2], [3, 4]], "shape"),
        ("max_pool_gradient", [[0, 10], [10, 0]], "counted twice"),
        ("max_pool_gradient", [[2.5, 2.5], [2.5, 2.5]], "average pooling"),
        ("max_pool_gradient", [[0, 0], [10, 0]], "first maximum in reading order"),
    ],
)
def test_typical_mistakes_get_specific_hints(name, answer, hint):
    feedback = getattr(ex, f"check_{name}")(answer)
    assert feedback.status == "wrong"
    assert re.search(hint, feedback.message), feedback.message


@pytest.mark.parametrize("answer", [5, 5.0, [5], np.array([5.0]), np.int64(5)])
def test_bias_gradient_accepts_a_number_or_an_array_of_one(answer):
    assert ex.check_bias_gradient(answer).status == "correct"


def test_swapped_scipy_answer_is_recognised():
    """The hint names what scipy really returns when the arguments are swapped
    (scipy turns the result around), computed here with scipy itself."""
    import scipy.signal

    swapped = scipy.signal.correlate2d(ex.GRAD_OUTPUT, ex.X, mode="valid")
    assert np.array_equal(swapped, ex.solution_kernel_gradient()[::-1, ::-1])
    feedback = ex.check_kernel_gradient(swapped)
    assert feedback.status == "wrong" and "correlate2d(X, dJ/dY" in feedback.message
