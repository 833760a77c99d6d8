"""The kernel scanner, built headless: what it draws is cnnedu's
correlate2d, its kernel text and presets stay in step, bad text gives a
message, and the Play button walks every position."""

import numpy as np
import pytest

import cnnedu as ce
from cnnedu.kernels import format_kernel, get_kernel, kernel_names
from cnnedu.widgets import DEMOS, sweep_values
from cnnedu.widgets.scanner import CUSTOM, default_scanner_image, kernel_scanner


def drawn_output(demo):
    return np.asarray(demo.artists["output"].get_array().filled(np.nan))


def assert_draws_correlation(demo, image, kernel):
    row, column = demo.controls["row"].value, demo.controls["column"].value
    expected = ce.correlate2d(image, kernel)
    shown = drawn_output(demo)
    done = np.arange(expected.size).reshape(expected.shape) <= row * expected.shape[1] + column
    np.testing.assert_allclose(shown[done], expected[done])
    assert np.isnan(shown[~done]).all()
    window = image[row : row + 3, column : column + 3]
    np.testing.assert_allclose(demo.artists["products"].get_array(), window * kernel)
    total = demo.artists["products_title"].get_text().split("sum = ")[1]
    assert float(total) == pytest.approx(expected[row, column], abs=0.006)


def test_registered():
    assert DEMOS["kernel_scanner"] is kernel_scanner


def test_default_view_is_the_strongest_response_of_the_45_degree_kernel():
    demo = kernel_scanner()
    assert demo.error is None
    image = default_scanner_image()
    assert image.shape == (28, 28) and set(np.unique(image)) == {-1.0, 1.0}
    kernel = get_kernel("45-degree edge")
    response = ce.correlate2d(image, kernel)
    assert response[demo.controls["row"].value, demo.controls["column"].value] == response.max() == 12
    assert_draws_correlation(demo, image, kernel)


@pytest.mark.parametrize("preset", kernel_names())
def test_every_preset_draws_cnnedus_correlation_at_swept_positions(preset):
    demo = kernel_scanner()
    image = default_scanner_image()
    demo.controls["preset"].value = preset
    assert demo.controls["kernel_text"].value == format_kernel(get_kernel(preset))
    for row in sweep_values(demo.controls["row"], max_values=3):
        for column in sweep_values(demo.controls["column"], max_values=3):
            demo.set(row=row, column=column)
            assert demo.error is None
            assert_draws_correlation(demo, image, get_kernel(preset))


def test_editing_the_weights_switches_to_custom_and_draws_them():
    demo = kernel_scanner()
    demo.controls["kernel_text"].value = "[[0, 0, 0], [0, 0, 0], [1, 2, 3]]"
    assert demo.controls["preset"].value == CUSTOM
    assert demo.error is None
    assert_draws_correlation(demo, default_scanner_image(), np.array([[0, 0, 0], [0, 0, 0], [1, 2, 3]]))
    demo.controls["preset"].value = "Laplacian"
    assert demo.controls["kernel_text"].value == "[[0, 1, 0], [1, -4, 1], [0, 1, 0]]"
    assert_draws_correlation(demo, default_scanner_image(), get_kernel("Laplacian"))


def test_retyping_the_preset_weights_keeps_the_preset():
    demo = kernel_scanner(kernel="Sobel y")
    demo.controls["kernel_text"].value = "[[-1, -2, -1], [0, 0, 0], [1, 2, 1.0]]"
    assert demo.controls["preset"].value == "Sobel y"


@pytest.mark.parametrize(
    "text, message",
    [
        ("[[1, 2], [3, 4]]", "must be 3x3"),
        ("hello", "could not read"),
        ("[[1, 2, 3], [4, 5], [6, 7, 8]]", "same length"),
    ],
)
def test_bad_weights_show_a_message_not_a_traceback(text, message):
    demo = kernel_scanner()
    demo.refresh()  # the first picture is drawn before the layout is frozen; compare with a later one
    before = demo.image.value
    demo.controls["kernel_text"].value = text
    assert demo.controls["preset"].value == CUSTOM
    assert message in demo.error
    assert "Cannot draw this setting" in demo.message.value
    assert demo.image.value == before  # the last good figure stays
    demo.controls["kernel_text"].value = "[[1, 0, 0], [0, 0, 0], [0, 0, 0]]"
    assert demo.error is None and demo.message.value == ""


def test_play_walks_positions_in_reading_order():
    demo = kernel_scanner()
    play = demo.extras["play"]
    assert play.max == 26 * 26 - 1
    play.value = 0
    assert (demo.controls["row"].value, demo.controls["column"].value) == (0, 0)
    play.value = 27
    assert (demo.controls["row"].value, demo.controls["column"].value) == (1, 1)
    play.value = play.max
    assert (demo.controls["row"].value, demo.controls["column"].value) == (25, 25)
    assert_draws_correlation(demo, default_scanner_image(), get_kernel("45-degree edge"))
    demo.controls["row"].value = 2
    assert play.value == 2 * 26 + 25


def test_own_image_and_kernel():
    image = np.arange(30.0).reshape(5, 6) / 30
    kernel = [[1, 0, -1], [0, 0, 0], [0, 0, 2]]
    demo = kernel_scanner(image=image, kernel=kernel)
    assert demo.controls["preset"].value == CUSTOM
    assert demo.controls["row"].max == 2 and demo.controls["column"].max == 3
    for row, column in [(0, 0), (0, 3), (1, 2), (2, 0), (2, 3)]:
        demo.set(row=row, column=column)
        assert_draws_correlation(demo, image, np.array(kernel, dtype=float))


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="image must be at least 3x3"):
        kernel_scanner(image=np.zeros((2, 5)))
    with pytest.raises(ValueError, match="image must be 2-D"):
        kernel_scanner(image=np.zeros((4, 4, 3)))
    with pytest.raises(ValueError, match=r"kernel_scanner: kernel must be '45-degree edge', .*; got 'emboss'"):
        kernel_scanner(kernel="emboss")
    with pytest.raises(ValueError, match="must be 3x3"):
        kernel_scanner(kernel=np.ones((2, 2)))


def test_picture_is_wide_and_short_so_the_demo_fits_a_laptop_screen():
    # The notebook scales the picture to the width of the output area (about 930-1230 px on a
    # 1366 px wide laptop); at the old 800x504 px that made the demo ~690 px tall, more than the
    # ~650 px a notebook shows. A picture at least 3 times as wide as tall stays under ~410 px.
    import io

    from PIL import Image

    width, height = Image.open(io.BytesIO(kernel_scanner().png())).size
    assert width / height >= 3.0 and height <= 320


@pytest.mark.parametrize("preset", kernel_names())
def test_colour_bar_label_stays_inside_the_picture_for_every_preset(preset):
    # The layout is frozen after the first draw (45-degree kernel, ticks up to "-12"); a kernel
    # whose ticks are wider ("-0.50" for box blur) must not push the colour bar's label out.
    demo = kernel_scanner()
    demo.set(preset=preset)
    renderer = demo.figure.canvas.get_renderer()
    label = demo.artists["colorbar"].ax.yaxis.label.get_window_extent(renderer)
    assert label.x1 <= demo.figure.bbox.width


def test_a_preset_fills_the_text_box_and_draws_once():
    """One source of truth: the preset writes its weights into the text box,
    the drawing reads the text box, and one change draws once (it drew twice
    before: the preset, then the text it rewrote)."""
    demo = kernel_scanner()
    for preset in ["Sobel x", "box blur", "identity", CUSTOM, "Laplacian"]:
        before, text = demo.draw_count, demo.values()["kernel_text"]
        demo.controls["preset"].value = preset
        assert demo.draw_count == before + 1, f"choosing {preset!r} drew {demo.draw_count - before} times"
        if preset == CUSTOM:
            assert demo.values()["kernel_text"] == text  # custom keeps the weights shown
        else:
            assert demo.values()["kernel_text"] == format_kernel(get_kernel(preset))
            np.testing.assert_array_equal(demo.artists["kernel"].get_array(), get_kernel(preset))


def test_typed_weights_draw_once_and_make_the_preset_custom():
    demo = kernel_scanner()
    before = demo.draw_count
    demo.controls["kernel_text"].value = "[[0, 0, 0], [0, 3, 0], [0, 0, 0]]"
    assert demo.draw_count == before + 1 and demo.values()["preset"] == CUSTOM
    np.testing.assert_array_equal(demo.artists["kernel"].get_array(), [[0, 0, 0], [0, 3, 0], [0, 0, 0]])
    assert_draws_correlation(demo, default_scanner_image(), np.array([[0, 0, 0], [0, 3, 0], [0, 0, 0]], float))


def test_the_text_box_alone_decides_what_is_drawn():
    """With a preset chosen, what is drawn is what the text box says; the box
    blur's text (0.1111) stands for its exact weights, 1/9."""
    demo = kernel_scanner(kernel="box blur")
    demo.set(row=5, column=5)  # inside the square: nine white pixels
    assert demo.artists["products_title"].get_text().endswith("sum = 1")
    np.testing.assert_array_equal(demo.artists["kernel"].get_array(), get_kernel("box blur"))
    demo.set(preset="Sobel x", kernel_text="[[1, 0, 0], [0, 0, 0], [0, 0, 0]]")  # the text given last wins
    assert demo.values()["preset"] == CUSTOM
    np.testing.assert_array_equal(demo.artists["kernel"].get_array(), [[1, 0, 0], [0, 0, 0], [0, 0, 0]])
