"""Named kernels, window products, response ranges, kernel text and the
causal step, checked against cnnedu's correlation and convolution."""

import itertools

import numpy as np
import pytest

import cnnedu as ce
from cnnedu.kernels import (
    KERNELS,
    causal_step,
    flip_kernel,
    format_kernel,
    get_kernel,
    kernel_names,
    parse_kernel,
    response_range,
    window_products,
)


def test_presets_are_the_lesson_kernels():
    assert kernel_names() == ["45-degree edge", "Sobel x", "Sobel y", "Laplacian", "box blur", "sharpen", "identity"]
    np.testing.assert_array_equal(get_kernel("45-degree edge"), [[-1, -1, 2], [-1, 2, 1], [2, 1, 1]])
    np.testing.assert_array_equal(get_kernel("Sobel y"), get_kernel("Sobel x").T)
    assert get_kernel("box blur").sum() == pytest.approx(1.0)
    assert get_kernel("sharpen").sum() == 1.0
    assert get_kernel("Laplacian").sum() == 0.0


@pytest.mark.parametrize("name", list(KERNELS))
def test_get_kernel_returns_a_fresh_3x3_float_array(name):
    kernel = get_kernel(name)
    assert kernel.shape == (3, 3) and kernel.dtype == np.float64
    kernel[0, 0] = 99.0
    assert get_kernel(name)[0, 0] != 99.0


def test_sobel_x_answers_brightness_rising_to_the_right():
    rising = np.tile([0.0, 0.5, 1.0], (3, 1))
    assert ce.correlate2d(rising, get_kernel("Sobel x"))[0, 0] == 4.0
    assert ce.correlate2d(rising[:, ::-1], get_kernel("Sobel x"))[0, 0] == -4.0
    assert ce.correlate2d(rising.T, get_kernel("Sobel y"))[0, 0] == 4.0


def test_unknown_kernel_names_are_refused_with_the_choices():
    with pytest.raises(ValueError, match=r"unknown kernel name 'sobel'; choose one of '45-degree edge'"):
        get_kernel("sobel")
    with pytest.raises(TypeError, match="name must be a kernel name"):
        get_kernel(3)


def test_flip_turns_a_kernel_by_180_degrees():
    np.testing.assert_array_equal(flip_kernel([[1, 2], [3, 4]]), [[4, 3], [2, 1]])
    np.testing.assert_array_equal(flip_kernel([1, 2, 3]), [3, 2, 1])
    with pytest.raises(ValueError, match="kernel must be 1 or 2-D"):
        flip_kernel(np.zeros((2, 2, 2)))


def test_convolution_is_correlation_with_the_flipped_kernel(rng):
    image = rng.normal(size=(7, 9))
    kernel = rng.normal(size=(3, 2))
    np.testing.assert_allclose(ce.convolve2d(image, kernel), ce.correlate2d(image, flip_kernel(kernel)))


@pytest.mark.parametrize("name", list(KERNELS))
def test_window_products_add_up_to_the_correlation_at_every_position(rng, name):
    image = rng.uniform(-1, 1, size=(6, 7))
    kernel = get_kernel(name)
    output = ce.correlate2d(image, kernel)
    for row, column in itertools.product(range(output.shape[0]), range(output.shape[1])):
        window, products = window_products(image, kernel, row, column)
        np.testing.assert_array_equal(window, image[row : row + 3, column : column + 3])
        np.testing.assert_allclose(products, window * kernel)
        assert products.sum() == pytest.approx(output[row, column])


def test_window_products_of_the_worked_patch():
    patch = [[0, 0, 1], [0, 1, 1], [1, 1, 1]]
    _, products = window_products(patch, get_kernel("45-degree edge"), 0, 0)
    assert products.sum() == 9.0


def test_window_outside_the_image_is_refused():
    with pytest.raises(ValueError, match="row must be at most 2 and column at most 3"):
        window_products(np.zeros((5, 6)), np.ones((3, 3)), 3, 0)
    with pytest.raises(ValueError, match="row must not be negative"):
        window_products(np.zeros((5, 6)), np.ones((3, 3)), -1, 0)
    with pytest.raises(TypeError, match="column must be an integer"):
        window_products(np.zeros((5, 6)), np.ones((3, 3)), 0, 1.5)


@pytest.mark.parametrize("name", list(KERNELS))
@pytest.mark.parametrize("low, high", [(0.0, 1.0), (-1.0, 1.0)])
def test_response_range_is_reached_and_never_exceeded(rng, name, low, high):
    kernel = get_kernel(name)
    smallest, largest = response_range(kernel, low, high)
    best = np.where(kernel > 0, high, low)
    worst = np.where(kernel > 0, low, high)
    assert np.sum(best * kernel) == pytest.approx(largest)
    assert np.sum(worst * kernel) == pytest.approx(smallest)
    patches = rng.uniform(low, high, size=(500, 3, 3))
    responses = np.einsum("nij,ij->n", patches, kernel)
    assert responses.max() <= largest + 1e-12 and responses.min() >= smallest - 1e-12


def test_response_range_of_the_45_degree_kernel():
    assert response_range(get_kernel("45-degree edge")) == (-3.0, 9.0)
    assert response_range(get_kernel("45-degree edge"), -1, 1) == (-12.0, 12.0)
    with pytest.raises(ValueError, match="low must not exceed high"):
        response_range(np.ones((3, 3)), 1, 0)


@pytest.mark.parametrize("name", list(KERNELS))
def test_format_and_parse_round_trip(name):
    kernel = get_kernel(name)
    np.testing.assert_allclose(parse_kernel(format_kernel(kernel)), kernel, atol=1e-4)


def test_parse_kernel_reads_lists_and_tuples():
    np.testing.assert_array_equal(
        parse_kernel(" ((1, 2.5, -3), [0, 0, 0], [1e-1, 2, 3]) "), [[1, 2.5, -3], [0, 0, 0], [0.1, 2, 3]]
    )
    np.testing.assert_array_equal(parse_kernel("[[1, 2], [3, 4]]", shape=None), [[1, 2], [3, 4]])


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "could not read"),
        ("[[1, 2, 3], [4, 5, 6], [7, 8, 9]", "could not read"),
        ("__import__('os')", "could not read"),
        ("[1, 2, 3]", "list of rows"),
        ("[[1, 2, 'a'], [4, 5, 6], [7, 8, 9]]", "every kernel entry must be a number"),
        ("[[1, 2, True], [4, 5, 6], [7, 8, 9]]", "every kernel entry must be a number"),
        ("[[1, 2, 3], [4, 5], [7, 8, 9]]", "same length"),
        ("[[1, 2], [3, 4]]", "must be 3x3; got 2 rows of 2"),
        ("[[]]", "non-empty"),
        ("[[1e999, 0, 0], [0, 0, 0], [0, 0, 0]]", "finite"),
    ],
)
def test_parse_kernel_explains_bad_text(text, message):
    with pytest.raises(ValueError, match=message):
        parse_kernel(text)


def test_parse_kernel_wants_text():
    with pytest.raises(TypeError, match="text must be a str"):
        parse_kernel([[1, 2, 3]])


@pytest.mark.parametrize("signal", [[1, 0, 0], [2, 0, 1], [1, 1, 1, 1], [3, 2, 1, 0]])
@pytest.mark.parametrize("response", [[1, 2, 3], [1, -1], [0.5]])
def test_causal_steps_are_convolution_or_correlation(signal, response):
    full_convolution = ce.convolve1d(signal, response, mode="full")
    full_correlation = ce.correlate1d(signal, response, mode="full")
    for time in range(len(full_convolution)):
        times, taps, products, output = causal_step(signal, response, time)
        np.testing.assert_array_equal(times, np.arange(time - len(response) + 1, time + 1))
        np.testing.assert_array_equal(taps, response[::-1])
        assert output == pytest.approx(full_convolution[time])
        assert products.sum() == pytest.approx(output)
        assert causal_step(signal, response, time, flip=False)[3] == pytest.approx(full_correlation[time])
    assert causal_step(signal, response, len(full_convolution) + 2)[3] == 0.0


def test_the_impulse_comes_out_as_the_response_in_order():
    outputs = [causal_step([1, 0, 0], [1, 2, 3], time)[3] for time in range(3)]
    assert outputs == [1.0, 2.0, 3.0]
    backwards = [causal_step([1, 0, 0], [1, 2, 3], time, flip=False)[3] for time in range(3)]
    assert backwards == [3.0, 2.0, 1.0]


def test_causal_step_refuses_negative_time():
    with pytest.raises(ValueError, match="time must not be negative"):
        causal_step([1, 0, 0], [1, 2, 3], -1)
