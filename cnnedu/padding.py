"""Padding an image and the output-size formula of a sliding window."""

import numbers

import numpy as np

from cnnedu._checks import as_array, non_negative_int, one_of, positive_int

PAD_MODES = ("constant", "reflect", "replicate", "circular")
_NUMPY_PAD_MODE = {
    "constant": "constant",
    "reflect": "reflect",
    "replicate": "edge",
    "circular": "wrap",
}


def normalize_padding(padding):
    """Return ``padding`` as ``((top, bottom), (left, right))``.

    Accepts an int (same on all four sides), a pair ``(rows, columns)``, or a
    pair of pairs ``((top, bottom), (left, right))``.

    Examples
    --------
    >>> normalize_padding(1)
    ((1, 1), (1, 1))
    >>> normalize_padding((0, 2))
    ((0, 0), (2, 2))
    """
    if isinstance(padding, numbers.Integral) and not isinstance(padding, bool):
        p = non_negative_int("padding", padding)
        return ((p, p), (p, p))
    if isinstance(padding, (tuple, list)) and len(padding) == 2:
        rows, columns = padding
        if all(isinstance(side, (tuple, list)) for side in padding):
            if len(rows) != 2 or len(columns) != 2:
                raise ValueError(
                    f"padding must be an int, (rows, columns) or ((top, bottom), (left, right)); got {padding!r}"
                )
            return tuple(tuple(non_negative_int("padding", v) for v in side) for side in padding)
        rows = non_negative_int("padding", rows)
        columns = non_negative_int("padding", columns)
        return ((rows, rows), (columns, columns))
    raise TypeError(f"padding must be an int, (rows, columns) or ((top, bottom), (left, right)); got {padding!r}")


def pad2d(x, padding, mode="constant"):
    """Pad the last two axes (rows and columns) of ``x``.

    Parameters
    ----------
    x : array_like, shape (H, W) or (..., H, W)
        Image or batch of images.
    padding : int or (rows, columns) or ((top, bottom), (left, right))
        How many cells to add on each side.
    mode : {'constant', 'reflect', 'replicate', 'circular'}
        'constant' adds zeros; 'reflect' mirrors without repeating the border
        cell; 'replicate' repeats the border cell; 'circular' wraps around.

    Returns
    -------
    ndarray, shape (..., H + top + bottom, W + left + right)

    Examples
    --------
    >>> pad2d([[1, 2], [3, 4]], 1)
    array([[0., 0., 0., 0.],
           [0., 1., 2., 0.],
           [0., 3., 4., 0.],
           [0., 0., 0., 0.]])
    >>> pad2d([[1, 2, 3]], (0, 1), mode="replicate")
    array([[1., 1., 2., 3., 3.]])
    """
    x = as_array("x", x, ndim=range(2, 33))
    (top, bottom), (left, right) = normalize_padding(padding)
    one_of("mode", mode, PAD_MODES)
    height, width = x.shape[-2:]
    if mode == "reflect" and (max(top, bottom) >= height or max(left, right) >= width):
        raise ValueError(
            f"reflect padding must be smaller than the input: got padding "
            f"((top, bottom), (left, right))={((top, bottom), (left, right))} for rows x columns {height}x{width}"
        )
    if mode == "circular" and (max(top, bottom) > height or max(left, right) > width):
        raise ValueError(
            f"circular padding must not exceed the input size: got padding "
            f"((top, bottom), (left, right))={((top, bottom), (left, right))} for rows x columns {height}x{width}"
        )
    widths = [(0, 0)] * (x.ndim - 2) + [(top, bottom), (left, right)]
    return np.pad(x, widths, mode=_NUMPY_PAD_MODE[mode])


def kernel_span(kernel_size, dilation=1):
    """Cells covered by a kernel of ``kernel_size`` taps spaced ``dilation`` apart.

    ``span = d (f - 1) + 1``

    Examples
    --------
    >>> kernel_span(3), kernel_span(3, dilation=2)
    (3, 5)
    """
    kernel_size = positive_int("kernel_size", kernel_size)
    dilation = positive_int("dilation", dilation)
    return dilation * (kernel_size - 1) + 1


def output_size(n, kernel_size, stride=1, padding=0, dilation=1):
    """Number of window positions along one axis.

    ``o = floor((n + 2p - d(k - 1) - 1) / s) + 1``

    Parameters
    ----------
    n : int
        Input length (rows or columns), at least 1.
    kernel_size : int
        Kernel length k, at least 1.
    stride : int
        Step s between positions, at least 1.
    padding : int
        Cells p added on *each* side, at least 0.
    dilation : int
        Spacing d between kernel taps, at least 1 (1 = no gaps).

    Returns
    -------
    int

    Raises
    ------
    ValueError
        If the (dilated) kernel is longer than the padded input.

    Examples
    --------
    >>> output_size(32, 3)
    30
    >>> output_size(15, 3, padding=1)
    15
    >>> output_size(7, 3, stride=2, padding=1)
    4
    """
    n = positive_int("n", n)
    kernel_size = positive_int("kernel_size", kernel_size)
    stride = positive_int("stride", stride)
    padding = non_negative_int("padding", padding)
    span = kernel_span(kernel_size, dilation)
    if span > n + 2 * padding:
        raise ValueError(
            f"kernel does not fit: dilated kernel_size {span} (kernel_size={kernel_size}, "
            f"dilation={dilation}) is larger than the padded input n + 2*padding = "
            f"{n} + 2*{padding} = {n + 2 * padding}"
        )
    return (n + 2 * padding - span) // stride + 1
