"""The digit explorer draws the package's own numbers for the chosen digit
and layer."""

import matplotlib.colors
import numpy as np
import pytest

from cnnedu import training
from cnnedu.plotting.training import DRAWN_COLOR, mosaic
from cnnedu.widgets import DEMOS
from cnnedu.widgets._pad import DrawingPad, shade_colour
from cnnedu.widgets.training import LAYER_NAMES, digit_explorer


@pytest.fixture(scope="module")
def setup():
    x_train, x_test, y_train, y_test = training.digits_dataset()
    model = training.digits_network(rng=0)
    training.train(model, x_train[:300], y_train[:300], epochs=2)
    return model, x_test[:20], y_test[:20]


def test_registered():
    assert DEMOS["digit_explorer"] is digit_explorer


@pytest.mark.parametrize("index", [0, 7, 19])
@pytest.mark.parametrize("position, layer", list(enumerate(LAYER_NAMES)))
def test_draws_the_layer_output_and_probabilities(setup, index, position, layer):
    model, images, labels = setup
    demo = digit_explorer(model, images, labels)
    demo.set(index=index, layer=layer)
    x = images[index : index + 1]
    output = training.layer_outputs(model, x)[position][1][0]
    drawn = np.asarray(demo.artists["maps"].get_array().filled(np.nan))
    np.testing.assert_allclose(drawn, mosaic(output, 8), rtol=1e-6)
    np.testing.assert_array_equal(demo.artists["digit"].get_array(), x[0, 0])
    p = training.probabilities(model, x)[0]
    heights = [bar.get_height() for bar in demo.artists["bars"]]
    np.testing.assert_allclose(heights, 100 * p, rtol=1e-6)
    verdict = "right" if p.argmax() == labels[index] else "wrong"
    assert demo.artists["bars_title"].get_text() == f"prediction: {p.argmax()} ({100 * p.max():.0f}%), {verdict}"
    assert demo.artists["maps_title"].get_text().startswith(f"{layer}: {output.shape[0]} maps")


def test_unknown_layer_is_a_readable_error(setup):
    model, images, labels = setup
    with pytest.raises(ValueError, match="digit_explorer: layer must be 'conv 1', .* or 'ReLU 2'; got 'conv 3'"):
        digit_explorer(model, images, labels, layer="conv 3")


def test_default_demo_trains_a_quick_model():
    demo = digit_explorer()
    assert demo.controls["index"].max == 359
    assert demo.artists["bars_title"].get_text().startswith("prediction: ")
    assert demo.png()[:8] == b"\x89PNG\r\n\x1a\n"


# --- the drawing pad: what is drawn is what the network reads ---


def test_pad_click_cycles_ink_half_empty_and_colours_the_cell():
    pad = DrawingPad()
    seen = []
    pad.observe(lambda change: seen.append(np.array(change["new"])), names="value")
    cell = pad.cells[3][5]
    for expected in (1.0, 0.5, 0.0, 1.0):
        cell.click()
        assert pad.array[3, 5] == expected
        assert cell.style.button_color == shade_colour(expected)
    assert pad.array.sum() == 1.0  # no other cell changed
    assert len(seen) == 4  # one change of value per click
    assert shade_colour(1.0) == "#000000" and shade_colour(0.0) == "#ffffff"


def test_pad_set_array_checks_the_shape_and_clips():
    pad = DrawingPad()
    pad.set_array(np.full((8, 8), 2.0))
    assert pad.array.max() == 1.0 and pad.cells[0][0].style.button_color == "#000000"
    with pytest.raises(ValueError, match=r"image must have the pad's shape \(8, 8\); got \(4, 4\)"):
        pad.set_array(np.zeros((4, 4)))


def test_drawing_is_what_the_network_reads(setup):
    model, images, labels = setup
    demo = digit_explorer(model, images, labels, index=4)
    np.testing.assert_array_equal(demo.extras["drawing"].pad.array, images[4, 0])  # the first digit is on the pad
    assert demo.artists["digit_title"].get_text() == f"test digit, label {labels[4]}"
    before = demo.draw_count
    demo.extras["drawing"].clear_button.click()
    assert demo.extras["drawing"].pad.array.sum() == 0 and "the pad is empty" in demo.extras["verdict"].value
    for row, column in [(1, 3), (1, 4), (2, 4), (3, 4), (4, 4), (5, 4), (6, 3), (6, 4), (6, 5)]:
        demo.extras["drawing"].pad.cells[row][column].click()  # a "1"
    assert demo.draw_count - before == 1 + 9  # one redraw for the clear button, one per click
    drawn = demo.extras["drawing"].pad.array
    x = drawn[np.newaxis, np.newaxis].astype(np.float32)
    p = training.probabilities(model, x)[0]
    np.testing.assert_array_equal(demo.artists["digit"].get_array(), drawn)
    np.testing.assert_allclose([bar.get_height() for bar in demo.artists["bars"]], 100 * p, rtol=1e-6)
    assert demo.artists["digit_title"].get_text() == "your drawing"
    drawn_blue = matplotlib.colors.to_rgb(DRAWN_COLOR)
    assert demo.artists["bars"][int(p.argmax())].get_facecolor()[:3] == pytest.approx(drawn_blue)  # no right or wrong
    assert demo.artists["bar_label"].get_text() == ""
    assert (
        f">{p.argmax()}</span>" in demo.extras["verdict"].value
        and f"{100 * p.max():.0f}% sure" in demo.extras["verdict"].value
    )
    for position, layer in enumerate(LAYER_NAMES):  # every layer's maps are those of the drawing
        demo.set(layer=layer)
        np.testing.assert_allclose(
            np.asarray(demo.artists["maps"].get_array().filled(np.nan)),
            mosaic(training.layer_outputs(model, x)[position][1][0], 8),
            rtol=1e-5,
            atol=1e-6,
        )
    np.testing.assert_array_equal(demo.extras["drawing"].pad.array, drawn)  # changing the layer keeps the drawing


def test_slider_and_load_button_put_a_test_digit_on_the_pad_with_one_redraw(setup):
    model, images, labels = setup
    demo = digit_explorer(model, images, labels)
    before = demo.draw_count
    demo.controls["index"].value = 7
    assert demo.draw_count - before == 1
    np.testing.assert_array_equal(demo.extras["drawing"].pad.array, images[7, 0])
    assert demo.artists["digit_title"].get_text() == f"test digit, label {labels[7]}"
    demo.extras["drawing"].pad.cells[0][0].click()  # change it: now it is a drawing
    assert demo.artists["digit_title"].get_text() == "your drawing"
    demo.extras["drawing"].load_button.click()  # and back to the test digit
    np.testing.assert_array_equal(demo.extras["drawing"].pad.array, images[7, 0])
    assert demo.artists["digit_title"].get_text() == f"test digit, label {labels[7]}"
    assert demo.draw_count - before == 3


def test_a_test_digit_drawn_cell_by_cell_is_classified_as_its_label():
    """Click a held-out digit onto the empty pad, each cell rounded to the pad's
    shades (ink, half, empty): the quick model names the digit."""
    demo = digit_explorer()
    _, images, _, labels = training.digits_dataset()
    index = 12
    shades = np.round(images[index, 0] * 2) / 2  # 0, 0.5 or 1
    demo.extras["drawing"].clear_button.click()
    for (row, column), shade in np.ndenumerate(shades):
        for _ in range({0.0: 0, 1.0: 1, 0.5: 2}[shade]):
            demo.extras["drawing"].pad.cells[row][column].click()
    np.testing.assert_array_equal(demo.extras["drawing"].pad.array, shades)
    assert demo.artists["bars_title"].get_text().startswith(f"prediction: {labels[index]} ")
    assert f">{labels[index]}</span>" in demo.extras["verdict"].value


@pytest.mark.parametrize(
    "settings", [{"index": 3}, {"layer": "max pool"}, {"index": 9, "layer": "ReLU 2"}, {"drawing": True}]
)
def test_fast_redraw_gives_the_same_picture_as_a_full_redraw(setup, settings):
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    from cnnedu.widgets._blit import BlitCanvas

    model, images, labels = setup
    demo = digit_explorer(model, images, labels)
    demo.set(index=1)  # the fast canvas keeps this picture's background; the settings below change it
    if settings.pop("drawing", False):
        demo.extras["drawing"].pad.cells[0][0].click()
    demo.set(**settings)
    fast = np.asarray(Image.open(io.BytesIO(demo.png())))
    blit_canvas = demo.figure.canvas
    assert isinstance(blit_canvas, BlitCanvas)
    buffer = io.BytesIO()
    FigureCanvasAgg(demo.figure).print_png(buffer)
    demo.figure.set_canvas(blit_canvas)
    np.testing.assert_array_equal(fast, np.asarray(Image.open(io.BytesIO(buffer.getvalue()))))


def test_epoch_progress_bar_shows_every_epoch_with_its_numbers(capsys):
    from cnnedu.widgets.training import EpochProgressBar

    x_train, x_test, y_train, y_test = training.digits_dataset()
    bar = EpochProgressBar(2)
    history = training.train(
        training.digits_network(rng=0),
        x_train[:64],
        y_train[:64],
        epochs=2,
        x_test=x_test[:40],
        labels_test=y_test[:40],
        on_epoch=bar,
    )
    err = capsys.readouterr().err  # outside Jupyter: tqdm's text bar on stderr
    assert "training" in err and "2/2" in err
    assert f"loss={history.loss[-1]:.3f}" in err and f"test accuracy={history.test_accuracy[-1]:.3f}" in err
    assert bar.closed and bar.tqdm.n == 2
    bar.close()  # closing again does nothing
    assert capsys.readouterr().err == ""


def test_epoch_progress_bar_without_a_test_set_shows_the_loss_only(capsys):
    from cnnedu.widgets.training import EpochProgressBar

    bar = EpochProgressBar(3, description="fitting")
    bar(1, training.EpochStats(loss=0.5, train_accuracy=0.8, test_accuracy=None, learning_rate=0.1, seconds=0.1))
    assert not bar.closed and bar.tqdm.n == 1
    bar(3, training.EpochStats(loss=0.25, train_accuracy=0.9, test_accuracy=None, learning_rate=0.1, seconds=0.2))
    err = capsys.readouterr().err
    assert bar.closed and "fitting" in err and "3/3" in err and "loss=0.250" in err and "test accuracy" not in err


@pytest.mark.parametrize("epochs", [0, -1, 2.5, True, "15"])
def test_epoch_progress_bar_rejects_bad_epochs(epochs):
    from cnnedu.widgets.training import EpochProgressBar

    with pytest.raises(ValueError, match=r"epochs must be a whole number >= 1 \(the epochs train\(\) runs\); got"):
        EpochProgressBar(epochs)
