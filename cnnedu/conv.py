"""The multi-channel convolution of a CNN layer: forward and backward.

Shapes (as in PyTorch, and as in the lessons):

* input ``x``: (N, C_in, H, W)
* weights: (C_out, C_in, kh, kw): one kh x kw kernel per input channel per
  output channel
* bias: (C_out,)
* output ``y``: (N, C_out, H_out, W_out) with
  ``H_out = floor((H + top + bottom - d*(kh - 1) - 1) / s) + 1``
  (``floor((H + 2p - kh) / s) + 1`` without dilation)

``y[n, o, r, c] = bias[o] + sum_{ci, i, j} x_pad[n, ci, r*s + i*d, c*s + j*d] * weights[o, ci, i, j]``

Like PyTorch's ``conv2d`` this is a cross-correlation (no flip). As in
PyTorch, ``stride``, ``padding`` and ``dilation`` are each an int (both axes)
or a pair (rows, columns), and ``padding`` may also be ``'valid'`` (none) or
``'same'`` (the output keeps the input's size; stride 1 only). When 'same'
needs an odd number of padding cells along an axis (an even kernel span), the
extra cell goes to the bottom or the right, as PyTorch does.

``conv2d_forward``/``conv2d_backward`` are the fast pair: im2col (every
window of the padded input becomes one column of a matrix), then one matrix
product with the weights, one row per kernel; the backward pass is two more
products and col2im, the reverse of im2col.
``conv2d_forward_loop``/``conv2d_backward_loop`` spell out the sums and are
tested equal to them. ``benchmarks/bench_conv.py`` times the fast pair against
PyTorch and against the loops.
"""

import numpy as np

from cnnedu._checks import as_array, channel_bias, int_pair
from cnnedu.padding import kernel_span, pad2d

PADDING_WORDS = ("valid", "same")


def conv_padding(padding, kernel_size, stride=1, dilation=1):
    """Padding of every side, ``((top, bottom), (left, right))``, as PyTorch applies it.

    Parameters
    ----------
    padding : int, (rows, columns), 'valid' or 'same'
        An int or a pair pads both sides of an axis alike; 'valid' adds
        nothing; 'same' adds ``d*(k - 1)`` cells per axis, so that stride 1
        keeps the size, half on each side and the odd cell at the bottom or
        right (only with stride 1, as in PyTorch).
    kernel_size, stride, dilation : int or (rows, columns)

    Examples
    --------
    >>> conv_padding("same", 3), conv_padding("same", (2, 4), dilation=(1, 3))
    (((1, 1), (1, 1)), ((0, 1), (4, 5)))
    >>> conv_padding((1, 0), 3), conv_padding("valid", 5)
    (((1, 1), (0, 0)), ((0, 0), (0, 0)))
    """
    if isinstance(padding, str):
        if padding not in PADDING_WORDS:
            raise ValueError(f"padding must be an int, a pair (rows, columns), 'valid' or 'same'; got {padding!r}")
        if padding == "valid":
            return ((0, 0), (0, 0))
        stride = int_pair("stride", stride)
        if stride != (1, 1):
            raise ValueError(
                f"padding='same' needs stride 1, as in PyTorch (with a larger stride the output cannot keep "
                f"the input's size); got stride={stride}. Give the padding as a number instead."
            )
        kernel = int_pair("kernel_size", kernel_size)
        dilation = int_pair("dilation", dilation)
        sides = []
        for k, d in zip(kernel, dilation, strict=True):
            total = kernel_span(k, d) - 1  # the span of the kernel minus the one cell it keeps
            sides.append((total // 2, total - total // 2))  # the odd cell goes to the bottom / right
        return tuple(sides)
    rows, columns = int_pair("padding", padding, minimum=0)
    return ((rows, rows), (columns, columns))


def _check_conv(x, weights, bias, stride, padding, dilation):
    """Checked arrays and the geometry ``(kh, kw, sh, sw, dh, dw, out_h, out_w)`` plus the padding."""
    x = as_array("x", x, ndim=4)
    weights = as_array("weights", weights, ndim=4)
    out_channels, in_channels, kh, kw = weights.shape
    stride = int_pair("stride", stride)
    dilation = int_pair("dilation", dilation)
    pads = conv_padding(padding, (kh, kw), stride, dilation)  # ((top, bottom), (left, right))
    if x.shape[1] != in_channels:
        raise ValueError(
            f"x has {x.shape[1]} channels (shape {x.shape}) but weights of shape "
            f"{weights.shape} expect C_in={in_channels}"
        )
    bias = channel_bias(bias, out_channels)
    height, width = x.shape[2:]
    padded_h, padded_w = height + sum(pads[0]), width + sum(pads[1])
    span_h, span_w = kernel_span(kh, dilation[0]), kernel_span(kw, dilation[1])
    if span_h > padded_h or span_w > padded_w:
        spans = "" if dilation == (1, 1) else f" (with dilation {dilation} it spans {span_h}x{span_w} cells)"
        raise ValueError(
            f"kernel {kh}x{kw}{spans} does not fit in the padded input {padded_h}x{padded_w} "
            f"(x of shape {x.shape}, padding={padding})"
        )
    out_h = (padded_h - span_h) // stride[0] + 1
    out_w = (padded_w - span_w) // stride[1] + 1
    geometry = (kh, kw, *stride, *dilation, out_h, out_w)
    return x, weights, bias, geometry, pads


def conv2d_forward(x, weights, bias=None, stride=1, padding=0, dilation=1):
    """Forward pass of a convolution layer (fast, im2col).

    Parameters
    ----------
    x : array_like, shape (N, C_in, H, W)
    weights : array_like, shape (C_out, C_in, kh, kw)
    bias : array_like, shape (C_out,), optional
    stride : int or (rows, columns)
    padding : int, (rows, columns), 'valid' or 'same'
        Zeros added on each side of every image (see :func:`conv_padding`).
    dilation : int or (rows, columns)
        Spacing of the kernel's taps: dilation d spreads a k-tap kernel over
        ``d*(k - 1) + 1`` cells.

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
    >>> conv2d_forward(x, np.ones((1, 1, 2, 2)), dilation=2)[0]  # the four corners
    array([[[[16.]]]])
    >>> conv2d_forward(x, np.ones((1, 1, 1, 2)), padding="same")[0].shape
    (1, 1, 3, 3)
    """
    x, weights, bias, geometry, pads = _check_conv(x, weights, bias, stride, padding, dilation)
    n = x.shape[0]
    out_channels = weights.shape[0]
    out_h, out_w = geometry[-2:]
    dtype = np.result_type(x, weights)
    x_padded = pad2d(x.astype(dtype, copy=False), pads)  # (N, C_in, H_pad, W_pad)
    columns = _im2col(x_padded, *geometry)  # (C_in*kh*kw, N*H_out*W_out): one column per window
    weights_matrix = weights.reshape(out_channels, -1).astype(dtype, copy=False)  # (C_out, C_in*kh*kw)
    product = weights_matrix @ columns  # (C_out, N*H_out*W_out): the whole layer as one matrix product
    if bias is not None:
        product += bias.astype(dtype, copy=False)[:, np.newaxis]  # one number per row (output channel)
    y = np.ascontiguousarray(product.reshape(out_channels, n, out_h, out_w).transpose(1, 0, 2, 3))  # image first
    cache = (x_padded.shape, weights_matrix, weights.shape, bias is not None, geometry, pads, columns)
    return y, cache


def conv2d_backward(grad_output, cache, input_gradient=True):
    """Backward pass of :func:`conv2d_forward`.

    * ``dJ/dweights``: each kernel's gradient is the valid cross-correlation of
      the (padded) input with ``dJ/dy``, summed over the batch.
    * ``dJ/dx``: the full convolution of ``dJ/dy`` with the kernels, summed over
      output channels, then cropped to remove the padding.
    * ``dJ/dbias``: ``dJ/dy`` summed over the batch and every position.

    With a stride or a dilation the same holds with the gradient's cells, or
    the kernel's taps, spread out accordingly. In matrix form (the columns of
    the forward pass): ``dJ/dweights = dJ/dy @ columns.T`` and the columns'
    gradient ``weights.T @ dJ/dy``, which col2im adds back onto the input.

    Parameters
    ----------
    grad_output : array_like, shape (N, C_out, H_out, W_out)
    cache : tuple from :func:`conv2d_forward`
    input_gradient : bool
        False skips ``dJ/dx`` (returned as None): a network's first layer
        needs only the gradients of its weights.

    Returns
    -------
    grad_x : ndarray, shape (N, C_in, H, W), or None
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
    padded_shape, weights_matrix, weights_shape, has_bias, geometry, pads, columns = cache
    n, in_channels, padded_h, padded_w = padded_shape
    out_channels = weights_shape[0]
    out_h, out_w = geometry[-2:]
    grad_output = as_array("grad_output", grad_output, ndim=4)
    expected = (n, out_channels, out_h, out_w)
    if grad_output.shape != expected:
        raise ValueError(f"grad_output must have the shape of the forward output {expected}; got {grad_output.shape}")
    grad_output = grad_output.astype(columns.dtype, copy=False)
    grad_rows = grad_output.transpose(1, 0, 2, 3).reshape(out_channels, -1)  # (C_out, N*H_out*W_out)
    # dJ/dweights = grad_rows @ columns.T, (C_out, C_in*kh*kw), summed over every window. Computed as the
    # transpose of columns @ grad_rows.T: OpenBLAS shares a product's rows among its threads, and C_in*kh*kw
    # rows share out better than the few C_out rows (bench_conv.py: up to 2-3x faster for this product).
    grad_weights = np.ascontiguousarray((columns @ grad_rows.T).T).reshape(weights_shape)  # (C_out, C_in, kh, kw)
    grad_x = None
    if input_gradient:
        kh, kw, stride_h, stride_w, dilation_h, dilation_w = geometry[:6]
        if stride_h == stride_w == 1 and out_w <= _SHORT_ROWS and dilation_h * (kh - 1) <= out_h:
            grad_padded = _input_gradient_stride_1(grad_output, weights_matrix, padded_shape, *geometry[:6])
        else:  # strided, or a kernel almost as tall as the input
            grad_columns = weights_matrix.T @ grad_rows  # (C_in*kh*kw, N*H_out*W_out): each window's share
            grad_padded = _col2im(grad_columns, padded_shape, *geometry)  # (N, C_in, H_pad, W_pad)
        (top, bottom), (left, right) = pads
        grad_x = np.ascontiguousarray(grad_padded[:, :, top : padded_h - bottom, left : padded_w - right])  # crop
    grad_bias = grad_output.sum(axis=(0, 2, 3)) if has_bias else None  # (C_out,)
    return grad_x, grad_weights, grad_bias


def _im2col(x_padded, kh, kw, stride_h, stride_w, dilation_h, dilation_w, out_h, out_w):
    """The windows of a padded batch as the columns of one matrix.

    Returns a matrix (C_in*kh*kw, N*H_out*W_out): row ``(ci, i, j)``, column
    ``(image, r, c)`` holds ``x_pad[image, ci, r*sh + i*dh, c*sw + j*dw]``,
    the input under tap (i, j) of the window of output position (r, c).
    One strided copy per tap (kh*kw of them) fills it.
    """
    n, in_channels = x_padded.shape[:2]
    columns = np.empty((in_channels, kh, kw, n, out_h, out_w), dtype=x_padded.dtype)
    rows = stride_h * (out_h - 1) + 1  # rows and columns swept by one tap over all positions
    cols = stride_w * (out_w - 1) + 1
    for i in range(kh):
        for j in range(kw):
            top, left = i * dilation_h, j * dilation_w
            taps = x_padded[:, :, top : top + rows : stride_h, left : left + cols : stride_w]  # (N, C_in, H_out, W_out)
            columns[:, i, j] = taps.transpose(1, 0, 2, 3)
    return columns.reshape(in_channels * kh * kw, -1)


def _col2im(grad_columns, padded_shape, kh, kw, stride_h, stride_w, dilation_h, dilation_w, out_h, out_w):
    """The reverse of :func:`_im2col`: every column sends its gradient back to
    the cells of its window; where windows overlap, the shares add up.
    Returns dJ/dx_pad, (N, C_in, H_pad, W_pad)."""
    n, in_channels = padded_shape[:2]
    grad_padded = np.zeros(padded_shape, dtype=grad_columns.dtype)
    grad_columns = grad_columns.reshape(in_channels, kh, kw, n, out_h, out_w)
    rows = stride_h * (out_h - 1) + 1
    cols = stride_w * (out_w - 1) + 1
    for i in range(kh):
        for j in range(kw):
            top, left = i * dilation_h, j * dilation_w
            share = grad_columns[:, i, j].transpose(1, 0, 2, 3)  # (N, C_in, H_out, W_out): what tap (i, j) saw
            grad_padded[:, :, top : top + rows : stride_h, left : left + cols : stride_w] += share
    return grad_padded


# Output rows this short (or shorter) take _input_gradient_stride_1 in the backward pass
# (stride 1): col2im's adds of short strided rows cost more there than the larger product.
_SHORT_ROWS = 8


def _input_gradient_stride_1(grad_output, weights_matrix, padded_shape, kh, kw, stride_h, stride_w, dh, dw):
    """dJ/dx_pad for stride 1, (N, C_in, H_pad, W_pad): what :func:`_col2im`
    computes, laid out so that its kh*kw additions run fast.

    col2im adds each tap's share onto a strided slice of the padded input:
    rows of W_out cells that numpy adds slowly when they are short (a few
    cells each, as in lesson 08's 4x4 and 8x8 maps). With stride 1, the
    output has H_pad - dh(kh - 1) rows and so fits in
    the top left corner of the padded image: put dJ/dy there, in zero images
    of the padded size, and output position (image, r, c) sits at flat index
    ``image * H_pad * W_pad + r * W_pad + c``, its tap (i, j) at that index
    plus ``i*dh * W_pad + j*dw`` for every image alike. One product gives every
    share and each tap's shares are added with one contiguous shift. The
    product covers the padded positions, not only the output's, so
    :func:`conv2d_backward` takes this path only for short rows
    (``W_out <= _SHORT_ROWS``) and ``dh (kh - 1) <= H_out``; on wider maps
    col2im is as fast or faster. What it buys: ``benchmarks/bench_conv.py``
    (the lesson 08 training step).
    """
    n, in_channels, padded_h, padded_w = padded_shape
    out_channels, out_h, out_w = grad_output.shape[1:]
    image = padded_h * padded_w
    grad_images = np.zeros((out_channels, n, padded_h, padded_w), dtype=grad_output.dtype)
    grad_images[:, :, :out_h, :out_w] = grad_output.transpose(1, 0, 2, 3)  # dJ/dy in each image's top left corner
    shares = weights_matrix.T @ grad_images.reshape(out_channels, n * image)  # (C_in*kh*kw, N * H_pad * W_pad)
    shares = shares.reshape(in_channels, kh, kw, n * image)
    reach = dh * (kh - 1) * padded_w + dw * (kw - 1)  # the last taps reach this far past the last image (zeros)
    grad_flat = np.zeros((in_channels, n * image + reach), dtype=grad_output.dtype)
    for i in range(kh):
        for j in range(kw):
            start = i * dh * padded_w + j * dw
            grad_flat[:, start : start + n * image] += shares[:, i, j]
    grad_padded = grad_flat[:, : n * image].reshape(in_channels, n, padded_h, padded_w)
    return grad_padded.transpose(1, 0, 2, 3)  # (N, C_in, H_pad, W_pad)


def conv2d_forward_loop(x, weights, bias=None, stride=1, padding=0, dilation=1):
    """Readable forward pass: the defining sum, one output value at a time.

    Same contract as :func:`conv2d_forward`.

    Examples
    --------
    >>> x = np.arange(9.0).reshape(1, 1, 3, 3)
    >>> conv2d_forward_loop(x, np.ones((1, 1, 2, 2)), np.array([0.5]))[0]
    array([[[[ 8.5, 12.5],
             [20.5, 24.5]]]])
    """
    x, weights, bias, geometry, pads = _check_conv(x, weights, bias, stride, padding, dilation)
    n = x.shape[0]
    out_channels = weights.shape[0]
    kh, kw, stride_h, stride_w, dilation_h, dilation_w, out_h, out_w = geometry
    x_padded = pad2d(x, pads)
    y = np.zeros((n, out_channels, out_h, out_w), dtype=np.result_type(x, weights))
    for sample in range(n):
        for o in range(out_channels):
            for r in range(out_h):
                for c in range(out_w):
                    top, left = r * stride_h, c * stride_w
                    window = x_padded[
                        sample,
                        :,
                        top : top + dilation_h * (kh - 1) + 1 : dilation_h,
                        left : left + dilation_w * (kw - 1) + 1 : dilation_w,
                    ]  # (C_in, kh, kw): the taps under the kernel
                    y[sample, o, r, c] = np.sum(window * weights[o])  # over C_in, kh, kw
                    if bias is not None:
                        y[sample, o, r, c] += bias[o]
    cache = (x, weights, bias is not None, geometry, pads)
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
    x, weights, has_bias, geometry, pads = cache
    n, _, height, width = x.shape
    out_channels = weights.shape[0]
    kh, kw, stride_h, stride_w, dilation_h, dilation_w, out_h, out_w = geometry
    (top, _), (left, _) = pads
    grad_output = as_array("grad_output", grad_output, ndim=4)
    if grad_output.shape != (n, out_channels, out_h, out_w):
        raise ValueError(
            f"grad_output must have the shape of the forward output "
            f"{(n, out_channels, out_h, out_w)}; got {grad_output.shape}"
        )
    x_padded = pad2d(x, pads)
    dtype = np.result_type(x, weights)  # every gradient in the forward output's dtype, as in the fast pair
    grad_padded = np.zeros(x_padded.shape, dtype=dtype)
    grad_weights = np.zeros(weights.shape, dtype=dtype)
    for sample in range(n):
        for o in range(out_channels):
            for r in range(out_h):
                for c in range(out_w):
                    g = grad_output[sample, o, r, c]
                    rows = slice(r * stride_h, r * stride_h + dilation_h * (kh - 1) + 1, dilation_h)
                    columns = slice(c * stride_w, c * stride_w + dilation_w * (kw - 1) + 1, dilation_w)
                    grad_weights[o] += g * x_padded[sample, :, rows, columns]  # summed, never overwritten
                    grad_padded[sample, :, rows, columns] += g * weights[o]
    grad_x = grad_padded[:, :, top : top + height, left : left + width]
    grad_bias = grad_output.sum(axis=(0, 2, 3)).astype(dtype) if has_bias else None
    return grad_x, grad_weights, grad_bias
