"""correlate/convolve in 1-D and 2-D against scipy.signal, the explicit
loop, and the worked examples of the curriculum."""

import numpy as np
import pytest
import scipy.signal
from hypothesis import given
from hypothesis import strategies as st

import cnnedu as ce
from cnnedu.correlate import SCIPY_MODES

# ---- worked examples (CURRICULUM 02 and 03) ----


def test_three_padding_modes_of_the_curriculum():
    x, kernel = [1, 2, 3], [1, 1, 1]
    np.testing.assert_array_equal(ce.correlate1d(x, kernel, "valid"), [6])
    np.testing.assert_array_equal(ce.correlate1d(x, kernel, "same"), [3, 6, 5])
    np.testing.assert_array_equal(ce.correlate1d(x, kernel, "full"), [1, 3, 6, 5, 3])


def test_falling_slope_detector_and_its_flip():
    ramp = [3, 2, 1, 0]
    np.testing.assert_array_equal(ce.correlate1d(ramp, [1, -1]), [1, 1, 1])
    np.testing.assert_array_equal(ce.convolve1d(ramp, [1, -1]), [-1, -1, -1])
    # a kernel that does not sum to zero changes value but not sign
    np.testing.assert_array_equal(ce.correlate1d(ramp, [1, 0]), [3, 2, 1])
    np.testing.assert_array_equal(ce.convolve1d(ramp, [1, 0]), [2, 1, 0])


def test_impulse_response_comes_out_in_time_order_only_with_the_flip():
    impulse, response = [1, 0, 0], [1, 2, 3]
    np.testing.assert_array_equal(ce.convolve1d(impulse, response, "full")[:3], [1, 2, 3])
    np.testing.assert_array_equal(ce.correlate1d(impulse, response, "full")[:3], [3, 2, 1])


def test_kernel_flip_is_both_axes():
    kernel = np.array([[1, 2], [3, 4]])
    image = np.zeros((3, 3))
    image[1, 1] = 1  # convolving an impulse reproduces the kernel; correlating it, the flipped kernel
    np.testing.assert_array_equal(ce.convolve2d(image, kernel, "full")[1:3, 1:3], [[1, 2], [3, 4]])
    np.testing.assert_array_equal(ce.correlate2d(image, kernel, "full")[1:3, 1:3], [[4, 3], [2, 1]])
    np.testing.assert_array_equal(
        ce.convolve2d(np.arange(9.0).reshape(3, 3), kernel),
        ce.correlate2d(np.arange(9.0).reshape(3, 3), [[4, 3], [2, 1]]),
    )


def test_45_degree_edge_kernel_responds_to_its_own_pattern():
    kernel = np.array([[-1, -1, 2], [-1, 2, 1], [2, 1, 1]])
    assert ce.correlate2d(kernel, kernel)[0, 0] == np.sum(kernel**2) == 18
    assert ce.correlate2d(-kernel, kernel)[0, 0] == -18


# ---- against scipy.signal, every mode, even kernels included ----


@pytest.mark.parametrize("mode", SCIPY_MODES)
@pytest.mark.parametrize("kernel_shape", [(1, 1), (2, 2), (3, 3), (2, 3), (4, 1), (3, 4)])
def test_2d_matches_scipy(rng, mode, kernel_shape):
    image = rng.normal(size=(7, 9))
    kernel = rng.normal(size=kernel_shape)
    np.testing.assert_allclose(ce.correlate2d(image, kernel, mode), scipy.signal.correlate2d(image, kernel, mode))
    np.testing.assert_allclose(ce.convolve2d(image, kernel, mode), scipy.signal.convolve2d(image, kernel, mode))


@pytest.mark.parametrize("mode", SCIPY_MODES)
@pytest.mark.parametrize("length", [1, 2, 3, 4, 5])
def test_1d_matches_scipy(rng, mode, length):
    x = rng.normal(size=8)
    kernel = rng.normal(size=length)
    np.testing.assert_allclose(ce.correlate1d(x, kernel, mode), scipy.signal.correlate(x, kernel, mode))
    np.testing.assert_allclose(ce.convolve1d(x, kernel, mode), scipy.signal.convolve(x, kernel, mode))


@given(
    rows=st.integers(1, 9),
    columns=st.integers(1, 9),
    kh=st.integers(1, 5),
    kw=st.integers(1, 5),
    mode=st.sampled_from(SCIPY_MODES),
    stride=st.integers(1, 4),
    seed=st.integers(0, 2**16),
)
def test_random_shapes_and_strides_match_scipy_and_the_loop(rows, columns, kh, kw, mode, stride, seed):
    generator = np.random.default_rng(seed)
    image = generator.normal(size=(rows, columns))
    kernel = generator.normal(size=(kh, kw))
    if mode == "valid" and (kh > rows or kw > columns):
        with pytest.raises(ValueError, match="does not fit"):
            ce.correlate2d(image, kernel, mode, stride)
        return
    for fast, loop, reference in [
        (ce.correlate2d, ce.correlate2d_loop, scipy.signal.correlate2d),
        (ce.convolve2d, ce.convolve2d_loop, scipy.signal.convolve2d),
    ]:
        expected = reference(image, kernel, mode)[::stride, ::stride]
        np.testing.assert_allclose(fast(image, kernel, mode, stride), expected, atol=1e-12)
        np.testing.assert_allclose(loop(image, kernel, mode, stride), expected, atol=1e-12)


@given(
    size=st.integers(5, 12),
    k=st.integers(1, 3),
    dilation=st.integers(1, 3),
    stride=st.integers(1, 3),
    mode=st.sampled_from(SCIPY_MODES),
    seed=st.integers(0, 2**16),
)
def test_dilation_equals_a_kernel_with_zeros_between_taps(size, k, dilation, stride, mode, seed):
    generator = np.random.default_rng(seed)
    image = generator.normal(size=(size, size + 1))
    kernel = generator.normal(size=(k, k))
    spread = np.zeros((dilation * (k - 1) + 1,) * 2)
    spread[::dilation, ::dilation] = kernel
    if mode == "valid" and spread.shape[0] > size:
        return
    np.testing.assert_allclose(
        ce.correlate2d(image, kernel, mode, stride, dilation),
        scipy.signal.correlate2d(image, spread, mode)[::stride, ::stride],
        atol=1e-12,
    )
    np.testing.assert_allclose(
        ce.correlate2d_loop(image, kernel, mode, stride, dilation),
        ce.correlate2d(image, kernel, mode, stride, dilation),
        atol=1e-12,
    )


def test_output_shape_agrees_with_output_size(rng):
    image = rng.normal(size=(11, 8))
    for k in (1, 2, 3, 4):
        for stride in (1, 2, 3):
            for dilation in (1, 2):
                span = dilation * (k - 1) + 1
                if span > 8:
                    continue
                out = ce.correlate2d(image, np.ones((k, k)), "valid", stride, dilation)
                assert out.shape == (
                    ce.output_size(11, k, stride, 0, dilation),
                    ce.output_size(8, k, stride, 0, dilation),
                )


def test_convolution_is_commutative_and_associative_correlation_is_not(rng):
    a, b, c = rng.normal(size=(4, 5)), rng.normal(size=(3, 2)), rng.normal(size=(2, 3))
    np.testing.assert_allclose(ce.convolve2d(a, b, "full"), ce.convolve2d(b, a, "full"))
    np.testing.assert_allclose(
        ce.convolve2d(ce.convolve2d(a, b, "full"), c, "full"),
        ce.convolve2d(a, ce.convolve2d(b, c, "full"), "full"),
    )
    assert not np.allclose(ce.correlate2d(a, b, "full"), ce.correlate2d(b, a, "full"))


def test_symmetric_kernel_makes_both_agree(rng):
    image = rng.normal(size=(6, 6))
    laplacian = np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]])
    np.testing.assert_allclose(ce.correlate2d(image, laplacian, "same"), ce.convolve2d(image, laplacian, "same"))


def test_integer_input_gives_floats_and_input_is_not_modified():
    image = np.arange(16).reshape(4, 4)
    before = image.copy()
    out = ce.correlate2d(image, [[1, 1], [1, 1]])
    assert out.dtype == np.float64
    np.testing.assert_array_equal(image, before)


# ---- bad input ----


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: ce.correlate2d(np.ones(5), np.ones((2, 2))), ValueError, r"image must be 2-D; got ndim=1"),
        (lambda: ce.correlate2d(np.ones((5, 5)), np.ones((2, 2, 2))), ValueError, r"kernel must be 2-D; got ndim=3"),
        (lambda: ce.correlate2d(np.ones((0, 5)), np.ones((1, 1))), ValueError, r"image must not be empty"),
        (
            lambda: ce.correlate2d(np.ones((3, 3)), np.ones((4, 2))),
            ValueError,
            r"kernel of shape \(4, 2\) does not fit in image of shape \(3, 3\)",
        ),
        (
            lambda: ce.correlate2d(np.ones((5, 5)), np.ones((3, 3)), dilation=3),
            ValueError,
            r"dilation 3 spreads it over 7x7",
        ),
        (
            lambda: ce.correlate2d(np.ones((3, 3)), np.ones((2, 2)), mode="bogus"),
            ValueError,
            r"mode must be 'valid', 'same' or 'full'; got 'bogus'",
        ),
        (
            lambda: ce.correlate2d(np.ones((3, 3)), np.ones((2, 2)), stride=0),
            ValueError,
            r"stride must be at least 1; got 0",
        ),
        (lambda: ce.correlate2d(np.ones((3, 3)), np.ones((2, 2)), stride=1.5), TypeError, r"stride must be an integer"),
        (
            lambda: ce.convolve2d(np.ones((3, 3)), np.ones((2, 2)), dilation=0),
            ValueError,
            r"dilation must be at least 1",
        ),
        (lambda: ce.correlate2d("image", np.ones((2, 2))), TypeError, r"image must be an array of numbers"),
        (lambda: ce.correlate2d([[1, 2], [3]], np.ones((1, 1))), ValueError, r"image must be a rectangular array"),
        (lambda: ce.correlate2d(np.ones((3, 3)) * 1j, np.ones((1, 1))), TypeError, r"image must be real-valued"),
        (lambda: ce.correlate1d([1, 2], [1, 1, 1]), ValueError, r"kernel of length 3 does not fit in x of length 2"),
        (lambda: ce.convolve1d(np.ones((2, 2)), [1]), ValueError, r"x must be 1-D; got ndim=2"),
        (lambda: ce.correlate1d([1, 2, 3], [], "full"), ValueError, r"kernel must not be empty"),
        (lambda: ce.convolve1d([1, 2, 3], [1], "wrong"), ValueError, r"mode must be"),
    ],
)
def test_bad_input_gets_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()
