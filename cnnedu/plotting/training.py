"""Pictures for lesson 08: training curves, learned filters, feature maps,
the confusion matrix and the digits the network got wrong.

Every helper takes ``ax=None`` (or ``axes=None`` when it draws several
panels) and returns what it drew. Signed values (filters, convolution
outputs) use the diverging map centred on zero with a labelled colour bar.
"""

import numpy as np

from cnnedu._checks import as_array
from cnnedu.plotting.style import DIVERGING_CMAP, IMAGE_CMAP, OKABE_ITO, symmetric_limit

RIGHT_COLOR, WRONG_COLOR = OKABE_ITO[2], OKABE_ITO[3]  # bluish green, vermillion (and a word above the bar)
DRAWN_COLOR = OKABE_ITO[0]  # blue: the answer for a drawing, which has no label to be right or wrong about


def _new_axes(ax, figsize=(5, 4)):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def mosaic(maps, columns=8, gap=1):
    """Tile a stack of maps (C, H, W) into one 2-D array, NaN between tiles.

    Examples
    --------
    >>> tiled = mosaic(np.ones((3, 2, 2)), columns=2)
    >>> tiled.shape, int(np.isnan(tiled).sum())
    ((5, 5), 13)
    """
    maps = as_array("maps", maps, ndim=3)
    count, height, width = maps.shape
    columns = max(1, min(int(columns), count))
    rows = -(-count // columns)
    tiled = np.full((rows * (height + gap) - gap, columns * (width + gap) - gap), np.nan)
    for index in range(count):
        r, c = divmod(index, columns)
        tiled[r * (height + gap) : r * (height + gap) + height, c * (width + gap) : c * (width + gap) + width] = maps[
            index
        ]
    return tiled


def _mosaic_image(ax, tiled, diverging, limit):
    import matplotlib

    cmap = matplotlib.colormaps[DIVERGING_CMAP if diverging else IMAGE_CMAP].with_extremes(bad="0.85")
    if diverging:
        limit = symmetric_limit(tiled[~np.isnan(tiled)]) if limit is None else float(limit)
        image = ax.imshow(tiled, cmap=cmap, vmin=-limit, vmax=limit, interpolation="nearest")
    else:
        image = ax.imshow(tiled, cmap=cmap, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    return image


def plot_history(history, axes=None):
    """Loss (left) and accuracy (right) per epoch.

    Returns
    -------
    dict of name -> Line2D: 'loss', 'train_accuracy' and, if the history
    has a held-out set, 'test_accuracy'.

    Examples
    --------
    >>> from cnnedu.training import History
    >>> history = History(); history.loss = [1.0, 0.5]; history.train_accuracy = [0.7, 0.9]
    >>> lines = plot_history(history)
    >>> lines["loss"].get_ydata().tolist()
    [1.0, 0.5]
    """
    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(1, 2, figsize=(10, 3.5), layout="constrained")
    loss_ax, accuracy_ax = axes
    epochs = np.arange(1, len(history.loss) + 1)
    lines = {}
    (lines["loss"],) = loss_ax.plot(epochs, history.loss, marker="o", color="C0")
    loss_ax.set_xlabel("epoch")
    loss_ax.set_ylabel("training loss (cross-entropy)")
    loss_ax.set_title("loss")
    loss_ax.grid(alpha=0.3)
    (lines["train_accuracy"],) = accuracy_ax.plot(
        epochs, np.asarray(history.train_accuracy) * 100, marker="o", color="C1", label="training batches"
    )
    if len(history.test_accuracy):
        (lines["test_accuracy"],) = accuracy_ax.plot(
            epochs, np.asarray(history.test_accuracy) * 100, marker="s", color="C2", label="held-out digits"
        )
    accuracy_ax.set_xlabel("epoch")
    accuracy_ax.set_ylabel("accuracy (%)")
    accuracy_ax.set_title("accuracy")
    accuracy_ax.grid(alpha=0.3)
    accuracy_ax.legend(loc="lower right")
    return lines


def plot_filters(weights, ax=None, columns=8, limit=None, colorbar=True, title=None):
    """The kernels of one convolution layer as small images, side by side.

    Parameters
    ----------
    weights : array_like, shape (C_out, C_in, k, k)
        Only the first input channel is shown (the first layer has one).
    limit : float, optional
        Colour scale -limit..+limit, the same for every kernel (default: the
        largest absolute weight).

    Returns
    -------
    matplotlib.image.AxesImage

    Examples
    --------
    >>> image = plot_filters(np.arange(-4.0, 5.0).reshape(1, 1, 3, 3))
    >>> image.get_clim()
    (-4.0, 4.0)
    """
    weights = as_array("weights", weights, ndim=4)
    ax = _new_axes(ax, figsize=(8, 2.5))
    image = _mosaic_image(ax, mosaic(weights[:, 0], columns), diverging=True, limit=limit)
    if colorbar:
        ax.figure.colorbar(image, ax=ax, shrink=0.8, label="weight")
    if title:
        ax.set_title(title)
    return image


def plot_feature_maps(maps, ax=None, columns=8, diverging=True, limit=None, colorbar=True, title=None):
    """All channels of one layer's output for one image, tiled.

    Parameters
    ----------
    maps : array_like, shape (C, H, W)
    diverging : bool
        True for signed maps (convolution outputs), False for maps that are
        never negative (after ReLU or pooling).

    Returns
    -------
    matplotlib.image.AxesImage

    Examples
    --------
    >>> image = plot_feature_maps(np.ones((4, 3, 3)), columns=4)
    >>> image.get_array().shape
    (3, 15)
    """
    maps = as_array("maps", maps, ndim=3)
    ax = _new_axes(ax, figsize=(8, 2.5))
    image = _mosaic_image(ax, mosaic(maps, columns), diverging=diverging, limit=limit)
    if colorbar:
        ax.figure.colorbar(image, ax=ax, shrink=0.8, label="activation")
    if title:
        ax.set_title(title)
    return image


def plot_confusion_matrix(matrix, ax=None, title="held-out digits"):
    """Counts of (true digit, predicted digit); the diagonal is what went right.

    Returns
    -------
    matplotlib.image.AxesImage (its array is the matrix)

    Examples
    --------
    >>> image = plot_confusion_matrix(np.array([[3, 1], [0, 4]]))
    >>> image.get_array().tolist()
    [[3, 1], [0, 4]]
    """
    matrix = np.asarray(matrix)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"matrix must be square (classes, classes); got shape {matrix.shape}")
    ax = _new_axes(ax, figsize=(5, 4.5))
    classes = matrix.shape[0]
    image = ax.imshow(matrix, cmap="Blues", vmin=0, vmax=max(1, matrix.max()), interpolation="nearest")
    # every non-zero count is written in its cell; mistakes (off the diagonal) in red
    for (row, column), count in np.ndenumerate(matrix):
        if count:
            color = "white" if count > 0.6 * matrix.max() else ("#b00020" if row != column else "black")
            ax.text(column, row, str(count), ha="center", va="center", fontsize=9, color=color)
    ax.set_xticks(range(classes))
    ax.set_yticks(range(classes))
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    if title:
        ax.set_title(title)
    return image


def plot_digits(images, titles=None, axes=None, columns=8):
    """A row (or grid) of digit images with a title under each.

    Returns
    -------
    list of AxesImage

    Examples
    --------
    >>> drawn = plot_digits(np.zeros((2, 8, 8)), titles=["a", "b"])
    >>> len(drawn)
    2
    """
    images = as_array("images", images, ndim=(3, 4))
    if images.ndim == 4:
        images = images[:, 0]
    count = len(images)
    if axes is None:
        import matplotlib.pyplot as plt

        rows = -(-count // columns)
        _, axes = plt.subplots(
            rows,
            min(columns, count),
            figsize=(1.4 * min(columns, count), 1.7 * rows),
            layout="constrained",
            squeeze=False,
        )
    axes = np.asarray(axes).ravel()
    drawn = []
    for index, ax in enumerate(axes):
        ax.set_xticks([])
        ax.set_yticks([])
        if index >= count:
            ax.set_visible(False)
            continue
        drawn.append(ax.imshow(images[index], cmap="gray_r", vmin=0, vmax=1, interpolation="nearest"))
        if titles is not None:
            ax.set_title(titles[index], fontsize=10)
    return drawn


def plot_misclassified(images, labels, predicted, axes=None, count=8):
    """The first ``count`` digits whose prediction is wrong, titled
    'true 3, said 8'.

    Returns
    -------
    list of int: the indices shown

    Examples
    --------
    >>> shown = plot_misclassified(np.zeros((3, 8, 8)), [1, 2, 3], [1, 5, 3])
    >>> shown
    [1]
    """
    labels = np.asarray(labels)
    predicted = np.asarray(predicted)
    wrong = np.flatnonzero(labels != predicted)[:count].tolist()
    if not wrong:
        ax = _new_axes(None if axes is None else np.asarray(axes).ravel()[0], figsize=(4, 1))
        ax.text(0.5, 0.5, "no mistakes", ha="center", va="center")
        ax.axis("off")
        return wrong
    images = np.asarray(images)
    titles = [f"true {labels[i]}, said {predicted[i]}" for i in wrong]
    plot_digits(images[wrong], titles, axes=axes, columns=max(1, min(len(wrong), 8)))
    return wrong


# --- the digit explorer demo: one held-out digit, one layer's maps, the class probabilities ---


def digit_explorer_figure():
    """Figure for :func:`cnnedu.widgets.training.digit_explorer`: the digit,
    a tile of feature maps with its colour bar, and a bar chart of the
    probabilities of the ten digits.

    Returns
    -------
    figure : matplotlib.figure.Figure
    artists : dict of the artists that :func:`update_digit_explorer` changes

    Examples
    --------
    >>> figure, artists = digit_explorer_figure()
    >>> len(artists["bars"])
    10
    """
    import matplotlib
    from matplotlib.figure import Figure

    from cnnedu.plotting.style import PROJECTOR_RC

    with matplotlib.rc_context(PROJECTOR_RC):
        figure = Figure(figsize=(10, 3.1), layout="constrained")
        figure.get_layout_engine().set(wspace=0.08)  # room between the colour bar's label and the bar chart
        axes = figure.subplots(1, 3, gridspec_kw={"width_ratios": [1, 2.2, 1.6]})
    digit_ax, maps_ax, bars_ax = axes
    digit = digit_ax.imshow(np.zeros((8, 8)), cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
    digit_ax.set_xticks([])
    digit_ax.set_yticks([])
    cmap = matplotlib.colormaps[DIVERGING_CMAP].with_extremes(bad="0.85")
    maps = maps_ax.imshow(np.zeros((35, 71)), cmap=cmap, vmin=-1, vmax=1, interpolation="nearest")
    maps_ax.set_xticks([])
    maps_ax.set_yticks([])
    colorbar = figure.colorbar(maps, ax=maps_ax, shrink=0.8, label="activation")
    bars = bars_ax.bar(np.arange(10), np.zeros(10), color="0.6")
    bars_ax.set_ylim(0, 100)
    bars_ax.set_yticks([0, 50, 100])  # few ticks: each one costs drawing time on every move
    bars_ax.set_xticks(np.arange(10))
    bars_ax.set_xlabel("digit")
    bars_ax.set_ylabel("probability (%)")
    artists = {
        "digit": digit,
        "maps": maps,
        "colorbar": colorbar,
        "bars": list(bars),
        "digit_title": digit_ax.set_title(" " * 24),
        "maps_title": maps_ax.set_title(" " * 40),
        "bars_title": bars_ax.set_title(" " * 30),
        "bar_label": bars_ax.text(0, 0, "", ha="center", va="bottom", fontsize=10),
        "axes": axes,
    }
    return figure, artists


def update_digit_explorer(artists, image, label, layer_name, layer_output, probabilities, columns=8):
    """Show ``image`` (H, W), one layer's output (C, H', W') and the ten
    probabilities in the artists of :func:`digit_explorer_figure`.

    Every layer uses the diverging scale centred on zero: a convolution's
    output is blue and red, after ReLU or pooling only white and red remain.
    ``label`` is the true digit of a test image (the predicted bar is then
    green when right, red when wrong), or None for a digit someone drew
    (the predicted bar is blue).

    Examples
    --------
    >>> figure, artists = digit_explorer_figure()
    >>> update_digit_explorer(artists, np.zeros((8, 8)), 3, "ReLU", np.ones((2, 4, 4)), np.eye(10)[3])
    >>> artists["bars_title"].get_text()
    'prediction: 3 (100%), right'
    >>> update_digit_explorer(artists, np.zeros((8, 8)), None, "ReLU", np.ones((2, 4, 4)), np.eye(10)[3])
    >>> artists["digit_title"].get_text(), artists["bars_title"].get_text()
    ('your drawing', 'prediction: 3 (100%)')
    """
    artists["digit"].set_data(np.asarray(image, dtype=float))
    artists["digit_title"].set_text("your drawing" if label is None else f"test digit, label {label}")
    output = np.asarray(layer_output, dtype=float)
    tiled = mosaic(output, columns)
    maps = artists["maps"]
    maps.set_data(tiled)
    height, width = tiled.shape
    maps.set_extent((-0.5, width - 0.5, height - 0.5, -0.5))
    limit = symmetric_limit(tiled[~np.isnan(tiled)])
    maps.set_clim(-limit, limit)  # centred on zero for every layer: 0 white, positive red, negative blue
    artists["maps_title"].set_text(f"{layer_name}: {output.shape[0]} maps of {output.shape[1]}x{output.shape[2]}")
    probabilities = np.asarray(probabilities, dtype=float)
    predicted = int(np.argmax(probabilities))
    for digit, (bar, p) in enumerate(zip(artists["bars"], probabilities, strict=True)):
        bar.set_height(100 * p)
        # a test digit: the predicted bar is green if right, vermillion if wrong, and the word above the bar
        # and the title say so too (not colour alone); a drawing has no label, so its answer is plain blue
        if digit != predicted:
            bar.set_color("0.6")
        elif label is None:
            bar.set_color(DRAWN_COLOR)
        else:
            bar.set_color(RIGHT_COLOR if digit == label else WRONG_COLOR)
    verdict = "" if label is None else ("right" if predicted == label else "wrong")
    artists["bar_label"].set_position((predicted, min(100 * probabilities[predicted], 86) + 2))
    artists["bar_label"].set_text(verdict)
    answer = f"prediction: {predicted} ({100 * probabilities[predicted]:.0f}%)"
    artists["bars_title"].set_text(answer if label is None else f"{answer}, {verdict}")
