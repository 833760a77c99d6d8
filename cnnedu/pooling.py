"""Max and average pooling: forward and backward side by side.

A pooling window of ``size`` x ``size`` cells moves ``stride`` cells at a time
(``stride`` defaults to ``size``: windows that tile the map without overlap).
The output has ``floor((H - size) / stride) + 1`` rows; cells past the last
full window are not pooled, as in PyTorch.

Gradients:

* max pooling sends each window's gradient to **one** cell, the first
  maximum in reading order (as PyTorch does); when several cells tie, giving
  all of them the gradient would count it twice.
* average pooling shares each window's gradient equally among its cells.
"""

import numpy as np

from cnnedu._checks import as_array, positive_int


def _check_pool(x, size, stride, allowed_ndim=(2, 4)):
    x = as_array("x", x, ndim=allowed_ndim)
    size = positive_int("size", size)
    stride = size if stride is None else positive_int("stride", stride)
    height, width = x.shape[-2:]
    if size > height or size > width:
        raise ValueError(
            f"pooling window size {size} does not fit in a {height}x{width} map (x of shape {x.shape})"
        )
    out_h = (height - size) // stride + 1
    out_w = (width - size) // stride + 1
    return x, size, stride, out_h, out_w


def _windows(x, size, stride, out_h, out_w):
    """Yield ``(index, i, j, view)``: the cell at offset (i, j) of every window."""
    row_extent = stride * (out_h - 1) + 1
    column_extent = stride * (out_w - 1) + 1
    for i in range(size):
        for j in range(size):
            view = x[..., i : i + row_extent : stride, j : j + column_extent : stride]
            yield i * size + j, i, j, view


def max_pool2d_forward(x, size, stride=None):
    """Max pooling with a cache for the backward pass.

    Parameters
    ----------
    x : array_like, shape (H, W) or (N, C, H, W)
    size : int
        Window height and width.
    stride : int, optional
        Step between windows; defaults to ``size``.

    Returns
    -------
    y : ndarray, shape (..., H_out, W_out)
    cache : tuple
        Input shape, window, stride and, for each output, the offset
        ``i * size + j`` of the cell that won.

    Examples
    --------
    >>> y, cache = max_pool2d_forward([[1, 3], [3, 2]], 2)
    >>> y, cache[3]
    (array([[3.]]), array([[1]], dtype=int32))
    """
    x, size, stride, out_h, out_w = _check_pool(x, size, stride)
    if size == 2 and stride == 2:
        y, winner = _max_pool_2x2(x, out_h, out_w)
        return y, (x.shape, size, stride, winner)
    y = None
    winner = np.zeros(x.shape[:-2] + (out_h, out_w), dtype=np.int32)
    for index, _, _, view in _windows(x, size, stride, out_h, out_w):
        if y is None:
            y = view.copy()
            continue
        better = view > y  # strictly greater: ties keep the first maximum
        np.copyto(y, view, where=better)
        np.copyto(winner, index, where=better)
    return y, (x.shape, size, stride, winner)


def _max_pool_2x2(x, out_h, out_w):
    """Fast path for 2x2 windows with stride 2 (the common case).

    The four cells of every window are four strided views; two pairwise
    maxima and one more give the result. The first maximum in reading order
    wins ties, exactly as in the general loop: a later cell must be strictly
    greater to take over.
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
    x_shape, size, stride, winner = cache
    grad_output = _check_grad(grad_output, winner.shape)
    grad_x = np.zeros(x_shape, dtype=grad_output.dtype)
    out_h, out_w = winner.shape[-2:]
    if size == 2 and stride == 2:  # fast path: write each of the four cells of every window at once
        # splitting each axis in two is always a view, so these writes land in grad_x
        cells = grad_x[..., : 2 * out_h, : 2 * out_w].reshape(x_shape[:-2] + (out_h, 2, out_w, 2))
        for index in range(4):
            # multiply by the 0/1 mask rather than a masked copy: no branch per element
            np.multiply(grad_output, winner == index, out=cells[..., index // 2, :, index % 2])
        return grad_x
    for index, _, _, view in _windows(grad_x, size, stride, out_h, out_w):
        view += np.where(winner == index, grad_output, 0)
    return grad_x


def avg_pool2d_forward(x, size, stride=None):
    """Average pooling with a cache for the backward pass.

    Examples
    --------
    >>> y, cache = avg_pool2d_forward([[1, 3], [3, 2]], 2)
    >>> y
    array([[2.25]])
    """
    x, size, stride, out_h, out_w = _check_pool(x, size, stride)
    y = np.zeros(x.shape[:-2] + (out_h, out_w), dtype=x.dtype)
    for _, _, _, view in _windows(x, size, stride, out_h, out_w):
        y += view
    y /= size * size
    return y, (x.shape, size, stride, y.shape)


def avg_pool2d_backward(grad_output, cache):
    """Backward pass of :func:`avg_pool2d_forward`: each cell of a window gets
    ``1 / size**2`` of the window's gradient.

    Examples
    --------
    >>> y, cache = avg_pool2d_forward([[1, 3], [3, 2]], 2)
    >>> avg_pool2d_backward([[4.0]], cache)
    array([[1., 1.],
           [1., 1.]])
    """
    x_shape, size, stride, y_shape = cache
    grad_output = _check_grad(grad_output, y_shape)
    grad_x = np.zeros(x_shape, dtype=grad_output.dtype)
    share = grad_output / (size * size)
    for _, _, _, view in _windows(grad_x, size, stride, *y_shape[-2:]):
        view += share
    return grad_x


def _check_grad(grad_output, expected_shape):
    grad_output = as_array("grad_output", grad_output, ndim=len(expected_shape))
    if grad_output.shape != tuple(expected_shape):
        raise ValueError(
            f"grad_output must have the shape of the forward output {tuple(expected_shape)}; "
            f"got {grad_output.shape}"
        )
    return grad_output


def max_pool2d(x, size, stride=None):
    """Max pooling of a map (H, W) or a batch (N, C, H, W).

    Examples
    --------
    >>> x = [[1, 3, 2, 4], [5, 6, 7, 8], [9, 2, 3, 1], [4, 0, 1, 5]]
    >>> max_pool2d(x, 2)
    array([[6., 8.],
           [9., 5.]])
    """
    return max_pool2d_forward(x, size, stride)[0]


def avg_pool2d(x, size, stride=None):
    """Average pooling of a map (H, W) or a batch (N, C, H, W).

    Examples
    --------
    >>> x = [[1, 3, 2, 4], [5, 6, 7, 8], [9, 2, 3, 1], [4, 0, 1, 5]]
    >>> avg_pool2d(x, 2)
    array([[3.75, 5.25],
           [3.75, 2.5 ]])
    """
    return avg_pool2d_forward(x, size, stride)[0]


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
