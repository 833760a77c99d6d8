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
every window into one matrix, then a single matrix product);
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
    n, in_channels, height, width = x.shape
    out_channels, _, kh, kw = weights.shape
    out_h, out_w = _output_shape(height, width, kh, kw, stride, padding)
    dtype = np.result_type(x, weights)

    x_padded = pad2d(x, padding) if padding else x  # (N, C_in, H + 2p, W + 2p)
    # Gather every window: columns[ci, i, j, n, r, c] = x_pad[n, ci, r*s + i, c*s + j]
    columns = np.empty((in_channels, kh, kw, n, out_h, out_w), dtype=dtype)
    row_extent = stride * (out_h - 1) + 1
    column_extent = stride * (out_w - 1) + 1
    for i in range(kh):
        for j in range(kw):
            window = x_padded[:, :, i : i + row_extent : stride, j : j + column_extent : stride]
            columns[:, i, j] = window.transpose(1, 0, 2, 3)
    columns = columns.reshape(in_channels * kh * kw, n * out_h * out_w)

    y = weights.reshape(out_channels, -1).astype(dtype, copy=False) @ columns  # (C_out, N*H_out*W_out)
    y = y.reshape(out_channels, n, out_h, out_w).transpose(1, 0, 2, 3)  # (N, C_out, H_out, W_out)
    if bias is not None:
        y = y + bias.astype(dtype, copy=False)[np.newaxis, :, np.newaxis, np.newaxis]
    y = np.ascontiguousarray(y)
    cache = (x.shape, weights, bias is not None, stride, padding, columns)
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
    x_shape, weights, has_bias, stride, padding, columns = cache
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
    grad_rows = grad_output.transpose(1, 0, 2, 3).reshape(out_channels, -1).astype(dtype, copy=False)

    grad_weights = (grad_rows @ columns.T).reshape(weights.shape)  # (C_out, C_in, kh, kw)
    grad_bias = grad_output.sum(axis=(0, 2, 3)) if has_bias else None  # (C_out,)

    grad_columns = weights.reshape(out_channels, -1).astype(dtype, copy=False).T @ grad_rows
    grad_columns = grad_columns.reshape(in_channels, kh, kw, n, out_h, out_w)
    grad_padded = np.zeros((n, in_channels, height + 2 * padding, width + 2 * padding), dtype=dtype)
    row_extent = stride * (out_h - 1) + 1
    column_extent = stride * (out_w - 1) + 1
    for i in range(kh):
        for j in range(kw):
            # every window position (r, c) sends its share back to x_pad[r*s + i, c*s + j]
            grad_padded[:, :, i : i + row_extent : stride, j : j + column_extent : stride] += (
                grad_columns[:, i, j].transpose(1, 0, 2, 3)
            )
    grad_x = grad_padded[:, :, padding : padding + height, padding : padding + width]  # crop the padding
    return np.ascontiguousarray(grad_x), grad_weights, grad_bias


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
