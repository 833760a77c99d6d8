"""Cross-correlation and convolution of one signal or one image with a kernel.

Cross-correlation slides the kernel as it is; convolution flips it first
(left-right, and up-down in 2-D). Deep-learning libraries compute
cross-correlation and call it convolution.

Each 2-D function has a fast default (a loop over the few kernel offsets, each
one a whole-image multiply-add) and a ``*_loop`` twin that spells out the
definition one output cell at a time, for reading. Tests hold them equal.

Padding conventions follow ``scipy.signal``:

* 'valid': no padding; the kernel must fit inside the input.
* 'full': ``K - 1`` zeros on each side; every input cell meets every tap.
* 'same': output as large as the input. For an even kernel the padding
  cannot be split evenly; we place it exactly where scipy does (see
  :func:`same_padding`).
"""

import numpy as np

from cnnedu._checks import as_array, one_of, positive_int
from cnnedu.padding import kernel_span, pad2d

SCIPY_MODES = ("valid", "same", "full")  # the output sizes of scipy.signal.correlate2d


def same_padding(span, convention):
    """Zeros ``(before, after)`` that make a 'same' output, as scipy places them.

    Parameters
    ----------
    span : int
        Kernel length along the axis (after dilation).
    convention : {'correlate2d', 'other'}
        ``scipy.signal.correlate2d`` puts the larger half *after* the input;
        ``convolve2d``, ``correlate`` and ``convolve`` put it *before*.
        For an odd kernel both give ``(span // 2, span // 2)``.

    Examples
    --------
    >>> same_padding(3, "correlate2d"), same_padding(3, "other")
    ((1, 1), (1, 1))
    >>> same_padding(4, "correlate2d"), same_padding(4, "other")
    ((1, 2), (2, 1))
    """
    if convention == "correlate2d":
        return ((span - 1) // 2, span // 2)
    return (span // 2, (span - 1) // 2)


def _mode_padding(mode, spans, convention):
    # ((top, bottom), (left, right)) for a kernel covering ``spans`` cells
    if mode == "valid":
        return ((0, 0), (0, 0))
    if mode == "full":
        return tuple((span - 1, span - 1) for span in spans)
    return tuple(same_padding(span, convention) for span in spans)


def _check_2d(image, kernel, mode, stride, dilation):
    image = as_array("image", image, ndim=2)
    kernel = as_array("kernel", kernel, ndim=2)
    one_of("mode", mode, SCIPY_MODES)
    stride = positive_int("stride", stride)
    dilation = positive_int("dilation", dilation)
    spans = tuple(kernel_span(k, dilation) for k in kernel.shape)
    if mode == "valid" and (spans[0] > image.shape[0] or spans[1] > image.shape[1]):
        dilated = f" (dilation {dilation} spreads it over {spans[0]}x{spans[1]})" if dilation > 1 else ""
        raise ValueError(
            f"kernel of shape {kernel.shape}{dilated} does not fit in image of shape "
            f"{image.shape} in mode 'valid'; use mode 'same' or 'full', or a smaller kernel"
        )
    return image, kernel, stride, dilation, spans


def _correlate_padded(padded, kernel, stride, dilation):
    """Valid cross-correlation of an already padded image, fast version."""
    rows, columns = padded.shape
    kh, kw = kernel.shape
    out_rows = (rows - kernel_span(kh, dilation)) // stride + 1
    out_columns = (columns - kernel_span(kw, dilation)) // stride + 1
    dtype = np.result_type(padded, kernel)
    out = np.zeros((out_rows, out_columns), dtype=dtype)  # (H_out, W_out)
    row_extent = stride * (out_rows - 1) + 1
    column_extent = stride * (out_columns - 1) + 1
    for i in range(kh):
        for j in range(kw):
            if kernel[i, j] == 0:
                continue
            top, left = i * dilation, j * dilation
            window = padded[top : top + row_extent : stride, left : left + column_extent : stride]
            out += kernel[i, j] * window
    return out


def correlate2d(image, kernel, mode="valid", stride=1, dilation=1):
    """2-D cross-correlation of one image with one kernel (no flip).

    ``Y[r, c] = sum_ij X_pad[r*s + i*d, c*s + j*d] * K[i, j]``

    Parameters
    ----------
    image : array_like, shape (H, W)
    kernel : array_like, shape (kh, kw)
    mode : {'valid', 'same', 'full'}
        Padding, as in ``scipy.signal.correlate2d``.
    stride : int
        Keep every ``stride``-th row and column of the stride-1 result.
    dilation : int
        Spacing between kernel taps (1 = ordinary kernel).

    Returns
    -------
    ndarray, shape (H_out, W_out)

    Examples
    --------
    >>> correlate2d([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 0], [0, -1]])
    array([[-4., -4.],
           [-4., -4.]])
    """
    image, kernel, stride, dilation, spans = _check_2d(image, kernel, mode, stride, dilation)
    padded = pad2d(image, _mode_padding(mode, spans, "correlate2d"))
    return _correlate_padded(padded, kernel, stride, dilation)


def convolve2d(image, kernel, mode="valid", stride=1, dilation=1):
    """2-D convolution: cross-correlation with the kernel flipped both ways.

    Same parameters as :func:`correlate2d`; 'same' padding is placed as in
    ``scipy.signal.convolve2d``.

    Examples
    --------
    >>> convolve2d([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 0], [0, -1]])
    array([[4., 4.],
           [4., 4.]])
    """
    image, kernel, stride, dilation, spans = _check_2d(image, kernel, mode, stride, dilation)
    padded = pad2d(image, _mode_padding(mode, spans, "other"))
    return _correlate_padded(padded, kernel[::-1, ::-1], stride, dilation)


def correlate2d_loop(image, kernel, mode="valid", stride=1, dilation=1):
    """Readable version of :func:`correlate2d`: one output cell at a time.

    Examples
    --------
    >>> correlate2d_loop([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 0], [0, -1]])
    array([[-4., -4.],
           [-4., -4.]])
    """
    image, kernel, stride, dilation, spans = _check_2d(image, kernel, mode, stride, dilation)
    padded = pad2d(image, _mode_padding(mode, spans, "correlate2d"))
    return _correlate_padded_loop(padded, kernel, stride, dilation)


def convolve2d_loop(image, kernel, mode="valid", stride=1, dilation=1):
    """Readable version of :func:`convolve2d`: flip the kernel, then correlate.

    Examples
    --------
    >>> convolve2d_loop([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 0], [0, -1]])
    array([[4., 4.],
           [4., 4.]])
    """
    image, kernel, stride, dilation, spans = _check_2d(image, kernel, mode, stride, dilation)
    padded = pad2d(image, _mode_padding(mode, spans, "other"))
    flipped = kernel[::-1, ::-1]  # convolution = correlation with the flipped kernel
    return _correlate_padded_loop(padded, flipped, stride, dilation)


def _correlate_padded_loop(padded, kernel, stride, dilation):
    kh, kw = kernel.shape
    out_rows = (padded.shape[0] - kernel_span(kh, dilation)) // stride + 1
    out_columns = (padded.shape[1] - kernel_span(kw, dilation)) // stride + 1
    out = np.zeros((out_rows, out_columns), dtype=np.result_type(padded, kernel))
    for r in range(out_rows):
        for c in range(out_columns):
            total = 0.0
            for i in range(kh):
                for j in range(kw):
                    total += padded[r * stride + i * dilation, c * stride + j * dilation] * kernel[i, j]
            out[r, c] = total
    return out


def _check_1d(x, kernel, mode):
    x = as_array("x", x, ndim=1)
    kernel = as_array("kernel", kernel, ndim=1)
    one_of("mode", mode, SCIPY_MODES)
    if mode == "valid" and len(kernel) > len(x):
        raise ValueError(
            f"kernel of length {len(kernel)} does not fit in x of length {len(x)} in mode "
            f"'valid'; use mode 'same' or 'full', or a shorter kernel"
        )
    return x, kernel


def correlate1d(x, kernel, mode="valid"):
    """1-D cross-correlation, as ``scipy.signal.correlate`` computes it.

    ``y[t] = sum_i x_pad[t + i] * kernel[i]``

    Examples
    --------
    >>> correlate1d([1, 2, 3], [1, 1, 1], mode="same")
    array([3., 6., 5.])
    >>> correlate1d([3, 2, 1, 0], [1, -1])
    array([1., 1., 1.])
    """
    x, kernel = _check_1d(x, kernel, mode)
    padding = ((0, 0), _mode_padding(mode, (len(kernel),), "other")[0])
    padded = pad2d(x[np.newaxis, :], padding)
    return _correlate_padded(padded, kernel[np.newaxis, :], 1, 1)[0]


def convolve1d(x, kernel, mode="valid"):
    """1-D convolution, as ``scipy.signal.convolve`` computes it.

    ``y[t] = sum_i x[i] * kernel[t - i]``: the kernel is reversed in time.

    Examples
    --------
    >>> convolve1d([1, 0, 0], [1, 2, 3], mode="full")
    array([1., 2., 3., 0., 0.])
    >>> convolve1d([3, 2, 1, 0], [1, -1])
    array([-1., -1., -1.])
    """
    x, kernel = _check_1d(x, kernel, mode)
    padding = ((0, 0), _mode_padding(mode, (len(kernel),), "other")[0])
    padded = pad2d(x[np.newaxis, :], padding)
    return _correlate_padded(padded, kernel[np.newaxis, ::-1], 1, 1)[0]
