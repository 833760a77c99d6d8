"""Lesson 08 demo: draw a digit (or pick a held-out one) and follow it through the trained network."""

import ipywidgets as widgets
import numpy as np

from cnnedu.plotting.training import digit_explorer_figure, update_digit_explorer
from cnnedu.training import digits_dataset, digits_network, layer_outputs, probabilities, train
from cnnedu.widgets._blit import BlitCanvas
from cnnedu.widgets._demo import Demo, register_demo, start_controls
from cnnedu.widgets._pad import DrawingPad

_STYLE = {"description_width": "initial"}
LAYER_NAMES = ("conv 1", "ReLU 1", "max pool", "conv 2", "ReLU 2")


def quick_model(epochs=4, seed=0):
    """The lesson's network after a short, seeded training (about a second),
    for when the demo is opened without the notebook's trained model."""
    x_train, _, y_train, _ = digits_dataset(seed=seed)
    model = digits_network(rng=seed)
    train(model, x_train, y_train, epochs=epochs, seed=seed)
    return model


@register_demo(lesson="08")
def digit_explorer(model=None, images=None, labels=None, index=0, layer="conv 1"):
    """Draw a digit, or pick a held-out one, and pick a layer: see the input,
    that layer's feature maps and the probabilities the network gives the
    ten digits, updated at every click.

    The drawing pad (8x8 cells, the digits' own resolution) holds what the
    network reads. Click a cell to ink it (a second click: half ink, a
    third: empty). The "held-out digit" slider and the "load" button put a
    test digit on the pad, to be read as it is or changed; "clear" empties it.

    Parameters
    ----------
    model : Sequential, optional
        A trained :func:`cnnedu.training.digits_network`; by default one is
        trained for a few epochs (:func:`quick_model`).
    images, labels : optional
        Digits (N, 1, 8, 8) and their labels; by default the held-out split
        of :func:`cnnedu.training.digits_dataset`.
    index : int
        Which digit is on the pad first, from 0 to ``len(images) - 1``.
    layer : str
        One of ``LAYER_NAMES``.

    Returns
    -------
    Demo
        Controls ``index`` (puts that test digit on the pad) and ``layer``.
        Extras ``drawing`` (a :class:`DrawingPanel`: the pad, whose ``value``
        changes redraw the figure, with its clear and load buttons) and
        ``verdict`` (the prediction in large type).
    """
    if images is None or labels is None:
        _, images, _, labels = digits_dataset()
    images = np.asarray(images)
    controls = {
        "index": widgets.IntSlider(min=0, max=len(images) - 1, description="held-out digit", style=_STYLE),
        "layer": widgets.ToggleButtons(options=list(LAYER_NAMES), description="layer", style=_STYLE),
    }
    start_controls("digit_explorer", controls, index=index, layer=layer)  # before the training
    if model is None:
        model = quick_model()
    figure, artists = digit_explorer_figure()
    position = {name: number for number, name in enumerate(LAYER_NAMES)}
    pad = DrawingPad(*images.shape[-2:])

    def put_on_pad(index):
        """The slider moved: its test digit goes on the pad (in the same redraw)."""
        pad.set_array(images[index, 0])

    def draw(index, layer):  # layer is one of LAYER_NAMES: the toggle buttons offer nothing else
        drawing = pad.array
        x = drawing[np.newaxis, np.newaxis].astype(images.dtype)  # (1, 1, 8, 8): what the network reads
        is_test_digit = np.array_equal(drawing, images[index, 0])
        outputs = layer_outputs(model, x)
        _, output = outputs[position[layer]]
        p = probabilities(model, x)[0]
        label = int(labels[index]) if is_test_digit else None
        update_digit_explorer(artists, drawing, label, layer, output[0], p)
        verdict.value = _verdict_html(p, empty=not drawing.any())

    put_on_pad(controls["index"].value)  # the first digit
    verdict = widgets.HTML(value="", layout=widgets.Layout(min_width="9em", margin="0 1em"))
    panel = DrawingPanel(pad, load=lambda: put_on_pad(controls["index"].value))
    # the layout is fixed once drawn: from here on only what changes is redrawn (the images and their
    # frames, the colour bar whose scale follows the maps, the bars, the titles); another layer
    # gives the maps another shape, which moves their frame: then everything is drawn again
    digit_ax, maps_ax, bars_ax = artists["axes"]
    dynamic = [
        artists["digit"],
        *digit_ax.spines.values(),
        artists["maps"],
        *maps_ax.spines.values(),
        artists["colorbar"].ax,
        *artists["bars"],
        *bars_ax.spines.values(),
        artists["bar_label"],
        artists["digit_title"],
        artists["maps_title"],
        artists["bars_title"],
    ]
    return Demo(
        figure,
        controls,
        draw,
        links={"index": put_on_pad},
        watch=[pad],
        canvas=lambda figure: BlitCanvas(figure, dynamic, layout_key=lambda: artists["maps"].get_array().shape),
        extras={"drawing": panel, "verdict": verdict},
        title="Draw a digit, or pick one: what the trained network makes of it",
        caption=(
            "Left: the digit the network reads (drawn on the pad or held out); middle: every feature map of "
            "the chosen layer; right: the probability of each digit, a test digit's answer labelled right or wrong."
        ),
        artists=artists,
    )


class DrawingPanel(widgets.VBox):
    """The digit explorer's drawing pad with a clear button, a load button
    and a hint (one of the demo's extras).

    Parameters
    ----------
    pad : DrawingPad
    load : callable
        Called with no arguments by the load button (puts the chosen test digit on the pad).

    Attributes
    ----------
    pad, clear_button, load_button
    """

    def __init__(self, pad, load):
        self.pad = pad
        self.clear_button = widgets.Button(
            description="clear", icon="eraser", tooltip="Empty the pad", layout=widgets.Layout(width="auto")
        )
        self.load_button = widgets.Button(
            description="load test digit",
            icon="th",
            tooltip="Put the held-out digit chosen by the slider on the pad",
            layout=widgets.Layout(width="auto"),
        )
        hint = widgets.HTML("<small>click: ink, again: half, again: empty</small>")
        super().__init__([pad, widgets.HBox([self.clear_button, self.load_button]), hint])
        self.clear_button.on_click(lambda _button: pad.set_array(np.zeros(pad.shape)))
        self.load_button.on_click(lambda _button: load())


def _verdict_html(p, empty):
    """The network's answer in large type (read at the back of a lecture hall)."""
    if empty:
        return "<div style='font-size:1.3em;color:#555'>the pad is empty:<br>draw a digit</div>"
    predicted = int(np.argmax(p))
    return (
        "<div style='text-align:center;line-height:1.1'>the network says<br>"
        f"<span class='cnnedu-prediction' style='font-size:4em;font-weight:bold'>{predicted}</span><br>"
        f"{100 * p[predicted]:.0f}% sure</div>"
    )


class EpochProgressBar:
    """A progress bar over the epochs of :func:`cnnedu.training.train`, with
    the latest loss and held-out accuracy: pass it as ``on_epoch``.

    >>> from cnnedu import training
    >>> x_train, _, y_train, _ = training.digits_dataset()
    >>> history = training.train(
    ...     training.digits_network(), x_train[:64], y_train[:64], epochs=2, on_epoch=EpochProgressBar(2)
    ... )  # doctest: +SKIP

    In Jupyter (with ipywidgets) the bar is tqdm's widget, elsewhere tqdm's
    text bar on stderr. A saved notebook viewed without a live kernel
    (GitHub, nbviewer, a static render) shows only the text the widget had
    when it was first displayed, "0/15"; so the widget is displayed with a
    display id and shown again when the last epoch is done, which stores
    the final text ("15/15 ... test accuracy=0.989").

    Parameters
    ----------
    epochs : int
        The ``epochs`` given to :func:`cnnedu.training.train`; the bar closes
        itself after that many.
    description : str
        Written before the bar.
    """

    def __init__(self, epochs, description="training"):
        from tqdm.auto import tqdm
        from tqdm.notebook import tqdm as notebook_tqdm

        if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 1:
            raise ValueError(f"epochs must be a whole number >= 1 (the epochs train() runs); got {epochs!r}")
        self.epochs = int(epochs)
        self.closed = False
        self.display = None
        if issubclass(tqdm, notebook_tqdm):  # in Jupyter with ipywidgets
            from IPython.display import display

            self.tqdm = tqdm(total=self.epochs, desc=description, unit="epoch", display=False)
            self.display = display(self.tqdm.container, display_id=True)
        else:
            self.tqdm = tqdm(total=self.epochs, desc=description, unit="epoch")

    def __call__(self, epoch, stats):
        """Show that ``epoch`` epochs are done, with ``stats`` (a
        :class:`cnnedu.training.EpochStats`); close after the last one."""
        shown = {"loss": f"{stats.loss:.3f}"}
        if stats.test_accuracy is not None:
            shown["test accuracy"] = f"{stats.test_accuracy:.3f}"
        self.tqdm.set_postfix(shown, refresh=False)
        self.tqdm.update(epoch - self.tqdm.n)  # redraws, with the numbers just set
        if epoch >= self.epochs:
            self.close()

    def close(self):
        """End the bar (once); in Jupyter, store its final text for static views."""
        if self.closed:
            return
        self.closed = True
        self.tqdm.close()
        if self.display is not None:
            self.display.update(self.tqdm.container)  # the final text, for static views
