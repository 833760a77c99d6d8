"""The lesson-02 demos, built headless: the flip explorer draws cnnedu's
correlation and convolution, and the stepper plays the causal system."""

import numpy as np
import pytest

import cnnedu as ce
from cnnedu.kernels import flip_kernel, get_kernel, kernel_names
from cnnedu.widgets import DEMOS
from cnnedu.widgets.flip import RESPONSES, SIGNALS, _flip_images, flip_explorer, impulse_response_stepper


def test_registered():
    assert DEMOS["flip_explorer"] is flip_explorer
    assert DEMOS["impulse_response_stepper"] is impulse_response_stepper


def test_flip_explorer_default_shows_a_difference():
    demo = flip_explorer()
    assert demo.error is None
    assert demo.values() == {"kernel": "Sobel x", "image": "shapes (28x28)", "flip": False}
    assert demo.artists["difference"].get_text().startswith("The two maps differ (largest difference 16)")


@pytest.mark.parametrize("image_name", list(_flip_images()))
@pytest.mark.parametrize("kernel", kernel_names())
def test_flip_explorer_draws_cnnedus_maps(image_name, kernel):
    demo = flip_explorer()
    image = _flip_images()[image_name]
    weights = get_kernel(kernel)
    for flip in (False, True):
        demo.set(kernel=kernel, image=image_name, flip=flip)
        assert demo.error is None
        np.testing.assert_array_equal(demo.artists["image"].get_array(), image)
        slid = flip_kernel(weights) if flip else weights
        np.testing.assert_allclose(demo.artists["correlation_map"].get_array(), ce.correlate2d(image, slid))
        np.testing.assert_allclose(demo.artists["convolution_map"].get_array(), ce.convolve2d(image, weights))
        rows, columns = ce.correlate2d(image, slid).shape
        assert demo.artists["correlation_map"].get_extent() == [-0.5, columns - 0.5, rows - 0.5, -0.5]
        identical = flip or np.allclose(weights, flip_kernel(weights))
        assert (
            demo.artists["difference"]
            .get_text()
            .startswith("The two maps are identical" if identical else "The two maps differ")
        )


def test_flip_explorer_refuses_unknown_kernels():
    with pytest.raises(ValueError, match=r"flip_explorer: kernel must be '45-degree edge', .*; got 'emboss'"):
        flip_explorer(kernel="emboss")


def test_stepper_opens_where_the_whole_response_has_come_out():
    # a static render (no live kernel) shows only the first picture: it should already show 1, 2, 3
    demo = impulse_response_stepper()
    assert demo.controls["time"].value == demo.extras["play"].value == 2
    assert [bar.get_height() for bar in demo.artists["bars"]][2:5] == [1.0, 2.0, 3.0]
    assert demo.artists["title"].get_text().endswith("y[2] = 3 + 0 + 0 = 3")
    assert impulse_response_stepper(time=0).artists["title"].get_text().startswith("t = 0:")
    with pytest.raises(ValueError, match="impulse_response_stepper: time must be between 0 and 5; got 6"):
        impulse_response_stepper(time=6)


def test_stepper_default_plays_1_2_3():
    demo = impulse_response_stepper()
    assert demo.error is None
    heights = []
    for time in range(3):
        demo.controls["time"].value = time
        heights.append(demo.artists["bars"][2 + time].get_height())
    assert heights == [1.0, 2.0, 3.0]
    demo.controls["reverse"].value = False
    assert [bar.get_height() for bar in demo.artists["bars"]][2:5] == [3.0, 2.0, 1.0]


@pytest.mark.parametrize("signal", list(SIGNALS.values()))
@pytest.mark.parametrize("response", list(RESPONSES.values()))
def test_stepper_output_is_the_convolution(signal, response):
    demo = impulse_response_stepper()
    reverse = len(signal) % 2 == 1  # both directions across the parameter grid
    full = (ce.convolve1d if reverse else ce.correlate1d)(signal, response, mode="full")
    for time in (0, 2, demo.controls["time"].max):
        demo.set(time=time, signal=signal, impulse_response=response, reverse=reverse)
        assert demo.error is None
        heights = np.array([bar.get_height() for bar in demo.artists["bars"]])[2:]
        expected = np.zeros(len(heights))
        known = full[: time + 1]
        expected[: len(known)] = known
        np.testing.assert_allclose(heights, expected)


def test_stepper_play_is_linked_to_the_time_slider():
    demo = impulse_response_stepper()
    assert demo.extras["play"].max == demo.controls["time"].max == 5
    assert demo.extras["play"] in demo.children[1].children  # shown with the controls


@pytest.mark.parametrize("image_name", list(_flip_images()))
def test_flip_explorer_colour_bar_label_stays_inside_the_picture(image_name):
    # The layout is frozen after the first draw (Sobel x, ticks up to 8); wider tick labels
    # ("-10" for the 45-degree kernel, "-0.50" for box blur) must not push "response" out.
    demo = flip_explorer()
    for kernel in kernel_names():
        demo.set(kernel=kernel, image=image_name)
        renderer = demo.figure.canvas.get_renderer()
        demo.figure.draw(renderer)
        label = demo.artists["colorbar"].ax.yaxis.label.get_window_extent(renderer)
        assert label.x1 <= demo.figure.bbox.width, kernel
        limit = demo.artists["convolution_map"].get_clim()[1]
        assert demo.artists["colorbar"].get_ticks().tolist() == pytest.approx(np.linspace(-limit, limit, 5).tolist())


@pytest.mark.parametrize("build", [flip_explorer, impulse_response_stepper])
def test_pictures_are_wide_so_the_demo_fits_a_laptop_screen(build):
    # The notebook scales a demo's picture to the output area's width (930-1230 px on a 1366 px
    # laptop, whose notebook view is about 650 px tall): at 720x416 px the stepper was 641 px tall
    # with the file browser open and about 800 px without it. At least 2.5 times as wide as tall,
    # a picture stays under about 490 px plus the ~90 px of title and controls.
    import io

    from PIL import Image

    width, height = Image.open(io.BytesIO(build().png())).size
    assert width / height >= 2.5
