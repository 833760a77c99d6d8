"""Pictures for lesson 09: the stamps of a transposed convolution, how often
they overlap (the checkerboard), and upsampled images side by side.

* :func:`plot_stamps_1d`: along one axis, one row per input cell with the
  kernel entries it stamps, the part that padding cuts away shaded, and the
  number of stamp entries on each output position underneath;
* :func:`plot_overlap_counts`: the output grid coloured by that number, the
  stamp of one input cell outlined;
* :func:`transpose_figure` / :func:`update_transpose`: both panels and the
  output size (formula and computed) for the demo, updated in place;
* :func:`plot_images`: grey images side by side on one shared scale;
* :func:`plot_matrix`: a small matrix with its entries written in.

Every function draws a :class:`~cnnedu.transpose.StampLayout` that the math
computed; none computes geometry itself.
"""

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.patches import Rectangle

from cnnedu.plotting.filters import CellNumbers
from cnnedu.plotting.style import IMAGE_CMAP, annotate_cells, new_figure
from cnnedu.transpose import StampLayout

CUT_COLOR = "#c9d6e8"  # uncropped positions that padding cuts away
STAMP_CMAP = "viridis"  # one colour per input cell, in order
COUNT_CMAP = "magma_r"  # 0 = white, many stamps = dark
STAMP_OUTLINE = "#e4572e"
MAX_COUNT_TEXTS = 40  # count labels under the one-axis panel
MAX_ANNOTATED = 14  # the 2-D counts are written in cells up to 14 x 14


def _title(ax, fontsize=13):
    """A title drawn as plain text (matplotlib does not re-place it on every redraw)."""
    return ax.text(0.5, 1.015, " ", transform=ax.transAxes, ha="center", va="bottom", fontsize=fontsize)


def _bare(ax):
    ax.set_xticks([])
    ax.set_yticks([])
    ax.xaxis.set_visible(False)
    ax.yaxis.set_visible(False)


def plot_stamps_1d(layout, ax=None):
    """The stamps along one axis: row i holds the kernel entries that input
    cell i adds to the output (squares, one colour per cell), positions that
    ``padding`` cuts away are shaded, and the bottom row counts how many
    entries land on each position.

    Parameters
    ----------
    layout : StampLayout
        From :func:`cnnedu.transpose.stamp_layout`.
    ax : matplotlib Axes, optional

    Returns
    -------
    dict of artists: 'kept', 'spans', 'taps', 'counts' (CellNumbers: the
    count under each position, "" past the end), 'title'.

    Examples
    --------
    >>> from cnnedu.transpose import stamp_layout
    >>> figure, ax = new_figure()
    >>> artists = plot_stamps_1d(stamp_layout(3, 3, stride=2), ax=ax)
    >>> [text for text in artists["counts"].get_texts() if text]
    ['1', '1', '2', '1', '2', '1', '1']
    """
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(6, 3.5))
    artists = {
        "kept": ax.add_patch(Rectangle((0, 0), 1, 1, facecolor="white", edgecolor="black", linewidth=1.2)),
        "spans": ax.add_collection(LineCollection([], linewidths=2.0, cmap=STAMP_CMAP)),
        "taps": ax.scatter([], [], c=[], marker="s", cmap=STAMP_CMAP, edgecolor="black", linewidths=0.4, zorder=4),
        # one collection of glyph outlines, not up to MAX_COUNT_TEXTS text artists: far cheaper to redraw
        "counts": CellNumbers(ax, np.zeros((MAX_COUNT_TEXTS, 2)), fontsize=10),
        "separator": ax.axhline(0, color="0.4", linewidth=0.8),
        "title": _title(ax),
    }
    ax.set_facecolor(CUT_COLOR)
    ax.set_xlabel("position before the crop (shaded: cut by padding)")
    ax.set_yticks([])
    ax.yaxis.set_visible(False)
    _update_stamps_1d(artists, layout)
    return artists


def _update_stamps_1d(artists, layout):
    ax = artists["kept"].axes
    n, k, full = layout.n, layout.kernel_size, layout.full_size
    start, stop = layout.kept
    artists["kept"].set_bounds(start - 0.5, -0.5, stop - start, n + 1)
    taps = layout.taps  # (n, k)
    artists["spans"].set_segments([((row[0], i), (row[-1], i)) for i, row in enumerate(taps)])
    artists["spans"].set_array(np.arange(n, dtype=float))
    artists["spans"].set_clim(0, max(n - 1, 1))
    rows = np.repeat(np.arange(n), k)
    artists["taps"].set_offsets(np.column_stack([taps.ravel(), rows]).astype(float))
    artists["taps"].set_array(rows.astype(float))
    artists["taps"].set_clim(0, max(n - 1, 1))
    artists["taps"].set_sizes([float(np.clip(2400.0 / max(full, n + 1) ** 1.5, 6, 120))])
    numbers = artists["counts"]
    numbers.fontsize = 10 if full <= 20 else 8
    shown = min(full, MAX_COUNT_TEXTS)
    texts = [f"{count:g}" for count in layout.counts_1d[:shown]] + [""] * (MAX_COUNT_TEXTS - shown)
    positions = np.column_stack([np.arange(MAX_COUNT_TEXTS), np.full(MAX_COUNT_TEXTS, n + 0.1)])
    numbers.set(texts, positions=positions)
    artists["separator"].set_ydata([n - 0.5, n - 0.5])
    artists["title"].set_text(f"one axis: {n} stamp{'s' if n > 1 else ''} {layout.stride} apart; counts below")
    ax.set_xlim(-0.5, full - 0.5)
    ax.set_ylim(n + 0.5, -0.5)
    return artists


def plot_overlap_counts(layout, ax=None, colorbar=True):
    """The output grid coloured by how many stamp entries land on each cell
    (written in, up to 14 x 14 cells); the stamp of input cell (1, 1)
    (counting from 0) outlined.

    Returns
    -------
    dict of artists: 'image', 'lines', 'stamp', 'texts' (CellNumbers: the
    count in each cell, row by row, "" where none is written), 'title' and,
    with ``colorbar``, 'colorbar'.

    Examples
    --------
    >>> from cnnedu.transpose import stamp_layout
    >>> figure, ax = new_figure()
    >>> artists = plot_overlap_counts(stamp_layout(2, 3, stride=2), ax=ax, colorbar=False)
    >>> artists["title"].get_text()
    'overlap counts, 5x5 output: 1 to 4'
    """
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(4.5, 4.5))
    artists = {
        "image": ax.imshow(np.zeros((1, 1)), cmap=COUNT_CMAP, vmin=0, vmax=1, interpolation="nearest"),
        "lines": ax.add_collection(LineCollection([], colors="0.75", linewidths=0.4)),
        "stamp": ax.add_patch(Rectangle((0, 0), 1, 1, fill=False, edgecolor=STAMP_OUTLINE, linewidth=2.2, zorder=5)),
        "texts": CellNumbers(ax, np.zeros((MAX_ANNOTATED * MAX_ANNOTATED, 2)), fontsize=9),
        "title": _title(ax),
    }
    _bare(ax)
    if colorbar:
        artists["colorbar"] = ax.figure.colorbar(artists["image"], ax=ax, shrink=0.8)
        _title(artists["colorbar"].ax, fontsize=10).set_text("count")
    _update_overlap_counts(artists, layout)
    return artists


def _grid_segments(size):
    edges = np.arange(size + 1) - 0.5
    low, high = -0.5, size - 0.5
    return [((x, low), (x, high)) for x in edges] + [((low, y), (high, y)) for y in edges]


def _update_overlap_counts(artists, layout):
    counts, size = layout.counts, layout.output_size
    ax = artists["image"].axes
    top = max(float(counts.max()), 1.0)
    artists["image"].set_data(counts)
    artists["image"].set_extent((-0.5, size - 0.5, size - 0.5, -0.5))
    artists["image"].set_clim(0, top)
    if "colorbar" in artists:
        artists["colorbar"].set_ticks(np.unique(np.linspace(0, top, 5).round()))
    artists["lines"].set_segments(_grid_segments(size) if size <= 30 else [])
    cell = min(1, layout.n - 1)  # outline the stamp of input cell (1, 1), or (0, 0) for a 1x1 input
    span = layout.taps[cell, -1] - layout.taps[cell, 0] + 1
    first = layout.taps[cell, 0] - layout.padding  # in output coordinates, after the crop
    artists["stamp"].set_bounds(first - 0.5, first - 0.5, span, span)
    numbers = artists["texts"]
    numbers.fontsize = 11 if size <= 8 else 9
    slots = MAX_ANNOTATED * MAX_ANNOTATED
    written = counts.ravel() if size <= MAX_ANNOTATED else np.empty(0)
    spare = slots - written.size
    rows, columns = np.indices(counts.shape)
    positions = np.column_stack([columns.ravel(), rows.ravel()])[: written.size]
    numbers.set(
        [f"{value:g}" for value in written] + [""] * spare,
        colors=["white" if value > 0.6 * top else "black" for value in written] + ["black"] * spare,
        positions=np.vstack([positions, np.zeros((spare, 2))]),
    )
    low, high = counts.min(), counts.max()
    spread = f"all {high:g}" if low == high else f"{low:g} to {high:g}"
    artists["title"].set_text(f"overlap counts, {size}x{size} output: {spread}")
    ax.set_xlim(-0.5, size - 0.5)
    ax.set_ylim(size - 0.5, -0.5)
    return artists


def _caption(layout):
    n, k, s, p, a = layout.n, layout.kernel_size, layout.stride, layout.padding, layout.output_padding
    formula = (
        f"formula:  o = (n - 1)s - 2p + (k - 1) + output_padding + 1 = ({n} - 1)*{s} - 2*{p} + ({k} - 1) + {a} + 1"
        f" = {layout.output_size}"
    )
    computed = (
        f"cnnedu:    ce.conv_transpose2d(x, w, stride={s}, padding={p}, output_padding={a}).shape = "
        f"{layout.computed_shape}   (x: (1, 1, {n}, {n}), w: (1, 1, {k}, {k}))"
    )
    return f"{formula}\n{computed}"


def transpose_figure(layout, figsize=(11, 4.6)):
    """The transposed-convolution explorer's figure: the stamps along one
    axis, the overlap counts in 2-D, and the output size underneath.

    Parameters
    ----------
    layout : cnnedu.transpose.StampLayout
        The first layout drawn (from :func:`cnnedu.transpose.stamp_layout`);
        :func:`update_transpose` redraws the figure for another.

    Returns
    -------
    figure : matplotlib.figure.Figure
    artists : dict
        'stamps_1d', 'counts' (dicts of artists) and 'formula' (text).

    Examples
    --------
    >>> from cnnedu.transpose import stamp_layout
    >>> figure, artists = transpose_figure(stamp_layout(4, 3, stride=2, padding=1))
    >>> sorted(artists)
    ['counts', 'formula', 'stamps_1d']
    """
    if not isinstance(layout, StampLayout):
        raise TypeError(
            f"layout must be a StampLayout (from cnnedu.transpose.stamp_layout); got {type(layout).__name__}"
        )
    figure, axes = new_figure(1, 2, figsize=figsize)
    artists = {
        "stamps_1d": plot_stamps_1d(layout, ax=axes[0]),
        "counts": plot_overlap_counts(layout, ax=axes[1]),
        "formula": figure.supxlabel(_caption(layout), fontsize=11, ha="left", x=0.02),
    }
    return figure, artists


def update_transpose(artists, layout):
    """Redraw the explorer's panels for ``layout`` (a StampLayout), in place.

    Examples
    --------
    >>> from cnnedu.transpose import stamp_layout
    >>> figure, artists = transpose_figure(stamp_layout(4, 3, stride=2, padding=1))
    >>> artists = update_transpose(artists, stamp_layout(3, 4, stride=2, padding=1))
    >>> artists["counts"]["title"].get_text()
    'overlap counts, 6x6 output: 1 to 4'
    """
    _update_stamps_1d(artists["stamps_1d"], layout)
    _update_overlap_counts(artists["counts"], layout)
    artists["formula"].set_text(_caption(layout))
    return artists


def plot_images(images, titles, axes=None, limits=None):
    """Grey images side by side, on one shared grey scale.

    Parameters
    ----------
    images : sequence of 2-D arrays
    titles : sequence of str
    axes : sequence of Axes, optional
    limits : (low, high), optional
        The grey scale (default: the smallest and largest value of all images).

    Returns
    -------
    list of AxesImage

    Examples
    --------
    >>> figure, axes = new_figure(1, 2)
    >>> drawn = plot_images([np.zeros((2, 2)), np.ones((3, 3))], ["a", "b"], axes=axes)
    >>> drawn[0].get_clim()
    (0.0, 1.0)
    """
    images = [np.asarray(image, dtype=float) for image in images]
    if len(titles) != len(images):
        raise ValueError(f"titles must give one title per image: {len(images)} images, {len(titles)} titles")
    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(1, len(images), figsize=(3.2 * len(images), 3.4), layout="constrained", squeeze=False)
        axes = axes[0]
    if limits is None:
        limits = (min(image.min() for image in images), max(image.max() for image in images))
    drawn = []
    for image, title, ax in zip(images, titles, axes, strict=False):
        drawn.append(ax.imshow(image, cmap=IMAGE_CMAP, vmin=limits[0], vmax=limits[1], interpolation="nearest"))
        ax.set_title(title, fontsize=11)
        _bare(ax)
    return drawn


def plot_matrix(matrix, ax=None, title=None, row_label="", column_label=""):
    """A small matrix as a table of coloured cells with its entries written in
    (zeros light, larger entries darker).

    Returns
    -------
    list of Text (the entries)

    Examples
    --------
    >>> figure, ax = new_figure()
    >>> [t.get_text() for t in plot_matrix(np.array([[1.0, 0.0]]), ax=ax)]
    ['1', '0']
    """
    matrix = np.asarray(matrix, dtype=float)
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(0.6 * matrix.shape[1] + 1, 0.6 * matrix.shape[0] + 1))
    top = max(float(np.abs(matrix).max()), 1e-12)
    ax.imshow(np.abs(matrix), cmap="Blues", vmin=0, vmax=1.6 * top, interpolation="nearest")
    texts = annotate_cells(matrix, ax, fontsize=11)
    rows, columns = matrix.shape
    ax.set_xticks(np.arange(-0.5, columns, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, rows, 1), minor=True)
    ax.grid(which="minor", color="0.6", linewidth=0.5)
    ax.tick_params(which="both", length=0)
    ax.set_xticks(range(columns))
    ax.set_yticks(range(rows))
    ax.set_xticklabels([str(column + 1) for column in range(columns)])
    ax.set_yticklabels([str(row + 1) for row in range(rows)])
    ax.set_xlabel(column_label)
    ax.set_ylabel(row_label)
    if title:
        ax.set_title(title, fontsize=11)
    return texts
