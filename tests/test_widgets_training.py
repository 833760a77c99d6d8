"""The digit explorer draws the package's own numbers for the chosen digit
and layer."""

import numpy as np
import pytest

from cnnedu import training
from cnnedu.plotting.training import mosaic
from cnnedu.widgets import DEMOS
from cnnedu.widgets.training import LAYER_NAMES, digit_explorer


@pytest.fixture(scope="module")
def setup():
    x_train, x_test, y_train, y_test = training.digits_dataset()
    model = training.digits_network(rng=0)
    training.train(model, x_train[:300], y_train[:300], epochs=2, progress=False)
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
    demo = digit_explorer(model, images, labels)
    with pytest.raises(ValueError, match="layer must be one of"):
        demo._draw(index=0, layer="conv 3")


def test_default_demo_trains_a_quick_model():
    demo = digit_explorer()
    assert demo.controls["index"].max == 359
    assert demo.artists["bars_title"].get_text().startswith("prediction: ")
    assert demo.png()[:8] == b"\x89PNG\r\n\x1a\n"
