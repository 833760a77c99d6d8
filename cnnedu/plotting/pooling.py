"""Pictures for lesson 04: pooling windows on a small map with the cell each
max-pooling window picks, and how much a pooled map changes when the input
moves by a few pixels.

* :func:`plot_pooling` / :func:`update_pooling`: the input with every window
  outlined (one colour per window), the picked cells circled (max pooling),
  cells no window reaches hatched, and the output with its values;
* :func:`shift_maps` and :func:`shift_figure` / :func:`update_shift`: an
  edge map of a photo crop and its pooled version, next to the same for the
  crop moved sideways, with the relative change of each.
"""

import numpy as np
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.ticker import MaxNLocator

from cnnedu._checks import as_array, non_negative_int, one_of, positive_int
from cnnedu.correlate import correlate2d
from cnnedu.coverage import coverage_counts, pool_winners, relative_change
from cnnedu.images import load_image
from cnnedu.plotting.filters import CellNumbers
from cnnedu.plotting.style import DIVERGING_CMAP, LINESTYLES, OKABE_ITO, new_figure
from cnnedu.pooling import avg_pool2d, max_pool2d

EXAMPLE_MAP = np.array([[1, 3, 2, 4], [5, 6, 7, 8], [9, 2, 3, 1], [4, 0, 1, 5]], dtype=float)
KINDS = ("max", "average")
MAPS = ("4x4 example", "random 6x6")
CELL_CMAP = "Greys"
SOBEL_X = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])  # bright on the right -> positive
MAX_TEXTS = 36  # the random map is 6x6


def _title(ax, fontsize=13):
    """A title drawn as plain text above the axes: unlike ``ax.set_title``,
    matplotlib does not re-place it on every redraw, which halves a demo's
    redraw time."""
    return ax.text(0.5, 1.015, " ", transform=ax.transAxes, ha="center", va="bottom", fontsize=fontsize)


def example_map(name="4x4 example"):
    """The integer map the pooling explorer starts from.

    '4x4 example' is the lesson's worked example; 'random 6x6' is a fixed
    (seeded) map of integers 0-9.

    Examples
    --------
    >>> example_map()[1].tolist()
    [5.0, 6.0, 7.0, 8.0]
    >>> example_map("random 6x6").shape
    (6, 6)
    """
    one_of("name", name, MAPS)
    if name == "4x4 example":
        return EXAMPLE_MAP.copy()
    return np.random.default_rng(4).integers(0, 10, size=(6, 6)).astype(float)


def pool(x, size, stride=None, kind="max"):
    """Max or average pooling, by name.

    Examples
    --------
    >>> pool(EXAMPLE_MAP, 2, kind="average").tolist()
    [[3.75, 5.25], [3.75, 2.5]]
    """
    one_of("kind", kind, KINDS)
    return max_pool2d(x, size, stride) if kind == "max" else avg_pool2d(x, size, stride)


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


def pooling_geometry(x, size, stride=None, kind="max"):
    """Everything the pooling picture shows, for one setting.

    Returns
    -------
    dict
        ``output`` (H_out, W_out); ``windows`` list of (top, left) in reading
        order; ``winners`` (rows, columns) of the picked cells (max only,
        else None); ``unpooled`` boolean (H, W): cells no window reaches.

    Raises
    ------
    ValueError
        When the window does not fit in the map.

    Examples
    --------
    >>> geometry = pooling_geometry(EXAMPLE_MAP, 3, stride=2)
    >>> geometry["output"].tolist(), int(geometry["unpooled"].sum())
    ([[9.0]], 7)
    """
    x = as_array("x", x, ndim=2)
    size = positive_int("size", size)
    stride = size if stride is None else positive_int("stride", stride)
    one_of("kind", kind, KINDS)
    if size > min(x.shape):
        raise ValueError(
            f"a {size}x{size} window does not fit in the {x.shape[0]}x{x.shape[1]} map; choose a smaller window"
        )
    output = pool(x, size, stride, kind)  # (H_out, W_out)
    out_h, out_w = output.shape
    windows = [(r * stride, c * stride) for r in range(out_h) for c in range(out_w)]
    winners = pool_winners(x, size, stride) if kind == "max" else None
    unpooled = coverage_counts(x.shape, size, stride) == 0
    return {
        "x": x,
        "size": size,
        "stride": stride,
        "kind": kind,
        "output": output,
        "windows": windows,
        "winners": winners,
        "unpooled": unpooled,
    }


def plot_pooling(x=EXAMPLE_MAP, size=2, stride=None, kind="max", axes=None):
    """Input with windows and picked cells (left), pooled output (right).

    Returns
    -------
    dict of artists: 'input', 'output' (AxesImage), 'windows', 'output_cells'
    (PolyCollection), 'winners' (PathCollection), 'unpooled', 'input_texts' and
    'output_texts' (CellNumbers: the values written in the cells, "" for unused
    slots), 'input_title', 'output_title'.

    Examples
    --------
    >>> figure, axes = new_figure(1, 2)
    >>> artists = plot_pooling(axes=axes)
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
    update_pooling(artists, x, size, stride, kind)
    return artists


def update_pooling(artists, x, size, stride=None, kind="max"):
    """Redraw :func:`plot_pooling`'s artists for one setting; returns the
    geometry (see :func:`pooling_geometry`).

    Examples
    --------
    >>> figure, axes = new_figure(1, 2)
    >>> artists = plot_pooling(axes=axes)
    >>> geometry = update_pooling(artists, EXAMPLE_MAP, 2, kind="average")
    >>> artists["output_texts"].get_texts()[:4]
    ['3.75', '5.25', '3.75', '2.5']
    """
    geometry = pooling_geometry(x, size, stride, kind)
    x, size, stride, output = geometry["x"], geometry["size"], geometry["stride"], geometry["output"]
    rows, columns = x.shape
    out_h, out_w = output.shape
    count = len(geometry["windows"])
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
    insets = [0.06 + (0.1 * ((r // stride + c // stride) % 2) if overlapping else 0.0) for r, c in geometry["windows"]]
    artists["windows"].set_verts(
        [_square(r, c, size, inset) for (r, c), inset in zip(geometry["windows"], insets, strict=True)]
    )
    artists["windows"].set_edgecolor(colors)
    artists["windows"].set_linestyle(styles)
    unpooled_rows, unpooled_columns = np.nonzero(geometry["unpooled"])
    artists["unpooled"].set_verts([_square(r, c, 1, 0.0) for r, c in zip(unpooled_rows, unpooled_columns, strict=True)])
    if geometry["winners"] is not None:
        winner_rows, winner_columns = geometry["winners"]
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
    return geometry


def pooling_figure(figsize=(8.5, 4.6)):
    """The pooling explorer's figure, drawn for the 4x4 example.

    Examples
    --------
    >>> figure, artists = pooling_figure()
    >>> len(figure.axes)
    2
    """
    figure, axes = new_figure(
        1,
        2,
        figsize=figsize,
    )
    return figure, plot_pooling(axes=axes)


def shift_source(name="grace_hopper"):
    """A grayscale photo, downsized 4x by block averaging (150x128 for
    'grace_hopper'), that the shift demo crops.

    Examples
    --------
    >>> shift_source().shape
    (150, 128)
    """
    photo = load_image(name, grayscale=True)
    rows, columns = (photo.shape[0] // 4) * 4, (photo.shape[1] // 4) * 4
    return avg_pool2d(photo[:rows, :columns], 4)


def shift_maps(photo, shift, size=2, kind="max", top=40, left=30, crop=64):
    """Edge maps of a crop and of the crop moved ``shift`` pixels, and their
    pooled versions, with the relative change of each.

    The feature map is the vertical-edge response (Sobel x, ReLU) of a
    ``crop`` x ``crop`` window of ``photo``; moving the window ``shift``
    columns to the left makes the picture inside it move right.

    Returns
    -------
    dict
        'features', 'features_shifted' (crop, crop); 'pooled',
        'pooled_shifted'; 'feature_change', 'pooled_change' (see
        :func:`cnnedu.coverage.relative_change`).

    Examples
    --------
    >>> maps = shift_maps(shift_source(), 0)
    >>> maps["feature_change"], maps["pooled_change"]
    (0.0, 0.0)
    """
    photo = as_array("photo", photo, ndim=2)
    shift = non_negative_int("shift", shift)
    size = positive_int("size", size)
    if left - shift < 0 or top + crop + 2 > photo.shape[0] or left + crop + 2 > photo.shape[1]:
        raise ValueError(f"the crop moved by {shift} pixels leaves the {photo.shape[0]}x{photo.shape[1]} photo")

    def window(column):
        return photo[top : top + crop + 2, column : column + crop + 2]  # (crop + 2, crop + 2)

    def features(column):
        return np.maximum(correlate2d(window(column), SOBEL_X), 0.0)  # (crop, crop)

    original, moved = features(left), features(left - shift)
    pooled, pooled_moved = pool(original, size, kind=kind), pool(moved, size, kind=kind)
    return {
        "crop": window(left)[1:-1, 1:-1],
        "crop_shifted": window(left - shift)[1:-1, 1:-1],
        "features": original,
        "features_shifted": moved,
        "pooled": pooled,
        "pooled_shifted": pooled_moved,
        "feature_change": relative_change(original, moved),
        "pooled_change": relative_change(pooled, pooled_moved),
    }


def shift_figure(photo=None, figsize=(11, 5.8)):
    """The shift demo's figure: the photo crop and the moved crop (left
    column); original, moved and difference for the edge map (top row) and
    the pooled map (bottom row).

    Returns
    -------
    figure, artists
        artists: 'crops' (2 AxesImages: crop, moved crop), 'images' (2x3
        AxesImages), 'titles' (2x3 Text), 'photo' (the source), 'limit'.

    Examples
    --------
    >>> figure, artists = shift_figure()
    >>> len(figure.axes)  # eight panels and two colour bars
    10
    """
    photo = shift_source() if photo is None else as_array("photo", photo, ndim=2)
    figure, all_axes = new_figure(2, 4, figsize=figsize)
    crop_axes, axes = all_axes[:, 0], all_axes[:, 1:]
    maps = shift_maps(photo, 1)
    crops = [
        crop_axes[0].imshow(maps["crop"], cmap="gray", vmin=0, vmax=1, interpolation="nearest"),
        crop_axes[1].imshow(maps["crop_shifted"], cmap="gray", vmin=0, vmax=1, interpolation="nearest"),
    ]
    # 12 pt titles: at 13 pt 'pooled map changed 114%' is wider than its panel
    # and touches the edge colour bar's '1.5'
    crop_titles = [_title(ax, fontsize=12) for ax in crop_axes]
    limit = float(maps["features"].max())
    images, titles = [], []
    for row, key in enumerate(("features", "pooled")):
        row_images = [
            axes[row, 0].imshow(maps[key], cmap="magma", vmin=0, vmax=limit, interpolation="nearest"),
            axes[row, 1].imshow(maps[f"{key}_shifted"], cmap="magma", vmin=0, vmax=limit, interpolation="nearest"),
            axes[row, 2].imshow(
                maps[f"{key}_shifted"] - maps[key],
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
        "photo": photo,
        "limit": limit,
    }
    update_shift(artists, 1)
    return figure, artists


def update_shift(artists, shift, size=2, kind="max"):
    """Redraw the shift figure for a shift (pixels) and a pooling setting;
    returns :func:`shift_maps`' dict.

    Examples
    --------
    >>> figure, artists = shift_figure()
    >>> maps = update_shift(artists, 2, size=4)
    >>> artists["images"][1][0].get_array().shape
    (16, 16)
    """
    maps = shift_maps(artists["photo"], shift, size, kind)
    artists["crops"][1].set_data(maps["crop_shifted"])
    artists["crop_titles"][0].set_text("photo crop")
    artists["crop_titles"][1].set_text(f"crop moved {shift} px right")
    for row, key in enumerate(("features", "pooled")):
        original, moved = maps[key], maps[f"{key}_shifted"]
        for column, values in enumerate((original, moved, moved - original)):
            image = artists["images"][row][column]
            image.set_data(values)
            image.set_extent((-0.5, values.shape[1] - 0.5, values.shape[0] - 0.5, -0.5))
    feature_percent, pooled_percent = 100 * maps["feature_change"], 100 * maps["pooled_change"]
    pooled_name = f"{kind} pooled {size}x{size}"
    titles = artists["titles"]
    titles[0][0].set_text("edge map of the crop")
    titles[0][1].set_text("edge map, moved")
    titles[0][2].set_text(f"edge map changed {feature_percent:.0f}%")
    titles[1][0].set_text(pooled_name)
    titles[1][1].set_text("pooled, moved")
    titles[1][2].set_text(f"pooled map changed {pooled_percent:.0f}%")
    return maps
