"""Pictures of receptive fields: the layer diagram of one unit's cone, the
field of a unit drawn on a photo, the effective receptive field as a heat
map, and the growth of the field through a real network.

Every function takes ``ax=None`` and returns what it drew; the ``update_*``
functions change those artists in place (for the demos).
"""

import numpy as np
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from cnnedu.plotting.style import IMAGE_CMAP, LINESTYLES, OKABE_ITO
from cnnedu.receptive_field import FieldCone

FIELD_COLOR = "#ff7f0e"  # orange: the receptive field
PADDING_COLOR = "0.82"  # light grey: cells outside the image (zero padding)
EFFECTIVE_CMAP = "magma"


def _axes(ax, figsize=(5, 4)):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=figsize)
    return ax


def clip_region(region, size):
    """The part of ``(first, last)`` that lies inside ``0 .. size - 1``, or
    None when the region lies wholly in the padding.

    Examples
    --------
    >>> clip_region((-3, 4), 10), clip_region((8, 12), 10), clip_region((-5, -1), 10)
    ((0, 4), (8, 9), None)
    """
    first, last = max(region[0], 0), min(region[1], size - 1)
    return (first, last) if first <= last else None


def _bounds(rows, columns):
    """(x, y, width, height) of the cells rows x columns, cells centred on integers."""
    return (columns[0] - 0.5, rows[0] - 0.5, columns[1] - columns[0] + 1, rows[1] - rows[0] + 1)


def receptive_field_diagram(cone, ax=None, names=None):
    """One-dimensional picture of a stack: every layer's cells, and in orange
    the cells that can reach one unit of the top layer.

    A cell of layer ``l`` is drawn above the middle of the input cells it
    sees and is as wide as the effective stride of layer ``l``, so the
    picture shows the field widening layer by layer. Dashed grey cells are
    padding.

    Parameters
    ----------
    cone : FieldCone
        From :func:`cnnedu.receptive_field.field_cone` (the layers, the top
        unit and the input size are chosen there).
    names : sequence of str, optional
        Row labels for the layers (default "layer 1", ...).

    Returns
    -------
    dict
        ``cells``: list (per level, input first) of lists of Rectangles;
        ``highlighted``: list of (first, last) cone index per level.

    Examples
    --------
    >>> from cnnedu.layers import Conv2d
    >>> from cnnedu.plotting.style import new_figure
    >>> from cnnedu.receptive_field import field_cone
    >>> figure, ax = new_figure()
    >>> drawn = receptive_field_diagram(field_cone([Conv2d(1, 1, 3)] * 3, unit=0), ax=ax)
    >>> drawn["highlighted"][0]  # the input cells top unit 0 sees: 7 of them
    (0, 6)
    """
    if not isinstance(cone, FieldCone):
        raise TypeError(
            "receptive_field_diagram() draws a FieldCone: pass field_cone(layers, unit=..., input_size=...) "
            f"(from cnnedu.receptive_field); got {type(cone).__name__} {cone!r}"
        )
    ax = _axes(ax, figsize=(8, 3))
    depth = len(cone.sizes) - 1
    names = list(names) if names is not None else [f"layer {i}" for i in range(1, depth + 1)]
    if len(names) != depth:
        raise ValueError(f"names must have one label per layer ({depth}); got {len(names)}")
    labels = ["input"] + names
    cells = []
    for level, (field, highlighted, count) in enumerate(zip(cone.fields, cone.cones, cone.sizes, strict=True)):
        row_cells = []
        for index in range(min(highlighted[0], 0), max(highlighted[1], count - 1) + 1):
            centre = index * field.stride - field.padding + (field.size - 1) / 2
            inside = 0 <= index < count
            in_cone = highlighted[0] <= index <= highlighted[1]
            face = FIELD_COLOR if in_cone and inside else ("white" if inside else PADDING_COLOR)
            patch = Rectangle(
                (centre - field.stride / 2 + 0.08, level - 0.35),
                field.stride - 0.16,
                0.7,
                facecolor=face,
                edgecolor="0.3" if inside else "0.55",
                linestyle="-" if inside else "--",
                linewidth=0.8,
            )
            ax.add_patch(patch)
            row_cells.append(patch)
        cells.append(row_cells)
    first, last = cone.cones[0]
    ax.set_xlim(min(first, 0) - 1, max(last, cone.sizes[0] - 1) + 1)
    ax.set_ylim(-0.7, depth + 0.7)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("input cell index")
    ax.spines[["top", "right", "left"]].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax.set_title(f"unit {cone.unit} of the top layer sees input cells {first}..{last}")
    return {"cells": cells, "highlighted": list(cone.cones)}


def show_field_on_image(image, region_rows, region_columns, ax=None, margin=16, title=None):
    """A grayscale photo with one unit's receptive field drawn on it.

    The whole field is a dashed orange outline; the part inside the image is
    filled. Around the photo a grey border of ``margin`` cells stands for the
    zero padding, so a field that sticks out of the image shows how much of
    it only ever sees zeros.

    Parameters
    ----------
    image : ndarray, shape (H, W)
    region_rows, region_columns : (first, last)
        Input rows and columns of the field (may be negative or past the end).

    Returns
    -------
    dict with ``image``, ``field`` (outline) and ``inside`` (filled part)

    Examples
    --------
    >>> from cnnedu.plotting.style import new_figure
    >>> figure, ax = new_figure()
    >>> drawn = show_field_on_image(np.zeros((8, 8)), (-2, 4), (3, 9), ax=ax, margin=4)
    >>> [float(v) for v in drawn["inside"].get_bbox().bounds]  # rows 0..4, columns 3..7 are inside
    [2.5, -0.5, 5.0, 5.0]
    """
    ax = _axes(ax)
    image = np.asarray(image, dtype=float)
    height, width = image.shape
    ax.set_facecolor(PADDING_COLOR)
    drawn = {"image": ax.imshow(image, cmap=IMAGE_CMAP, vmin=0, vmax=1, interpolation="nearest")}
    drawn["field"] = ax.add_patch(
        Rectangle((0, 0), 1, 1, fill=False, edgecolor=FIELD_COLOR, linestyle="--", linewidth=1.8)
    )
    drawn["inside"] = ax.add_patch(
        Rectangle((0, 0), 1, 1, facecolor=FIELD_COLOR, alpha=0.35, edgecolor=FIELD_COLOR, linewidth=2.2)
    )
    ax.set_xlim(-0.5 - margin, width - 0.5 + margin)
    ax.set_ylim(height - 0.5 + margin, -0.5 - margin)
    ax.set_xticks([])
    ax.set_yticks([])
    if margin >= 6:
        drawn["label"] = ax.text(
            -0.5 - margin + 1, height - 0.5 + margin - 1, "grey: zero padding", fontsize=9, va="bottom", color="0.25"
        )
    if title:
        ax.set_title(title)
    update_field_on_image(drawn, region_rows, region_columns, image.shape)
    return drawn


def update_field_on_image(drawn, region_rows, region_columns, shape):
    """Move the rectangles of :func:`show_field_on_image` to a new field."""
    drawn["field"].set_bounds(*_bounds(region_rows, region_columns))
    rows, columns = clip_region(region_rows, shape[0]), clip_region(region_columns, shape[1])
    if rows is None or columns is None:
        drawn["inside"].set_visible(False)
    else:
        drawn["inside"].set_visible(True)
        drawn["inside"].set_bounds(*_bounds(rows, columns))


def show_effective_field(magnitude, region_rows, region_columns, ax=None, margin=16, colorbar=True, title=None):
    """The effective receptive field as a heat map, scaled so its peak is 1,
    with the theoretical field drawn as a dashed rectangle.

    Parameters
    ----------
    magnitude : ndarray, shape (H, W)
        ``|dJ/dX|`` (non-negative).
    region_rows, region_columns : (first, last)
        The theoretical field of the same unit.

    Returns
    -------
    dict with ``image`` (values divided by their maximum) and ``field``

    Examples
    --------
    >>> from cnnedu.plotting.style import new_figure
    >>> figure, ax = new_figure()
    >>> drawn = show_effective_field(np.array([[0.0, 2.0], [1.0, 0.0]]), (0, 1), (0, 1), ax=ax, colorbar=False)
    >>> drawn["image"].get_array().tolist(), drawn["image"].get_clim()
    ([[0.0, 1.0], [0.5, 0.0]], (0.0, 1.0))
    """
    ax = _axes(ax)
    magnitude = np.asarray(magnitude, dtype=float)
    height, width = magnitude.shape
    ax.set_facecolor(PADDING_COLOR)
    drawn = {
        "image": ax.imshow(np.zeros_like(magnitude), cmap=EFFECTIVE_CMAP, vmin=0, vmax=1, interpolation="nearest"),
        "field": ax.add_patch(Rectangle((0, 0), 1, 1, fill=False, edgecolor="#4fc3f7", linestyle="--", linewidth=1.8)),
    }
    ax.set_xlim(-0.5 - margin, width - 0.5 + margin)
    ax.set_ylim(height - 0.5 + margin, -0.5 - margin)
    ax.set_xticks([])
    ax.set_yticks([])
    if colorbar:
        bar = ax.figure.colorbar(drawn["image"], ax=ax, shrink=0.8, ticks=[0, 0.5, 1])
        bar.set_label("|dJ/dX| / largest value")
        drawn["colorbar"] = bar
    if title:
        ax.set_title(title)
    update_effective_field(drawn, magnitude, region_rows, region_columns)
    return drawn


def update_effective_field(drawn, magnitude, region_rows, region_columns, out=None):
    """Show a new ``|dJ/dX|`` map and field in the artists of :func:`show_effective_field`.

    ``out`` (an array shaped like ``magnitude``) receives the scaled values,
    so that repeated updates reuse one buffer.
    """
    magnitude = np.asarray(magnitude, dtype=float)
    peak = float(magnitude.max())
    scaled = np.divide(magnitude, peak if peak > 0 else 1.0, out=out)
    drawn["image"].set_data(scaled)
    drawn["field"].set_bounds(*_bounds(region_rows, region_columns))


def plot_field_growth(tables, ax=None):
    """Receptive field size after each layer, one line per network.

    Parameters
    ----------
    tables : dict of str -> list of dict
        Network label mapped to :func:`cnnedu.networks.receptive_field_table`.

    Returns
    -------
    dict of str -> Line2D

    Examples
    --------
    >>> from cnnedu.layers import Conv2d, MaxPool2d
    >>> from cnnedu.networks import receptive_field_table
    >>> from cnnedu.plotting.style import new_figure
    >>> figure, ax = new_figure()
    >>> table = receptive_field_table([Conv2d(1, 1, 3), MaxPool2d(2), Conv2d(1, 1, 3)])
    >>> lines = plot_field_growth({"small": table}, ax=ax)
    >>> lines["small"].get_ydata().tolist()
    [3, 4, 8]
    """
    ax = _axes(ax, figsize=(7, 4))
    lines = {}
    for index, (label, table) in enumerate(tables.items()):
        sizes = [row["size"] for row in table]
        (line,) = ax.plot(
            range(1, len(sizes) + 1),
            sizes,
            marker="os^D"[index % 4],
            label=label,
            color=OKABE_ITO[index % len(OKABE_ITO)],
            linestyle=LINESTYLES[index % len(LINESTYLES)],
        )
        lines[label] = line
        last = table[-1]
        ax.annotate(
            f"{last['name']}: r = {last['size']}",
            (len(sizes), sizes[-1]),
            textcoords="offset points",
            xytext=(-10, 0),
            ha="right",
            va="center",
            color=line.get_color(),
        )
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("layer (convolution or pooling), from the input")
    ax.set_ylabel("receptive field size r (pixels)")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left")
    return lines


def plot_profile(magnitude, region, row=None, ax=None, label=None, linestyle="-", marker="."):
    """One row of an effective field (scaled to peak 1), with the theoretical
    field shaded.

    Parameters
    ----------
    magnitude : ndarray, shape (H, W)
    region : (first, last)
        Theoretical field along the columns.
    row : int, optional
        Input row to draw (default: the middle row).
    linestyle, marker : str
        Give each of several profiles on one axes its own, so that they
        differ in more than colour.

    Returns
    -------
    Line2D

    Examples
    --------
    >>> from cnnedu.plotting.style import new_figure
    >>> figure, ax = new_figure()
    >>> line = plot_profile(np.array([[0.0, 1.0, 0.0], [1.0, 4.0, 1.0], [0.0, 1.0, 0.0]]), (0, 2), ax=ax)
    >>> line.get_ydata().tolist()
    [0.25, 1.0, 0.25]
    """
    ax = _axes(ax, figsize=(6, 3))
    magnitude = np.asarray(magnitude, dtype=float)
    middle = magnitude[magnitude.shape[0] // 2 if row is None else row]
    peak = float(middle.max()) or 1.0
    (line,) = ax.plot(np.arange(len(middle)), middle / peak, marker=marker, linestyle=linestyle, label=label)
    ax.axvspan(region[0] - 0.5, region[1] + 0.5, color=FIELD_COLOR, alpha=0.12)
    ax.set_xlabel("input column")
    ax.set_ylabel("|dJ/dX| / peak")
    return line


__all__ = [
    "clip_region",
    "plot_field_growth",
    "plot_profile",
    "receptive_field_diagram",
    "show_effective_field",
    "show_field_on_image",
    "update_effective_field",
    "update_field_on_image",
]
