"""Max and average pooling: forward and backward side by side.

A pooling window of ``size`` x ``size`` cells moves ``stride`` cells at a time
(``stride`` defaults to ``size``: windows that tile the map without overlap).
The output has ``floor((H + 2*padding - size) / stride) + 1`` rows; cells past
the last full window are not pooled, as in PyTorch. ``size``, ``stride`` and
``padding`` are each an int (both axes) or a pair (rows, columns).

Padding, as in PyTorch, may be at most half the window, so that every window
keeps at least one real cell. Max pooling pads with -inf (a padded cell never
wins); average pooling pads with zeros and still divides by the whole window
(PyTorch's default, ``count_include_pad=True``), so a window half in the
padding averages its real cells with zeros.

Gradients:

* max pooling sends each window's gradient to **one** cell, the first
  maximum in reading order (as PyTorch does); when several cells tie, giving
  all of them the gradient would count it twice.
* average pooling shares each window's gradient equally among its cells
  (the share of padded cells is dropped).
"""

import numpy as np

from cnnedu._checks import as_array, int_pair, one_of

POOLING_KINDS = ("max", "average")  # the names :func:`pool` takes


class PoolCache(tuple):
    """What a pooling backward pass needs: ``(x_shape, size, stride, winner)``
    (``y_shape`` in place of ``winner`` for average pooling), with the
    ``padding`` as an attribute.

    It stays a tuple of four, as it was before pooling took padding, so code
    that unpacks it or reads ``cache[3]`` keeps working.
    """

    def __new__(cls, x_shape, size, stride, last, padding=(0, 0)):
        cache = super().__new__(cls, (x_shape, size, stride, last))
        cache.padding = padding
        return cache


def _check_pool(x, size, stride, padding=0, allowed_ndim=(2, 4)):
    """Checked ``x`` and the geometry: window, stride and padding as (rows, columns) pairs, H_out, W_out."""
    x = as_array("x", x, ndim=allowed_ndim)
    window = int_pair("size", size)
    steps = window if stride is None else int_pair("stride", stride)
    pads = int_pair("padding", padding, minimum=0)
    if any(2 * p > k for p, k in zip(pads, window, strict=True)):
        raise ValueError(
            f"padding must be at most half the window, as in PyTorch (else a window could hold only "
            f"padding): a {window[0]}x{window[1]} window allows padding up to "
            f"({window[0] // 2}, {window[1] // 2}); got padding={padding!r}"
        )
    height, width = x.shape[-2:]
    padded_h, padded_w = height + 2 * pads[0], width + 2 * pads[1]
    if window[0] > padded_h or window[1] > padded_w:
        padded = "" if pads == (0, 0) else f" (padded to {padded_h}x{padded_w})"
        raise ValueError(
            f"pooling window size {size} does not fit in a {height}x{width} map{padded} (x of shape {x.shape})"
        )
    out_h = (padded_h - window[0]) // steps[0] + 1
    out_w = (padded_w - window[1]) // steps[1] + 1
    return x, window, steps, pads, out_h, out_w


def _pad(x, pads, value):
    """``x`` with ``pads`` = (rows, columns) cells of ``value`` on each side of its last two axes."""
    if pads == (0, 0):
        return x
    widths = [(0, 0)] * (x.ndim - 2) + [(pads[0], pads[0]), (pads[1], pads[1])]
    return np.pad(x, widths, constant_values=value)


def _crop(grad_padded, pads):
    """Drop the padding again: the gradient of the real cells only."""
    if pads == (0, 0):
        return grad_padded
    rows, columns = pads
    return np.ascontiguousarray(
        grad_padded[..., rows : grad_padded.shape[-2] - rows, columns : grad_padded.shape[-1] - columns]
    )


def _windows(x, window, steps, out_h, out_w):
    """Yield ``(index, i, j, view)``: the cell at offset (i, j) of every window, ``index = i * kw + j``."""
    (kh, kw), (stride_h, stride_w) = window, steps
    row_extent = stride_h * (out_h - 1) + 1
    column_extent = stride_w * (out_w - 1) + 1
    for i in range(kh):
        for j in range(kw):
            view = x[..., i : i + row_extent : stride_h, j : j + column_extent : stride_w]
            yield i * kw + j, i, j, view


def max_pool2d_forward(x, size, stride=None, padding=0):
    """Max pooling with a cache for the backward pass.

    Parameters
    ----------
    x : array_like, shape (H, W) or (N, C, H, W)
    size : int or (rows, columns)
        Window height and width.
    stride : int or (rows, columns), optional
        Step between windows; defaults to ``size``.
    padding : int or (rows, columns)
        Cells of -inf added on each side, at most half the window (as in
        PyTorch); a padded cell never wins.

    Returns
    -------
    y : ndarray, shape (..., H_out, W_out)
    cache : PoolCache
        Input shape, window, stride and, for each output, the offset
        ``i * kw + j`` of the cell that won in its window (``i * size + j``
        for a square window); the padding is ``cache.padding``.

    Examples
    --------
    >>> y, cache = max_pool2d_forward([[1, 3], [3, 2]], 2)
    >>> y, cache[3]
    (array([[3.]]), array([[1]], dtype=int32))
    >>> max_pool2d_forward([[-1, -3], [-3, -2]], 2, stride=1, padding=1)[0]
    array([[-1., -1., -3.],
           [-1., -1., -2.],
           [-3., -2., -2.]])
    """
    x, window, steps, pads, out_h, out_w = _check_pool(x, size, stride, padding)
    cache_size, cache_stride = size, (size if stride is None else stride)
    if window == steps == (2, 2) and pads == (0, 0):
        y, winner = _max_pool_2x2(x, out_h, out_w)
        return y, PoolCache(x.shape, cache_size, cache_stride, winner)
    x_padded = _pad(x, pads, -np.inf)
    real = _pad(np.ones(x.shape[-2:], dtype=bool), pads, False)  # (H_pad, W_pad): False on the padding
    y = None
    winner = np.zeros(x.shape[:-2] + (out_h, out_w), dtype=np.int32)
    cells = zip(
        _windows(x_padded, window, steps, out_h, out_w), _windows(real, window, steps, out_h, out_w), strict=True
    )
    for (index, _, _, view), (_, _, _, real_view) in cells:
        if y is None:
            y = view.copy()
            winner_is_real = real_view
            continue
        better = view > y  # strictly greater: ties keep the first maximum
        if pads != (0, 0):  # a padded cell (-inf) loses even to a real -inf (only then does this change anything)
            better |= real_view & ~winner_is_real
            winner_is_real = winner_is_real | better
        np.copyto(y, view, where=better)
        np.copyto(winner, index, where=better)
    return y, PoolCache(x.shape, cache_size, cache_stride, winner, pads)


def _max_pool_2x2(x, out_h, out_w):
    """Fast path for 2x2 windows with stride 2 (the common case).

    The four cells of every window are four strided views; two pairwise
    maxima and one more give the result. The first maximum in reading order
    wins ties, exactly as in the general loop: a later cell must be strictly
    greater to take over.

    It pays: forward + backward of a float32 batch took 0.40 ms against 1.24 ms
    on the general path for (64, 16, 8, 8) (lesson 08's network), 1.2 ms
    against 6.0 ms for (64, 8, 28, 28) and 2.9 ms against 11.6 ms for
    (16, 16, 64, 64) (medians of 11 interleaved blocks on the 2-core machine).
    """
    cells = x[..., : 2 * out_h, : 2 * out_w].reshape(x.shape[:-2] + (out_h, 2, out_w, 2))
    top_left, top_right = cells[..., 0, :, 0], cells[..., 0, :, 1]
    bottom_left, bottom_right = cells[..., 1, :, 0], cells[..., 1, :, 1]
    top = np.maximum(top_left, top_right)
    bottom = np.maximum(bottom_left, bottom_right)
    y = np.maximum(top, bottom)
    # winner offsets i * 2 + j: 0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right
    # arithmetic instead of np.where: no data-dependent branch per window (much faster)
    top_winner = (top_right > top_left).astype(np.int32)  # 0 or 1
    bottom_winner = (bottom_right > bottom_left).astype(np.int32) + 2  # 2 or 3
    bottom_wins = bottom > top  # strictly greater: a tie keeps the top row
    winner = top_winner + bottom_wins * (bottom_winner - top_winner)
    return y, winner


def _cache_geometry(cache):
    """Window, stride and padding of a pooling cache as (rows, columns) pairs."""
    _, size, stride, _ = cache
    return int_pair("size", size), int_pair("stride", stride), int_pair("padding", getattr(cache, "padding", 0), 0)


def _padded_shape(x_shape, pads):
    return tuple(x_shape[:-2]) + (x_shape[-2] + 2 * pads[0], x_shape[-1] + 2 * pads[1])


def max_pool2d_backward(grad_output, cache):
    """Backward pass of :func:`max_pool2d_forward`: each window's gradient goes
    to its (first) maximum only.

    Examples
    --------
    >>> y, cache = max_pool2d_forward([[1, 3], [3, 2]], 2)
    >>> max_pool2d_backward([[10.0]], cache)
    array([[ 0., 10.],
           [ 0.,  0.]])
    """
    x_shape, _, _, winner = cache
    window, steps, pads = _cache_geometry(cache)
    grad_output = _check_grad(grad_output, winner.shape)
    out_h, out_w = winner.shape[-2:]
    if window == steps == (2, 2) and pads == (0, 0):  # fast path: write each of the four cells of every window
        grad_x = np.zeros(x_shape, dtype=grad_output.dtype)
        # splitting each axis in two is always a view, so these writes land in grad_x
        cells = grad_x[..., : 2 * out_h, : 2 * out_w].reshape(tuple(x_shape[:-2]) + (out_h, 2, out_w, 2))
        for index in range(4):
            # multiply by the 0/1 mask rather than a masked copy: no branch per element
            np.multiply(grad_output, winner == index, out=cells[..., index // 2, :, index % 2])
        return grad_x
    grad_padded = np.zeros(_padded_shape(x_shape, pads), dtype=grad_output.dtype)
    for index, _, _, view in _windows(grad_padded, window, steps, out_h, out_w):
        view += np.where(winner == index, grad_output, 0)
    return _crop(grad_padded, pads)  # a padded cell never wins, so nothing is lost


def avg_pool2d_forward(x, size, stride=None, padding=0):
    """Average pooling with a cache for the backward pass.

    Same arguments as :func:`max_pool2d_forward`, but padding adds zeros,
    and every window is divided by its full number of cells, padded ones
    included (PyTorch's default ``count_include_pad=True``).

    Examples
    --------
    >>> y, cache = avg_pool2d_forward([[1, 3], [3, 2]], 2)
    >>> y
    array([[2.25]])
    >>> avg_pool2d_forward([[4, 8]], (1, 2), padding=(0, 1))[0]  # [0, 4] and [8, 0]
    array([[2., 4.]])
    """
    x, window, steps, pads, out_h, out_w = _check_pool(x, size, stride, padding)
    x_padded = _pad(x, pads, 0.0)
    y = np.zeros(x.shape[:-2] + (out_h, out_w), dtype=x.dtype)
    for _, _, _, view in _windows(x_padded, window, steps, out_h, out_w):
        y += view
    y /= window[0] * window[1]
    return y, PoolCache(x.shape, size, size if stride is None else stride, y.shape, pads)


def avg_pool2d_backward(grad_output, cache):
    """Backward pass of :func:`avg_pool2d_forward`: each cell of a window gets
    ``1 / (kh * kw)`` of the window's gradient.

    Examples
    --------
    >>> y, cache = avg_pool2d_forward([[1, 3], [3, 2]], 2)
    >>> avg_pool2d_backward([[4.0]], cache)
    array([[1., 1.],
           [1., 1.]])
    """
    x_shape, _, _, y_shape = cache
    window, steps, pads = _cache_geometry(cache)
    grad_output = _check_grad(grad_output, y_shape)
    grad_padded = np.zeros(_padded_shape(x_shape, pads), dtype=grad_output.dtype)
    share = grad_output / (window[0] * window[1])
    for _, _, _, view in _windows(grad_padded, window, steps, *y_shape[-2:]):
        view += share
    return _crop(grad_padded, pads)  # the shares of padded cells are dropped


def _check_grad(grad_output, expected_shape):
    grad_output = as_array("grad_output", grad_output, ndim=len(expected_shape))
    if grad_output.shape != tuple(expected_shape):
        raise ValueError(
            f"grad_output must have the shape of the forward output {tuple(expected_shape)}; got {grad_output.shape}"
        )
    return grad_output


def max_pool2d(x, size, stride=None, padding=0):
    """Max pooling of a map (H, W) or a batch (N, C, H, W); arguments as in :func:`max_pool2d_forward`.

    Examples
    --------
    >>> x = [[1, 3, 2, 4], [5, 6, 7, 8], [9, 2, 3, 1], [4, 0, 1, 5]]
    >>> max_pool2d(x, 2)
    array([[6., 8.],
           [9., 5.]])
    """
    return max_pool2d_forward(x, size, stride, padding)[0]


def avg_pool2d(x, size, stride=None, padding=0):
    """Average pooling of a map (H, W) or a batch (N, C, H, W); arguments as in :func:`avg_pool2d_forward`.

    Examples
    --------
    >>> x = [[1, 3, 2, 4], [5, 6, 7, 8], [9, 2, 3, 1], [4, 0, 1, 5]]
    >>> avg_pool2d(x, 2)
    array([[3.75, 5.25],
           [3.75, 2.5 ]])
    """
    return avg_pool2d_forward(x, size, stride, padding)[0]


def pool(x, size, stride=None, kind="max"):
    """Max or average pooling, chosen by name (as a demo's control gives it).

    Parameters
    ----------
    x : array_like, shape (H, W) or (N, C, H, W)
    size, stride : int
        As in :func:`max_pool2d_forward`; ``stride`` defaults to ``size``.
    kind : {'max', 'average'}
        One of :data:`POOLING_KINDS`.

    Examples
    --------
    >>> x = [[1, 3, 2, 4], [5, 6, 7, 8], [9, 2, 3, 1], [4, 0, 1, 5]]
    >>> pool(x, 2, kind="average").tolist()
    [[3.75, 5.25], [3.75, 2.5]]
    """
    one_of("kind", kind, POOLING_KINDS)
    return max_pool2d(x, size, stride) if kind == "max" else avg_pool2d(x, size, stride)


def global_max_pool(x):
    """Largest value of each feature map: (N, C, H, W) -> (N, C).

    Examples
    --------
    >>> global_max_pool(np.arange(8.0).reshape(1, 2, 2, 2))
    array([[3., 7.]])
    """
    x = as_array("x", x, ndim=4)
    return x.max(axis=(2, 3))


def global_avg_pool(x):
    """Mean of each feature map: (N, C, H, W) -> (N, C).

    Examples
    --------
    >>> global_avg_pool(np.arange(8.0).reshape(1, 2, 2, 2))
    array([[1.5, 5.5]])
    """
    x = as_array("x", x, ndim=4)
    return x.mean(axis=(2, 3))


def global_avg_pool_backward(grad_output, x_shape):
    """Gradient of :func:`global_avg_pool`: every cell gets ``1 / (H W)`` of
    its channel's gradient.

    Examples
    --------
    >>> global_avg_pool_backward(np.array([[4.0]]), (1, 1, 2, 2))
    array([[[[1., 1.],
             [1., 1.]]]])
    """
    n, channels, height, width = x_shape
    grad_output = _check_grad(grad_output, (n, channels))
    share = grad_output / (height * width)
    return np.broadcast_to(share[:, :, np.newaxis, np.newaxis], x_shape).copy()
