"""The layer convolution: fast vs loop vs scipy vs PyTorch, and every
gradient against central differences."""

import numpy as np
import pytest
import scipy.signal
from hypothesis import given
from hypothesis import strategies as st

import cnnedu as ce

CASES = [
    # (N, C_in, H, W, C_out, kh, kw, stride, padding)
    (1, 1, 5, 5, 1, 3, 3, 1, 0),
    (3, 2, 6, 7, 4, 3, 3, 1, 1),  # batch, non-square, padding
    (2, 3, 8, 6, 2, 2, 2, 2, 0),  # even kernel, stride
    (2, 2, 7, 9, 3, 4, 2, 3, 2),  # non-square even kernel, stride 3, padding 2
    (4, 1, 5, 5, 2, 5, 5, 1, 0),  # kernel as large as the input
    (1, 2, 3, 3, 1, 5, 5, 1, 1),  # kernel larger than the input, fits only padded
]


def _random_case(generator, n, c_in, h, w, c_out, kh, kw):
    x = generator.normal(size=(n, c_in, h, w))
    weights = generator.normal(size=(c_out, c_in, kh, kw))
    bias = generator.normal(size=c_out)
    return x, weights, bias


def _scipy_conv_layer(x, weights, bias, stride, padding):
    """Independent reference: one scipy correlate2d per (sample, out, in) channel."""
    x = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    n, c_out = x.shape[0], weights.shape[0]
    out = []
    for sample in range(n):
        maps = []
        for o in range(c_out):
            total = sum(scipy.signal.correlate2d(x[sample, c], weights[o, c], "valid") for c in range(x.shape[1]))
            maps.append(total[::stride, ::stride] + bias[o])
        out.append(maps)
    return np.array(out)


@pytest.mark.parametrize("case", CASES)
def test_forward_matches_loop_and_scipy(rng, case):
    n, c_in, h, w, c_out, kh, kw, stride, padding = case
    x, weights, bias = _random_case(rng, n, c_in, h, w, c_out, kh, kw)
    fast, _ = ce.conv2d_forward(x, weights, bias, stride, padding)
    loop, _ = ce.conv2d_forward_loop(x, weights, bias, stride, padding)
    reference = _scipy_conv_layer(x, weights, bias, stride, padding)
    assert (
        fast.shape
        == reference.shape
        == (n, c_out, ce.output_size(h, kh, stride, padding), ce.output_size(w, kw, stride, padding))
    )
    np.testing.assert_allclose(fast, reference, atol=1e-10)
    np.testing.assert_allclose(loop, reference, atol=1e-10)


@pytest.mark.parametrize("case", CASES)
def test_backward_matches_loop(rng, case):
    n, c_in, h, w, c_out, kh, kw, stride, padding = case
    x, weights, bias = _random_case(rng, n, c_in, h, w, c_out, kh, kw)
    y, cache = ce.conv2d_forward(x, weights, bias, stride, padding)
    _, loop_cache = ce.conv2d_forward_loop(x, weights, bias, stride, padding)
    grad_output = rng.normal(size=y.shape)
    for fast, loop in zip(
        ce.conv2d_backward(grad_output, cache), ce.conv2d_backward_loop(grad_output, loop_cache), strict=True
    ):
        np.testing.assert_allclose(fast, loop, atol=1e-10)


@pytest.mark.parametrize("case", CASES)
def test_gradients_match_central_differences(rng, case):
    n, c_in, h, w, c_out, kh, kw, stride, padding = case
    x, weights, bias = _random_case(rng, n, c_in, h, w, c_out, kh, kw)
    y, cache = ce.conv2d_forward(x, weights, bias, stride, padding)
    grad_output = rng.normal(size=y.shape)
    grad_x, grad_weights, grad_bias = ce.conv2d_backward(grad_output, cache)

    def loss():  # J = sum(grad_output * y): its gradient with respect to y is grad_output
        return float(np.sum(ce.conv2d_forward(x, weights, bias, stride, padding)[0] * grad_output))

    assert ce.gradient_check(loss, x, grad_x) < 1e-6
    assert ce.gradient_check(loss, weights, grad_weights) < 1e-6
    assert ce.gradient_check(loss, bias, grad_bias) < 1e-6


def test_weight_and_bias_gradients_sum_over_the_batch(rng):
    x, weights, bias = _random_case(rng, 3, 2, 6, 6, 2, 3, 3)
    y, cache = ce.conv2d_forward(x, weights, bias, 1, 1)
    grad_output = rng.normal(size=y.shape)
    _, grad_weights, grad_bias = ce.conv2d_backward(grad_output, cache)
    per_sample = [
        ce.conv2d_backward(grad_output[i : i + 1], ce.conv2d_forward(x[i : i + 1], weights, bias, 1, 1)[1])
        for i in range(3)
    ]
    np.testing.assert_allclose(grad_weights, sum(p[1] for p in per_sample))
    np.testing.assert_allclose(grad_bias, sum(p[2] for p in per_sample))
    np.testing.assert_allclose(grad_bias, grad_output.sum(axis=(0, 2, 3)))


def test_single_channel_gradients_are_the_lesson_formulas(rng):
    """dJ/dK = valid correlation of X with dJ/dY; dJ/dX = full convolution of dJ/dY with K."""
    x = rng.normal(size=(6, 5))
    kernel = rng.normal(size=(3, 2))
    y, cache = ce.conv2d_forward(x[None, None], kernel[None, None])
    grad_y = rng.normal(size=y.shape[2:])
    grad_x, grad_kernel, _ = ce.conv2d_backward(grad_y[None, None], cache)
    np.testing.assert_allclose(grad_kernel[0, 0], scipy.signal.correlate2d(x, grad_y, "valid"))
    np.testing.assert_allclose(grad_x[0, 0], scipy.signal.convolve2d(grad_y, kernel, "full"))


def test_stride_gradient_is_the_dilated_output_gradient(rng):
    x = rng.normal(size=(7, 7))
    kernel = rng.normal(size=(3, 3))
    y, cache = ce.conv2d_forward(x[None, None], kernel[None, None], stride=2)
    grad_y = rng.normal(size=y.shape[2:])
    grad_x, grad_kernel, _ = ce.conv2d_backward(grad_y[None, None], cache)
    spread = np.zeros((5, 5))
    spread[::2, ::2] = grad_y  # the stride-1 output gradient with zeros where stride skipped
    np.testing.assert_allclose(grad_x[0, 0], scipy.signal.convolve2d(spread, kernel, "full"))
    np.testing.assert_allclose(grad_kernel[0, 0], scipy.signal.correlate2d(x, spread, "valid"))


@given(
    n=st.integers(1, 3),
    c_in=st.integers(1, 3),
    c_out=st.integers(1, 3),
    h=st.integers(1, 8),
    w=st.integers(1, 8),
    k=st.integers(1, 4),
    stride=st.integers(1, 3),
    padding=st.integers(0, 2),
    seed=st.integers(0, 2**16),
)
def test_random_shapes_fast_equals_loop(n, c_in, c_out, h, w, k, stride, padding, seed):
    generator = np.random.default_rng(seed)
    x, weights, bias = _random_case(generator, n, c_in, h, w, c_out, k, k)
    if k > h + 2 * padding or k > w + 2 * padding:
        with pytest.raises(ValueError, match="does not fit"):
            ce.conv2d_forward(x, weights, bias, stride, padding)
        return
    y, cache = ce.conv2d_forward(x, weights, bias, stride, padding)
    y_loop, loop_cache = ce.conv2d_forward_loop(x, weights, bias, stride, padding)
    np.testing.assert_allclose(y, y_loop, atol=1e-10)
    grad_output = generator.normal(size=y.shape)
    for fast, loop in zip(
        ce.conv2d_backward(grad_output, cache), ce.conv2d_backward_loop(grad_output, loop_cache), strict=True
    ):
        np.testing.assert_allclose(fast, loop, atol=1e-10)


@pytest.mark.parametrize("case", CASES)
def test_matches_pytorch_with_autograd(torch, rng, case):
    n, c_in, h, w, c_out, kh, kw, stride, padding = case
    x, weights, bias = _random_case(rng, n, c_in, h, w, c_out, kh, kw)
    y, cache = ce.conv2d_forward(x, weights, bias, stride, padding)
    grad_output = rng.normal(size=y.shape)
    grad_x, grad_weights, grad_bias = ce.conv2d_backward(grad_output, cache)

    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, weights, bias))
    ty = torch.nn.functional.conv2d(tx, tw, tb, stride=stride, padding=padding)
    ty.backward(torch.from_numpy(grad_output))
    np.testing.assert_allclose(y, ty.detach().numpy(), atol=1e-10)
    np.testing.assert_allclose(grad_x, tx.grad.numpy(), atol=1e-10)
    np.testing.assert_allclose(grad_weights, tw.grad.numpy(), atol=1e-10)
    np.testing.assert_allclose(grad_bias, tb.grad.numpy(), atol=1e-10)


def test_float32_stays_float32(rng):
    x = rng.normal(size=(2, 1, 6, 6)).astype(np.float32)
    weights = rng.normal(size=(3, 1, 3, 3)).astype(np.float32)
    y, cache = ce.conv2d_forward(x, weights, np.zeros(3, np.float32))
    assert y.dtype == np.float32
    grad_x, grad_weights, grad_bias = ce.conv2d_backward(np.ones_like(y), cache)
    assert grad_x.dtype == grad_weights.dtype == np.float32


def test_no_bias(rng):
    x, weights, _ = _random_case(rng, 2, 1, 5, 5, 2, 3, 3)
    y, cache = ce.conv2d_forward(x, weights)
    np.testing.assert_allclose(y, ce.conv2d_forward(x, weights, np.zeros(2))[0])
    assert ce.conv2d_backward(np.ones_like(y), cache)[2] is None


@pytest.mark.parametrize(
    "call, error, message",
    [
        (
            lambda: ce.conv2d_forward(np.ones((1, 5, 5)), np.ones((1, 1, 3, 3))),
            ValueError,
            r"x must be 4-D; got ndim=3 with shape \(1, 5, 5\)",
        ),
        (lambda: ce.conv2d_forward(np.ones((1, 1, 5, 5)), np.ones((1, 3, 3))), ValueError, r"weights must be 4-D"),
        (
            lambda: ce.conv2d_forward(np.ones((1, 2, 5, 5)), np.ones((1, 3, 3, 3))),
            ValueError,
            r"x has 2 channels .* expect C_in=3",
        ),
        (
            lambda: ce.conv2d_forward(np.ones((1, 1, 5, 5)), np.ones((2, 1, 3, 3)), np.ones(3)),
            ValueError,
            r"bias must have shape \(C_out,\) = \(2,\); got \(3,\)",
        ),
        (
            lambda: ce.conv2d_forward(np.ones((1, 1, 2, 2)), np.ones((1, 1, 3, 3))),
            ValueError,
            r"kernel 3x3 does not fit in the padded input 2x2",
        ),
        (
            lambda: ce.conv2d_forward(np.ones((1, 1, 5, 5)), np.ones((1, 1, 3, 3)), stride=0),
            ValueError,
            r"stride must be at least 1",
        ),
        (
            lambda: ce.conv2d_forward(np.ones((1, 1, 5, 5)), np.ones((1, 1, 3, 3)), padding=-1),
            ValueError,
            r"padding must not be negative",
        ),
        (lambda: ce.conv2d_forward(np.ones((0, 1, 5, 5)), np.ones((1, 1, 3, 3))), ValueError, r"x must not be empty"),
    ],
)
def test_bad_input_gets_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_gradient_of_wrong_shape_is_rejected():
    y, cache = ce.conv2d_forward(np.ones((2, 1, 5, 5)), np.ones((3, 1, 3, 3)))
    with pytest.raises(
        ValueError, match=r"grad_output must have the shape of the forward output \(2, 3, 3, 3\); got \(2, 3, 3, 2\)"
    ):
        ce.conv2d_backward(np.ones((2, 3, 3, 2)), cache)
    _, loop_cache = ce.conv2d_forward_loop(np.ones((2, 1, 5, 5)), np.ones((3, 1, 3, 3)))
    with pytest.raises(ValueError, match=r"grad_output must have the shape of the forward output"):
        ce.conv2d_backward_loop(np.ones((1, 3, 3, 3)), loop_cache)


@pytest.mark.parametrize("bias", [np.zeros(3), np.zeros((2, 1))])
def test_a_bias_of_the_wrong_shape_is_named_by_both_convolutions(bias):
    x, weights = np.zeros((1, 1, 4, 4)), np.zeros((2, 1, 3, 3))
    with pytest.raises(ValueError, match=r"bias must have shape \(C_out,\) = \(2,\)|bias must be 1-D"):
        ce.conv2d_forward(x, weights, bias)
    with pytest.raises(ValueError, match=r"bias must have shape \(C_out,\) = \(1,\)|bias must be 1-D"):
        ce.conv_transpose2d(np.zeros((1, 2, 4, 4)), weights, bias)  # weights (C_in=2, C_out=1, 3, 3)
