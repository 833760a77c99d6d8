"""Who sends gradient to whom in one convolution (one channel, one image).

The forward pass of a k x k cross-correlation with stride s and padding p is

``y[r, c] = sum_{i, j} x_pad[r*s + i, c*s + j] * k[i, j]``

so input cell ``x[a, b]`` (at ``x_pad[a + p, b + p]``) meets kernel entry
``k[i, j]`` exactly when it sits in the window of output ``y[r, c]`` with
``r*s + i = a + p`` and ``c*s + j = b + p``. Back-propagation follows the same
links backwards:

* ``dJ/dx[a, b] = sum over those (r, c, i, j) of dJ/dy[r, c] * k[i, j]``
  (:func:`input_pixel_paths`): the full convolution of dJ/dY with K;
* output-gradient cell ``dJ/dy[r, c] = g`` adds ``g * K`` to the window of
  dJ/dX it came from and ``g * window`` to dJ/dK
  (:func:`output_cell_share`).

:func:`input_gradient` and :func:`kernel_gradient` compute the whole
gradients the way the lesson derives them (spread dJ/dY with zeros for a
stride, full convolution or valid cross-correlation, crop the padding); the
tests hold them equal to :func:`cnnedu.conv2d_backward` and to explicit loops.

:func:`input_pixel_flow` and :func:`output_cell_flow` gather everything the
lesson's backprop figure shows for one picked cell (the whole gradients, the
paths or the window, the shares) into one small object that
:mod:`cnnedu.plotting.backprop` only draws; :func:`max_pool_routes` and
:func:`relu_routes` do the same for the max-pooling and ReLU panels.
"""

from typing import NamedTuple

import numpy as np

from cnnedu._checks import as_array, index_in, int_shape_pair, non_negative_int, positive_int
from cnnedu.conv import conv2d_backward, conv2d_forward
from cnnedu.correlate import convolve2d, correlate2d
from cnnedu.padding import output_size, pad2d
from cnnedu.pooling import max_pool2d_backward, max_pool2d_forward


def _geometry(input_shape, kernel_shape, stride, padding):
    height, width = int_shape_pair("input_shape", input_shape)
    kh, kw = int_shape_pair("kernel_shape", kernel_shape)
    stride = positive_int("stride", stride)
    padding = non_negative_int("padding", padding)
    out_h = output_size(height, kh, stride, padding)
    out_w = output_size(width, kw, stride, padding)
    return height, width, kh, kw, stride, padding, out_h, out_w


def input_pixel_paths(input_shape, kernel_shape, row, column, stride=1, padding=0):
    """The outputs one input pixel feeds, and through which kernel entry.

    Parameters
    ----------
    input_shape, kernel_shape : (rows, columns)
    row, column : int
        The input pixel ``x[row, column]``.
    stride, padding : int

    Returns
    -------
    list of ((r, c), (i, j))
        ``x[row, column]`` is multiplied by ``k[i, j]`` to make ``y[r, c]``,
        so ``dJ/dx[row, column] = sum dJ/dy[r, c] * k[i, j]`` over the list.
        Sorted by output position.

    Examples
    --------
    >>> input_pixel_paths((3, 3), (2, 2), 0, 1)  # x12 feeds y11 (via k12) and y12 (via k11)
    [((0, 0), (0, 1)), ((0, 1), (0, 0))]
    >>> len(input_pixel_paths((5, 5), (3, 3), 2, 2))  # a centre pixel meets all 9 entries
    9
    """
    height, width, kh, kw, stride, padding, out_h, out_w = _geometry(input_shape, kernel_shape, stride, padding)
    row = index_in("row", row, height)
    column = index_in("column", column, width)
    paths = []
    for r in range(out_h):
        i = row + padding - r * stride
        if not 0 <= i < kh:
            continue
        for c in range(out_w):
            j = column + padding - c * stride
            if 0 <= j < kw:
                paths.append(((r, c), (i, j)))
    return paths


def output_cell_window(input_shape, kernel_shape, row, column, stride=1, padding=0):
    """Input cells under the window of output ``y[row, column]``.

    Returns
    -------
    list of ((a, b) or None, (i, j))
        For every kernel entry ``k[i, j]``, the input cell it meets, or None
        when it meets a padding zero. In reading order of the kernel.

    Examples
    --------
    >>> output_cell_window((3, 3), (2, 2), 1, 0)
    [((1, 0), (0, 0)), ((1, 1), (0, 1)), ((2, 0), (1, 0)), ((2, 1), (1, 1))]
    >>> output_cell_window((3, 3), (3, 3), 0, 0, padding=1)[:2]
    [(None, (0, 0)), (None, (0, 1))]
    """
    height, width, kh, kw, stride, padding, out_h, out_w = _geometry(input_shape, kernel_shape, stride, padding)
    row = index_in("row", row, out_h)
    column = index_in("column", column, out_w)
    cells = []
    for i in range(kh):
        for j in range(kw):
            a, b = row * stride + i - padding, column * stride + j - padding
            inside = 0 <= a < height and 0 <= b < width
            cells.append(((a, b) if inside else None, (i, j)))
    return cells


def output_cell_share(x, kernel, row, column, grad=1.0, stride=1, padding=0):
    """Where one output-gradient cell ``dJ/dy[row, column] = grad`` lands.

    Parameters
    ----------
    x : array_like, shape (H, W)
    kernel : array_like, shape (kh, kw)
    row, column : int
        The output cell.
    grad : float
        Its gradient ``dJ/dy[row, column]``.
    stride, padding : int

    Returns
    -------
    grad_x_share : ndarray, shape (H, W)
        ``grad * k[i, j]`` on the input cells of the window, 0 elsewhere.
    grad_kernel_share : ndarray, shape (kh, kw)
        ``grad * x[window]`` (0 where the window covers padding).

    Summed over every output cell these give dJ/dX and dJ/dK.

    Examples
    --------
    >>> x = np.arange(9.0).reshape(3, 3)
    >>> grad_x, grad_k = output_cell_share(x, [[1, 2], [3, 4]], 0, 1, grad=2.0)
    >>> grad_x
    array([[0., 2., 4.],
           [0., 6., 8.],
           [0., 0., 0.]])
    >>> grad_k
    array([[ 2.,  4.],
           [ 8., 10.]])
    """
    x = as_array("x", x, ndim=2)
    kernel = as_array("kernel", kernel, ndim=2)
    grad = float(grad)
    grad_x = np.zeros_like(x, dtype=np.float64)
    grad_kernel = np.zeros_like(kernel, dtype=np.float64)
    for cell, (i, j) in output_cell_window(x.shape, kernel.shape, row, column, stride, padding):
        if cell is not None:
            grad_x[cell] += grad * kernel[i, j]
            grad_kernel[i, j] += grad * x[cell]
    return grad_x, grad_kernel


def dilate(grad_output, stride):
    """Spread a gradient map with ``stride - 1`` zeros between its entries.

    Examples
    --------
    >>> dilate([[1, 2], [3, 4]], 2)
    array([[1., 0., 2.],
           [0., 0., 0.],
           [3., 0., 4.]])
    """
    grad_output = as_array("grad_output", grad_output, ndim=2)
    stride = positive_int("stride", stride)
    rows, columns = grad_output.shape
    spread = np.zeros((stride * (rows - 1) + 1, stride * (columns - 1) + 1), dtype=grad_output.dtype)
    spread[::stride, ::stride] = grad_output
    return spread


def _check_grad_shape(grad_output, expected):
    if grad_output.shape != expected:
        raise ValueError(f"grad_output must have the forward output's shape {expected}; got {grad_output.shape}")


def input_gradient(grad_output, kernel, input_shape, stride=1, padding=0):
    """dJ/dX by the lesson's recipe: spread dJ/dY with zeros (stride), take
    the full convolution with K, crop the padding.

    Parameters
    ----------
    grad_output : array_like, shape (H_out, W_out)
    kernel : array_like, shape (kh, kw)
    input_shape : (H, W)
    stride, padding : int

    Returns
    -------
    ndarray, shape (H, W)

    Examples
    --------
    >>> input_gradient([[1.0, 1.0]], [[1, 2]], (1, 3))  # full convolution of [1, 1] with [1, 2]
    array([[1., 3., 2.]])
    """
    grad_output = as_array("grad_output", grad_output, ndim=2)
    kernel = as_array("kernel", kernel, ndim=2)
    height, width, kh, kw, stride, padding, out_h, out_w = _geometry(input_shape, kernel.shape, stride, padding)
    _check_grad_shape(grad_output, (out_h, out_w))
    full = convolve2d(dilate(grad_output, stride), kernel, mode="full")  # (s(H_out-1)+kh, s(W_out-1)+kw)
    # rows past the last window (dropped by the floor) receive no gradient: pad them with zeros
    padded = np.zeros((height + 2 * padding, width + 2 * padding))
    padded[: full.shape[0], : full.shape[1]] = full
    return padded[padding : padding + height, padding : padding + width]


def kernel_gradient(x, grad_output, kernel_shape, stride=1, padding=0):
    """dJ/dK by the lesson's recipe: the valid cross-correlation of the
    (padded) input with dJ/dY spread by the stride.

    Parameters
    ----------
    x : array_like, shape (H, W)
    grad_output : array_like, shape (H_out, W_out)
    kernel_shape : (kh, kw)
    stride, padding : int

    Returns
    -------
    ndarray, shape (kh, kw)

    Examples
    --------
    >>> kernel_gradient([[1, 2, 3]], [[1.0, 1.0]], (1, 2))  # dJ/dk1 = 1 + 2, dJ/dk2 = 2 + 3
    array([[3., 5.]])
    """
    x = as_array("x", x, ndim=2)
    grad_output = as_array("grad_output", grad_output, ndim=2)
    height, width, kh, kw, stride, padding, out_h, out_w = _geometry(x.shape, kernel_shape, stride, padding)
    _check_grad_shape(grad_output, (out_h, out_w))
    spread = dilate(grad_output, stride)
    x_padded = pad2d(x, padding)[: spread.shape[0] + kh - 1, : spread.shape[1] + kw - 1]
    return correlate2d(x_padded, spread, mode="valid")


class ConvGradients(NamedTuple):
    """One single-channel convolution, forward and backward, as the figure shows it."""

    x: np.ndarray  # (H, W)
    kernel: np.ndarray  # (kh, kw)
    grad_output: np.ndarray  # (H_out, W_out): dJ/dY, given
    grad_x: np.ndarray  # (H, W): dJ/dX
    grad_kernel: np.ndarray  # (kh, kw): dJ/dK
    stride: int
    padding: int


def conv_gradients(x, kernel, grad_output, stride=1, padding=0):
    """dJ/dX and dJ/dK of one single-channel convolution (no bias).

    Parameters
    ----------
    x : array_like, shape (H, W)
    kernel : array_like, shape (kh, kw)
    grad_output : array_like, shape (H_out, W_out)
        dJ/dY, the shape of the forward output.
    stride, padding : int

    Returns
    -------
    ConvGradients
        The inputs (as float arrays) with ``grad_x`` and ``grad_kernel``, from
        :func:`cnnedu.conv2d_backward`.

    Examples
    --------
    >>> flow = conv_gradients(np.ones((3, 3)), np.ones((2, 2)), np.ones((2, 2)))
    >>> flow.grad_x
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    """
    x = as_array("x", x, ndim=2).astype(float)
    kernel = as_array("kernel", kernel, ndim=2).astype(float)
    grad_output = as_array("grad_output", grad_output, ndim=2).astype(float)
    _, _, _, _, stride, padding, out_h, out_w = _geometry(x.shape, kernel.shape, stride, padding)
    _check_grad_shape(grad_output, (out_h, out_w))
    _, cache = conv2d_forward(x[np.newaxis, np.newaxis], kernel[np.newaxis, np.newaxis], None, stride, padding)
    grad_x, grad_kernel, _ = conv2d_backward(grad_output[np.newaxis, np.newaxis], cache)  # (1, 1, H, W), (1, 1, kh, kw)
    return ConvGradients(x, kernel, grad_output, grad_x[0, 0], grad_kernel[0, 0], stride, padding)


class InputPixelFlow(NamedTuple):
    """Where the gradient of one input pixel comes from."""

    gradients: ConvGradients
    row: int
    column: int
    paths: list  # [((r, c), (i, j))]: x[row, column] * k[i, j] feeds y[r, c]


def input_pixel_flow(x, kernel, grad_output, row, column, stride=1, padding=0):
    """The whole gradients and the paths of input pixel ``x[row, column]``.

    ``dJ/dx[row, column] = sum dJ/dy[r, c] * k[i, j]`` over ``paths`` (as
    :func:`input_pixel_paths`).

    Returns
    -------
    InputPixelFlow

    Examples
    --------
    >>> flow = input_pixel_flow(np.ones((3, 3)), [[1, 2], [3, 4]], np.ones((2, 2)), 0, 1)
    >>> flow.paths
    [((0, 0), (0, 1)), ((0, 1), (0, 0))]
    >>> float(flow.gradients.grad_x[0, 1])  # k12 + k11
    3.0
    """
    gradients = conv_gradients(x, kernel, grad_output, stride, padding)
    paths = input_pixel_paths(gradients.x.shape, gradients.kernel.shape, row, column, stride, padding)
    return InputPixelFlow(gradients, int(row), int(column), paths)


class OutputCellFlow(NamedTuple):
    """Where one output-gradient cell lands."""

    gradients: ConvGradients
    row: int
    column: int
    grad: float  # dJ/dy[row, column]
    window: list  # [((a, b) or None, (i, j))] as output_cell_window
    grad_x_share: np.ndarray  # (H, W): grad * k on the window's input cells
    grad_kernel_share: np.ndarray  # (kh, kw): grad * x[window]
    top_left: tuple  # (row, column) of the window in unpadded input coordinates (negative in the padding)


def output_cell_flow(x, kernel, grad_output, row, column, stride=1, padding=0):
    """The whole gradients and the share of output-gradient cell ``dJ/dy[row, column]``.

    Returns
    -------
    OutputCellFlow
        The share is :func:`output_cell_share` with ``grad = grad_output[row, column]``.

    Examples
    --------
    >>> flow = output_cell_flow(np.ones((3, 3)), np.ones((2, 2)), 2 * np.ones((2, 2)), 1, 0)
    >>> flow.grad, flow.top_left, float(flow.grad_x_share.sum())
    (2.0, (1, 0), 8.0)
    """
    gradients = conv_gradients(x, kernel, grad_output, stride, padding)
    x, kernel = gradients.x, gradients.kernel
    window = output_cell_window(x.shape, kernel.shape, row, column, stride, padding)
    row, column = int(row), int(column)
    grad = float(gradients.grad_output[row, column])
    share_x, share_k = output_cell_share(x, kernel, row, column, grad, stride, padding)
    top_left = (row * gradients.stride - gradients.padding, column * gradients.stride - gradients.padding)
    return OutputCellFlow(gradients, row, column, grad, window, share_x, share_k, top_left)


class MaxPoolRoutes(NamedTuple):
    """Max pooling forward and backward on one map, with each window's winner."""

    x: np.ndarray  # (H, W)
    y: np.ndarray  # (H_out, W_out)
    grad_output: np.ndarray  # (H_out, W_out)
    grad_x: np.ndarray  # (H, W): each window's gradient on its winner
    winners: list  # [(row, column)] of x, one per window in reading order
    size: int


def max_pool_routes(x, grad_output, size=2):
    """Max pooling (``size`` x ``size`` windows, stride ``size``) forward and
    backward, and the cell of each window that wins (its first maximum).

    Returns
    -------
    MaxPoolRoutes

    Examples
    --------
    >>> routes = max_pool_routes([[1, 3], [3, 2]], [[5.0]])
    >>> routes.winners, routes.grad_x.tolist()
    ([(0, 1)], [[0.0, 5.0], [0.0, 0.0]])
    """
    x = as_array("x", x, ndim=2).astype(float)
    size = positive_int("size", size)
    y, cache = max_pool2d_forward(x, size)  # (H_out, W_out)
    grad_output = as_array("grad_output", grad_output, ndim=2).astype(float)
    grad_x = max_pool2d_backward(grad_output, cache)  # (H, W)
    winners = []
    for (r, c), index in np.ndenumerate(cache[3]):  # index of the winner inside its window, row by row
        i, j = divmod(int(index), size)
        winners.append((r * size + i, c * size + j))
    return MaxPoolRoutes(x, y, grad_output, grad_x, winners, size)


class ReluRoutes(NamedTuple):
    """ReLU backward on one map: the gradient passes where the input was positive."""

    x: np.ndarray  # (H, W)
    grad_output: np.ndarray  # (H, W)
    grad_x: np.ndarray  # (H, W)


def relu_routes(x, grad_output):
    """ReLU's backward pass: ``dJ/dx = dJ/dy`` where ``x > 0``, else 0.

    Returns
    -------
    ReluRoutes

    Examples
    --------
    >>> relu_routes([[-1, 2]], [[3.0, 3.0]]).grad_x.tolist()
    [[0.0, 3.0]]
    """
    x = as_array("x", x, ndim=2).astype(float)
    grad_output = as_array("grad_output", grad_output, ndim=2).astype(float)
    if x.shape != grad_output.shape:
        raise ValueError(f"grad_output must have the shape of x {x.shape}; got {grad_output.shape}")
    return ReluRoutes(x, grad_output, np.where(x > 0, grad_output, 0.0))
