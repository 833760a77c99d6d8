"""Lesson 08 plots: what is drawn equals the numbers it claims to show."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from cnnedu import training
from cnnedu.plotting import training as tp


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_mosaic_places_each_map_in_its_tile(rng):
    maps = rng.random((5, 3, 4))
    tiled = tp.mosaic(maps, columns=2, gap=1)
    assert tiled.shape == (3 * 3 + 2, 2 * 4 + 1)
    for index in range(5):
        r, c = divmod(index, 2)
        np.testing.assert_array_equal(tiled[r * 4 : r * 4 + 3, c * 5 : c * 5 + 4], maps[index])
    assert np.isnan(tiled[3]).all() and np.isnan(tiled[:, 4]).all()  # the gaps
    assert np.isnan(tiled[8:, 5:]).all()  # the missing sixth tile
    with pytest.raises(ValueError, match="maps must be 3-D"):
        tp.mosaic(np.zeros((2, 2)))


def test_history_curves_show_the_history():
    history = training.History()
    history.loss = [2.0, 1.0, 0.5]
    history.train_accuracy = [0.5, 0.8, 0.9]
    history.test_accuracy = [0.6, 0.85, 0.95]
    lines = tp.plot_history(history)
    assert lines["loss"].get_xdata().tolist() == [1, 2, 3]
    assert lines["loss"].get_ydata().tolist() == [2.0, 1.0, 0.5]
    np.testing.assert_allclose(lines["train_accuracy"].get_ydata(), [50, 80, 90])
    np.testing.assert_allclose(lines["test_accuracy"].get_ydata(), [60, 85, 95])
    assert lines["loss"].axes.get_ylabel().startswith("training loss")


def test_filters_use_one_scale_centred_on_zero(rng):
    weights = rng.standard_normal((6, 1, 3, 3))
    image = tp.plot_filters(weights, columns=3)
    limit = np.abs(weights).max()
    assert image.get_clim() == pytest.approx((-limit, limit))
    np.testing.assert_array_equal(np.asarray(image.get_array().filled(np.nan)), tp.mosaic(weights[:, 0], 3))
    assert image.colorbar is not None
    fixed = tp.plot_filters(weights, limit=5.0, colorbar=False)
    assert fixed.get_clim() == (-5.0, 5.0) and fixed.colorbar is None


def test_feature_maps_diverging_or_not(rng):
    maps = rng.standard_normal((4, 5, 5))
    signed = tp.plot_feature_maps(maps, columns=2, title="conv")
    limit = np.abs(maps).max()
    assert signed.get_clim() == pytest.approx((-limit, limit))
    assert signed.axes.get_title() == "conv"
    positive = tp.plot_feature_maps(np.abs(maps), diverging=False, colorbar=False)
    assert positive.get_clim() == pytest.approx((np.abs(maps).min(), np.abs(maps).max()))


def test_confusion_matrix_counts_and_red_mistakes():
    matrix = np.array([[5, 1, 0], [0, 4, 0], [2, 0, 3]])
    image = tp.plot_confusion_matrix(matrix)
    np.testing.assert_array_equal(image.get_array(), matrix)
    texts = {(t.get_position(), t.get_text()): t.get_color() for t in image.axes.texts}
    assert len(texts) == 5  # only the non-zero counts are written
    assert texts[((2, 2), "3")] == "black"
    assert texts[((1, 0), "1")] == "#b00020"  # off the diagonal: a mistake, in red
    assert texts[((0, 2), "2")] == "#b00020"
    assert image.axes.get_xlabel() == "predicted digit" and image.axes.get_ylabel() == "true digit"
    with pytest.raises(ValueError, match="matrix must be square"):
        tp.plot_confusion_matrix(np.zeros((2, 3)))


def test_digits_and_misclassified(rng):
    images = rng.random((6, 1, 8, 8))
    drawn = tp.plot_digits(images, titles=list("abcdef"), columns=4)
    assert len(drawn) == 6
    np.testing.assert_array_equal(drawn[2].get_array(), images[2, 0])
    assert drawn[5].axes.get_title() == "f"
    labels = np.array([1, 2, 3, 4, 5, 6])
    predicted = np.array([1, 7, 3, 8, 5, 6])
    fig, axes = plt.subplots(1, 8)
    shown = tp.plot_misclassified(images, labels, predicted, axes=axes)
    assert shown == [1, 3]
    assert [ax.get_title() for ax in axes[:2]] == ["true 2, said 7", "true 4, said 8"]
    assert not axes[2].get_visible()  # a fixed number of panels, the unused ones hidden
    np.testing.assert_array_equal(axes[1].images[0].get_array(), images[3, 0])
    assert tp.plot_misclassified(images, labels, labels) == []


def test_digit_explorer_shows_the_layer_output_and_probabilities(rng):
    figure, artists = tp.digit_explorer_figure()
    image = rng.random((8, 8))
    output = rng.standard_normal((16, 8, 8))
    probabilities = np.full(10, 0.05)
    probabilities[4] = 0.55
    tp.update_digit_explorer(artists, image, 4, "conv 1", output, probabilities)
    np.testing.assert_array_equal(artists["digit"].get_array(), image)
    np.testing.assert_array_equal(np.asarray(artists["maps"].get_array().filled(np.nan)), tp.mosaic(output, 8))
    limit = np.abs(output).max()
    assert artists["maps"].get_clim() == pytest.approx((-limit, limit))
    assert [bar.get_height() for bar in artists["bars"]] == pytest.approx(100 * probabilities)
    assert artists["bars_title"].get_text() == "prediction: 4 (55%), right"
    assert artists["bar_label"].get_text() == "right" and artists["bar_label"].get_position()[0] == 4
    assert artists["maps_title"].get_text() == "conv 1: 16 maps of 8x8"
    assert artists["digit_title"].get_text() == "test digit, label 4"
    # a wrong prediction is drawn in red, a smaller layer changes the tile
    tp.update_digit_explorer(artists, image, 3, "max pool", np.abs(output[:, :4, :4]), probabilities)
    assert matplotlib.colors.to_hex(artists["bars"][4].get_facecolor()) == tp.WRONG_COLOR.lower()
    assert artists["bar_label"].get_text() == "wrong" and artists["bars_title"].get_text().endswith(", wrong")
    assert artists["maps"].get_array().shape == tp.mosaic(output[:, :4, :4], 8).shape
