"""Lesson 08 demo: follow one held-out digit through the trained network."""

import ipywidgets as widgets

from cnnedu.plotting.training import digit_explorer_figure, update_digit_explorer
from cnnedu.training import digits_dataset, digits_network, layer_outputs, probabilities, train
from cnnedu.widgets._demo import Demo

_STYLE = {"description_width": "initial"}
LAYER_NAMES = ("conv 1", "ReLU 1", "max pool", "conv 2", "ReLU 2")


def quick_model(epochs=4, seed=0):
    """The lesson's network after a short, seeded training (about a second),
    for when the demo is opened without the notebook's trained model."""
    x_train, _, y_train, _ = digits_dataset(seed=seed)
    model = digits_network(rng=seed)
    train(model, x_train, y_train, epochs=epochs, seed=seed, progress=False)
    return model


def digit_explorer(model=None, images=None, labels=None, index=0, layer="conv 1"):
    """Pick a held-out digit and a layer: see the digit, that layer's feature
    maps and the probabilities the network gives the ten digits.

    Parameters
    ----------
    model : Sequential, optional
        A trained :func:`cnnedu.training.digits_network`; by default one is
        trained for a few epochs (:func:`quick_model`).
    images, labels : optional
        Digits (N, 1, 8, 8) and their labels; by default the held-out split
        of :func:`cnnedu.training.digits_dataset`.
    index : int
        Which digit to show first.
    layer : str
        One of ``LAYER_NAMES``.

    Returns
    -------
    Demo
        Controls ``index`` and ``layer``.
    """
    if model is None:
        model = quick_model()
    if images is None or labels is None:
        _, images, _, labels = digits_dataset()
    figure, artists = digit_explorer_figure()
    position = {name: number for number, name in enumerate(LAYER_NAMES)}

    def draw(index, layer):
        if layer not in position:
            raise ValueError(f"layer must be one of {', '.join(LAYER_NAMES)}; got {layer!r}")
        x = images[index : index + 1]
        outputs = layer_outputs(model, x)
        _, output = outputs[position[layer]]
        update_digit_explorer(artists, x[0, 0], int(labels[index]), layer, output[0], probabilities(model, x)[0])

    controls = {
        "index": widgets.IntSlider(value=index, min=0, max=len(images) - 1, description="held-out digit", style=_STYLE),
        "layer": widgets.ToggleButtons(options=list(LAYER_NAMES), value=layer, description="layer", style=_STYLE),
    }
    return Demo(figure, controls, draw, title="One digit through the trained network",
                caption=(
                    "Left: a held-out digit; middle: every feature map of the chosen layer; right: the probability "
                    "the network gives each digit, the predicted digit labelled right or wrong."
                ), artists=artists)
