"""The multi-channel convolution of a CNN layer: forward and backward.

Shapes (as in PyTorch, and as in the lessons):

* input ``x``: (N, C_in, H, W)
* weights: (C_out, C_in, kh, kw): one kh x kw kernel per input channel per
  output channel
* bias: (C_out,)
* output ``y``: (N, C_out, H_out, W_out) with
  ``H_out = floor((H + 2p - kh) / s) + 1``

``y[n, o, r, c] = bias[o] + sum_{ci, i, j} x_pad[n, ci, r*s + i, c*s + j] * weights[o, ci, i, j]``

Like PyTorch's ``conv2d`` this is a cross-correlation (no flip).

``conv2d_forward``/``conv2d_backward`` are the fast pair (im2col: gather
every window of an image into the columns of one matrix, then one matrix
product per image; see the notes above ``_matmul_each_sample``);
``conv2d_forward_loop``/``conv2d_backward_loop`` spell out the sums and are
tested equal to them.
"""

import numpy as np

from cnnedu._checks import as_array, non_negative_int, positive_int
from cnnedu.padding import pad2d


def _check_conv(x, weights, bias, stride, padding):
    x = as_array("x", x, ndim=4)
    weights = as_array("weights", weights, ndim=4)
    stride = positive_int("stride", stride)
    padding = non_negative_int("padding", padding)
    out_channels, in_channels, kh, kw = weights.shape
    if x.shape[1] != in_channels:
        raise ValueError(
            f"x has {x.shape[1]} channels (shape {x.shape}) but weights of shape "
            f"{weights.shape} expect C_in={in_channels}"
        )
    if bias is not None:
        bias = as_array("bias", bias, ndim=1)
        if bias.shape != (out_channels,):
            raise ValueError(
                f"bias must have shape (C_out,) = ({out_channels},); got {bias.shape}"
            )
    height, width = x.shape[2:]
    if kh > height + 2 * padding or kw > width + 2 * padding:
        raise ValueError(
            f"kernel {kh}x{kw} does not fit in the padded input {height + 2 * padding}x"
            f"{width + 2 * padding} (x of shape {x.shape}, padding={padding})"
        )
    return x, weights, bias, stride, padding


def _output_shape(height, width, kh, kw, stride, padding):
    return (
        (height + 2 * padding - kh) // stride + 1,
        (width + 2 * padding - kw) // stride + 1,
    )


def conv2d_forward(x, weights, bias=None, stride=1, padding=0):
    """Forward pass of a convolution layer (fast, im2col).

    Parameters
    ----------
    x : array_like, shape (N, C_in, H, W)
    weights : array_like, shape (C_out, C_in, kh, kw)
    bias : array_like, shape (C_out,), optional
    stride : int
    padding : int
        Zeros added on each side of every image.

    Returns
    -------
    y : ndarray, shape (N, C_out, H_out, W_out)
    cache : tuple
        What :func:`conv2d_backward` needs.

    Examples
    --------
    >>> x = np.arange(9.0).reshape(1, 1, 3, 3)
    >>> y, cache = conv2d_forward(x, np.ones((1, 1, 2, 2)), np.array([0.5]))
    >>> y
    array([[[[ 8.5, 12.5],
             [20.5, 24.5]]]])
    """
    x, weights, bias, stride, padding = _check_conv(x, weights, bias, stride, padding)
    n = x.shape[0]
    out_channels, _, kh, kw = weights.shape
    out_h, out_w = _output_shape(x.shape[2], x.shape[3], kh, kw, stride, padding)
    dtype = np.result_type(x, weights)
    weights_matrix = weights.reshape(out_channels, -1).astype(dtype, copy=False)  # (C_out, C_in*kh*kw)

    columns, grid_w = _im2col(x, kh, kw, stride, padding, out_h, out_w, dtype)  # (N, C_in*kh*kw, H_out*grid_w)
    y_grid = np.empty((n, out_channels, out_h * grid_w), dtype=dtype)
    _matmul_each_sample(weights_matrix, columns, y_grid)  # one product per image
    y_grid = y_grid.reshape(n, out_channels, out_h, grid_w)
    if grid_w == out_w:
        y = y_grid
        if bias is not None:
            y += bias.astype(dtype, copy=False)[:, np.newaxis, np.newaxis]
    else:  # drop the columns computed past the right edge, adding the bias on the way
        y = np.empty((n, out_channels, out_h, out_w), dtype=dtype)
        if bias is None:
            np.copyto(y, y_grid[..., :out_w])
        else:
            np.add(y_grid[..., :out_w], bias.astype(dtype, copy=False)[:, np.newaxis, np.newaxis], out=y)
    cache = (x.shape, weights, bias is not None, stride, padding, columns, grid_w)
    return y, cache


def conv2d_backward(grad_output, cache):
    """Backward pass of :func:`conv2d_forward`.

    * ``dJ/dweights``: each kernel's gradient is the valid cross-correlation of
      the (padded) input with ``dJ/dy``, summed over the batch.
    * ``dJ/dx``: the full convolution of ``dJ/dy`` with the kernels, summed over
      output channels, then cropped to remove the padding.
    * ``dJ/dbias``: ``dJ/dy`` summed over the batch and every position.

    Parameters
    ----------
    grad_output : array_like, shape (N, C_out, H_out, W_out)
    cache : tuple from :func:`conv2d_forward`

    Returns
    -------
    grad_x : ndarray, shape (N, C_in, H, W)
    grad_weights : ndarray, shape (C_out, C_in, kh, kw)
    grad_bias : ndarray, shape (C_out,) or None when the forward had no bias

    Examples
    --------
    >>> x = np.arange(9.0).reshape(1, 1, 3, 3)
    >>> y, cache = conv2d_forward(x, np.ones((1, 1, 2, 2)))
    >>> grad_x, grad_weights, grad_bias = conv2d_backward(np.ones_like(y), cache)
    >>> grad_x[0, 0]
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    """
    x_shape, weights, has_bias, stride, padding, columns, grid_w = cache
    n, in_channels, height, width = x_shape
    out_channels, _, kh, kw = weights.shape
    out_h, out_w = _output_shape(height, width, kh, kw, stride, padding)
    grad_output = as_array("grad_output", grad_output, ndim=4)
    expected = (n, out_channels, out_h, out_w)
    if grad_output.shape != expected:
        raise ValueError(
            f"grad_output must have the shape of the forward output {expected}; got {grad_output.shape}"
        )
    dtype = columns.dtype
    grad_output = grad_output.astype(dtype, copy=False)
    if grid_w == out_w:
        grad_grid = np.ascontiguousarray(grad_output)
    else:  # the extra columns of the forward grid get zero gradient
        grad_grid = np.empty((n, out_channels, out_h, grid_w), dtype=dtype)
        grad_grid[..., out_w:] = 0
        grad_grid[..., :out_w] = grad_output
    grad_rows = grad_grid.reshape(n, out_channels, out_h * grid_w)  # (N, C_out, positions)

    grad_weights = _weights_gradient(grad_rows, columns).reshape(weights.shape)  # (C_out, C_in, kh, kw)
    grad_bias = grad_output.sum(axis=(0, 2, 3)) if has_bias else None  # (C_out,)

    weights_matrix = weights.reshape(out_channels, -1).astype(dtype, copy=False)
    grad_columns = np.empty(columns.shape, dtype=dtype)  # (N, C_in*kh*kw, positions)
    _matmul_each_sample(weights_matrix.T, grad_rows, grad_columns)
    grad_x = _col2im(grad_columns, x_shape, kh, kw, stride, padding, out_h, out_w, grid_w)
    return grad_x, grad_weights, grad_bias


# --- the machinery of the fast pair -------------------------------------------
#
# im2col: the window under output position (r, c) becomes one column of a
# matrix with C_in*kh*kw rows, so the whole layer is one matrix product per
# image: y[n] = weights_matrix @ columns[n].
#
# With stride 1 the columns are built on a "grid" as wide as the padded input:
# in the flattened padded image, the window cell (i, j) of position (r, c)
# sits at (r + i) * W_pad + (c + j), so row (ci, i, j) of the column matrix is
# one contiguous slice starting at i * W_pad + j. Copying kh*kw long slices is
# much faster than copying many short window rows. The grid has W_pad instead
# of W_out columns per output row; the extra kw - 1 columns straddle the right
# edge and are dropped from y (and get zero gradient in the backward pass).
#
# Speed notes (measured on a 2-core machine, see benchmarks/bench_conv.py):
# * OpenBLAS runs a product on several threads once M*N*K exceeds about 2**18
#   multiply-adds; for these thin products thread start-up costs more than it
#   saves, and on a busy machine it can stall for milliseconds. So every
#   product is cut into pieces below that size (_matmul_each_sample).
# * glibc returns large freed blocks to the operating system at once, so every
#   fresh temporary of a few MB costs page faults; see _keep_freed_memory.

_MAX_PRODUCT = 1 << 18  # multiply-adds per matrix product: OpenBLAS stays on one thread


def _position_step(rows, inner, positions):
    """Largest number of positions per product that keeps it below _MAX_PRODUCT."""
    return max(1, min(positions, _MAX_PRODUCT // max(1, rows * inner)))


def _matmul_each_sample(matrix, stack, out):
    """``out[n] = matrix @ stack[n]`` for every n, in single-threaded pieces.

    matrix: (M, K); stack: (N, K, P); out: (N, M, P).
    """
    rows, inner = matrix.shape
    positions = stack.shape[2]
    step = _position_step(rows, inner, positions)
    if step >= positions:
        return np.matmul(matrix, stack, out=out)
    for start in range(0, positions, step):
        np.matmul(matrix, stack[:, :, start : start + step], out=out[:, :, start : start + step])
    return out


def _weights_gradient(grad_rows, columns):
    """``sum_n grad_rows[n] @ columns[n].T``: (N, C_out, P), (N, K, P) -> (C_out, K)."""
    out_channels, positions = grad_rows.shape[1:]
    inner = columns.shape[1]
    step = _position_step(out_channels, inner, positions)
    total = None
    for start in range(0, positions, step):
        part = np.matmul(grad_rows[:, :, start : start + step], columns[:, :, start : start + step].transpose(0, 2, 1))
        part = part.sum(axis=0)  # (C_out, K), summed over the batch
        total = part if total is None else total + part
    return total


def _im2col(x, kh, kw, stride, padding, out_h, out_w, dtype):
    """Columns (N, C_in*kh*kw, H_out*grid_w) and the grid width.

    Row ``(ci, i, j)``, column ``r * grid_w + c`` holds ``x_pad[n, ci, r*s + i, c*s + j]``.
    """
    n, in_channels, height, width = x.shape
    padded_h, padded_w = height + 2 * padding, width + 2 * padding
    if stride == 1:
        grid_w = padded_w
        positions = out_h * grid_w
        # one spare row so that the last window's slice stays inside the buffer
        flat = np.zeros((n, in_channels, (padded_h + 1) * padded_w), dtype=dtype)
        image = flat[:, :, : padded_h * padded_w].reshape(n, in_channels, padded_h, padded_w)
        image[:, :, padding : padding + height, padding : padding + width] = x
        columns = np.empty((n, in_channels, kh, kw, positions), dtype=dtype)
        for i in range(kh):
            for j in range(kw):
                start = i * padded_w + j
                columns[:, :, i, j] = flat[:, :, start : start + positions]
    else:
        grid_w = out_w
        x_padded = pad2d(x, padding) if padding else x  # (N, C_in, H + 2p, W + 2p)
        columns = np.empty((n, in_channels, kh, kw, out_h, out_w), dtype=dtype)
        row_extent = stride * (out_h - 1) + 1
        column_extent = stride * (out_w - 1) + 1
        for i in range(kh):
            for j in range(kw):
                columns[:, :, i, j] = x_padded[:, :, i : i + row_extent : stride, j : j + column_extent : stride]
    return columns.reshape(n, in_channels * kh * kw, out_h * grid_w), grid_w


def _col2im(grad_columns, x_shape, kh, kw, stride, padding, out_h, out_w, grid_w):
    """Send each column's gradient back to the input cells of its window (the
    reverse of _im2col: overlapping windows add up), then crop the padding."""
    n, in_channels, height, width = x_shape
    padded_h, padded_w = height + 2 * padding, width + 2 * padding
    dtype = grad_columns.dtype
    if stride == 1:
        positions = out_h * grid_w
        grad_columns = grad_columns.reshape(n, in_channels, kh, kw, positions)
        grad_flat = np.zeros((n, in_channels, (padded_h + 1) * padded_w), dtype=dtype)
        for i in range(kh):
            for j in range(kw):
                start = i * padded_w + j
                grad_flat[:, :, start : start + positions] += grad_columns[:, :, i, j]
        grad_padded = grad_flat[:, :, : padded_h * padded_w].reshape(n, in_channels, padded_h, padded_w)
    else:
        grad_columns = grad_columns.reshape(n, in_channels, kh, kw, out_h, out_w)
        grad_padded = np.zeros((n, in_channels, padded_h, padded_w), dtype=dtype)
        row_extent = stride * (out_h - 1) + 1
        column_extent = stride * (out_w - 1) + 1
        for i in range(kh):
            for j in range(kw):
                # every window position (r, c) sends its share back to x_pad[r*s + i, c*s + j]
                grad_padded[:, :, i : i + row_extent : stride, j : j + column_extent : stride] += grad_columns[
                    :, :, i, j
                ]
    grad_x = grad_padded[:, :, padding : padding + height, padding : padding + width]  # crop the padding
    return np.ascontiguousarray(grad_x)


def _keep_freed_memory():
    """Ask glibc to keep freed memory for reuse instead of unmapping it.

    By default glibc serves blocks of 128 KiB and up with a fresh ``mmap`` and
    unmaps them on free (the threshold adapts, but trimming still hands memory
    back). A training step allocates many such temporaries (columns, outputs,
    gradients), and touching fresh pages costs more than the arithmetic: on the
    benchmark machine a 64-image forward pass took 1.6 ms instead of 0.25 ms.
    Raising the mmap and trim thresholds makes freed blocks reusable. This is a
    process-wide allocator setting, applied once on import, only with glibc;
    it changes speed, never results.
    """
    import ctypes
    import ctypes.util
    import platform

    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        m_trim_threshold, m_mmap_threshold = -1, -3  # from <malloc.h>
        ok_mmap = libc.mallopt(m_mmap_threshold, 32 * 1024 * 1024)  # the largest value glibc accepts
        ok_trim = libc.mallopt(m_trim_threshold, 256 * 1024 * 1024)
        return bool(ok_mmap and ok_trim)
    except (OSError, AttributeError):
        return False


_keep_freed_memory()


def conv2d_forward_loop(x, weights, bias=None, stride=1, padding=0):
    """Readable forward pass: the defining sum, one output value at a time.

    Same contract as :func:`conv2d_forward`.

    Examples
    --------
    >>> x = np.arange(9.0).reshape(1, 1, 3, 3)
    >>> conv2d_forward_loop(x, np.ones((1, 1, 2, 2)), np.array([0.5]))[0]
    array([[[[ 8.5, 12.5],
             [20.5, 24.5]]]])
    """
    x, weights, bias, stride, padding = _check_conv(x, weights, bias, stride, padding)
    n, _, height, width = x.shape
    out_channels, _, kh, kw = weights.shape
    out_h, out_w = _output_shape(height, width, kh, kw, stride, padding)
    x_padded = pad2d(x, padding)
    y = np.zeros((n, out_channels, out_h, out_w), dtype=np.result_type(x, weights))
    for sample in range(n):
        for o in range(out_channels):
            for r in range(out_h):
                for c in range(out_w):
                    window = x_padded[sample, :, r * stride : r * stride + kh, c * stride : c * stride + kw]
                    y[sample, o, r, c] = np.sum(window * weights[o])  # over C_in, kh, kw
                    if bias is not None:
                        y[sample, o, r, c] += bias[o]
    cache = (x, weights, bias is not None, stride, padding)
    return y, cache


def conv2d_backward_loop(grad_output, cache):
    """Readable backward pass: each output value hands its gradient back to
    the window and the kernel that produced it.

    Same contract as :func:`conv2d_backward`, with a cache from
    :func:`conv2d_forward_loop`.

    Examples
    --------
    >>> x = np.arange(9.0).reshape(1, 1, 3, 3)
    >>> y, cache = conv2d_forward_loop(x, np.ones((1, 1, 2, 2)))
    >>> conv2d_backward_loop(np.ones_like(y), cache)[1]
    array([[[[ 8., 12.],
             [20., 24.]]]])
    """
    x, weights, has_bias, stride, padding = cache
    n, _, height, width = x.shape
    out_channels, _, kh, kw = weights.shape
    out_h, out_w = _output_shape(height, width, kh, kw, stride, padding)
    grad_output = as_array("grad_output", grad_output, ndim=4)
    if grad_output.shape != (n, out_channels, out_h, out_w):
        raise ValueError(
            f"grad_output must have the shape of the forward output "
            f"{(n, out_channels, out_h, out_w)}; got {grad_output.shape}"
        )
    x_padded = pad2d(x, padding)
    grad_padded = np.zeros_like(x_padded)
    grad_weights = np.zeros_like(weights)
    for sample in range(n):
        for o in range(out_channels):
            for r in range(out_h):
                for c in range(out_w):
                    g = grad_output[sample, o, r, c]
                    rows = slice(r * stride, r * stride + kh)
                    columns = slice(c * stride, c * stride + kw)
                    grad_weights[o] += g * x_padded[sample, :, rows, columns]  # summed, never overwritten
                    grad_padded[sample, :, rows, columns] += g * weights[o]
    grad_x = grad_padded[:, :, padding : padding + height, padding : padding + width]
    grad_bias = grad_output.sum(axis=(0, 2, 3)) if has_bias else None
    return grad_x, grad_weights, grad_bias
