"""Pictures for lesson 03: where a kernel goes on a padded input, the output
size it gives, and how often each input cell is read.

Three panels, each also usable on its own:

* :func:`plot_positions_2d`: the padded grid (padding shaded), a dot at the
  centre of every kernel position (one colour per position, in reading
  order) and the outlines and taps of the first and the last position;
* :func:`plot_positions_1d`: the positions along one axis, one row per
  position, taps as squares: stride and dilation become visible;
* :func:`plot_coverage`: a heat map of how many positions read each cell,
  with input cells that no position reads crossed out in red.

:func:`padding_figure` and :func:`update_padding` build these three once and
update them in place, for the padding explorer.

Each is handed a :class:`cnnedu.coverage.PaddingGeometry` (made by
:func:`cnnedu.coverage.padding_geometry`) and only draws it.
"""

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator

from cnnedu.plotting.style import LINESTYLES, OKABE_ITO, new_figure

PADDING_COLOR = "#c9d6e8"  # padded zeros
INPUT_COLOR = "white"
POSITION_CMAP = "viridis"
COVERAGE_CMAP = "magma_r"  # 0 = white, many windows = dark
FIRST_COLOR, LAST_COLOR = "#D55E00", "#0072B2"  # Okabe-Ito vermillion and blue; the last is also dashed


def _title(ax, fontsize=13):
    """A title drawn as plain text above the axes: unlike ``ax.set_title``,
    matplotlib does not re-place it on every redraw, which halves a demo's
    redraw time."""
    return ax.text(0.5, 1.015, " ", transform=ax.transAxes, ha="center", va="bottom", fontsize=fontsize)


def _grid_segments(length):
    edges = np.arange(length + 1) - 0.5
    low, high = -0.5, length - 0.5
    vertical = [((x, low), (x, high)) for x in edges]
    horizontal = [((low, y), (high, y)) for y in edges]
    return vertical + horizontal


def _set_limits(ax, length):
    ax.set_xlim(-0.5, length - 0.5)
    ax.set_ylim(length - 0.5, -0.5)


def _bare(ax):
    ax.set_xticks([])
    ax.set_yticks([])
    ax.xaxis.set_visible(False)  # no ticks: no axis objects to draw on each redraw either
    ax.yaxis.set_visible(False)


def plot_positions_2d(geometry, ax=None):
    """The padded grid with every kernel position: a dot at each window's
    centre (colour = position in reading order), and the first (red) and
    last (blue) windows outlined with their taps.

    Returns
    -------
    dict of artists: 'grid', 'lines', 'input_box', 'centres', 'first', 'last',
    'first_taps', 'last_taps'.

    Examples
    --------
    >>> from cnnedu.coverage import padding_geometry
    >>> figure, ax = new_figure()
    >>> artists = plot_positions_2d(padding_geometry(5, 3, padding=1), ax=ax)
    >>> len(artists["centres"].get_offsets())
    25
    """
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(4.5, 4.5))
    artists = {
        "input_box": ax.add_patch(Rectangle((0, 0), 1, 1, facecolor=INPUT_COLOR, edgecolor="black", linewidth=1.8)),
        "lines": ax.add_collection(LineCollection([], colors="0.6", linewidths=0.5)),
        "centres": ax.scatter([], [], c=[], s=18, cmap=POSITION_CMAP, zorder=4),
        "first": ax.add_patch(Rectangle((0, 0), 1, 1, fill=False, edgecolor=FIRST_COLOR, linewidth=2.2, zorder=5)),
        "last": ax.add_patch(
            Rectangle((0, 0), 1, 1, fill=False, edgecolor=LAST_COLOR, linewidth=2.2, linestyle="--", zorder=5)
        ),  # dashed, so that first and last differ in more than colour
        "first_taps": ax.scatter(
            [], [], marker="s", s=30, facecolor="none", edgecolor=FIRST_COLOR, linewidths=1.5, zorder=5
        ),
        "last_taps": ax.scatter(
            [], [], marker="o", s=30, facecolor="none", edgecolor=LAST_COLOR, linewidths=1.5, zorder=5
        ),
        "title": _title(ax),
    }
    ax.set_facecolor(PADDING_COLOR)
    _bare(ax)
    _update_positions_2d(artists, geometry)
    return artists


def _update_positions_2d(artists, geometry):
    n, before, length = geometry.n, geometry.before, geometry.length
    positions, span = geometry.positions, geometry.span
    ax = artists["input_box"].axes
    artists["lines"].set_segments(_grid_segments(length))
    artists["input_box"].set_bounds(before - 0.5, before - 0.5, n, n)
    count = len(positions)
    centres_1d = positions[:, 0] + (span - 1) / 2  # (o,)
    rows, columns = np.meshgrid(centres_1d, centres_1d, indexing="ij")
    artists["centres"].set_offsets(np.column_stack([columns.ravel(), rows.ravel()]))
    artists["centres"].set_array(np.arange(count * count, dtype=float))
    artists["centres"].set_clim(0, max(count * count - 1, 1))
    artists["centres"].set_sizes([max(6.0, 40.0 * 8 / length)])
    for name, index in (("first", 0), ("last", count - 1)):
        start = positions[index, 0]
        artists[name].set_bounds(start - 0.5, start - 0.5, span, span)
        taps = positions[index]
        tap_rows, tap_columns = np.meshgrid(taps, taps, indexing="ij")
        artists[f"{name}_taps"].set_offsets(np.column_stack([tap_columns.ravel(), tap_rows.ravel()]))
        artists[f"{name}_taps"].set_sizes([max(8.0, 60.0 * 8 / length)])
    artists["title"].set_text(f"{count}x{count} positions on {length}x{length} padded")
    _set_limits(ax, length)
    return artists


def plot_positions_1d(geometry, ax=None):
    """The kernel positions along one axis (rows and columns behave alike):
    one row of the plot per position, a square per tap, colour per position.

    Returns
    -------
    dict of artists: 'band' (padding shading), 'spans', 'taps'.

    Examples
    --------
    >>> from cnnedu.coverage import padding_geometry
    >>> figure, ax = new_figure()
    >>> artists = plot_positions_1d(padding_geometry(7, 3, stride=2), ax=ax)
    >>> artists["taps"].get_offsets()[:, 0].tolist()
    [0.0, 1.0, 2.0, 2.0, 3.0, 4.0, 4.0, 5.0, 6.0]
    """
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(4.5, 4.5))
    artists = {
        "band": ax.add_patch(Rectangle((0, 0), 1, 1, facecolor=INPUT_COLOR, edgecolor="none")),
        "spans": ax.add_collection(LineCollection([], linewidths=1.5, cmap=POSITION_CMAP)),
        "taps": ax.scatter(
            [], [], c=[], marker="s", s=30, cmap=POSITION_CMAP, edgecolor="black", linewidths=0.4, zorder=4
        ),
        "title": _title(ax),
    }
    ax.set_facecolor(PADDING_COLOR)
    ax.set_xlabel("padded index (shaded = padding)")
    ax.xaxis.set_major_locator(MaxNLocator(5, integer=True))
    ax.set_yticks([])
    ax.yaxis.set_visible(False)
    _update_positions_1d(artists, geometry)
    return artists


def _update_positions_1d(artists, geometry):
    n, before, length = geometry.n, geometry.before, geometry.length
    positions = geometry.positions
    count, taps_per_window = positions.shape
    ax = artists["band"].axes
    artists["band"].set_bounds(before - 0.5, -0.5, n, count)
    segments = [((row[0], k), (row[-1], k)) for k, row in enumerate(positions)]
    artists["spans"].set_segments(segments)
    artists["spans"].set_array(np.arange(count, dtype=float))
    artists["spans"].set_clim(0, max(count - 1, 1))
    ys = np.repeat(np.arange(count), taps_per_window)
    artists["taps"].set_offsets(np.column_stack([positions.ravel(), ys]))
    artists["taps"].set_array(ys.astype(float))
    artists["taps"].set_clim(0, max(count - 1, 1))
    artists["taps"].set_sizes([float(np.clip(900.0 / max(length, count) ** 1.3, 4, 60))])
    artists["title"].set_text(f"one axis: {count} position{'s' if count > 1 else ''}, top first")
    ax.set_xlim(-0.5, length - 0.5)
    ax.set_ylim(count - 0.5, -0.5)
    return artists


def plot_coverage(geometry, ax=None, colorbar=True):
    """Heat map of how many kernel positions read each padded cell; input
    cells that no position reads are crossed out in red.

    Returns
    -------
    dict of artists: 'image', 'input_box', 'missed' and, with ``colorbar``,
    'colorbar'.

    Examples
    --------
    >>> from cnnedu.coverage import padding_geometry
    >>> figure, ax = new_figure()
    >>> artists = plot_coverage(padding_geometry(10, 3, stride=4), ax=ax, colorbar=False)
    >>> len(artists["missed"].get_offsets())  # rows or columns 3, 7, 8, 9 are never read
    64
    """
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(4.5, 4.5))
    artists = {
        "image": ax.imshow(np.zeros((1, 1)), cmap=COVERAGE_CMAP, vmin=0, vmax=1, interpolation="nearest"),
        "lines": ax.add_collection(LineCollection([], colors="0.75", linewidths=0.4)),
        "input_box": ax.add_patch(Rectangle((0, 0), 1, 1, fill=False, edgecolor="#1f77b4", linewidth=1.8)),
        "missed": ax.scatter([], [], marker="x", color="red", s=30, linewidths=1.5, zorder=4),
        "title": _title(ax),
    }
    _bare(ax)
    if colorbar:
        artists["colorbar"] = ax.figure.colorbar(artists["image"], ax=ax, shrink=0.8)
        _title(artists["colorbar"].ax, fontsize=10).set_text("count")
        artists["colorbar"].locator = MaxNLocator(3, integer=True)
        # labels padded to two digits with figure spaces, so the frozen layout has room for counts up to 99
        artists["colorbar"].formatter = FuncFormatter(lambda value, _: f"{int(value):\u2007>2d}")
    _update_coverage(artists, geometry)
    return artists


def _update_coverage(artists, geometry):
    n, before, length, counts = geometry.n, geometry.before, geometry.length, geometry.counts
    ax = artists["image"].axes
    artists["image"].set_data(counts)
    artists["image"].set_extent((-0.5, length - 0.5, length - 0.5, -0.5))
    artists["image"].set_clim(0, max(int(counts.max()), 1))
    artists["lines"].set_segments(_grid_segments(length))
    inside = counts[before : before + n, before : before + n]
    missed_rows, missed_columns = np.nonzero(inside == 0)
    artists["missed"].set_offsets(np.column_stack([missed_columns + before, missed_rows + before]).astype(float))
    artists["missed"].set_sizes([max(6.0, 40.0 * 8 / length)])
    artists["input_box"].set_bounds(before - 0.5, before - 0.5, n, n)
    lost = len(missed_rows)
    note = f"{lost} input cells never read (x)" if lost else "every input cell is read"
    artists["title"].set_text(f"coverage: {note}")
    _set_limits(ax, length)
    return artists


def padding_figure(geometry, figsize=(10.5, 4.4)):
    """The padding explorer's figure: positions in 2-D, positions along one
    axis, coverage; and the formula and cnnedu's computed size underneath.

    Parameters
    ----------
    geometry : cnnedu.coverage.PaddingGeometry
        The setting drawn first.

    Returns
    -------
    figure : matplotlib.figure.Figure
    artists : dict
        'positions_2d', 'positions_1d', 'coverage' (dicts of artists) and
        'formula' (the text under the panels).

    Examples
    --------
    >>> from cnnedu.coverage import padding_geometry
    >>> figure, artists = padding_figure(padding_geometry(7, 3, stride=2, padding=1))
    >>> sorted(artists)
    ['coverage', 'formula', 'positions_1d', 'positions_2d']
    """
    figure, axes = new_figure(1, 3, figsize=figsize)
    artists = {
        "positions_2d": plot_positions_2d(geometry, ax=axes[0]),
        "positions_1d": plot_positions_1d(geometry, ax=axes[1]),
        "coverage": plot_coverage(geometry, ax=axes[2]),
        "formula": figure.supxlabel(padding_caption(geometry), fontsize=11, ha="left", x=0.02),
    }
    return figure, artists


def padding_caption(geometry):
    """The two lines under the padding explorer: the output-size formula with
    the setting's numbers, and the cnnedu call that gives the same shape.

    Examples
    --------
    >>> from cnnedu.coverage import padding_geometry
    >>> print(padding_caption(padding_geometry(7, 3, stride=2, padding=1)))
    formula:  o = floor((7 + 2*1 - 1*2 - 1) / 2) + 1 = 4
    cnnedu:    ce.correlate2d(ce.pad2d(x, 1), k, stride=2, dilation=1).shape = (4, 4)
    """
    g = geometry
    padded = f"{g.n} + 2*{g.before}" if g.before == g.after else f"{g.n} + {g.before} + {g.after}"
    formula = f"o = floor(({padded} - {g.dilation}*{g.kernel_size - 1} - 1) / {g.stride}) + 1 = {g.output_size}"
    if g.padding_mode == "explicit":
        call = f"ce.correlate2d(ce.pad2d(x, {g.padding}), k, stride={g.stride}, dilation={g.dilation})"
    else:
        call = f"ce.{g.function_name}(x, k, mode='{g.padding_mode}', stride={g.stride}, dilation={g.dilation})"
    return f"formula:  {formula}\ncnnedu:    {call}.shape = {g.computed_shape}"


def update_padding(artists, geometry):
    """Redraw the padding explorer's panels for another setting, in place.

    Examples
    --------
    >>> from cnnedu.coverage import padding_geometry
    >>> figure, artists = padding_figure(padding_geometry(7, 3, stride=2, padding=1))
    >>> update_padding(artists, padding_geometry(10, 3, stride=4))
    >>> artists["coverage"]["title"].get_text()
    'coverage: 64 input cells never read (x)'
    """
    _update_positions_2d(artists["positions_2d"], geometry)
    _update_positions_1d(artists["positions_1d"], geometry)
    _update_coverage(artists["coverage"], geometry)
    artists["formula"].set_text(padding_caption(geometry))


def plot_column_profile(profiles, ax=None, title=None, ylabel="mean |response|"):
    """One value per column of a map (e.g. the mean absolute response of
    each column), one line per map, so that a border artefact shows as a
    spike at the ends. Lines differ in colour, line style and marker.

    Parameters
    ----------
    profiles : dict of str -> array_like, shape (W,)
        Label -> one value per column.

    Returns
    -------
    dict of str -> Line2D

    Examples
    --------
    >>> figure, ax = new_figure()
    >>> lines = plot_column_profile({"zero padding": [3.0, 1.0, 1.0, 3.0], "replicate": [1.0, 1.0, 1.0, 1.0]}, ax=ax)
    >>> [line.get_linestyle() for line in lines.values()]
    ['-', '--']
    """
    if not isinstance(profiles, dict) or not profiles:
        raise TypeError(f"profiles must be a non-empty dict of label -> values; got {type(profiles).__name__}")
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(8, 3))
    markers = ("o", "s", "^", "D")
    lines = {}
    for index, (label, values) in enumerate(profiles.items()):
        values = np.asarray(values, dtype=float)
        if values.ndim != 1:
            raise ValueError(f"profile {label!r} must be 1-D (one value per column); got shape {values.shape}")
        (lines[label],) = ax.plot(
            np.arange(len(values)),
            values,
            label=label,
            color=OKABE_ITO[index % len(OKABE_ITO)],
            linestyle=LINESTYLES[index % len(LINESTYLES)],
            marker=markers[index % len(markers)],
            markersize=4,
        )
    ax.set_xlabel("column")
    ax.set_ylabel(ylabel)
    ax.legend()
    if title:
        ax.set_title(title)
    return lines
