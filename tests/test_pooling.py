"""Pooling against the curriculum's example, an explicit loop over windows,
PyTorch, and central differences; the tie rule of the max-pool gradient."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import cnnedu as ce
from cnnedu.pooling import POOLING_KINDS, pool

EXAMPLE = np.array([[1, 3, 2, 4], [5, 6, 7, 8], [9, 2, 3, 1], [4, 0, 1, 5]], dtype=float)


def _loop_pool(x, size, stride, reduce):
    """Reference: visit every window, one at a time."""
    out_h = (x.shape[-2] - size) // stride + 1
    out_w = (x.shape[-1] - size) // stride + 1
    out = np.zeros(x.shape[:-2] + (out_h, out_w))
    for r in range(out_h):
        for c in range(out_w):
            window = x[..., r * stride : r * stride + size, c * stride : c * stride + size]
            out[..., r, c] = reduce(window, axis=(-2, -1))
    return out


def test_worked_example_of_the_curriculum():
    np.testing.assert_array_equal(ce.max_pool2d(EXAMPLE, 2), [[6, 8], [9, 5]])
    np.testing.assert_array_equal(ce.avg_pool2d(EXAMPLE, 2), [[3.75, 5.25], [3.75, 2.5]])


def test_overlapping_windows_by_hand():
    np.testing.assert_array_equal(ce.max_pool2d(EXAMPLE, 2, stride=1), [[6, 7, 8], [9, 7, 8], [9, 3, 5]])


@given(
    h=st.integers(1, 9),
    w=st.integers(1, 9),
    size=st.integers(1, 4),
    stride=st.integers(1, 4),
    batched=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_random_shapes_match_the_loop(h, w, size, stride, batched, seed):
    generator = np.random.default_rng(seed)
    x = generator.normal(size=(2, 3, h, w) if batched else (h, w))
    if size > h or size > w:
        with pytest.raises(ValueError, match="does not fit"):
            ce.max_pool2d(x, size, stride)
        return
    np.testing.assert_allclose(ce.max_pool2d(x, size, stride), _loop_pool(x, size, stride, np.max))
    np.testing.assert_allclose(ce.avg_pool2d(x, size, stride), _loop_pool(x, size, stride, np.mean))


@pytest.mark.parametrize("size, stride", [(2, None), (3, 1), (3, 2), (2, 3)])
def test_matches_pytorch_forward_and_backward(torch, rng, size, stride):
    x = rng.normal(size=(2, 3, 7, 8))
    for forward, backward, torch_pool in [
        (ce.max_pool2d_forward, ce.max_pool2d_backward, torch.nn.functional.max_pool2d),
        (ce.avg_pool2d_forward, ce.avg_pool2d_backward, torch.nn.functional.avg_pool2d),
    ]:
        y, cache = forward(x, size, stride)
        grad_output = rng.normal(size=y.shape)
        tx = torch.tensor(x, requires_grad=True)
        ty = torch_pool(tx, size, stride)
        ty.backward(torch.from_numpy(grad_output))
        np.testing.assert_allclose(y, ty.detach().numpy(), atol=1e-12)
        np.testing.assert_allclose(backward(grad_output, cache), tx.grad.numpy(), atol=1e-12)


def test_ties_match_pytorch(torch):
    x = np.array([[[[1.0, 1.0, 0.0, 0.0], [1.0, 1.0, 0.0, 0.0], [2.0, 0.0, 3.0, 3.0], [0.0, 2.0, 3.0, 3.0]]]])
    y, cache = ce.max_pool2d_forward(x, 2)
    tx = torch.tensor(x, requires_grad=True)
    torch.nn.functional.max_pool2d(tx, 2).sum().backward()
    np.testing.assert_array_equal(ce.max_pool2d_backward(np.ones_like(y), cache), tx.grad.numpy())


@pytest.mark.parametrize("size, stride", [(2, 2), (3, 1), (2, 1), (3, 2)])
def test_gradients_match_central_differences(rng, size, stride):
    # distinct values: the maximum of every window is unique, so max pooling is differentiable here
    x = rng.permutation(2 * 6 * 7).reshape(2, 1, 6, 7) / 10.0
    for forward, backward in [
        (ce.max_pool2d_forward, ce.max_pool2d_backward),
        (ce.avg_pool2d_forward, ce.avg_pool2d_backward),
    ]:
        y, cache = forward(x, size, stride)
        grad_output = rng.normal(size=y.shape)
        analytic = backward(grad_output, cache)
        assert (
            ce.gradient_check(
                lambda forward=forward, grad_output=grad_output: float(
                    np.sum(forward(x, size, stride)[0] * grad_output)
                ),
                x,
                analytic,
                epsilon=1e-4,
            )
            < 1e-7
        )


def test_tied_maximum_gets_the_gradient_exactly_once():
    y, cache = ce.max_pool2d_forward([[5, 5], [1, 5]], 2)
    grad = ce.max_pool2d_backward([[1.0]], cache)
    np.testing.assert_array_equal(grad, [[1, 0], [0, 0]])  # the first maximum in reading order
    assert grad.sum() == 1.0


def test_global_pools():
    x = np.arange(24.0).reshape(2, 3, 2, 2)
    np.testing.assert_array_equal(ce.global_max_pool(x), x.reshape(2, 3, 4).max(axis=2))
    np.testing.assert_array_equal(ce.global_avg_pool(x), x.reshape(2, 3, 4).mean(axis=2))
    assert ce.global_max_pool(x).shape == (2, 3)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: ce.max_pool2d(np.ones((2, 2, 2)), 2), ValueError, r"x must be 2 or 4-D; got ndim=3"),
        (lambda: ce.max_pool2d(np.ones((3, 3)), 4), ValueError, r"pooling window size 4 does not fit in a 3x3 map"),
        (lambda: ce.avg_pool2d(np.ones((3, 3)), 0), ValueError, r"size must be at least 1; got 0"),
        (lambda: ce.avg_pool2d(np.ones((3, 3)), 2, stride=0), ValueError, r"stride must be at least 1; got 0"),
        (lambda: ce.max_pool2d(np.ones((3, 3)), 2.0), TypeError, r"size must be an integer"),
        (lambda: ce.max_pool2d(np.ones((0, 3)), 1), ValueError, r"x must not be empty"),
        (lambda: ce.global_max_pool(np.ones((3, 3))), ValueError, r"x must be 4-D; got ndim=2"),
        (lambda: ce.global_avg_pool(np.ones((1, 1, 3))), ValueError, r"x must be 4-D; got ndim=3"),
        (
            lambda: ce.max_pool2d_backward(np.ones((1, 1)), ce.max_pool2d_forward(np.ones((4, 4)), 2)[1]),
            ValueError,
            r"grad_output must be 2-D.*|grad_output must have the shape of the forward output \(2, 2\); got \(1, 1\)",
        ),
        (
            lambda: ce.avg_pool2d_backward(np.ones((3, 2)), ce.avg_pool2d_forward(np.ones((4, 4)), 2)[1]),
            ValueError,
            r"grad_output must have the shape of the forward output \(2, 2\); got \(3, 2\)",
        ),
    ],
)
def test_bad_input_gets_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize("kind, reduce", [("max", np.max), ("average", np.mean)])
@pytest.mark.parametrize("size, stride", [(2, None), (3, 1), (2, 3)])
def test_pool_by_name_equals_the_loop(kind, reduce, size, stride):
    x = np.random.default_rng(size).integers(0, 10, size=(2, 3, 7, 6)).astype(float)
    expected = _loop_pool(x, size, size if stride is None else stride, reduce)
    np.testing.assert_allclose(pool(x, size, stride, kind), expected)
    np.testing.assert_allclose(pool(x[0, 0], size, stride, kind), expected[0, 0])


def test_pool_by_name_rejects_unknown_kinds():
    assert POOLING_KINDS == ("max", "average")
    with pytest.raises(ValueError, match="kind must be 'max' or 'average'; got 'min'"):
        pool(EXAMPLE, 2, kind="min")
