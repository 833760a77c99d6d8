"""Internals of the fast convolution and pooling paths: im2col with every
stride, dilation and kernel shape, float32 end to end,
caches that stay valid across later calls, the 2x2 pooling fast path and ReLU."""

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import cnnedu as ce
from cnnedu import pooling


def _both(x, weights, bias, stride, padding, grad_seed=0):
    y, cache = ce.conv2d_forward(x, weights, bias, stride, padding)
    y_loop, loop_cache = ce.conv2d_forward_loop(x, weights, bias, stride, padding)
    grad_output = np.random.default_rng(grad_seed).standard_normal(y.shape).astype(y.dtype)
    return (y, *ce.conv2d_backward(grad_output, cache)), (y_loop, *ce.conv2d_backward_loop(grad_output, loop_cache))


@pytest.mark.parametrize("dtype, tolerance", [(np.float64, 1e-10), (np.float32, 2e-4)])
@pytest.mark.parametrize(
    "shape, kernel, stride, padding",
    [
        ((2, 3, 7, 9), (4, 3, 3, 3), 1, 1),  # wide grid, non-square
        ((2, 3, 7, 9), (4, 3, 2, 4), 1, 0),  # even and non-square kernel, no padding
        ((1, 1, 5, 5), (1, 1, 5, 5), 1, 0),  # kernel as large as the image: one output
        ((2, 2, 8, 8), (3, 2, 3, 3), 2, 1),  # strided path
        ((2, 2, 9, 6), (3, 2, 3, 2), 3, 2),  # strided, padding larger than the kernel needs
        ((1, 2, 4, 4), (2, 2, 1, 1), 1, 3),  # 1x1 kernel, lots of padding
    ],
)
def test_fast_paths_equal_the_loop(rng, dtype, tolerance, shape, kernel, stride, padding):
    x = rng.standard_normal(shape).astype(dtype)
    weights = rng.standard_normal(kernel).astype(dtype)
    bias = rng.standard_normal(kernel[0]).astype(dtype)
    fast, loop = _both(x, weights, bias, stride, padding)
    for ours, theirs in zip(fast, loop, strict=True):
        assert ours.dtype == dtype
        assert ours.flags["C_CONTIGUOUS"]
        np.testing.assert_allclose(ours, theirs, rtol=tolerance, atol=tolerance)


def test_a_cache_stays_valid_after_other_calls(rng):
    """Temporaries are never shared between calls: a forward pass of another
    shape (or the same shape) does not change an earlier cache or result."""
    x = rng.standard_normal((4, 2, 6, 6)).astype(np.float32)
    weights = rng.standard_normal((3, 2, 3, 3)).astype(np.float32)
    grad_output = rng.standard_normal((4, 3, 6, 6)).astype(np.float32)
    y, cache = ce.conv2d_forward(x, weights, None, 1, 1)
    y_copy = y.copy()
    expected = [g.copy() for g in ce.conv2d_backward(grad_output, cache)[:2]]
    for shape in [(4, 2, 6, 6), (8, 2, 11, 5), (1, 2, 3, 3)]:
        other = rng.standard_normal(shape).astype(np.float32)
        other_y, other_cache = ce.conv2d_forward(other, weights, None, 1, 1)
        ce.conv2d_backward(np.ones_like(other_y), other_cache)
    np.testing.assert_array_equal(y, y_copy)
    again = ce.conv2d_backward(grad_output, cache)[:2]
    for before, after in zip(expected, again, strict=True):
        np.testing.assert_array_equal(before, after)


def test_backward_does_not_change_its_inputs(rng):
    x = rng.standard_normal((2, 2, 5, 5))
    weights = rng.standard_normal((3, 2, 3, 3))
    y, cache = ce.conv2d_forward(x, weights, np.zeros(3), 1, 1)
    grad_output = rng.standard_normal(y.shape)
    kept = grad_output.copy(), weights.copy()
    ce.conv2d_backward(grad_output, cache)
    np.testing.assert_array_equal(grad_output, kept[0])
    np.testing.assert_array_equal(weights, kept[1])


def test_mixed_precision_follows_numpy(rng):
    x = rng.standard_normal((1, 1, 5, 5)).astype(np.float32)
    weights = rng.standard_normal((2, 1, 3, 3))  # float64
    y, cache = ce.conv2d_forward(x, weights, padding=1)
    assert y.dtype == np.float64
    assert all(g.dtype == np.float64 for g in ce.conv2d_backward(np.ones_like(y), cache)[:2])


def test_importing_cnnedu_leaves_the_allocator_alone():
    """Nothing process-wide at import: a fresh interpreter that imports cnnedu, its demos and
    its plotting never looks up mallopt (the allocator setting an earlier version made)."""
    import subprocess
    import sys

    probe = (
        "import ctypes\n"
        "calls = []\n"
        "real = ctypes.CDLL.__getattr__\n"
        "def spy(self, name):\n"
        "    calls.append(name)\n"
        "    return real(self, name)\n"
        "ctypes.CDLL.__getattr__ = spy\n"
        "import cnnedu, cnnedu.widgets, cnnedu.plotting, cnnedu.exercises\n"
        "print('mallopt' in calls)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def _general_max_pool(x, size, stride):
    """The window-by-window loop the fast path must reproduce (first maximum wins)."""
    out_h = (x.shape[-2] - size) // stride + 1
    out_w = (x.shape[-1] - size) // stride + 1
    y = np.zeros(x.shape[:-2] + (out_h, out_w))
    winner = np.zeros(x.shape[:-2] + (out_h, out_w), dtype=int)
    for r in range(out_h):
        for c in range(out_w):
            window = x[..., r * stride : r * stride + size, c * stride : c * stride + size]
            flat = window.reshape(window.shape[:-2] + (-1,))
            y[..., r, c] = flat.max(axis=-1)
            winner[..., r, c] = flat.argmax(axis=-1)  # argmax returns the first maximum
    return y, winner


@pytest.mark.parametrize("shape", [(3, 2, 6, 8), (2, 3, 7, 5), (4, 4), (5, 3), (1, 1, 2, 2)])
@pytest.mark.parametrize("integers", [True, False])
def test_two_by_two_fast_path_equals_the_loop_with_ties(rng, shape, integers):
    x = rng.integers(0, 3, shape).astype(float) if integers else rng.standard_normal(shape)  # integers tie often
    y, cache = pooling.max_pool2d_forward(x, 2)
    y_loop, winner_loop = _general_max_pool(x, 2, 2)
    np.testing.assert_array_equal(y, y_loop)
    np.testing.assert_array_equal(cache[3], winner_loop)
    assert cache[3].dtype == np.int32 and cache[:3] == (x.shape, 2, 2)
    grad_output = rng.standard_normal(y.shape)
    grad_x = pooling.max_pool2d_backward(grad_output, cache)
    expected = np.zeros(x.shape)
    for index in range(4):
        i, j = divmod(index, 2)
        view = expected[..., i : i + 2 * y.shape[-2] : 2, j : j + 2 * y.shape[-1] : 2]
        view += np.where(winner_loop == index, grad_output, 0)
    np.testing.assert_array_equal(grad_x, expected)
    assert np.count_nonzero(grad_x) <= y.size  # one cell per window, even with ties


def test_two_by_two_fast_path_keeps_float32(rng):
    x = rng.standard_normal((2, 3, 4, 4)).astype(np.float32)
    y, cache = pooling.max_pool2d_forward(x, 2)
    assert y.dtype == np.float32
    assert pooling.max_pool2d_backward(np.ones_like(y), cache).dtype == np.float32


def test_relu_has_no_negative_zeros_and_keeps_dtype():
    relu = ce.ReLU()
    y = relu(np.array([-2.0, -0.0, 0.0, 3.0], dtype=np.float32))
    assert y.dtype == np.float32 and not np.signbit(y).any()
    np.testing.assert_array_equal(y, [0, 0, 0, 3])
    grad = relu.backward(np.array([-1.0, -1.0, -1.0, -1.0], dtype=np.float32))
    assert grad.dtype == np.float32 and not np.signbit(grad[:3]).any()
    np.testing.assert_array_equal(grad, [0, 0, 0, -1])


@given(
    n=st.integers(1, 5),
    c_in=st.integers(1, 3),
    c_out=st.integers(1, 3),
    h=st.integers(1, 9),
    w=st.integers(1, 9),
    kh=st.integers(1, 4),
    kw=st.integers(1, 4),
    stride=st.integers(1, 3),
    padding=st.integers(0, 2),
    input_gradient=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_random_shapes_equal_the_loop(n, c_in, c_out, h, w, kh, kw, stride, padding, input_gradient, seed):
    """Any shape, non-square kernels included: outputs and gradients equal the loop version."""
    assume(kh <= h + 2 * padding and kw <= w + 2 * padding)
    generator = np.random.default_rng(seed)
    x = generator.standard_normal((n, c_in, h, w))
    weights = generator.standard_normal((c_out, c_in, kh, kw))
    bias = generator.standard_normal(c_out)
    y, cache = ce.conv2d_forward(x, weights, bias, stride, padding)
    grad_output = generator.standard_normal(y.shape)
    grads = ce.conv2d_backward(grad_output, cache, input_gradient=input_gradient)
    y_loop, loop_cache = ce.conv2d_forward_loop(x, weights, bias, stride, padding)
    grads_loop = ce.conv2d_backward_loop(grad_output, loop_cache)
    np.testing.assert_allclose(y, y_loop, atol=1e-10)
    if input_gradient:
        np.testing.assert_allclose(grads[0], grads_loop[0], atol=1e-10)
    else:
        assert grads[0] is None
    for fast, loop in zip(grads[1:], grads_loop[1:], strict=True):
        np.testing.assert_allclose(fast, loop, atol=1e-10)


@pytest.mark.parametrize("kernel, padding", [(8, 0), (10, 1), (4, 0)])
def test_kernels_almost_as_large_as_the_input_equal_the_loop(rng, kernel, padding):
    """Few windows, each of many taps: col2im adds them back where they overlap."""
    x = rng.standard_normal((3, 2, 10, 12))
    weights = rng.standard_normal((4, 2, kernel, kernel - 1))
    fast, loop = _both(x, weights, rng.standard_normal(4), 1, padding)
    for ours, theirs in zip(fast, loop, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-10)


def test_a_kernel_as_large_as_the_image_needs_little_memory(rng):
    """A 64x64 kernel on 64x64 images: the backward pass stays within a few
    times the column matrix (it once built a 270 MB temporary here)."""
    import tracemalloc

    x = rng.standard_normal((2, 1, 64, 64)).astype(np.float32)
    weights = rng.standard_normal((3, 1, 64, 64)).astype(np.float32)
    y, cache = ce.conv2d_forward(x, weights)
    grad_output = np.ones_like(y)
    tracemalloc.start()
    try:
        ce.conv2d_backward(grad_output, cache)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    input_bytes = 2 * 1 * 64 * 64 * 4  # x, float32: the columns are C_in*kh*kw rows by N*H_out*W_out = 2 columns
    assert peak < 8 * input_bytes, f"backward peak {peak / 1e6:.1f} MB"


@pytest.mark.parametrize("stride", [1, 2])
def test_float32_bias_gradient_is_as_accurate_as_a_careful_sum(rng, stride):
    """The bias gradient sums dJ/dy over a batch of large maps (here 16 x 64 x 64
    values per channel). In float32 a running sum drifts: on such data np.cumsum
    is off by about 4.5e-6 relative to the float64 sum, numpy's own .sum and
    BLAS's matrix-vector product by about 2e-7."""
    x = rng.standard_normal((16, 2, 64, 64)).astype(np.float32)
    weights = rng.standard_normal((3, 2, 3, 3)).astype(np.float32)
    y, cache = ce.conv2d_forward(x, weights, np.zeros(3, np.float32), stride, 1)
    grad_output = (1.0 + rng.random(y.shape)).astype(np.float32)  # all positive: errors cannot cancel
    _, _, grad_bias = ce.conv2d_backward(grad_output, cache)
    exact = grad_output.astype(np.float64).sum(axis=(0, 2, 3))
    assert grad_bias.dtype == np.float32
    np.testing.assert_allclose(grad_bias, exact, rtol=1e-6)


@pytest.mark.parametrize(
    "x_dtype, weights_dtype, grad_dtype",
    [(np.float32, np.float64, np.float32), (np.float64, np.float32, np.float32), (np.float32, np.float32, np.float64)],
)
def test_mixed_dtypes_give_the_same_dtypes_in_both_pairs(rng, x_dtype, weights_dtype, grad_dtype):
    """Every output and gradient has the dtype of the forward output,
    np.result_type(x, weights), in the fast pair and in the loop pair alike."""
    x = rng.standard_normal((2, 2, 5, 6)).astype(x_dtype)
    weights = rng.standard_normal((3, 2, 3, 3)).astype(weights_dtype)
    bias = rng.standard_normal(3).astype(weights_dtype)
    expected = np.result_type(x_dtype, weights_dtype)
    y, cache = ce.conv2d_forward(x, weights, bias, 1, 1)
    y_loop, loop_cache = ce.conv2d_forward_loop(x, weights, bias, 1, 1)
    grad_output = rng.standard_normal(y.shape).astype(grad_dtype)
    fast = (y, *ce.conv2d_backward(grad_output, cache))
    loop = (y_loop, *ce.conv2d_backward_loop(grad_output, loop_cache))
    for name, ours, theirs in zip(["y", "grad_x", "grad_weights", "grad_bias"], fast, loop, strict=True):
        assert ours.dtype == theirs.dtype == expected, name
        np.testing.assert_allclose(ours, theirs, rtol=2e-4, atol=2e-4)


@pytest.mark.parametrize(
    "size, kernel, dilation, takes_short_row_route",
    [(6, 3, 1, True), (7, 3, 1, True), (8, 3, 1, False), (12, 3, 1, False), (7, 3, 2, True), (5, 3, 3, False)],
)
def test_both_input_gradient_routes_equal_the_loop(monkeypatch, rng, size, kernel, dilation, takes_short_row_route):
    """Stride 1 with output rows of at most 8 cells lays dJ/dy on whole padded images; other shapes take col2im."""
    calls = []
    route = ce.conv._input_gradient_stride_1
    monkeypatch.setattr(ce.conv, "_input_gradient_stride_1", lambda *args: calls.append(1) or route(*args))
    x = rng.normal(size=(3, 2, size, size + 1))
    weights = rng.normal(size=(4, 2, kernel, kernel))
    y, cache = ce.conv2d_forward(x, weights, rng.normal(size=4), 1, 1, dilation)
    grad_output = rng.normal(size=y.shape)
    _, loop_cache = ce.conv2d_forward_loop(x, weights, rng.normal(size=4), 1, 1, dilation)
    for fast, loop in zip(
        ce.conv2d_backward(grad_output, cache)[:2], ce.conv2d_backward_loop(grad_output, loop_cache)[:2], strict=True
    ):
        np.testing.assert_allclose(fast, loop, rtol=1e-10, atol=1e-10)
    assert bool(calls) == takes_short_row_route
