"""Shared look: colour maps, font sizes readable on a projector, and small
drawing helpers used by every lesson's plots."""

import matplotlib
import numpy as np
from matplotlib.figure import Figure

IMAGE_CMAP = "gray"
DIVERGING_CMAP = "RdBu_r"  # negative blue, zero white, positive red
SEQUENTIAL_CMAP = "magma"  # values that cannot be negative (after a ReLU): black 0 to light yellow
# Okabe and Ito's palette, told apart with the common colour-vision deficiencies (its yellow
# is left out: too light on white); where colours name things (windows, lines) a line style
# or a label says the same.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000")
LINESTYLES = ("-", "--", ":", "-.")

# Large enough to read from the back of a lecture hall at 100 dpi.
PROJECTOR_RC = {
    "font.size": 12,
    "axes.titlesize": 13,
    "axes.labelsize": 12,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "figure.dpi": 100,
}


def new_figure(nrows=1, ncols=1, figsize=(8, 4), **subplot_kw):
    """A figure *not* managed by pyplot, for demos that redraw it in place.

    Returns
    -------
    figure : matplotlib.figure.Figure
    axes : Axes or array of Axes (as ``plt.subplots`` returns)

    Examples
    --------
    >>> figure, axes = new_figure(1, 2)
    >>> len(axes)
    2
    """
    with matplotlib.rc_context(PROJECTOR_RC):
        figure = Figure(figsize=figsize, layout="constrained")
        axes = figure.subplots(nrows, ncols, squeeze=True, subplot_kw=subplot_kw or None)
    return figure, axes


def symmetric_limit(values, minimum=1e-12):
    """Largest absolute value, for a colour scale centred on zero.

    Examples
    --------
    >>> symmetric_limit(np.array([-3.0, 1.0]))
    3.0
    """
    values = np.asarray(values, dtype=float)
    if values.size == 0:
        return 1.0
    return float(max(np.nanmax(np.abs(values)), minimum))


def show_map(values, ax=None, diverging=False, limit=None, title=None, colorbar=False, grid=False):
    """Draw a 2-D array as an image with cells on integer coordinates.

    Parameters
    ----------
    values : array_like, shape (H, W)
    ax : matplotlib Axes, optional
    diverging : bool
        Use a blue-white-red map centred on zero (for signed responses);
        otherwise a grey map from the data's minimum to its maximum.
    limit : float, optional
        For ``diverging``: the colour scale runs from ``-limit`` to ``+limit``
        (default: the largest absolute value).
    title : str, optional
    colorbar : bool
        Add a labelled colour bar.
    grid : bool
        Draw thin lines between cells (for small arrays).

    Returns
    -------
    matplotlib.image.AxesImage

    Examples
    --------
    >>> figure, ax = new_figure()
    >>> image = show_map(np.eye(3), ax=ax, diverging=True)
    >>> image.get_clim()
    (-1.0, 1.0)
    """
    values = np.asarray(values, dtype=float)
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(4, 4))
    if diverging:
        limit = symmetric_limit(values) if limit is None else float(limit)
        image = ax.imshow(values, cmap=DIVERGING_CMAP, vmin=-limit, vmax=limit, interpolation="nearest")
    else:
        image = ax.imshow(values, cmap=IMAGE_CMAP, interpolation="nearest")
    if grid:
        rows, columns = values.shape
        ax.set_xticks(np.arange(-0.5, columns, 1), minor=True)
        ax.set_yticks(np.arange(-0.5, rows, 1), minor=True)
        ax.grid(which="minor", color="0.6", linewidth=0.5)
        ax.tick_params(which="minor", length=0)
    if title:
        ax.set_title(title)
    if colorbar:
        ax.figure.colorbar(image, ax=ax, shrink=0.8)
    return image


def annotate_cells(values, ax, fmt="{:g}", fontsize=10, color_threshold=None):
    """Write each value of a small array in its cell; returns the Text list.

    Examples
    --------
    >>> figure, ax = new_figure()
    >>> texts = annotate_cells(np.array([[1, 2], [3, 4]]), ax)
    >>> [t.get_text() for t in texts]
    ['1', '2', '3', '4']
    """
    values = np.asarray(values)
    texts = []
    for (row, column), value in np.ndenumerate(values):
        color = "black"
        if color_threshold is not None and abs(value) > color_threshold:
            color = "white"
        texts.append(ax.text(column, row, fmt.format(value), ha="center", va="center", fontsize=fontsize, color=color))
    return texts
