"""Figures of lesson 05: one convolution layer on a colour image, and a
stack of layers with its shapes, parameter counts and receptive fields.

* :func:`rgb_layer_figure` / :func:`update_rgb_layer`: an RGB photo through a
  3-channel convolution with one output channel: the three per-channel
  responses, their sum, the bias, the activation, the feature map.
* :func:`stack_figure` / :func:`update_stack` / :func:`summary_html`: a block
  diagram and a table of a layer stack (from :func:`cnnedu.architecture.describe`).
* :func:`plot_parameter_comparison`: parameters of convolution layers against
  dense layers producing the same outputs.
* :func:`plot_volumes`: the arrays of a network drawn as C x H x W blocks, one
  sheet per channel, so that depth is seen next to height and width.
"""

import matplotlib
import numpy as np
from matplotlib.patches import Rectangle

from cnnedu.architecture import describe_partial
from cnnedu.conv import conv2d_forward
from cnnedu.correlate import correlate2d
from cnnedu.plotting.filters import CellNumbers
from cnnedu.plotting.style import DIVERGING_CMAP, PROJECTOR_RC, new_figure, show_map

CHANNELS = ("R", "G", "B")
ACTIVATIONS = ("ReLU", "none")
RESPONSE_LIMIT = 1.0  # fixed colour scale of every response panel

_SOBEL_X = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]])  # bright on the left: positive
_SOBEL_Y = _SOBEL_X.T.copy()  # bright above: positive
_ONES = np.ones((3, 3), dtype=int)
_ZERO = np.zeros((3, 3), dtype=int)

# name -> (integer kernels (C_in=3, 3, 3), scale): the weights of one output
# channel are ``scale * kernels``, scaled so responses on a [0, 1] image stay
# within about +-1. Integers are easier to read in the figure.
RGB_PRESET_KERNELS = {
    "red minus blue": (np.stack([_ONES, _ZERO, -_ONES]), 1 / 9),
    "vertical edges, all channels": (np.stack([_SOBEL_X, _SOBEL_X, _SOBEL_X]), 1 / 12),
    "red-green colour edges": (np.stack([_SOBEL_X, -_SOBEL_X, _ZERO]), 1 / 4),
    "horizontal edges in green": (np.stack([_ZERO, _SOBEL_Y, _ZERO]), 1 / 4),
}
RGB_PRESETS = {name: scale * kernels.astype(float) for name, (kernels, scale) in RGB_PRESET_KERNELS.items()}


def _check_rgb(image):
    image = np.asarray(image, dtype=float)
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"image must be an RGB image of shape (H, W, 3); got shape {image.shape}")
    return image


def _check_weights(weights):
    weights = np.asarray(weights, dtype=float)
    if weights.ndim != 3 or weights.shape[0] != 3:
        raise ValueError(f"weights must have shape (3, kh, kw): one kernel per colour channel; got {weights.shape}")
    return weights


def rgb_layer_maps(image, weights, bias=0.0, activation="ReLU"):
    """Every intermediate map of one output channel of a 3-channel layer.

    Parameters
    ----------
    image : array_like, shape (H, W, 3)
    weights : array_like, shape (3, kh, kw)
        Kernel of each input channel (R, G, B).
    bias : float
    activation : {'ReLU', 'none'}

    Returns
    -------
    dict
        ``responses`` (3, H_out, W_out): each channel cross-correlated with
        its kernel; ``sum``; ``biased`` (sum + bias); ``feature_map`` (after
        the activation). ``biased`` equals :func:`cnnedu.conv2d_forward`.

    Examples
    --------
    >>> maps = rgb_layer_maps(np.ones((4, 4, 3)), np.ones((3, 3, 3)), bias=-30.0)
    >>> [float(maps[key][0, 0]) for key in ("sum", "biased", "feature_map")]
    [27.0, -3.0, 0.0]
    """
    image = _check_rgb(image)
    weights = _check_weights(weights)
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be 'ReLU' or 'none'; got {activation!r}")
    responses = np.stack([correlate2d(image[:, :, c], weights[c], mode="valid") for c in range(3)])
    biased, _ = conv2d_forward(image.transpose(2, 0, 1)[np.newaxis], weights[np.newaxis], np.array([float(bias)]))
    biased = biased[0, 0]  # (H_out, W_out)
    feature_map = np.maximum(biased, 0.0) if activation == "ReLU" else biased
    return {"responses": responses, "sum": responses.sum(axis=0), "biased": biased, "feature_map": feature_map}


def _kernel_strip(weights):
    """The three kernels side by side, separated by a NaN column."""
    kh, kw = weights.shape[1:]
    strip = np.full((kh, 3 * kw + 2), np.nan)
    for c in range(3):
        strip[:, c * (kw + 1) : c * (kw + 1) + kw] = weights[c]
    return strip


def _display_scale(weights):
    """(scale, label): show ``weights / scale`` as integers when they are."""
    for numerator in (1, 2, 3, 4):
        for denominator in (1, 2, 3, 4, 6, 8, 9, 12, 16):
            scale = numerator / denominator
            ratio = weights / scale
            if np.allclose(ratio, np.round(ratio)) and np.abs(ratio).max() <= 99:
                label = "" if scale == 1 else f" (\u00d7{numerator}/{denominator})"
                return scale, label if label else " "
    return 1.0, ""


def _set_image(artist, values):
    """``artist.set_data(values)``, with the extent following the shape (a
    photo of another aspect ratio must not be stretched into the old one)."""
    rows, columns = np.shape(values)[:2]
    extent = (-0.5, columns - 0.5, rows - 0.5, -0.5)
    if tuple(artist.get_extent()) != extent:
        artist.set_extent(extent)
    artist.set_data(values)


def rgb_layer_figure(image, weights, bias=0.0, activation="ReLU", figsize=(10, 5.2)):
    """Build the figure of an RGB image through one output channel.

    Returns
    -------
    figure : matplotlib.figure.Figure
    artists : dict
        ``photo``, ``kernels`` (AxesImage), ``kernel_numbers``
        (:class:`cnnedu.plotting.filters.CellNumbers`, the weights row by row),
        ``R``, ``G``, ``B``, ``sum``, ``biased``, ``feature_map`` (AxesImage)
        and ``titles`` (Text by panel name). Update with :func:`update_rgb_layer`.

    Examples
    --------
    >>> figure, artists = rgb_layer_figure(np.zeros((8, 8, 3)), RGB_PRESETS["red minus blue"])
    >>> artists["sum"].get_array().shape
    (6, 6)
    """
    image = _check_rgb(image)
    weights = _check_weights(weights)
    figure, axes = new_figure(2, 4, figsize=figsize)
    artists = {"titles": {}}
    with matplotlib.rc_context(PROJECTOR_RC):
        artists["photo"] = axes[0, 0].imshow(image, interpolation="nearest")
        artists["titles"]["photo"] = axes[0, 0].set_title("input (R, G, B)", y=1.0)
        maps = rgb_layer_maps(image, weights, bias, activation)
        for c, name in enumerate(CHANNELS):
            ax = axes[0, c + 1]
            artists[name] = show_map(maps["responses"][c], ax=ax, diverging=True, limit=RESPONSE_LIMIT)
            artists["titles"][name] = ax.set_title(f"{name} \u22c6 kernel {name}", y=1.0)
        strip = _kernel_strip(weights)
        kernel_limit = 1.8 * max(float(np.nanmax(np.abs(strip))), 1e-12)  # light colours: numbers stay legible
        artists["kernels"] = axes[1, 0].imshow(
            strip, cmap=DIVERGING_CMAP, vmin=-kernel_limit, vmax=kernel_limit, interpolation="nearest"
        )
        kh, kw = weights.shape[1:]
        # the 3 kh x kw numbers as one collection of cached glyph outlines: far cheaper to redraw than text
        positions = [(c * (kw + 1) + j, i) for c in range(3) for i in range(kh) for j in range(kw)]
        artists["kernel_numbers"] = CellNumbers(axes[1, 0], positions, fontsize=10)
        artists["titles"]["kernels"] = axes[1, 0].set_title("kernels R, G, B", y=1.0)
        panels = [("sum", "sum of the 3"), ("biased", "+ bias"), ("feature_map", "feature map")]
        for (key, title), ax in zip(panels, axes[1, 1:], strict=True):
            artists[key] = show_map(maps[key], ax=ax, diverging=True, limit=RESPONSE_LIMIT)
            artists["titles"][key] = ax.set_title(title, y=1.0)
        for ax in axes.flat:
            ax.xaxis.set_visible(False)  # hidden axes draw faster than empty ticks
            ax.yaxis.set_visible(False)
        colorbar = figure.colorbar(artists["sum"], ax=list(axes[:, -1]), shrink=0.8)
        colorbar.set_ticks([-RESPONSE_LIMIT, 0, RESPONSE_LIMIT])
        colorbar.set_label("value (fixed scale)")
        artists["colorbar"] = colorbar
    update_rgb_layer(artists, image, weights, bias, activation)
    return figure, artists


def update_rgb_layer(artists, image, weights, bias=0.0, activation="ReLU"):
    """Update the artists of :func:`rgb_layer_figure` in place; returns the maps.

    Examples
    --------
    >>> figure, artists = rgb_layer_figure(np.zeros((8, 8, 3)), RGB_PRESETS["red minus blue"])
    >>> maps = update_rgb_layer(artists, np.ones((8, 8, 3)), RGB_PRESETS["red minus blue"], bias=0.25)
    >>> round(float(artists["biased"].get_array()[0, 0]), 6)
    0.25
    """
    image = _check_rgb(image)
    weights = _check_weights(weights)
    maps = rgb_layer_maps(image, weights, bias, activation)
    _set_image(artists["photo"], image)
    for c, name in enumerate(CHANNELS):
        _set_image(artists[name], maps["responses"][c])
    for key in ("sum", "biased", "feature_map"):
        _set_image(artists[key], maps[key])
    strip = _kernel_strip(weights)
    kernel_limit = 1.8 * max(float(np.nanmax(np.abs(strip))), 1e-12)  # light colours: numbers stay legible
    artists["kernels"].set_data(strip)
    artists["kernels"].set_clim(-kernel_limit, kernel_limit)
    scale, label = _display_scale(weights)
    artists["kernel_numbers"].set([f"{v + 0.0:.0f}" if label else f"{v + 0.0:.2g}" for v in (weights / scale).ravel()])
    artists["titles"]["kernels"].set_text(f"kernels R, G, B{label}")
    artists["titles"]["biased"].set_text(f"sum + bias ({float(bias):+.2f})")
    artists["titles"]["feature_map"].set_text("feature map (ReLU)" if activation == "ReLU" else "feature map (no ReLU)")
    return maps


# --------------------------------------------------------------------- layer stack

MAX_STACK_LAYERS = 20


STACK_ROWS = "output shape\nparameters\nreceptive field"  # what each block's label lists, line by line


def stack_figure(figsize=(11, 3.0), max_layers=MAX_STACK_LAYERS):
    """Empty block diagram for :func:`update_stack`: one block per layer
    output, its height to scale with the map size; flat vectors in orange.
    Below each block: its output shape, parameters and receptive field, so
    the figure alone (a static render) says what the table says.

    Returns
    -------
    figure : matplotlib.figure.Figure
    artists : dict
        ``blocks`` (list of Rectangle), ``labels`` (three lines per block:
        output shape, parameters, receptive field) and ``names`` (layer
        names) as lists of Text, ``row_names`` (Text naming the three lines),
        ``message`` (Text, red, for a layer that cannot fit).

    Examples
    --------
    >>> figure, artists = stack_figure()
    >>> len(artists["blocks"])
    21
    """
    figure, diagram = new_figure(1, 1, figsize=figsize)
    figure.set_layout_engine("none")
    diagram.set_position([0.01, 0.02, 0.98, 0.96])
    artists = {"blocks": [], "labels": [], "names": []}
    for _ in range(max_layers + 1):  # + the input
        block = Rectangle((0, 0), 0.7, 1, facecolor="#9ecae1", edgecolor="#08519c", visible=False)
        diagram.add_patch(block)
        artists["blocks"].append(block)
        artists["labels"].append(diagram.text(0, 0, "", ha="center", va="top", fontsize=9, visible=False))
        artists["names"].append(
            diagram.text(0, 0, "", ha="center", va="bottom", fontsize=8, visible=False, color="0.3")
        )
    diagram.set_xlim(-0.6, max_layers + 0.6)
    diagram.set_ylim(-1.05, 1.5)
    diagram.set_axis_off()
    artists["diagram"] = diagram
    artists["row_names"] = diagram.text(-0.45, -0.28, STACK_ROWS, ha="right", va="top", fontsize=11, color="0.3")
    artists["message"] = diagram.text(
        0.5,
        0.01,
        "",
        color="#b00020",
        fontsize=12,
        fontweight="bold",
        va="bottom",
        ha="center",
        transform=diagram.transAxes,
        bbox={"facecolor": "white", "edgecolor": "#b00020"},
        visible=False,
    )
    return figure, artists


def summary_html(rows, input_shape, error=None):
    """The table of :func:`cnnedu.architecture.describe` as HTML, with a
    note where the floor of the size formula leaves border cells unused and
    the error (if any) in red below it.

    Examples
    --------
    >>> from cnnedu.architecture import describe
    >>> html = summary_html(describe([("conv", 2, 3)], (1, 32, 32)), (1, 32, 32))
    >>> "<td>2 x 30 x 30</td>" in html
    True
    """
    cells = [("input", " x ".join(str(v) for v in input_shape), "0", "1 x 1", "")]
    for row in rows:
        field = (
            "whole input" if row.receptive_field is None else f"{row.receptive_field.size} x {row.receptive_field.size}"
        )
        note = ""
        if row.unused:
            note = f"last {row.unused} row{'s' if row.unused > 1 else ''}/column{'s' if row.unused > 1 else ''} unused"
        cells.append((row.name, " x ".join(str(v) for v in row.output_shape), f"{row.parameter_count:,}", field, note))
    total = sum(row.parameter_count for row in rows)
    pad = "padding:1px 14px 1px 0"
    lines = [
        "<table style='font-family:monospace;font-size:14px;border-collapse:collapse'>",
        f"<tr><th style='text-align:left;{pad}'>layer</th><th style='text-align:left;{pad}'>output shape</th>"
        f"<th style='text-align:right;{pad}'>parameters</th><th style='text-align:left;{pad}'>receptive field</th>"
        f"<th style='text-align:left;{pad}'></th></tr>",
    ]
    for name, shape, count, field, note in cells:
        lines.append(
            f"<tr><td style='{pad}'>{name}</td><td>{shape}</td><td "
            f"style='text-align:right;{pad};padding-left:14px'>{count}</td>"
            f"<td style='{pad}'>{field}</td><td style='{pad};color:#8a5a00'>{note}</td></tr>"
        )
    lines.append(
        f"<tr><td style='{pad}'><b>total</b></td><td></td>"
        f"<td style='text-align:right;{pad}'><b>{total:,}</b></td><td></td><td></td></tr>"
    )
    lines.append("</table>")
    if error is not None:
        text = error.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        lines.append(f"<div style='color:#b00020;font-size:1.1em'><b>Cannot fit:</b> {text}</div>")
    return "\n".join(lines)


def _short(name):
    """A layer name on three short lines, to fit above a narrow block."""
    if name.startswith("conv "):
        kernel, filters, geometry = name[5:].split(", ")
        return f"conv {kernel}\n{filters}\n{geometry}"
    if " pool " in name:
        kind, rest = name.split(" pool ")
        kernel, stride = rest.split(", ")
        return f"{kind} pool\n{kernel}\n{stride}"
    return name.replace(" -> ", "\n-> ")


def update_stack(artists, layers, input_shape):
    """Describe ``layers`` on ``input_shape`` and draw the block diagram.

    A layer that cannot fit does not raise: the diagram stops before it and
    the red message says why.

    Returns
    -------
    rows : list of LayerSummary
        The layers that fit.
    error : str or None

    Examples
    --------
    >>> figure, artists = stack_figure()
    >>> rows, error = update_stack(artists, [("conv", 2, 3), ("maxpool", 2)], (1, 32, 32))
    >>> [row.output_shape for row in rows], error
    ([(2, 30, 30), (2, 15, 15)], None)
    """
    rows, error = describe_partial(layers, input_shape)
    shapes = [tuple(input_shape)] + [row.output_shape for row in rows]
    names = ["input"] + [row.name for row in rows]
    counts = [0] + [row.parameter_count for row in rows]
    fields = ["1\u00d71"] + [
        "all" if row.receptive_field is None else f"{row.receptive_field.size}\u00d7{row.receptive_field.size}"
        for row in rows
    ]
    largest = max(shape[-1] if len(shape) == 3 else 1 for shape in shapes)
    count = len(shapes)
    crowded = count > 10
    for position, (block, label, name) in enumerate(
        zip(artists["blocks"], artists["labels"], artists["names"], strict=True)
    ):
        visible = position < count
        block.set_visible(visible)
        label.set_visible(visible)
        name.set_visible(visible)
        if not visible:
            continue
        shape = shapes[position]
        x = position
        if len(shape) == 3:
            height = 0.15 + 0.85 * shape[-1] / largest  # side of the square map, to scale
            block.set_facecolor("#9ecae1")
        else:
            height = 1.0  # a flat vector: a thin tall bar
            block.set_facecolor("#fdae6b")
        width = 0.7 if len(shape) == 3 else 0.2
        block.set_bounds(x - width / 2, 0.5 - height / 2, width, height)
        label.set_position((x, -0.28))
        shape_text = "\u00d7".join(str(v) for v in shape)
        name.set_position((x, 1.02))
        # ReLU keeps the shape and the field and has no parameters: skip its name and numbers when crowded
        skip = crowded and names[position] == "ReLU"
        label.set_text("" if skip else f"{shape_text}\n{counts[position]:,}\n{fields[position]}")
        name.set_text("" if skip else _short(names[position]))
    right = max(count, 8) - 0.4
    # room for the row names left of the input block, in inches whatever the number of blocks
    inches = artists["diagram"].get_position().width * artists["diagram"].figure.get_figwidth()
    share = (0.95 if crowded else 1.35) / inches
    artists["diagram"].set_xlim((-0.45 - share * right) / (1 - share), right)
    fontsize = 7 if crowded else 11
    for label, name in zip(artists["labels"], artists["names"], strict=True):
        label.set_fontsize(fontsize)
        name.set_fontsize(fontsize)
    artists["row_names"].set_fontsize(fontsize)
    artists["message"].set_text("" if error is None else error)
    artists["message"].set_visible(error is not None)
    return rows, error


def plot_parameter_comparison(labels, conv_counts, dense_counts, ax=None):
    """Bars (log scale) of conv-layer against dense-layer parameter counts.

    Examples
    --------
    >>> figure, ax = new_figure()
    >>> bars = plot_parameter_comparison(["32x32 -> 2 maps"], [20], [1845000], ax=ax)
    >>> len(bars)
    2
    """
    if not len(labels) == len(conv_counts) == len(dense_counts):
        raise ValueError(
            f"labels, conv_counts and dense_counts must have the same length; got "
            f"{len(labels)}, {len(conv_counts)} and {len(dense_counts)}"
        )
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(8, 4))
    positions = np.arange(len(labels))
    conv_bars = ax.bar(positions - 0.2, conv_counts, width=0.4, label="convolution layer", color="#3182bd")
    dense_bars = ax.bar(positions + 0.2, dense_counts, width=0.4, label="dense layer, same outputs", color="#e6550d")
    ax.set_yscale("log")
    ax.set_xticks(positions)
    ax.set_xticklabels(labels)
    ax.set_ylabel("parameters (log scale)")
    for bars in (conv_bars, dense_bars):
        for bar in bars:
            ax.text(
                bar.get_x() + bar.get_width() / 2,
                bar.get_height() * 1.15,
                f"{int(bar.get_height()):,}",
                ha="center",
                va="bottom",
                fontsize=9,
            )
    ax.set_ylim(1, max(max(dense_counts), max(conv_counts)) * 20)
    ax.legend(loc="upper left")
    return [conv_bars, dense_bars]


def plot_volumes(shapes, labels=None, ax=None, max_sheets=16, title=None):
    """Draw each array of a network as a volume: a (C, H, W) map as C stacked
    sheets of H x W (drawn to scale, receding to the upper right), a flat
    vector (N,) as a thin bar. Under each: its label and its shape.

    Parameters
    ----------
    shapes : sequence of tuple
        (C, H, W) or (N,) per array, input first, batch axis left out.
    labels : sequence of str, optional
        One name per shape (e.g. the layer that made it).
    max_sheets : int
        More channels than this are drawn as ``max_sheets`` sheets (the
        shape under the block says how many there are).

    Returns
    -------
    list of list of Rectangle: the sheets (or the bar) of each array

    Examples
    --------
    >>> figure, ax = new_figure()
    >>> drawn = plot_volumes([(1, 32, 32), (2, 30, 30), (900,)], ["input", "conv", "flatten"], ax=ax)
    >>> [len(sheets) for sheets in drawn]
    [1, 2, 1]
    """
    shapes = [tuple(int(size) for size in shape) for shape in shapes]
    if not shapes or any(len(shape) not in (1, 3) or min(shape) < 1 for shape in shapes):
        raise ValueError(f"shapes must be a non-empty list of (C, H, W) or (N,) with positive sizes; got {shapes}")
    if labels is not None and len(labels) != len(shapes):
        raise ValueError(f"labels must give one name per shape ({len(shapes)}); got {len(labels)}")
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(2.2 * len(shapes), 3.2))
    tallest = max(max(shape[1:]) if len(shape) == 3 else 1 for shape in shapes)
    unit = 1.0 / tallest  # the largest map is 1 high
    step = 0.08  # offset from one sheet to the next
    left, drawn = 0.0, []
    for index, shape in enumerate(shapes):
        sheets = []
        if len(shape) == 3:
            channels, height, width = shape
            count = min(channels, max_sheets)
            h, w = height * unit, width * unit
            for sheet in reversed(range(count)):  # the back sheet first, the front one on top
                sheets.append(
                    ax.add_patch(
                        Rectangle(
                            (left + sheet * step, sheet * step),
                            w,
                            h,
                            facecolor="#9ecae1" if sheet else "#c6dbef",
                            edgecolor="#08519c",
                            linewidth=1.0,
                        )
                    )
                )
            right = left + w + (count - 1) * step
            text = f"{channels} x {height} x {width}"
        else:
            sheets.append(ax.add_patch(Rectangle((left, 0), 0.08, 1.0, facecolor="#fdd0a2", edgecolor="#a63603")))
            right = left + 0.08
            text = f"{shape[0]} values"
        name = "" if labels is None else f"{labels[index]}\n"
        ax.text((left + right) / 2, -0.08, name + text, ha="center", va="top", fontsize=10)
        drawn.append(sheets)
        left = right + 0.35
    ax.set_xlim(-0.1, left - 0.2)
    deepest = max(min(shape[0], max_sheets) if len(shape) == 3 else 1 for shape in shapes)
    ax.set_ylim(-0.45, 1.0 + (deepest - 1) * step + 0.05)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return drawn
