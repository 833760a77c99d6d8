"""Where a sliding window goes: its positions, the cells it covers and the
cells it picks.

Lesson 03 asks "which input cells does each kernel position touch, and how
often is each cell seen?"; lesson 04 asks "which cell does each max-pooling
window pick?" and "how much does a map change when its input moves?".
The answers are small arrays computed here, so the plots and demos only
draw them: :func:`padding_geometry` and :func:`pooling_geometry` gather
everything a lesson's picture shows into one object (:class:`PaddingGeometry`,
:class:`PoolingGeometry`) that a plotting function is handed.

Coordinates are those of the *padded* input: with ``before`` zeros added in
front, input cell ``i`` sits at padded index ``i + before``.
"""

import numbers
from dataclasses import dataclass

import numpy as np

from cnnedu._checks import as_array, non_negative_int, one_of, positive_int
from cnnedu.correlate import convolve2d, correlate2d, same_padding
from cnnedu.padding import kernel_span, output_size, pad2d
from cnnedu.pooling import POOLING_KINDS, max_pool2d_forward, pool

PADDING_MODES = ("explicit", "valid", "same", "full")  # how the input of a 1-D coverage is padded


def _padding_pair(padding):
    """``padding`` as ``(before, after)``: an int means the same on both sides."""
    if isinstance(padding, numbers.Integral) and not isinstance(padding, bool):
        p = non_negative_int("padding", padding)
        return p, p
    if isinstance(padding, (tuple, list)) and len(padding) == 2:
        return tuple(non_negative_int("padding", side) for side in padding)
    raise TypeError(f"padding must be an int or a pair (before, after); got {padding!r}")


def mode_padding(kernel_size, mode, padding=0, dilation=1, convention="correlate2d"):
    """Zeros ``(before, after)`` that a padding mode adds along one axis.

    Parameters
    ----------
    kernel_size : int
    mode : {'explicit', 'valid', 'same', 'full'}
        'explicit' uses ``padding`` on each side; 'valid' adds nothing;
        'same' adds ``span - 1`` zeros in total, split as scipy splits them;
        'full' adds ``span - 1`` on each side.
    padding : int
        Only for 'explicit'.
    dilation : int
    convention : {'correlate2d', 'other'}
        Where 'same' puts the larger half for an even span:
        ``scipy.signal.correlate2d`` (and PyTorch's ``padding='same'``) put
        it after the input, ``convolve2d``/``correlate``/``convolve`` before
        (see :func:`cnnedu.correlate.same_padding`).

    Returns
    -------
    (int, int)

    Examples
    --------
    >>> mode_padding(3, "same"), mode_padding(3, "full"), mode_padding(3, "explicit", padding=2)
    ((1, 1), (2, 2), (2, 2))
    >>> mode_padding(4, "same"), mode_padding(4, "same", convention="other")
    ((1, 2), (2, 1))
    """
    one_of("mode", mode, PADDING_MODES)
    one_of("convention", convention, ("correlate2d", "other"))
    span = kernel_span(kernel_size, dilation)
    padding = non_negative_int("padding", padding)
    if mode == "explicit":
        return padding, padding
    if mode == "valid":
        return 0, 0
    if mode == "full":
        return span - 1, span - 1
    return same_padding(span, convention)


def window_positions(n, kernel_size, stride=1, padding=0, dilation=1):
    """Padded indices of the taps of every window position along one axis.

    Window ``k`` starts at ``k * s`` and its taps sit at
    ``k * s + j * d`` for ``j = 0 .. f - 1``. There are
    ``o = floor((n + before + after - d (f - 1) - 1) / s) + 1`` positions.

    Parameters
    ----------
    n : int
        Input length.
    kernel_size : int
        Number of taps f.
    stride : int
    padding : int or (before, after)
        Zeros added on each side (an int: the same on both sides).
    dilation : int

    Returns
    -------
    ndarray of int, shape (o, kernel_size)
        Row k lists the padded indices window k reads.

    Raises
    ------
    ValueError
        If the dilated kernel is longer than the padded input.

    Examples
    --------
    >>> window_positions(5, 3, stride=2)
    array([[0, 1, 2],
           [2, 3, 4]])
    >>> window_positions(4, 2, padding=1, dilation=2)
    array([[0, 2],
           [1, 3],
           [2, 4],
           [3, 5]])
    """
    n = positive_int("n", n)
    kernel_size = positive_int("kernel_size", kernel_size)
    stride = positive_int("stride", stride)
    dilation = positive_int("dilation", dilation)
    before, after = _padding_pair(padding)
    length = n + before + after
    span = kernel_span(kernel_size, dilation)
    if span > length:
        raise ValueError(
            f"kernel does not fit: kernel_size {kernel_size} with dilation {dilation} spans {span} cells, "
            f"more than the padded input n + padding = {n} + {before + after} = {length}"
        )
    count = (length - span) // stride + 1
    starts = np.arange(count) * stride  # (o,)
    taps = np.arange(kernel_size) * dilation  # (f,)
    return starts[:, np.newaxis] + taps[np.newaxis, :]  # (o, f)


def axis_coverage(n, kernel_size, stride=1, padding=0, dilation=1):
    """How many window positions read each padded cell along one axis.

    Examples
    --------
    >>> axis_coverage(3, 3, padding=1)
    array([1, 2, 3, 2, 1])
    >>> axis_coverage(6, 2, stride=3)
    array([1, 1, 0, 1, 1, 0])
    """
    positions = window_positions(n, kernel_size, stride, padding, dilation)
    before, after = _padding_pair(padding)
    return np.bincount(positions.ravel(), minlength=n + before + after)


def coverage_counts(n, kernel_size, stride=1, padding=0, dilation=1):
    """How many 2-D window positions read each cell of the padded input.

    A square kernel slides over a square (or rectangular) input with the same
    stride, padding and dilation along rows and columns. Window (r, c) covers
    cell (i, j) when row position r covers i and column position c covers j,
    so the count is the product of the two 1-D counts.

    Parameters
    ----------
    n : int or (rows, columns)
        Input size.
    kernel_size, stride, dilation : int
    padding : int or (before, after)
        The same on rows and columns.

    Returns
    -------
    ndarray of int, shape (rows + before + after, columns + before + after)
        Cells with count 0 are never read; inside the input they are lost.

    Examples
    --------
    >>> coverage_counts(3, 2)
    array([[1, 2, 1],
           [2, 4, 2],
           [1, 2, 1]])
    >>> coverage_counts(4, 2, stride=3)
    array([[1, 1, 0, 0],
           [1, 1, 0, 0],
           [0, 0, 0, 0],
           [0, 0, 0, 0]])
    """
    if isinstance(n, (tuple, list)):
        if len(n) != 2:
            raise ValueError(f"n must be an int or a pair (rows, columns); got {n!r}")
        rows, columns = n
    else:
        rows = columns = n
    row_counts = axis_coverage(rows, kernel_size, stride, padding, dilation)
    column_counts = axis_coverage(columns, kernel_size, stride, padding, dilation)
    return np.outer(row_counts, column_counts)  # (rows_padded, columns_padded)


def never_visited(n, kernel_size, stride=1, padding=0, dilation=1):
    """Input indices (unpadded, 0-based) that no window reads along one axis.

    Examples
    --------
    >>> never_visited(10, 3, stride=4)
    array([3, 7, 8, 9])
    >>> never_visited(5, 3, padding=1).size
    0
    """
    before, _ = _padding_pair(padding)
    counts = axis_coverage(n, kernel_size, stride, padding, dilation)
    inside = counts[before : before + n]
    return np.flatnonzero(inside == 0)


def pool_winners(x, size, stride=None):
    """Row and column of the cell each max-pooling window picks.

    The winner is the first maximum in reading order, as in
    :func:`cnnedu.max_pool2d_forward` (and PyTorch).

    Parameters
    ----------
    x : array_like, shape (H, W)
    size : int
    stride : int, optional
        Defaults to ``size``.

    Returns
    -------
    rows, columns : ndarray of int, shape (H_out, W_out) each

    Examples
    --------
    >>> x = [[1, 3, 2, 4], [5, 6, 7, 8], [9, 2, 3, 1], [4, 0, 1, 5]]
    >>> rows, columns = pool_winners(x, 2)
    >>> rows.tolist(), columns.tolist()
    ([[1, 1], [2, 3]], [[1, 3], [0, 3]])
    """
    x = as_array("x", x, ndim=2)
    _, (_, size, stride, winner) = max_pool2d_forward(x, size, stride)
    out_h, out_w = winner.shape
    rows = np.arange(out_h)[:, np.newaxis] * stride + winner // size  # (H_out, W_out)
    columns = np.arange(out_w)[np.newaxis, :] * stride + winner % size  # (H_out, W_out)
    return rows.astype(np.int64), columns.astype(np.int64)


def tied_maxima(x, size, stride=None):
    """How many cells of each max-pooling window hold its maximum.

    A count above 1 is a tie: only one of those cells may receive the
    window's gradient.

    Examples
    --------
    >>> tied_maxima([[4, 4, 1, 2], [0, 1, 3, 0]], 2)
    array([[2, 1]])
    """
    x = as_array("x", x, ndim=2)
    size = positive_int("size", size)
    stride = size if stride is None else positive_int("stride", stride)
    if size > min(x.shape):
        raise ValueError(f"pooling window size {size} does not fit in a {x.shape[0]}x{x.shape[1]} map")
    windows = np.lib.stride_tricks.sliding_window_view(x, (size, size))[
        ::stride, ::stride
    ]  # (H_out, W_out, size, size)
    maxima = windows.max(axis=(2, 3), keepdims=True)
    return (windows == maxima).sum(axis=(2, 3))


def relative_change(before, after):
    """Total absolute change relative to the total size of ``before``:
    ``sum |after - before| / sum |before|``.

    0 means unchanged; 1 means the change is as large as the map itself.

    Examples
    --------
    >>> relative_change([1, 2, 3, 4], [1, 2, 3, 2])
    0.2
    """
    before = as_array("before", before)
    after = as_array("after", after)
    if before.shape != after.shape:
        raise ValueError(f"before and after must have the same shape; got {before.shape} and {after.shape}")
    total = np.abs(before).sum()
    if total == 0:
        raise ValueError("before is all zeros, so a relative change is undefined")
    return float(np.abs(after - before).sum() / total)


# --------------------------------------------------------------------- lesson 03: one padding setting

# the padding explorer's mode labels -> (mode of :func:`mode_padding`, where 'same' puts the larger half,
# the cnnedu function whose output shape the explorer shows beside the formula)
LABELLED_PADDING_MODES = {
    "explicit padding p": ("explicit", "correlate2d", correlate2d),
    "valid": ("valid", "correlate2d", correlate2d),
    "same (as correlate2d)": ("same", "correlate2d", correlate2d),
    "same (as convolve2d)": ("same", "other", convolve2d),
    "full": ("full", "correlate2d", correlate2d),
}


@dataclass(frozen=True, eq=False)
class PaddingGeometry:
    """Where a square kernel goes on a padded square input: what lesson 03's
    pictures show, computed by :func:`padding_geometry`.

    Attributes
    ----------
    n, kernel_size, stride, padding, dilation : int
        The setting (``padding`` is the explicit one, used only by the mode
        'explicit padding p').
    mode : str
        A key of :data:`LABELLED_PADDING_MODES`.
    padding_mode : {'explicit', 'valid', 'same', 'full'}
        What the mode means for :func:`mode_padding`.
    function_name : str
        The cnnedu function that computed ``computed_shape``.
    before, after : int
        Zeros added in front of and after the input, along each axis.
    length : int
        Padded size, ``n + before + after``.
    span : int
        Cells one window covers, ``dilation * (kernel_size - 1) + 1``.
    positions : ndarray of int, shape (o, kernel_size)
        Padded indices of every window's taps along one axis
        (:func:`window_positions`).
    counts : ndarray of int, shape (length, length)
        How many windows read each padded cell (:func:`coverage_counts`).
    output_size : int
        ``o`` from the formula (:func:`cnnedu.padding.output_size`).
    computed_shape : (int, int)
        Shape of the cnnedu function's output for an n x n input.
    """

    n: int
    kernel_size: int
    stride: int
    padding: int
    dilation: int
    mode: str
    padding_mode: str
    function_name: str
    before: int
    after: int
    length: int
    span: int
    positions: np.ndarray
    counts: np.ndarray
    output_size: int
    computed_shape: tuple


def padding_geometry(n, kernel_size, stride=1, padding=0, dilation=1, mode="explicit padding p"):
    """Everything lesson 03's padding pictures show, for one setting.

    Parameters
    ----------
    n : int
        Input size (n x n).
    kernel_size, stride, padding, dilation : int
        ``padding`` is used only by the mode 'explicit padding p'.
    mode : str
        A key of :data:`LABELLED_PADDING_MODES`: 'explicit padding p',
        'valid', 'same (as correlate2d)', 'same (as convolve2d)', 'full'.

    Returns
    -------
    PaddingGeometry

    Raises
    ------
    ValueError
        With a student-readable message when the kernel does not fit.

    Examples
    --------
    >>> geometry = padding_geometry(7, 3, stride=2, padding=1)
    >>> geometry.output_size, geometry.computed_shape
    (4, (4, 4))
    >>> [padding_geometry(4, 2, mode=mode).before for mode in ("same (as correlate2d)", "same (as convolve2d)")]
    [0, 1]
    """
    one_of("mode", mode, tuple(LABELLED_PADDING_MODES))
    n = positive_int("n", n)
    kernel_size = positive_int("kernel_size", kernel_size)
    stride = positive_int("stride", stride)
    dilation = positive_int("dilation", dilation)
    padding_mode, convention, function = LABELLED_PADDING_MODES[mode]
    span = kernel_span(kernel_size, dilation)
    before, after = mode_padding(kernel_size, padding_mode, padding, dilation, convention)
    length = n + before + after
    if span > length:
        dilated = f" with dilation {dilation}" if dilation > 1 else ""
        raise ValueError(
            f"the kernel does not fit: {kernel_size} taps{dilated} span {span} cells, but the padded input has only "
            f"n + padding = {n} + {before + after} = {length}. Add padding, use a bigger input, or a smaller kernel."
        )
    positions = window_positions(n, kernel_size, stride, (before, after), dilation)  # (o, f)
    counts = coverage_counts(n, kernel_size, stride, (before, after), dilation)  # (length, length)
    image, kernel = np.ones((n, n)), np.ones((kernel_size, kernel_size))
    if padding_mode == "explicit":  # the shape cnnedu itself computes, beside the formula's
        computed_shape = correlate2d(pad2d(image, padding), kernel, stride=stride, dilation=dilation).shape
    else:
        computed_shape = function(image, kernel, mode=padding_mode, stride=stride, dilation=dilation).shape
    return PaddingGeometry(
        n=n,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        dilation=dilation,
        mode=mode,
        padding_mode=padding_mode,
        function_name=function.__name__,
        before=before,
        after=after,
        length=length,
        span=span,
        positions=positions,
        counts=counts,
        output_size=output_size(length, kernel_size, stride, 0, dilation),
        computed_shape=tuple(computed_shape),
    )


# --------------------------------------------------------------------- lesson 04: one pooling setting

EXAMPLE_MAP = np.array([[1, 3, 2, 4], [5, 6, 7, 8], [9, 2, 3, 1], [4, 0, 1, 5]], dtype=float)
EXAMPLE_MAPS = ("4x4 example", "random 6x6")  # the names :func:`example_map` takes


def example_map(name="4x4 example"):
    """An integer map for the pooling pictures.

    '4x4 example' is lesson 04's worked example; 'random 6x6' is a fixed
    (seeded) map of integers 0-9.

    Examples
    --------
    >>> example_map()[1].tolist()
    [5.0, 6.0, 7.0, 8.0]
    >>> example_map("random 6x6").shape
    (6, 6)
    """
    one_of("name", name, EXAMPLE_MAPS)
    if name == "4x4 example":
        return EXAMPLE_MAP.copy()
    return np.random.default_rng(4).integers(0, 10, size=(6, 6)).astype(float)


@dataclass(frozen=True, eq=False)
class PoolingGeometry:
    """Where the pooling windows of one setting go on a map, and what they
    give: what lesson 04's pooling picture shows, computed by
    :func:`pooling_geometry`.

    Attributes
    ----------
    x : ndarray, shape (H, W)
        The map.
    size, stride : int
    kind : {'max', 'average'}
    output : ndarray, shape (H_out, W_out)
        The pooled map.
    windows : ndarray of int, shape (H_out * W_out, 2)
        (top, left) of every window, in reading order (the order of the
        output cells).
    winners : (ndarray, ndarray) or None
        Rows and columns, (H_out, W_out) each, of the cell each window picks
        (max pooling; None for average pooling). See :func:`pool_winners`.
    unpooled : ndarray of bool, shape (H, W)
        Cells that no window reaches.
    """

    x: np.ndarray
    size: int
    stride: int
    kind: str
    output: np.ndarray
    windows: np.ndarray
    winners: tuple | None
    unpooled: np.ndarray


def pooling_geometry(x, size, stride=None, kind="max"):
    """Everything lesson 04's pooling picture shows, for one setting.

    Parameters
    ----------
    x : array_like, shape (H, W)
    size : int
        Window size.
    stride : int, optional
        Defaults to ``size``.
    kind : {'max', 'average'}

    Returns
    -------
    PoolingGeometry

    Raises
    ------
    ValueError
        When the window does not fit in the map.

    Examples
    --------
    >>> geometry = pooling_geometry(EXAMPLE_MAP, 3, stride=2)
    >>> geometry.output.tolist(), geometry.windows.tolist(), int(geometry.unpooled.sum())
    ([[9.0]], [[0, 0]], 7)
    """
    x = as_array("x", x, ndim=2)
    size = positive_int("size", size)
    stride = size if stride is None else positive_int("stride", stride)
    one_of("kind", kind, POOLING_KINDS)
    if size > min(x.shape):
        raise ValueError(
            f"a {size}x{size} window does not fit in the {x.shape[0]}x{x.shape[1]} map; choose a smaller window"
        )
    output = pool(x, size, stride, kind)  # (H_out, W_out)
    out_h, out_w = output.shape
    tops, lefts = np.meshgrid(np.arange(out_h) * stride, np.arange(out_w) * stride, indexing="ij")
    windows = np.column_stack([tops.ravel(), lefts.ravel()])  # (H_out * W_out, 2), reading order
    return PoolingGeometry(
        x=x,
        size=size,
        stride=stride,
        kind=kind,
        output=output,
        windows=windows,
        winners=pool_winners(x, size, stride) if kind == "max" else None,
        unpooled=coverage_counts(x.shape, size, stride) == 0,
    )
