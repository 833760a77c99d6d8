"""Pictures for lesson 01: a kernel's weights, its response map, a bank of
filters on one photograph, and the kernel scanner (one window position at a
time: the window, the element-wise products, their sum, the output so far).

Signed responses always use the diverging map centred on zero with a
labelled colour bar; outputs that are pictures (blur, sharpen, identity:
weights adding up to one) are drawn in grey, and outputs that cannot be
negative (after a ReLU) on a sequential map starting at zero.
"""

import numpy as np
from matplotlib.collections import PathCollection
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Rectangle
from matplotlib.path import Path
from matplotlib.textpath import TextPath
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import Affine2D

from cnnedu._checks import as_array
from cnnedu.kernels import FilterBank, ScanStep
from cnnedu.plotting.style import DIVERGING_CMAP, IMAGE_CMAP, SEQUENTIAL_CMAP, new_figure, show_map, symmetric_limit

UNFILLED_COLOR = "0.78"  # output cells the scan has not reached yet (white means zero)
WINDOW_COLOR = "#ff9f1c"
COLORBAR_LABEL_CHARACTERS = 6  # room for tick labels up to "-99.99" on the scanner's colour bar


def format_number(value):
    """Short text for a number in a cell: integers without decimals, others
    with two (``-0`` is written ``0``).

    Examples
    --------
    >>> format_number(2.0), format_number(-0.0), format_number(1 / 9)
    ('2', '0', '0.11')
    """
    value = float(value)
    if abs(value - round(value)) < 1e-9:
        return f"{int(round(value))}"
    return f"{value:.2f}"


class CellNumbers:
    """Short strings written at fixed positions of an axes (the numbers in
    the cells of a small grid), drawn as one collection of glyph outlines.

    A demo that rewrites 27 numbers on every slider move spends most of its
    time laying out and rendering 27 text artists; one collection of cached
    glyph outlines draws in a fraction of that. Sizes are in points, so the
    numbers scale with the figure's dpi like ordinary text.

    Parameters
    ----------
    ax : matplotlib Axes
    positions : sequence of (x, y)
        Centre of each string, in data coordinates.
    fontsize : float
        In points. The attribute of that name may be changed later: the
        next :meth:`set` writes in the new size.
    weight : str
        Font weight, as matplotlib names it ('normal', 'bold', ...).

    Examples
    --------
    >>> figure, ax = new_figure()
    >>> numbers = CellNumbers(ax, [(0, 0), (1, 0)])
    >>> numbers.set(["-1", "2"], ["black", "white"])
    >>> numbers.get_texts(), numbers.get_colors()
    (['-1', '2'], ['black', 'white'])
    """

    _outlines = {}  # (string, fontsize, weight) -> centred glyph outline in points, shared by all instances

    def __init__(self, ax, positions, fontsize=12, weight="normal"):
        self.fontsize = float(fontsize)
        self.weight = weight
        self._texts = [""] * len(positions)
        self._colors = ["black"] * len(positions)
        points_to_pixels = Affine2D().scale(1 / 72) + ax.figure.dpi_scale_trans
        self.collection = PathCollection(
            [self._outline("")] * len(positions),
            offsets=np.asarray(positions, dtype=float).reshape(-1, 2),
            offset_transform=ax.transData,
            transform=points_to_pixels,
            facecolors="black",
            edgecolors="none",
            zorder=3,
        )
        ax.add_collection(self.collection, autolim=False)

    def _outline(self, text):
        key = (text, float(self.fontsize), self.weight)
        outline = self._outlines.get(key)
        if outline is None:
            if len(self._outlines) > 5000:
                self._outlines.clear()
            if text.strip():
                path = TextPath((0, 0), text, prop=FontProperties(size=self.fontsize, weight=self.weight))
                box = path.get_extents()
                path = path.transformed(Affine2D().translate(-(box.x0 + box.x1) / 2, -(box.y0 + box.y1) / 2))
            else:
                path = Path(np.empty((0, 2)))  # nothing to draw
            outline = self._outlines[key] = path
        return outline

    def set(self, texts, colors=None, positions=None):
        """Write ``texts`` (one string per position; "" for none), in ``colors``,
        optionally at new ``positions`` (as many as before, data coordinates)."""
        texts = [str(text) for text in texts]
        if len(texts) != len(self._texts):
            raise ValueError(f"texts must hold {len(self._texts)} strings; got {len(texts)}")
        if positions is not None:
            positions = np.asarray(positions, dtype=float).reshape(-1, 2)
            if len(positions) != len(texts):
                raise ValueError(f"positions must hold {len(texts)} (x, y) pairs; got {len(positions)}")
            self.collection.set_offsets(positions)
        colors = ["black"] * len(texts) if colors is None else list(colors)
        self._texts, self._colors = texts, colors
        self.collection.set_paths([self._outline(text) for text in texts])
        self.collection.set_facecolors(colors)

    def get_texts(self):
        """The strings shown, in the order of the positions."""
        return list(self._texts)

    def get_positions(self):
        """Their centres, (count, 2) in data coordinates."""
        return np.asarray(self.collection.get_offsets())

    def get_colors(self):
        """Their colours."""
        return list(self._colors)


def _annotate(values, ax, limit, fontsize):
    texts = []
    for (row, column), value in np.ndenumerate(np.asarray(values, dtype=float)):
        color = "white" if abs(value) > 0.6 * limit else "black"
        texts.append(
            ax.text(column, row, format_number(value), ha="center", va="center", fontsize=fontsize, color=color)
        )
    return texts


def _bare(ax):
    ax.set_xticks([])
    ax.set_yticks([])


def plot_kernel(kernel, ax=None, title=None, fontsize=12):
    """A kernel's weights as coloured cells with the numbers written in them.

    Returns
    -------
    image : matplotlib.image.AxesImage
    texts : list of matplotlib.text.Text, one per weight (row by row)

    Examples
    --------
    >>> from cnnedu.kernels import get_kernel
    >>> figure, ax = new_figure()
    >>> image, texts = plot_kernel(get_kernel("Sobel x"), ax=ax)
    >>> [t.get_text() for t in texts[:3]], image.get_clim()
    (['-1', '0', '1'], (-2.0, 2.0))
    """
    kernel = as_array("kernel", kernel, ndim=2)
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(2.5, 2.5))
    limit = symmetric_limit(kernel)
    image = show_map(kernel, ax=ax, diverging=True, limit=limit, title=title, grid=False)
    texts = _annotate(kernel, ax, limit, fontsize)
    _bare(ax)
    return image, texts


def plot_response(response, ax=None, limit=None, title=None, label="response", percentile=None):
    """A response map in the diverging colours centred on zero, with a
    labelled colour bar.

    Parameters
    ----------
    response : array_like, shape (H, W)
    limit : float, optional
        Colour scale from ``-limit`` to ``+limit``; default the largest
        absolute value of ``response``.
    label : str
        Colour bar label.
    percentile : float, optional
        Instead of the largest absolute value, use this percentile of the
        absolute values as the limit (e.g. 99.5, so that a few extreme
        pixels do not wash out the rest). Values beyond it are drawn in the
        end colours and the colour bar gets pointed ends to say so.

    Returns
    -------
    matplotlib.image.AxesImage

    Examples
    --------
    >>> figure, ax = new_figure()
    >>> image = plot_response([[-2.0, 1.0], [0.5, 0.0]], ax=ax)
    >>> image.get_clim(), image.colorbar.ax.get_ylabel()
    ((-2.0, 2.0), 'response')
    """
    response = as_array("response", response, ndim=2)
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(4, 4))
    if limit is None and percentile is not None:
        limit = max(float(np.percentile(np.abs(response), percentile)), 1e-12)
    image = show_map(response, ax=ax, diverging=True, limit=limit, title=title)
    clipped = limit is not None and float(np.max(np.abs(response))) > limit * (1 + 1e-9)
    ax.figure.colorbar(image, ax=ax, shrink=0.8, label=label, extend="both" if clipped else "neither")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    return image


def plot_picture(values, ax=None, low=None, high=None, title=None, label="grey level"):
    """An output that is itself a picture (a blurred or sharpened image) in
    grey, from ``low`` (black) to ``high`` (white), with a colour bar.

    Values beyond the range are drawn black or white and the colour bar gets
    pointed ends to say so.

    Returns
    -------
    matplotlib.image.AxesImage

    Examples
    --------
    >>> figure, ax = new_figure()
    >>> image = plot_picture([[-1.0, 0.5], [1.5, 0.0]], ax=ax, low=-1, high=1)
    >>> image.get_clim(), image.get_cmap().name
    ((-1.0, 1.0), 'gray')
    """
    values = as_array("values", values, ndim=2)
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(4, 4))
    low = float(np.min(values)) if low is None else float(low)
    high = float(np.max(values)) if high is None else float(high)
    if not high > low:
        raise ValueError(f"high must be larger than low; got low={low}, high={high}")
    image = ax.imshow(values, cmap=IMAGE_CMAP, vmin=low, vmax=high, interpolation="nearest")
    if title:
        ax.set_title(title)
    extend = {(False, False): "neither", (True, False): "min", (False, True): "max", (True, True): "both"}[
        (bool(values.min() < low - 1e-9), bool(values.max() > high + 1e-9))
    ]
    ax.figure.colorbar(image, ax=ax, shrink=0.8, label=label, extend=extend)
    return image


def plot_activation(values, ax=None, limit=None, title=None, label="activation"):
    """A map that cannot be negative (the output of a ReLU) on a sequential
    colour map from 0 (black) to ``limit`` (light yellow), with a colour bar.

    Returns
    -------
    matplotlib.image.AxesImage

    Examples
    --------
    >>> figure, ax = new_figure()
    >>> image = plot_activation([[0.0, 2.0], [1.0, 0.0]], ax=ax)
    >>> image.get_clim(), image.get_cmap().name
    ((0.0, 2.0), 'magma')
    >>> plot_activation([[-1.0]], ax=ax)
    Traceback (most recent call last):
    ...
    ValueError: values must not be negative (an activation after a ReLU); got a minimum of -1.0
    """
    values = as_array("values", values, ndim=2)
    if values.min() < 0:
        raise ValueError(f"values must not be negative (an activation after a ReLU); got a minimum of {values.min()}")
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(4, 4))
    limit = max(float(values.max()), 1e-12) if limit is None else float(limit)
    image = ax.imshow(values, cmap=SEQUENTIAL_CMAP, vmin=0, vmax=limit, interpolation="nearest")
    if title:
        ax.set_title(title)
    ax.figure.colorbar(image, ax=ax, shrink=0.8, label=label)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    return image


def plot_filter_bank(bank, axes=None, image_title="input", percentile=None):
    """An image and its response to each kernel (valid cross-correlation).

    Each signed response has its own colour scale, centred on zero and
    labelled (see :func:`plot_response` for ``percentile``). Responses that
    are pictures (``bank.pictures``: by default the kernels whose weights add
    up to one, box blur, sharpen, identity) are drawn in grey on the image's
    own range, so they compare directly with it. Unused extra axes are hidden.

    Parameters
    ----------
    bank : cnnedu.kernels.FilterBank
        From :func:`cnnedu.kernels.filter_bank`.
    axes : sequence of Axes, optional
        ``len(bank.responses) + 1`` axes; default a new row of them.

    Returns
    -------
    dict of str -> AxesImage
        ``'input'`` and one entry per kernel title.

    Examples
    --------
    >>> from cnnedu.kernels import filter_bank, get_kernel
    >>> images = plot_filter_bank(filter_bank(np.eye(5), {"Sobel x": get_kernel("Sobel x")}))
    >>> images["Sobel x"].get_array().shape
    (3, 3)
    """
    if not isinstance(bank, FilterBank):
        raise TypeError(f"bank must be a FilterBank (from cnnedu.kernels.filter_bank); got {type(bank).__name__}")
    image = bank.image
    count = len(bank.responses) + 1
    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(1, count, figsize=(3.3 * count, 3.4), layout="constrained")
    axes = np.ravel(axes)
    if len(axes) < count:
        raise ValueError(f"axes must hold at least {count} axes (the image and one per kernel); got {len(axes)}")
    drawn = {"input": show_map(image, ax=axes[0], title=image_title)}
    _bare(axes[0])
    low, high = float(image.min()), float(image.max())
    for ax, (title, response) in zip(axes[1:], bank.responses.items(), strict=False):
        if title in bank.pictures and high > low:
            drawn[title] = plot_picture(response, ax=ax, low=low, high=high, title=f"{title} (a picture: grey)")
        else:
            drawn[title] = plot_response(response, ax=ax, title=title, percentile=percentile)
        _bare(ax)
    for ax in axes[count:]:
        ax.set_visible(False)
    return drawn


def scanner_figure(image, figsize=(12, 3.6)):
    """Build the kernel-scanner figure for one image; fill it with
    :func:`update_scanner`.

    Layout, one row read from left to right: the image with the kernel's
    window, the window's pixels, the kernel, their element-wise products
    with the sum, and the output map filling in. One wide, short row keeps
    the whole demo (controls included) on a laptop screen when the notebook
    scales the picture to its width. Titles sit at a fixed height
    (``y=1.0``), which spares matplotlib a search on every redraw.

    Returns
    -------
    figure : matplotlib.figure.Figure
    artists : dict
        'image', 'window_box', 'window', 'window_numbers', 'kernel',
        'kernel_numbers', 'products', 'product_numbers', 'products_title',
        'output', 'output_box', 'output_title', plus the axes.

    Examples
    --------
    >>> figure, artists = scanner_figure(np.zeros((8, 8)))
    >>> len(artists["product_numbers"].get_texts())
    9
    """
    image = as_array("image", image, ndim=2)
    figure, _ = new_figure(1, 1, figsize=figsize)
    figure.clear()
    figure.get_layout_engine().set(w_pad=0.06)
    grid = figure.add_gridspec(1, 5, width_ratios=[1, 0.56, 0.56, 0.56, 1.0])
    ax_image = figure.add_subplot(grid[0, 0])
    ax_window = figure.add_subplot(grid[0, 1])
    ax_kernel = figure.add_subplot(grid[0, 2])
    ax_products = figure.add_subplot(grid[0, 3])
    ax_output = figure.add_subplot(grid[0, 4])
    low, high = float(image.min()), float(image.max())
    if high <= low:
        high = low + 1.0
    artists = {
        "axes": {
            "image": ax_image,
            "output": ax_output,
            "window": ax_window,
            "kernel": ax_kernel,
            "products": ax_products,
        }
    }
    artists["image"] = ax_image.imshow(image, cmap=IMAGE_CMAP, vmin=low, vmax=high, interpolation="none")
    ax_image.set_title("image and the kernel's window", y=1.0)
    artists["window_box"] = ax_image.add_patch(
        Rectangle((-0.5, -0.5), 3, 3, fill=False, edgecolor=WINDOW_COLOR, linewidth=3)
    )
    output_shape = (max(image.shape[0] - 2, 1), max(image.shape[1] - 2, 1))
    ax_output.set_facecolor(UNFILLED_COLOR)
    artists["output"] = ax_output.imshow(
        np.full(output_shape, np.nan), cmap=DIVERGING_CMAP, vmin=-1, vmax=1, interpolation="none"
    )
    artists["colorbar"] = figure.colorbar(artists["output"], ax=ax_output, shrink=0.9, label="response (0 = white)")
    artists["output_title"] = ax_output.set_title("output so far (grey: not yet)", y=1.0)
    artists["output_box"] = ax_output.add_patch(
        Rectangle((-0.5, -0.5), 1, 1, fill=False, edgecolor=WINDOW_COLOR, linewidth=3)
    )
    small = np.zeros((3, 3))
    artists["window"] = ax_window.imshow(small, cmap=IMAGE_CMAP, vmin=low, vmax=high, interpolation="none")
    ax_window.set_title("window\n(pixels)", y=1.0)
    for ax in (ax_window, ax_kernel, ax_products):
        for edge in (0.5, 1.5):
            ax.axhline(edge, color="0.5", linewidth=0.8)
            ax.axvline(edge, color="0.5", linewidth=0.8)
    for spine in ax_window.spines.values():
        spine.set_edgecolor(WINDOW_COLOR)
        spine.set_linewidth(3)
    grid_positions = [(j, i) for i in range(3) for j in range(3)]  # (x, y) of each cell, row by row
    artists["window_numbers"] = CellNumbers(ax_window, grid_positions)
    artists["kernel"] = ax_kernel.imshow(small, cmap=DIVERGING_CMAP, vmin=-1, vmax=1, interpolation="none")
    ax_kernel.set_title("\u00d7 kernel\n(weights)", y=1.0)
    artists["kernel_numbers"] = CellNumbers(ax_kernel, grid_positions)
    artists["products"] = ax_products.imshow(small, cmap=DIVERGING_CMAP, vmin=-1, vmax=1, interpolation="none")
    artists["products_title"] = ax_products.set_title("= products\nsum = -00.00", y=1.0)
    artists["product_numbers"] = CellNumbers(ax_products, grid_positions)
    for ax in artists["axes"].values():
        _bare(ax)
    return figure, artists


def set_colorbar_ticks(colorbar, limit, characters=COLORBAR_LABEL_CHARACTERS):
    """Five fixed ticks from ``-limit`` to ``+limit`` on ``colorbar``, their
    labels padded to ``characters`` digit widths.

    A demo freezes its layout after the first picture. Labels of one width
    ("-12" and "-0.50" alike) keep the colour bar's title where that layout
    put it, inside the figure, whatever the kernel; fixed ticks also spare
    matplotlib a tick search on every redraw. The padding is U+2007, a space
    as wide as a digit.

    Examples
    --------
    >>> figure, ax = new_figure()
    >>> colorbar = figure.colorbar(ax.imshow(np.zeros((2, 2))), ax=ax)
    >>> [label.get_text().rstrip("\u2007") for label in set_colorbar_ticks(colorbar, 12)]
    ['-12', '-6', '0', '6', '12']
    >>> len({len(label.get_text()) for label in set_colorbar_ticks(colorbar, 0.5)})
    1
    """
    ticks = np.linspace(-limit, limit, 5)
    labels = [format_number(tick).ljust(characters, "\u2007") for tick in ticks]
    colorbar.set_ticks(ticks, labels=labels)
    return colorbar.ax.get_yticklabels()


def _set_numbers(numbers, values, limit):
    values = np.ravel(values)
    numbers.set(
        [format_number(value) for value in values],
        ["white" if abs(value) > 0.6 * limit else "black" for value in values],
    )


def update_scanner(artists, step):
    """Show one position of a 3x3 kernel scanning an image.

    The output map shows the valid cross-correlation up to this position in
    reading order (row by row); later cells stay grey. The colour scale of
    the output is fixed for the kernel: from the smallest to the largest
    response any patch of this image's pixel range could give, made
    symmetric around zero (``step.response_limit``).

    Parameters
    ----------
    artists : dict
        From :func:`scanner_figure` (same image shape).
    step : cnnedu.kernels.ScanStep
        From :func:`cnnedu.kernels.scan_step`, with a 3x3 kernel.

    Returns
    -------
    dict
        ``artists``.

    Examples
    --------
    >>> from cnnedu.kernels import get_kernel, scan_step
    >>> image = np.arange(25.0).reshape(5, 5)
    >>> figure, artists = scanner_figure(image)
    >>> update_scanner(artists, scan_step(image, get_kernel("Sobel x"), 1, 0))["products_title"].get_text()
    '= products\\nsum = 8'
    """
    if not isinstance(step, ScanStep):
        raise TypeError(f"step must be a ScanStep (from cnnedu.kernels.scan_step); got {type(step).__name__}")
    kernel, window, products = step.kernel, step.window, step.products
    if kernel.shape != (3, 3):
        raise ValueError(f"kernel must be 3x3 in the scanner; got shape {kernel.shape}")
    row, column = step.row, step.column
    output_limit = step.response_limit
    kernel_limit = symmetric_limit(kernel, minimum=1e-9)
    pixel_extent = max(abs(float(step.image.min())), abs(float(step.image.max())), 1e-9)
    products_limit = kernel_limit * pixel_extent

    artists["window_box"].set_xy((column - 0.5, row - 0.5))
    artists["window"].set_data(window)
    middle = (artists["window"].norm.vmin + artists["window"].norm.vmax) / 2
    artists["window_numbers"].set(
        [format_number(value) for value in window.ravel()],
        ["white" if value < middle else "black" for value in window.ravel()],
    )
    artists["kernel"].set_data(kernel)
    artists["kernel"].set_clim(-kernel_limit, kernel_limit)
    _set_numbers(artists["kernel_numbers"], kernel, kernel_limit)
    artists["products"].set_data(products)
    artists["products"].set_clim(-products_limit, products_limit)
    _set_numbers(artists["product_numbers"], products, products_limit)
    artists["products_title"].set_text(f"= products\nsum = {format_number(step.total)}")
    artists["output"].set_data(step.shown)
    if artists["output"].get_clim() != (-output_limit, output_limit):
        artists["output"].set_clim(-output_limit, output_limit)
        set_colorbar_ticks(artists["colorbar"], output_limit)  # fixed ticks, labels of one width
    artists["output_box"].set_xy((column - 0.5, row - 0.5))
    return artists
