"""The gradient checker itself: it must pass right gradients and catch wrong ones."""

import numpy as np
import pytest

import cnnedu as ce


def test_right_gradient_passes_and_x_is_restored(rng):
    x = rng.normal(size=(3, 4))
    before = x.copy()
    assert ce.gradient_check(lambda: float(np.sum(np.sin(x))), x, np.cos(x)) < 1e-8
    np.testing.assert_array_equal(x, before)


def test_numerical_gradient_of_a_quadratic():
    x = np.array([1.0, -2.0, 3.0])
    np.testing.assert_allclose(ce.numerical_gradient(lambda: float(x @ x), x), 2 * x, rtol=1e-8)


@pytest.mark.parametrize("mistake", ["one entry off", "sign", "factor two", "transposed"])
def test_wrong_gradients_are_caught(rng, mistake):
    weights = rng.normal(size=(3, 3))
    x = rng.normal(size=(3, 3))
    right = weights  # d/dx sum(weights * x)
    wrong = {
        "one entry off": right + np.eye(3)[0, 0] * np.pad([[1.0]], ((0, 2), (0, 2))),
        "sign": -right,
        "factor two": 2 * right,
        "transposed": right.T,
    }[mistake]
    assert ce.gradient_check(lambda: float(np.sum(weights * x)), x, wrong) > 1e-3


def test_relative_error_values():
    assert ce.relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert ce.relative_error(np.array([1.0]), np.array([3.0])) == pytest.approx(0.5)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: ce.gradient_check(lambda: 0.0, [1.0, 2.0], np.zeros(2)), TypeError, r"x must be a numpy array"),
        (
            lambda: ce.gradient_check(lambda: 0.0, np.zeros(3), np.zeros(2)),
            ValueError,
            r"analytic_gradient must have the shape of x \(3,\); got \(2,\)",
        ),
        (
            lambda: ce.numerical_gradient(lambda: 0.0, np.zeros(3, dtype=int)),
            TypeError,
            r"x must be a float numpy array",
        ),
        (lambda: ce.numerical_gradient(lambda: 0.0, np.zeros(3), epsilon=0), ValueError, r"epsilon must be positive"),
        (lambda: ce.numerical_gradient(lambda: 0.0, np.zeros((3, 4))[:, :2]), ValueError, r"x must be contiguous"),
        (lambda: ce.relative_error(np.zeros(2), np.zeros(3)), ValueError, r"a and b must have the same shape"),
    ],
)
def test_bad_input_gets_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()
