"""Named kernels, window products, response ranges, kernel text and the
causal step, checked against cnnedu's correlation and convolution."""

import itertools

import numpy as np
import pytest

import cnnedu as ce
from cnnedu.kernels import (
    KERNELS,
    causal_run,
    causal_step,
    filter_bank,
    flip_comparison,
    flip_kernel,
    format_kernel,
    get_kernel,
    kernel_names,
    parse_kernel,
    response_range,
    scan_step,
    strongest_position,
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


def _valid_loop(image, kernel):
    """Valid cross-correlation by its definition: one output cell at a time."""
    kh, kw = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for r, c in np.ndindex(out.shape):
        out[r, c] = np.sum(image[r : r + kh, c : c + kw] * kernel)
    return out


def test_filter_bank_matches_scipy_and_picks_the_pictures(rng):
    scipy_signal = pytest.importorskip("scipy.signal")
    image = rng.uniform(-1, 1, size=(9, 12))
    bank = filter_bank(image, {name: get_kernel(name) for name in kernel_names()})
    assert list(bank.responses) == kernel_names()
    for name, response in bank.responses.items():
        np.testing.assert_allclose(response, scipy_signal.correlate2d(image, get_kernel(name), mode="valid"))
    assert bank.pictures == {"box blur", "sharpen", "identity"}
    assert filter_bank(image, {"Sobel x": get_kernel("Sobel x")}, pictures={"Sobel x"}).pictures == {"Sobel x"}


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: filter_bank(np.zeros((5, 5)), [np.ones((3, 3))]), TypeError, "kernels must be a non-empty dict"),
        (lambda: filter_bank(np.zeros((5, 5)), {}), TypeError, "kernels must be a non-empty dict"),
        (
            lambda: filter_bank(np.zeros((5, 5)), {"Sobel x": np.ones((3, 3))}, pictures={"blur"}),
            ValueError,
            r"pictures must name kernels of the bank \['Sobel x'\]; got \['blur'\]",
        ),
        (lambda: scan_step(np.zeros((5, 5)), np.ones((3, 3)), 3, 0), ValueError, "row must be at most 2"),
        (lambda: scan_step(np.zeros((5, 5)), np.ones((3, 3)), 0, 0, np.zeros((2, 2))), ValueError, r"output must be"),
        (lambda: flip_comparison(np.zeros(5), np.ones((3, 3))), ValueError, "image must be 2-D"),
        (lambda: flip_comparison(np.zeros((5, 5)), np.ones((3, 3)), flip="yes"), TypeError, "flip must be True or"),
        (lambda: causal_run([1, 0], [1, 2], 3), ValueError, "time must be between 0 and 2; got 3"),
        (lambda: causal_run([1, 0], [1, 2], 0, last=1), ValueError, "last must be at least 2"),
        (lambda: causal_run([[1, 0]], [1, 2], 0), ValueError, "signal must be 1-D"),
    ],
)
def test_figure_math_refuses_bad_arguments(call, error, match):
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize("name", kernel_names())
def test_scan_step_matches_the_definition_at_every_position(rng, name):
    image = rng.uniform(-1, 1, size=(6, 7))
    kernel = get_kernel(name)
    expected = _valid_loop(image, kernel)
    output = None
    for row, column in np.ndindex(expected.shape):
        step = scan_step(image, kernel, row, column, output=output)
        output = step.output  # reused, as the scanner does
        np.testing.assert_allclose(step.output, expected, atol=1e-12)
        np.testing.assert_array_equal(step.window, image[row : row + 3, column : column + 3])
        assert step.total == pytest.approx(expected[row, column])
        done = np.arange(expected.size).reshape(expected.shape) <= row * expected.shape[1] + column
        np.testing.assert_allclose(step.shown[done], expected[done], atol=1e-12)
        assert np.all(np.isnan(step.shown[~done]))
        assert step.response_limit == max(abs(v) for v in response_range(kernel, image.min(), image.max()))


@pytest.mark.parametrize("name", kernel_names())
@pytest.mark.parametrize("flip", [False, True])
def test_flip_comparison_matches_scipy(rng, name, flip):
    scipy_signal = pytest.importorskip("scipy.signal")
    image = rng.uniform(-1, 1, size=(7, 8))
    kernel = get_kernel(name)
    comparison = flip_comparison(image, kernel, flip)
    slid = kernel[::-1, ::-1] if flip else kernel
    np.testing.assert_array_equal(comparison.slid_kernel, slid)
    np.testing.assert_allclose(comparison.correlation, scipy_signal.correlate2d(image, slid, mode="valid"))
    np.testing.assert_allclose(comparison.convolution, scipy_signal.convolve2d(image, kernel, mode="valid"))
    assert comparison.flip is flip
    same = np.allclose(comparison.correlation, comparison.convolution)
    assert (comparison.max_difference < 1e-9) == same == (flip or np.allclose(kernel, kernel[::-1, ::-1]))


@pytest.mark.parametrize("signal", [[1, 0, 0], [2, -1, 0, 3]])
@pytest.mark.parametrize("flip", [True, False])
def test_causal_run_matches_numpy(signal, flip):
    response = [1.0, 2.0, 3.0]
    last = len(signal) + len(response) + 1  # longer than needed: zeros at the end
    full = np.convolve(signal, response) if flip else np.correlate(signal, response, mode="full")
    for time in range(last + 1):
        run = causal_run(signal, response, time, flip=flip, last=last)
        assert run.full.shape == (last + 1,)
        np.testing.assert_allclose(run.full[: len(full)], full)
        assert not run.full[len(full) :].any()
        np.testing.assert_allclose(run.outputs, run.full[: time + 1])
        assert run.output == pytest.approx(run.full[time])


@pytest.mark.parametrize("name", [name for name in kernel_names() if name != "box blur"])  # integer weights: exact ties
def test_strongest_position_is_the_first_largest_response_by_a_loop(rng, name):
    image = rng.integers(-1, 2, size=(7, 9)).astype(float)  # few values: ties happen
    expected = _valid_loop(image, get_kernel(name))
    best = max(expected.ravel())
    first = next((r, c) for r, c in np.ndindex(expected.shape) if expected[r, c] == best)
    assert strongest_position(image, get_kernel(name)) == first
    with pytest.raises(ValueError, match="kernel"):
        strongest_position(np.ones((2, 2)), np.ones((3, 3)))
