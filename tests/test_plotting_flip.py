"""The lesson-02 pictures draw exactly cnnedu's correlation and convolution."""

import numpy as np
import pytest

import cnnedu as ce
from cnnedu.kernels import causal_run, flip_comparison, flip_kernel, get_kernel, kernel_names
from cnnedu.plotting.filters import format_number
from cnnedu.plotting.flip import flip_figure, plot_flip, stepper_figure, update_flip, update_stepper
from cnnedu.plotting.style import new_figure


def test_plot_flip_shows_the_kernel_turned_by_180_degrees():
    figure, axes = new_figure(1, 2)
    drawn = plot_flip([[1, 2], [3, 4]], flip_kernel([[1, 2], [3, 4]]), axes=axes)
    assert [t.get_text() for t in drawn["kernel"][1]] == ["1", "2", "3", "4"]
    assert [t.get_text() for t in drawn["flipped"][1]] == ["4", "3", "2", "1"]
    np.testing.assert_array_equal(drawn["flipped"][0].get_array(), [[4, 3], [2, 1]])
    with pytest.raises(ValueError, match=r"flipped must have the kernel's shape \(2, 2\); got \(1, 2\)"):
        plot_flip([[1, 2], [3, 4]], [[1, 2]], axes=axes)


@pytest.mark.parametrize("name", kernel_names())
@pytest.mark.parametrize("flip", [False, True])
def test_flip_figure_draws_correlation_beside_convolution(rng, name, flip):
    image = rng.uniform(-1, 1, size=(9, 11))
    kernel = get_kernel(name)
    figure, artists = flip_figure(image)
    result = flip_comparison(image, kernel, flip)
    assert update_flip(artists, result) is artists
    slid = flip_kernel(kernel) if flip else kernel
    np.testing.assert_allclose(artists["correlation_map"].get_array(), ce.correlate2d(image, slid))
    np.testing.assert_allclose(artists["convolution_map"].get_array(), ce.convolve2d(image, kernel))
    np.testing.assert_array_equal(artists["kernel"].get_array(), slid)
    assert artists["kernel_numbers"].get_texts() == [format_number(v) for v in slid.ravel()]
    assert artists["correlation_map"].get_clim() == artists["convolution_map"].get_clim()
    low, high = artists["convolution_map"].get_clim()
    assert low == -high > -np.inf
    same = np.allclose(kernel, flip_kernel(kernel))
    identical = flip or same
    assert (result.max_difference < 1e-9) == identical
    assert (
        artists["difference"]
        .get_text()
        .startswith("The two maps are identical" if identical else "The two maps differ")
    )


def test_sobel_convolution_is_the_negative_of_its_correlation(rng):
    image = rng.uniform(-1, 1, size=(8, 8))
    figure, artists = flip_figure(image)
    result = flip_comparison(image, get_kernel("Sobel x"), flip=False)
    update_flip(artists, result)
    np.testing.assert_allclose(result.convolution, -result.correlation)
    np.testing.assert_allclose(artists["convolution_map"].get_array(), -artists["correlation_map"].get_array())
    with pytest.raises(TypeError, match="comparison must be a FlipComparison"):
        update_flip(artists, {"correlation": result.correlation})


@pytest.mark.parametrize("signal", [[1, 0, 0], [1, 0, 2], [1, 1, 1, 1]])
@pytest.mark.parametrize("response", [[1, 2, 3], [1, -1]])
@pytest.mark.parametrize("flip", [True, False])
def test_stepper_shows_the_output_so_far(signal, response, flip):
    figure, artists = stepper_figure(4, 3)
    full = (ce.convolve1d if flip else ce.correlate1d)(signal, response, mode="full")
    offset = 2  # column of n = 0
    for time in range(0, int(artists["times"][-1]) + 1):
        result = causal_run(signal, response, time, flip=flip, last=int(artists["times"][-1]))
        assert update_stepper(artists, result) is artists
        expected_so_far = np.zeros(len(artists["times"]))
        known = full[: time + 1]
        expected_so_far[offset : offset + len(known)] = known
        heights = [bar.get_height() for bar in artists["bars"]]
        np.testing.assert_allclose(heights, expected_so_far)
        value = full[time] if time < len(full) else 0.0
        assert result.output == pytest.approx(value)
        cells = np.array(artists["numbers"].get_texts(), dtype=object).reshape(4, -1)
        window = range(time + offset - len(response) + 1, time + offset + 1)
        shown_taps = [cells[1, column] for column in window]
        taps = response[::-1] if flip else response
        assert shown_taps == [str(v) for v in taps]
        assert [cells[2, column] for column in window] == [format_number(v) for v in result.products]
        assert all(cells[1, column] == "" for column in range(cells.shape[1]) if column not in window)
        assert cells[3, time + offset] == format_number(value)
        assert all(cells[3, column] == "" for column in range(time + offset + 1, len(artists["times"])))
        padded = np.zeros(cells.shape[1])
        padded[offset : offset + len(signal)] = signal
        assert list(cells[0]) == [format_number(v) for v in padded]
        assert artists["title"].get_text().startswith(f"t = {time}: ")
        label = artists["axes"][0].get_yticklabels()[1].get_text()
        assert label == ("h reversed" if flip else "h in order")


def test_stepper_plays_the_impulse_response_in_order():
    figure, artists = stepper_figure(3, 3)
    result = causal_run([1, 0, 0], [1, 2, 3], 2, last=4)
    update_stepper(artists, result)
    np.testing.assert_array_equal(result.outputs, [1, 2, 3])
    assert artists["title"].get_text() == "t = 2: reversed response (convolution);  y[2] = 3 + 0 + 0 = 3"


def test_stepper_refuses_what_does_not_fit():
    figure, artists = stepper_figure(3, 3)
    with pytest.raises(ValueError, match="this figure was built for times -2 to 4; the run goes to time 6"):
        update_stepper(artists, causal_run([1, 0, 0, 0, 0], [1, 2, 3], 0))
    with pytest.raises(ValueError, match="this figure was built for times -2 to 4; the run goes to time 5"):
        update_stepper(artists, causal_run([1, 0, 0], [1, 2, 3], 0, last=5))
    with pytest.raises(TypeError, match="run must be a CausalRun"):
        update_stepper(artists, [1, 0, 0])
