"""Figures of lesson 06: where gradients flow in one convolution, and the
backward passes of max pooling and ReLU.

* :func:`backprop_figure` with :func:`update_input_pixel` (which outputs an
  input pixel feeds and through which kernel entries its gradient comes back)
  and :func:`update_output_cell` (where one output-gradient cell lands in
  dJ/dX and dJ/dK).
* :func:`plot_max_pool_backward`, :func:`plot_relu_backward`: static panels.

Each update and plot function is handed what :mod:`cnnedu.backprop_paths`
computed (``input_pixel_flow``, ``output_cell_flow``, ``max_pool_routes``,
``relu_routes``) and only draws it.

Indices in the figure text are 1-based, as in the lesson (``x11``,
``k12``, ``dy21``); the functions take 0-based ``row`` and ``column``.
"""

import matplotlib
import numpy as np
from matplotlib.patches import Rectangle

from cnnedu.backprop_paths import InputPixelFlow, MaxPoolRoutes, OutputCellFlow, ReluRoutes
from cnnedu.plotting.filters import CellNumbers
from cnnedu.plotting.style import PROJECTOR_RC, annotate_cells, new_figure, show_map

PANELS = ("x", "kernel", "grad_output", "grad_x", "grad_kernel")
TITLES = {
    "x": "input X (grey: padding)",
    "kernel": "kernel K",
    "grad_output": "dJ/dY (given)",
    "grad_x": "dJ/dX",
    "grad_kernel": "dJ/dK",
}
MAX_MARKS = 9  # highlighted cells per panel (a 3x3 kernel meets at most 9 cells)
MAX_PADDING = 1
HIGHLIGHT = "#ff7f00"
VALUE_PANELS = ("grad_x", "grad_kernel")  # panels that write every cell's value (the gradients)
VALUE_COLOR = "0.25"  # dark grey: the bold marked numbers stand out in black


def _name(symbol, row, column):
    return f"{symbol}{row + 1}{column + 1}"


def _fmt(value):
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.2g}"


def backprop_figure(input_shape=(5, 5), kernel_shape=(3, 3), figsize=(13, 3.6)):
    """Five panels (X, K, dJ/dY, dJ/dX, dJ/dK) and a formula line, drawn once.

    Returns
    -------
    figure : matplotlib.figure.Figure
    artists : dict
        ``images`` and ``marks`` (lists of Rectangle), ``numbers``
        (:class:`~cnnedu.plotting.filters.CellNumbers`, bold: the marked
        cells' numbers, "" where none is written) and ``window`` (Rectangle) by panel name; ``values``
        (:class:`~cnnedu.plotting.filters.CellNumbers`: every cell's value of
        dJ/dX and dJ/dK, "" where none is written); ``formula`` (Text).

    Examples
    --------
    >>> figure, artists = backprop_figure()
    >>> sorted(artists["images"])
    ['grad_kernel', 'grad_output', 'grad_x', 'kernel', 'x']
    """
    height, width = input_shape
    figure, axes = new_figure(1, 5, figsize=figsize)
    artists = {"images": {}, "marks": {}, "numbers": {}, "window": {}, "axes": {}, "values": {}}
    limits = {
        "x": (height, width, MAX_PADDING),
        "grad_x": (height, width, MAX_PADDING),
        "kernel": (*kernel_shape, 0),
        "grad_kernel": (*kernel_shape, 0),
        "grad_output": (
            height + 2 * MAX_PADDING - kernel_shape[0] + 1,
            width + 2 * MAX_PADDING - kernel_shape[1] + 1,
            0,
        ),
    }
    with matplotlib.rc_context(PROJECTOR_RC):
        for ax, name in zip(axes, PANELS, strict=False):
            rows, columns, pad = limits[name]
            image = show_map(np.zeros((rows, columns)), ax=ax, diverging=True, limit=1.0)
            image.set_cmap(image.cmap.with_extremes(bad="0.85"))  # padding cells (NaN) in grey
            artists["images"][name] = image
            ax.set_xlim(-0.5 - pad, columns - 0.5 + pad)
            ax.set_ylim(rows - 0.5 + pad, -0.5 - pad)
            ax.set_title(TITLES[name], y=1.0)
            ax.xaxis.set_visible(False)
            ax.yaxis.set_visible(False)
            artists["axes"][name] = ax
            artists["marks"][name] = [
                ax.add_patch(Rectangle((0, 0), 1, 1, fill=False, edgecolor=HIGHLIGHT, linewidth=2.5, visible=False))
                for _ in range(MAX_MARKS)
            ]
            artists["numbers"][name] = CellNumbers(ax, np.zeros((MAX_MARKS, 2)), fontsize=11, weight="bold")
            if name in VALUE_PANELS:  # every value of the gradient, small and grey; marked cells in bold on top
                # one collection of glyph outlines: far faster to redraw than one Text per cell
                artists["values"][name] = CellNumbers(
                    ax, np.zeros(((rows + 2 * pad) * (columns + 2 * pad), 2)), fontsize=9
                )
            artists["window"][name] = ax.add_patch(
                Rectangle((0, 0), 1, 1, fill=False, edgecolor="black", linewidth=2, linestyle="--", visible=False)
            )
        artists["formula"] = figure.text(0.01, 0.02, "", ha="left", va="bottom", fontsize=12)
    figure.get_layout_engine().set(rect=(0, 0.09, 1, 0.91))
    return figure, artists


def _show(artists, name, values, padding=0, limit=None):
    """Put ``values`` in panel ``name``; padding cells (NaN) sit at negative indices."""
    values = np.asarray(values, dtype=float)
    image = artists["images"][name]
    image.set_data(values)
    rows, columns = values.shape
    image.set_extent((-0.5 - padding, columns - 0.5 - padding, rows - 0.5 - padding, -0.5 - padding))
    # muted colours (scale twice the largest value) keep the black numbers legible; zero stays white
    limit = 2 * max(float(np.nanmax(np.abs(values))), 1e-12) if limit is None else limit
    image.set_clim(-limit, limit)
    ax = artists["axes"][name]
    ax.set_xlim(-0.5 - padding, columns - 0.5 - padding)
    ax.set_ylim(rows - 0.5 - padding, -0.5 - padding)
    if name in artists.get("values", {}):
        numbers = artists["values"][name]
        cells = [(c - padding, r - padding, _fmt(v + 0.0)) for (r, c), v in np.ndenumerate(values) if not np.isnan(v)]
        unused = len(numbers.get_texts()) - len(cells)  # "" at the panel's centre: nothing drawn
        positions = [(x, y) for x, y, _ in cells] + [(0.0, 0.0)] * unused  # (x, y) = (column, row)
        texts = [text for _, _, text in cells] + [""] * unused  # + 0.0 above: no '-0'
        numbers.set(texts, [VALUE_COLOR] * len(texts), positions)


def _mark(artists, name, cells, numbers=None, fontsize=11):
    """Outline ``cells`` [(row, column)] of panel ``name``; write ``numbers``
    (values, or ready-made strings) in them."""
    cells = list(cells)
    if len(cells) > MAX_MARKS:
        raise ValueError(f"at most {MAX_MARKS} cells can be marked; got {len(cells)}")
    if numbers is not None and name in artists.get("values", {}):  # the bold number replaces the grey one
        values = artists["values"][name]
        texts = values.get_texts()
        for k, (x, y) in enumerate(values.get_positions()):
            if (round(float(y)), round(float(x))) in cells:
                texts[k] = ""
        values.set(texts, values.get_colors())
    texts, positions = [""] * MAX_MARKS, np.zeros((MAX_MARKS, 2))  # (x, y) = (column, row)
    for k, mark in enumerate(artists["marks"][name]):
        if k < len(cells):
            row, column = cells[k]
            mark.set_xy((column - 0.5, row - 0.5))
            mark.set_visible(True)
            positions[k] = (column, row)
            if numbers is not None:
                texts[k] = numbers[k] if isinstance(numbers[k], str) else _fmt(numbers[k])
        else:
            mark.set_visible(False)
    artists["numbers"][name].fontsize = fontsize
    artists["numbers"][name].set(texts, positions=positions)


def _window(artists, name, top_left=None, shape=None):
    window = artists["window"][name]
    if top_left is None:
        window.set_visible(False)
        return
    window.set_xy((top_left[1] - 0.5, top_left[0] - 0.5))
    window.set_width(shape[1])
    window.set_height(shape[0])
    window.set_visible(True)


def _base(artists, gradients):
    """Draw the five maps (whole gradients) with their padding rings."""
    x, padding = gradients.x, gradients.padding
    ring = np.full((x.shape[0] + 2 * padding, x.shape[1] + 2 * padding), np.nan)  # (H + 2p, W + 2p)
    x_shown = ring.copy()
    x_shown[padding : padding + x.shape[0], padding : padding + x.shape[1]] = x
    grad_x_shown = ring.copy()
    grad_x_shown[padding : padding + x.shape[0], padding : padding + x.shape[1]] = gradients.grad_x
    _show(artists, "x", x_shown, padding)
    _show(artists, "kernel", gradients.kernel)
    _show(artists, "grad_output", gradients.grad_output)
    _show(artists, "grad_x", grad_x_shown, padding)
    _show(artists, "grad_kernel", gradients.grad_kernel)


def update_input_pixel(artists, flow):
    """Show which outputs the picked input pixel feeds and which kernel entries
    bring its gradient back: ``dJ/dx = sum dJ/dy[r, c] * k[i, j]``.

    Parameters
    ----------
    artists : dict
        From :func:`backprop_figure`.
    flow : cnnedu.backprop_paths.InputPixelFlow
        From :func:`cnnedu.backprop_paths.input_pixel_flow`.

    Returns
    -------
    dict
        ``artists``.

    Examples
    --------
    >>> from cnnedu.backprop_paths import input_pixel_flow
    >>> figure, artists = backprop_figure()
    >>> flow = input_pixel_flow(np.ones((5, 5)), np.arange(9.0).reshape(3, 3), np.ones((3, 3)), 2, 2)
    >>> update_input_pixel(artists, flow)["formula"].get_text()[:32]
    'dJ/dx33 = dy11·k33 + dy12·k32 + '
    """
    if not isinstance(flow, InputPixelFlow):
        raise TypeError(f"flow must be an InputPixelFlow (from input_pixel_flow); got {type(flow).__name__}")
    gradients, row, column, paths = flow
    x, kernel, grad_output, grad_x = gradients.x, gradients.kernel, gradients.grad_output, gradients.grad_x
    _base(artists, gradients)
    outputs = [rc for rc, _ in paths]
    entries = [ij for _, ij in paths]
    _mark(artists, "x", [(row, column)], [x[row, column]])
    # each fed output shows its gradient and the kernel entry it pairs with: the flip is visible
    labels = [f"{_fmt(grad_output[rc])}\u00b7{_name('k', *ij)}" for rc, ij in paths]
    _mark(artists, "grad_output", outputs, labels, fontsize=10 if grad_output.shape[1] <= 3 else 8)
    _mark(artists, "kernel", entries, [kernel[ij] for ij in entries])
    _mark(artists, "grad_x", [(row, column)], [grad_x[row, column]])
    _mark(artists, "grad_kernel", entries)
    for name in PANELS:
        _window(artists, name)
    symbolic = " + ".join(f"{_name('dy', *rc)}\u00b7{_name('k', *ij)}" for rc, ij in paths) or "0 (it feeds no output)"
    artists["formula"].set_text(f"{_name('dJ/dx', row, column)} = {symbolic} = {_fmt(grad_x[row, column])}")
    return artists


def update_output_cell(artists, flow):
    """Show where the picked output-gradient cell ``dJ/dy[row, column] = g``
    lands: ``g * K`` on its window of dJ/dX, ``g * X[window]`` on dJ/dK.

    The dJ/dX and dJ/dK panels show this cell's share only.

    Parameters
    ----------
    artists : dict
        From :func:`backprop_figure`.
    flow : cnnedu.backprop_paths.OutputCellFlow
        From :func:`cnnedu.backprop_paths.output_cell_flow`.

    Returns
    -------
    dict
        ``artists``.

    Examples
    --------
    >>> from cnnedu.backprop_paths import output_cell_flow
    >>> figure, artists = backprop_figure()
    >>> flow = output_cell_flow(np.ones((5, 5)), np.ones((3, 3)), 2 * np.ones((3, 3)), 0, 0)
    >>> update_output_cell(artists, flow)["formula"].get_text()[:30]
    'dJ/dy11 = 2 lands on its windo'
    """
    if not isinstance(flow, OutputCellFlow):
        raise TypeError(f"flow must be an OutputCellFlow (from output_cell_flow); got {type(flow).__name__}")
    x, kernel, padding = flow.gradients.x, flow.gradients.kernel, flow.gradients.padding
    share_x, share_k, g = flow.grad_x_share, flow.grad_kernel_share, flow.grad
    _base(artists, flow.gradients)
    inside = [cell for cell, _ in flow.window if cell is not None]
    ring = np.full((x.shape[0] + 2 * padding, x.shape[1] + 2 * padding), np.nan)  # (H + 2p, W + 2p)
    ring[padding : padding + x.shape[0], padding : padding + x.shape[1]] = share_x
    _show(artists, "grad_x", ring, padding)
    _show(artists, "grad_kernel", share_k)
    _mark(artists, "grad_output", [(flow.row, flow.column)], [g])
    _mark(artists, "x", inside, [x[cell] for cell in inside])
    _mark(artists, "kernel", [])
    _mark(artists, "grad_x", inside, [share_x[cell] for cell in inside])
    _mark(artists, "grad_kernel", [ij for _, ij in flow.window], [share_k[ij] for _, ij in flow.window])
    _window(artists, "x", flow.top_left, kernel.shape)
    _window(artists, "grad_x", flow.top_left, kernel.shape)
    for name in ("kernel", "grad_output", "grad_kernel"):
        _window(artists, name)
    cell = _name("dJ/dy", flow.row, flow.column)
    artists["formula"].set_text(
        f"{cell} = {_fmt(g)} lands on its window:  dJ/dX[window] += {_fmt(g)}\u00b7K,  "
        f"dJ/dK += {_fmt(g)}\u00b7X[window]  (these two panels: this share only)"
    )
    return artists


def plot_max_pool_backward(routes, axes=None):
    """Max pooling forward and backward on one map, numbers in every cell.

    Panels: input with each window's (first) maximum outlined, pooled output,
    dJ/dY, and dJ/dX (each window's gradient on its maximum only). Colours
    are centred on zero (red positive, blue negative) and muted so the
    numbers in the cells stay legible.

    Parameters
    ----------
    routes : cnnedu.backprop_paths.MaxPoolRoutes
        From :func:`cnnedu.backprop_paths.max_pool_routes`.
    axes : sequence of 4 Axes, optional

    Returns
    -------
    list of AxesImage

    Examples
    --------
    >>> from cnnedu.backprop_paths import max_pool_routes
    >>> figure, axes = new_figure(1, 4)
    >>> images = plot_max_pool_backward(max_pool_routes([[1, 3], [3, 2]], [[5.0]]), axes=axes)
    >>> images[3].get_array().tolist()
    [[0.0, 5.0], [0.0, 0.0]]
    """
    if not isinstance(routes, MaxPoolRoutes):
        raise TypeError(f"routes must be a MaxPoolRoutes (from max_pool_routes); got {type(routes).__name__}")
    x, y, grad_output, grad_x, size = routes.x, routes.y, routes.grad_output, routes.grad_x, routes.size
    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(1, 4, figsize=(12, 3.4), layout="constrained")
    values_limit = 2 * max(float(np.abs(x).max()), 1e-12)  # muted colours: black numbers stay legible
    grad_limit = 2 * max(float(np.abs(grad_output).max()), 1e-12)
    images = [
        show_map(x, ax=axes[0], diverging=True, limit=values_limit, title="input x"),
        show_map(y, ax=axes[1], diverging=True, limit=values_limit, title=f"max pool {size}x{size}"),
        show_map(grad_output, ax=axes[2], diverging=True, limit=grad_limit, title="dJ/dy (given)"),
        show_map(grad_x, ax=axes[3], diverging=True, limit=grad_limit, title="dJ/dx: to the max only"),
    ]
    for values, ax in zip((x, y, grad_output, grad_x), axes, strict=False):
        annotate_cells(values, ax, fmt="{:g}", fontsize=11)
        ax.set_xticks([])
        ax.set_yticks([])
    for row, column in routes.winners:
        for ax in (axes[0], axes[3]):
            ax.add_patch(Rectangle((column - 0.5, row - 0.5), 1, 1, fill=False, edgecolor=HIGHLIGHT, linewidth=2.5))
    return images


def plot_relu_backward(routes, axes=None):
    """ReLU forward and backward: the gradient passes where the input was positive.

    Parameters
    ----------
    routes : cnnedu.backprop_paths.ReluRoutes
        From :func:`cnnedu.backprop_paths.relu_routes`.
    axes : sequence of 3 Axes, optional

    Returns
    -------
    list of AxesImage

    Examples
    --------
    >>> from cnnedu.backprop_paths import relu_routes
    >>> figure, axes = new_figure(1, 3)
    >>> images = plot_relu_backward(relu_routes([[-1, 2]], [[3.0, 3.0]]), axes=axes)
    >>> images[2].get_array().tolist()
    [[0.0, 3.0]]
    """
    if not isinstance(routes, ReluRoutes):
        raise TypeError(f"routes must be a ReluRoutes (from relu_routes); got {type(routes).__name__}")
    x, grad_output, grad_x = routes
    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(1, 3, figsize=(9, 3.2), layout="constrained")
    values_limit = 2 * max(float(np.abs(x).max()), 1e-12)  # muted colours: black numbers stay legible
    grad_limit = 2 * max(float(np.abs(grad_output).max()), 1e-12)
    images = [
        show_map(x, ax=axes[0], diverging=True, limit=values_limit, title="input x"),
        show_map(grad_output, ax=axes[1], diverging=True, limit=grad_limit, title="dJ/dy (given)"),
        show_map(grad_x, ax=axes[2], diverging=True, limit=grad_limit, title="dJ/dx = dJ/dy where x > 0"),
    ]
    for values, ax in zip((x, grad_output, grad_x), axes, strict=False):
        annotate_cells(values, ax, fmt="{:g}", fontsize=11)
        ax.set_xticks([])
        ax.set_yticks([])
    return images
