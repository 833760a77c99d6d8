"""Pictures for lesson 04: pooling windows on a small map with the cell each
max-pooling window picks, and how much a pooled map changes when the input
moves by a few pixels.

* :func:`plot_pooling` / :func:`update_pooling`: the input with every window
  outlined (one colour per window), the picked cells circled (max pooling),
  cells no window reaches hatched, and the output with its values; they draw
  a :class:`cnnedu.coverage.PoolingGeometry`;
* :func:`shift_figure` / :func:`update_shift`: an edge map of a photo crop
  and its pooled version, next to the same for the crop moved sideways, with
  the relative change of each; they draw a
  :class:`cnnedu.invariance.ShiftMaps`.
"""

import numpy as np
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.ticker import MaxNLocator

from cnnedu.plotting.filters import CellNumbers
from cnnedu.plotting.style import DIVERGING_CMAP, LINESTYLES, OKABE_ITO, new_figure

CELL_CMAP = "Greys"
MAX_TEXTS = 36  # the random map is 6x6


def _title(ax, fontsize=13):
    """A title drawn as plain text above the axes: unlike ``ax.set_title``,
    matplotlib does not re-place it on every redraw, which halves a demo's
    redraw time."""
    return ax.text(0.5, 1.015, " ", transform=ax.transAxes, ha="center", va="bottom", fontsize=fontsize)


def format_value(value):
    """Integers without decimals, others with up to two.

    Examples
    --------
    >>> format_value(6.0), format_value(3.75), format_value(1 / 3)
    ('6', '3.75', '0.33')
    """
    value = float(value)
    if abs(value - round(value)) < 1e-9:
        return f"{int(round(value))}"
    return f"{value:.2f}".rstrip("0")


def window_styles(count):
    """Frame colour and line style of each of ``count`` windows in reading
    order: colour-blind-safe colours, and a line style as well, so that
    neighbouring windows differ in more than colour.

    Examples
    --------
    >>> colors, styles = window_styles(3)
    >>> colors, styles
    (['#0072B2', '#E69F00', '#009E73'], ['-', '--', ':'])
    """
    colors = [OKABE_ITO[index % len(OKABE_ITO)] for index in range(count)]
    styles = [LINESTYLES[index % len(LINESTYLES)] for index in range(count)]
    return colors, styles


def _number_pool(ax, count, fontsize):
    # one collection of glyph outlines instead of up to 36 text artists: a redraw costs a fraction
    return CellNumbers(ax, np.zeros((count, 2)), fontsize=fontsize)


def _write(numbers, values):
    """Write each value of ``values`` (rows, columns) in its cell; the rest of the pool stays empty."""
    values = np.asarray(values)
    rows, columns = np.indices(values.shape)
    spare = len(numbers.get_texts()) - values.size
    texts = [format_value(value) for value in values.ravel()] + [""] * spare
    positions = np.vstack([np.column_stack([columns.ravel(), rows.ravel()]), np.zeros((spare, 2))])
    numbers.set(texts, positions=positions)


def _cell_grid(rows, columns):
    vertical = [((x - 0.5, -0.5), (x - 0.5, rows - 0.5)) for x in range(columns + 1)]
    horizontal = [((-0.5, y - 0.5), (columns - 0.5, y - 0.5)) for y in range(rows + 1)]
    return vertical + horizontal


def _square(top, left, size, inset):
    low_x, low_y = left - 0.5 + inset, top - 0.5 + inset
    high_x, high_y = left + size - 0.5 - inset, top + size - 0.5 - inset
    return [(low_x, low_y), (high_x, low_y), (high_x, high_y), (low_x, high_y)]


def plot_pooling(geometry, axes=None):
    """Input with windows and picked cells (left), pooled output (right).

    Parameters
    ----------
    geometry : cnnedu.coverage.PoolingGeometry
    axes : pair of Axes, optional

    Returns
    -------
    dict of artists: 'input', 'output' (AxesImage), 'windows', 'output_cells'
    (PolyCollection), 'winners' (PathCollection), 'unpooled', 'input_texts' and
    'output_texts' (CellNumbers: the values written in the cells, "" for unused
    slots), 'input_title', 'output_title'.

    Examples
    --------
    >>> from cnnedu.coverage import EXAMPLE_MAP, pooling_geometry
    >>> figure, axes = new_figure(1, 2)
    >>> artists = plot_pooling(pooling_geometry(EXAMPLE_MAP, 2), axes=axes)
    >>> artists["output_texts"].get_texts()[:4]
    ['6', '8', '9', '5']
    """
    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(1, 2, figsize=(8, 4))
    input_ax, output_ax = axes
    artists = {
        "input": input_ax.imshow(np.zeros((1, 1)), cmap=CELL_CMAP, vmin=0, vmax=1, interpolation="nearest"),
        "unpooled": input_ax.add_collection(
            PolyCollection([], facecolor="none", edgecolor="0.45", hatch="///", linewidth=0)
        ),
        "input_grid": input_ax.add_collection(LineCollection([], colors="0.7", linewidths=0.6)),
        "windows": input_ax.add_collection(PolyCollection([], facecolor="none", linewidths=2.5)),
        "winners": input_ax.scatter([], [], s=420, facecolor="none", linewidths=2.5, zorder=4),
        "input_texts": _number_pool(input_ax, MAX_TEXTS, 13),
        "input_title": _title(input_ax),
        "output": output_ax.imshow(np.zeros((1, 1)), cmap=CELL_CMAP, vmin=0, vmax=1, interpolation="nearest"),
        "output_cells": output_ax.add_collection(PolyCollection([], facecolor="none", linewidths=3)),
        "output_texts": _number_pool(output_ax, MAX_TEXTS, 13),
        "output_title": _title(output_ax),
    }
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    update_pooling(artists, geometry)
    return artists


def update_pooling(artists, geometry):
    """Redraw :func:`plot_pooling`'s artists for another
    :class:`cnnedu.coverage.PoolingGeometry`, in place.

    Examples
    --------
    >>> from cnnedu.coverage import EXAMPLE_MAP, pooling_geometry
    >>> figure, axes = new_figure(1, 2)
    >>> artists = plot_pooling(pooling_geometry(EXAMPLE_MAP, 2), axes=axes)
    >>> update_pooling(artists, pooling_geometry(EXAMPLE_MAP, 2, kind="average"))
    >>> artists["output_texts"].get_texts()[:4]
    ['3.75', '5.25', '3.75', '2.5']
    """
    x, size, stride, kind, output = geometry.x, geometry.size, geometry.stride, geometry.kind, geometry.output
    rows, columns = x.shape
    out_h, out_w = output.shape
    count = len(geometry.windows)
    colors, styles = window_styles(count)
    top = float(max(x.max(), 1.0)) * 2.5  # light greys, so the numbers stay readable
    for name, values in (("input", x), ("output", output)):
        image = artists[name]
        image.set_data(values)
        image.set_extent((-0.5, values.shape[1] - 0.5, values.shape[0] - 0.5, -0.5))
        image.set_clim(min(0.0, float(x.min())), top)
        image.axes.set_xlim(-0.5, values.shape[1] - 0.5)
        image.axes.set_ylim(values.shape[0] - 0.5, -0.5)
    artists["input_grid"].set_segments(_cell_grid(rows, columns))
    overlapping = stride < size
    insets = [0.06 + (0.1 * ((r // stride + c // stride) % 2) if overlapping else 0.0) for r, c in geometry.windows]
    artists["windows"].set_verts(
        [_square(r, c, size, inset) for (r, c), inset in zip(geometry.windows, insets, strict=True)]
    )
    artists["windows"].set_edgecolor(colors)
    artists["windows"].set_linestyle(styles)
    unpooled_rows, unpooled_columns = np.nonzero(geometry.unpooled)
    artists["unpooled"].set_verts([_square(r, c, 1, 0.0) for r, c in zip(unpooled_rows, unpooled_columns, strict=True)])
    if geometry.winners is not None:
        winner_rows, winner_columns = geometry.winners
        artists["winners"].set_offsets(np.column_stack([winner_columns.ravel(), winner_rows.ravel()]).astype(float))
        artists["winners"].set_edgecolor(colors)
        artists["winners"].set_linestyle(styles)
        artists["winners"].set_sizes([min(420.0, 420.0 * (4 / max(rows, columns)) ** 2)])
    else:
        artists["winners"].set_offsets(np.empty((0, 2)))
    output_cells = [_square(r, c, 1, 0.04) for r in range(out_h) for c in range(out_w)]
    artists["output_cells"].set_verts(output_cells)
    artists["output_cells"].set_edgecolor(colors)
    artists["output_cells"].set_linestyle(styles)
    _write(artists["input_texts"], x)
    _write(artists["output_texts"], output)
    picked = "circled: the cell each window picks" if kind == "max" else "each window is averaged"
    artists["input_title"].set_text(f"{rows}x{columns} input, {size}x{size} windows, stride {stride}\n{picked}")
    artists["output_title"].set_text(f"{kind} pooling: {out_h}x{out_w} output\n(frame colour and line = window)")


def pooling_figure(geometry, figsize=(8.5, 4.6)):
    """The pooling explorer's figure, drawn for a
    :class:`cnnedu.coverage.PoolingGeometry`.

    Examples
    --------
    >>> from cnnedu.coverage import EXAMPLE_MAP, pooling_geometry
    >>> figure, artists = pooling_figure(pooling_geometry(EXAMPLE_MAP, 2))
    >>> len(figure.axes)
    2
    """
    figure, axes = new_figure(1, 2, figsize=figsize)
    return figure, plot_pooling(geometry, axes=axes)


def _map_pair(maps, key):
    """(original, moved) of ``maps`` (a :class:`cnnedu.invariance.ShiftMaps`): 'features' or 'pooled'."""
    return (maps.features, maps.features_shifted) if key == "features" else (maps.pooled, maps.pooled_shifted)


def shift_figure(maps, figsize=(11, 5.8)):
    """The shift demo's figure: the photo crop and the moved crop (left
    column); original, moved and difference for the edge map (top row) and
    the pooled map (bottom row).

    Parameters
    ----------
    maps : cnnedu.invariance.ShiftMaps
        Drawn first; its edge map's largest response fixes the colour scale.

    Returns
    -------
    figure, artists
        artists: 'crops' (2 AxesImages: crop, moved crop), 'images' (2x3
        AxesImages), 'titles' (2x3 Text), 'limit'.

    Examples
    --------
    >>> from cnnedu.invariance import shift_maps, shift_source
    >>> figure, artists = shift_figure(shift_maps(shift_source(), 1))
    >>> len(figure.axes)  # eight panels and two colour bars
    10
    """
    figure, all_axes = new_figure(2, 4, figsize=figsize)
    crop_axes, axes = all_axes[:, 0], all_axes[:, 1:]
    crops = [
        crop_axes[0].imshow(maps.crop, cmap="gray", vmin=0, vmax=1, interpolation="nearest"),
        crop_axes[1].imshow(maps.crop_shifted, cmap="gray", vmin=0, vmax=1, interpolation="nearest"),
    ]
    # 12 pt titles: at 13 pt 'pooled map changed 114%' is wider than its panel
    # and touches the edge colour bar's '1.5'
    crop_titles = [_title(ax, fontsize=12) for ax in crop_axes]
    limit = float(maps.features.max())
    images, titles = [], []
    for row, key in enumerate(("features", "pooled")):
        original, moved = _map_pair(maps, key)
        row_images = [
            axes[row, 0].imshow(original, cmap="magma", vmin=0, vmax=limit, interpolation="nearest"),
            axes[row, 1].imshow(moved, cmap="magma", vmin=0, vmax=limit, interpolation="nearest"),
            axes[row, 2].imshow(
                moved - original,
                cmap=DIVERGING_CMAP,
                vmin=-limit,
                vmax=limit,
                interpolation="nearest",
            ),
        ]
        images.append(row_images)
        titles.append([_title(axes[row, column], fontsize=12) for column in range(3)])
    response_bar = figure.colorbar(images[0][1], ax=axes[:, :2], shrink=0.6)
    difference_bar = figure.colorbar(images[0][2], ax=axes[:, 2], shrink=0.6)
    for bar, label in ((response_bar, "edge\nresponse"), (difference_bar, "moved -\noriginal")):
        bar.locator = MaxNLocator(3)
        _title(bar.ax, fontsize=10).set_text(label)  # short label above the bar
    for ax in all_axes.ravel():
        ax.xaxis.set_visible(False)  # no ticks, and no axis objects to draw on each redraw
        ax.yaxis.set_visible(False)
    artists = {
        "crops": crops,
        "crop_titles": crop_titles,
        "images": images,
        "titles": titles,
        "limit": limit,
    }
    update_shift(artists, maps)
    return figure, artists


def update_shift(artists, maps):
    """Redraw the shift figure for another :class:`cnnedu.invariance.ShiftMaps`
    (another shift or pooling setting of the same crop), in place.

    Examples
    --------
    >>> from cnnedu.invariance import shift_maps, shift_source
    >>> figure, artists = shift_figure(shift_maps(shift_source(), 1))
    >>> update_shift(artists, shift_maps(shift_source(), 2, size=4))
    >>> artists["images"][1][0].get_array().shape
    (16, 16)
    """
    shift, size, kind = maps.shift, maps.size, maps.kind
    artists["crops"][1].set_data(maps.crop_shifted)
    artists["crop_titles"][0].set_text("photo crop")
    artists["crop_titles"][1].set_text(f"crop moved {shift} px right")
    for row, key in enumerate(("features", "pooled")):
        original, moved = _map_pair(maps, key)
        for column, values in enumerate((original, moved, moved - original)):
            image = artists["images"][row][column]
            image.set_data(values)
            image.set_extent((-0.5, values.shape[1] - 0.5, values.shape[0] - 0.5, -0.5))
    feature_percent, pooled_percent = 100 * maps.feature_change, 100 * maps.pooled_change
    pooled_name = f"{kind} pooled {size}x{size}"
    titles = artists["titles"]
    titles[0][0].set_text("edge map of the crop")
    titles[0][1].set_text("edge map, moved")
    titles[0][2].set_text(f"edge map changed {feature_percent:.0f}%")
    titles[1][0].set_text(pooled_name)
    titles[1][1].set_text("pooled, moved")
    titles[1][2].set_text(f"pooled map changed {pooled_percent:.0f}%")
