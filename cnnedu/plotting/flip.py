"""Pictures for lesson 02: a kernel and its flip, cross-correlation beside
convolution, and a causal system stepping through time.
"""

import numpy as np

from cnnedu._checks import as_array
from cnnedu.kernels import CausalRun, FlipComparison
from cnnedu.plotting.filters import CellNumbers, format_number, plot_kernel, set_colorbar_ticks
from cnnedu.plotting.style import DIVERGING_CMAP, IMAGE_CMAP, new_figure, symmetric_limit


def plot_flip(kernel, flipped, axes=None):
    """A kernel next to its flip (turned 180 degrees), numbers in the cells.

    Parameters
    ----------
    kernel : array_like, shape (kh, kw)
    flipped : array_like, shape (kh, kw)
        ``cnnedu.kernels.flip_kernel(kernel)``.
    axes : sequence of 2 Axes, optional

    Returns
    -------
    dict
        'kernel' and 'flipped': each ``(image, texts)`` as from
        :func:`cnnedu.plotting.filters.plot_kernel`.

    Examples
    --------
    >>> from cnnedu.kernels import flip_kernel
    >>> drawn = plot_flip([[1, 2], [3, 4]], flip_kernel([[1, 2], [3, 4]]))
    >>> [t.get_text() for t in drawn["flipped"][1]]
    ['4', '3', '2', '1']
    """
    kernel = as_array("kernel", kernel, ndim=2)
    flipped = as_array("flipped", flipped, ndim=2)
    if flipped.shape != kernel.shape:
        raise ValueError(f"flipped must have the kernel's shape {kernel.shape}; got {flipped.shape}")
    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(1, 2, figsize=(5, 2.6), layout="constrained")
    return {
        "kernel": plot_kernel(kernel, ax=axes[0], title="kernel K"),
        "flipped": plot_kernel(flipped, ax=axes[1], title="K flipped (turned 180\u00b0)"),
    }


def _grid_lines(ax, shape):
    rows, columns = shape
    for edge in np.arange(0.5, rows - 1, 1):
        ax.axhline(edge, color="0.5", linewidth=0.8)
    for edge in np.arange(0.5, columns - 1, 1):
        ax.axvline(edge, color="0.5", linewidth=0.8)


def _bare(*axes):
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])


def flip_figure(image, kernel_shape=(3, 3), figsize=(11, 3.6)):
    """Build the flip-explorer figure; fill it with :func:`update_flip`.

    Panels: the image, the kernel as it is slid (flipped or not), the
    cross-correlation with that kernel, and the convolution with the
    original kernel, the last two on one colour scale centred on zero.

    Examples
    --------
    >>> figure, artists = flip_figure(np.zeros((6, 6)))
    >>> sorted(name for name in artists if name.endswith("map"))
    ['convolution_map', 'correlation_map']
    """
    image = as_array("image", image, ndim=2)
    figure, axes = new_figure(1, 4, figsize=figsize)
    ax_image, ax_kernel, ax_correlation, ax_convolution = axes
    out_shape = (max(image.shape[0] - kernel_shape[0] + 1, 1), max(image.shape[1] - kernel_shape[1] + 1, 1))
    artists = {"axes": axes}
    artists["image"] = ax_image.imshow(image, cmap=IMAGE_CMAP, interpolation="none")
    ax_image.set_title("image X", y=1.0)
    artists["kernel"] = ax_kernel.imshow(
        np.zeros(kernel_shape), cmap=DIVERGING_CMAP, vmin=-1, vmax=1, interpolation="none"
    )
    artists["kernel_title"] = ax_kernel.set_title("kernel slid: K as written", y=1.0)
    _grid_lines(ax_kernel, kernel_shape)
    positions = [(j, i) for i in range(kernel_shape[0]) for j in range(kernel_shape[1])]
    artists["kernel_numbers"] = CellNumbers(ax_kernel, positions, fontsize=13)
    blank = np.zeros(out_shape)
    artists["correlation_map"] = ax_correlation.imshow(
        blank, cmap=DIVERGING_CMAP, vmin=-1, vmax=1, interpolation="none"
    )
    artists["correlation_title"] = ax_correlation.set_title("cross-correlation with K", y=1.0)
    artists["convolution_map"] = ax_convolution.imshow(
        blank, cmap=DIVERGING_CMAP, vmin=-1, vmax=1, interpolation="none"
    )
    ax_convolution.set_title("convolution X * K", y=1.0)
    artists["colorbar"] = figure.colorbar(
        artists["convolution_map"], ax=[ax_correlation, ax_convolution], shrink=0.85, label="response"
    )
    set_colorbar_ticks(artists["colorbar"], 1.0)
    artists["difference"] = figure.text(0.5, 0.01, " ", ha="center", va="bottom", fontsize=12)
    _bare(*axes)
    return figure, artists


def update_flip(artists, comparison):
    """Show cross-correlation (with the kernel as written, or flipped) beside
    the convolution with the kernel.

    Parameters
    ----------
    artists : dict
        From :func:`flip_figure`.
    comparison : cnnedu.kernels.FlipComparison
        From :func:`cnnedu.kernels.flip_comparison`.

    Returns
    -------
    dict
        ``artists``.

    Examples
    --------
    >>> from cnnedu.kernels import flip_comparison, get_kernel
    >>> image = np.arange(16.0).reshape(4, 4)
    >>> figure, artists = flip_figure(image)
    >>> comparison = flip_comparison(image, get_kernel("Sobel x"), flip=True)
    >>> update_flip(artists, comparison)["difference"].get_text()[:26]
    'The two maps are identical'
    """
    if not isinstance(comparison, FlipComparison):
        raise TypeError(
            "comparison must be a FlipComparison (from cnnedu.kernels.flip_comparison); "
            f"got {type(comparison).__name__}"
        )
    slid, flipped = comparison.slid_kernel, comparison.flip
    correlation, convolution = comparison.correlation, comparison.convolution
    difference, limit = comparison.max_difference, comparison.response_limit
    kernel_limit = symmetric_limit(slid, minimum=1e-9)  # the same for a kernel and its flip
    artists["kernel"].set_data(slid)
    artists["kernel"].set_clim(-kernel_limit, kernel_limit)
    artists["kernel_numbers"].set(
        [format_number(value) for value in slid.ravel()],
        ["white" if abs(value) > 0.6 * kernel_limit else "black" for value in slid.ravel()],
    )
    artists["kernel_title"].set_text("kernel slid: K flipped" if flipped else "kernel slid: K as written")
    artists["correlation_title"].set_text("cross-corr. with K flipped" if flipped else "cross-correlation with K")
    new_scale = artists["convolution_map"].get_clim() != (-limit, limit)
    for name, values in (("correlation_map", correlation), ("convolution_map", convolution)):
        artists[name].set_data(values)
        artists[name].set_clim(-limit, limit)
    if new_scale:  # after set_clim, which resets the colour bar's ticks
        set_colorbar_ticks(artists["colorbar"], limit)  # labels of one width: the layout is frozen after the first draw
    if difference < 1e-9:
        message = "The two maps are identical: convolution = cross-correlation with the flipped kernel."
    else:
        message = f"The two maps differ (largest difference {format_number(difference)}): the kernel was not flipped."
    artists["difference"].set_text(message)
    return artists


def stepper_figure(signal_length=4, response_length=3, figsize=(11, 4.2)):
    """Build the impulse-response stepper; fill it with :func:`update_stepper`.

    Top: a table over time ``n`` with the input ``x[n]``, the impulse
    response laid under it (ending at the current time), their products and
    the output ``y[n]`` so far. Bottom: the output so far as bars.

    Examples
    --------
    >>> figure, artists = stepper_figure(3, 3)
    >>> artists["times"].tolist()
    [-2, -1, 0, 1, 2, 3, 4]
    """
    figure, _ = new_figure(1, 1, figsize=figsize)
    figure.clear()
    grid = figure.add_gridspec(2, 1, height_ratios=[1.4, 1])
    ax_table, ax_bars = figure.add_subplot(grid[0]), figure.add_subplot(grid[1])
    times = np.arange(-(response_length - 1), signal_length + response_length - 1)  # every n that matters
    columns = len(times)
    artists = {"axes": (ax_table, ax_bars), "times": times}
    artists["highlight"] = ax_table.imshow(
        np.zeros((4, columns)), cmap="YlOrBr", vmin=0, vmax=3, interpolation="none", aspect="auto"
    )
    _grid_lines(ax_table, (4, columns))
    artists["numbers"] = CellNumbers(ax_table, [(j, i) for i in range(4) for j in range(columns)], fontsize=13)
    ax_table.set_xticks(range(columns))
    ax_table.set_xticklabels([str(n) for n in times])
    ax_table.xaxis.set_ticks_position("top")
    ax_table.set_yticks(range(4))
    ax_table.set_yticklabels(["input x[n]", "h reversed", "product", "output y[n]"])
    artists["flip"] = True  # what the second row's label says
    ax_table.tick_params(length=0)
    artists["title"] = ax_table.set_title(" ", loc="left", fontsize=13, pad=24, y=1.0)
    artists["bars"] = ax_bars.bar(range(columns), np.zeros(columns), color="#2166ac", width=0.6)
    ax_bars.axhline(0, color="black", linewidth=0.8)
    ax_bars.set_xlim(-0.5, columns - 0.5)
    ax_bars.set_xticks(range(columns))
    ax_bars.set_xticklabels([])  # the table above labels the times
    ax_bars.set_xlabel("time n (as in the table above)")
    ax_bars.set_ylabel("output y[n]")
    return figure, artists


def update_stepper(artists, run):
    """Show one time step of a causal system.

    With ``run.flip`` (convolution) the response is laid under the input
    reversed, its first tap under the current input. Without it the response
    is laid down as written (cross-correlation) and plays backwards.

    Parameters
    ----------
    artists : dict
        From :func:`stepper_figure`.
    run : cnnedu.kernels.CausalRun
        From :func:`cnnedu.kernels.causal_run`, with ``last`` the figure's
        last time (``artists["times"][-1]``).

    Returns
    -------
    dict
        ``artists``.

    Examples
    --------
    >>> from cnnedu.kernels import causal_run
    >>> figure, artists = stepper_figure(3, 3)
    >>> update_stepper(artists, causal_run([1, 0, 0], [1, 2, 3], 2, last=4))["title"].get_text()
    't = 2: reversed response (convolution);  y[2] = 3 + 0 + 0 = 3'
    """
    if not isinstance(run, CausalRun):
        raise TypeError(f"run must be a CausalRun (from cnnedu.kernels.causal_run); got {type(run).__name__}")
    times = artists["times"]
    columns = len(times)
    last = int(times[-1])
    signal, time, flip, full, outputs = run.signal, run.time, run.flip, run.full, run.outputs
    if len(full) != last + 1 or len(run.taps) - 1 > -int(times[0]):
        raise ValueError(
            f"this figure was built for times -{-int(times[0])} to {last}; the run goes to time {len(full) - 1} "
            f"with a response of length {len(run.taps)} (call causal_run with last={last} and shorter signals)"
        )
    offset = -int(times[0])  # column of n = 0
    texts = np.full((4, columns), "", dtype=object)  # rows: input, response, product, output
    colors = np.full((4, columns), "black", dtype=object)
    highlight = np.zeros((4, columns))
    padded_signal = np.zeros(columns)
    padded_signal[offset : offset + len(signal)] = signal
    for column, n in enumerate(times):
        texts[0, column] = format_number(padded_signal[column])
        colors[0, column] = "black" if 0 <= n < len(signal) else "0.6"  # grey: before or after the signal
        texts[3, column] = format_number(full[n]) if 0 <= n <= time else ""
    for n, tap, product in zip(run.input_times, run.taps, run.products, strict=True):
        column = int(n) + offset
        texts[1, column] = format_number(tap)
        texts[2, column] = format_number(product)
        highlight[0:3, column] = 1
    artists["numbers"].set(texts.ravel(), colors.ravel())
    highlight[3, time + offset] = 2
    highlight[3, offset : time + offset] = np.where(highlight[3, offset : time + offset] == 0, 0.6, 0)
    artists["highlight"].set_data(highlight)
    if artists["flip"] != flip:
        ax_table = artists["axes"][0]
        ax_table.set_yticklabels(["input x[n]", "h reversed" if flip else "h in order", "product", "output y[n]"])
        artists["flip"] = flip
    terms = " + ".join(f"{format_number(p)}" for p in run.products)
    kind = "reversed response (convolution)" if flip else "response as written (no flip)"
    artists["title"].set_text(f"t = {time}: {kind};  y[{time}] = {terms} = {format_number(run.output)}")
    heights = np.zeros(columns)
    heights[offset : offset + time + 1] = outputs
    for bar, height in zip(artists["bars"], heights, strict=True):
        bar.set_height(height)
    scale = max(float(np.max(np.abs(full))), 1e-9)
    artists["axes"][1].set_ylim(
        min(float(np.min(full)), 0.0) * 1.15 - 0.05 * scale, max(float(np.max(full)), 0.0) * 1.15 + 0.05 * scale
    )
    return artists
