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

``conv2d_forward``/``conv2d_backward`` are the fast pair (im2col: gather
every window into the columns of one matrix, then one matrix product; see
the notes above ``_CHUNK_BYTES``);
``conv2d_forward_loop``/``conv2d_backward_loop`` spell out the sums and are
tested equal to them.
"""

import numpy as np

from cnnedu._checks import as_array, channel_bias, int_pair
from cnnedu.padding import pad2d

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
            total = d * (k - 1)  # the span of the kernel minus the one cell it keeps
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
    span_h, span_w = dilation[0] * (kh - 1) + 1, dilation[1] * (kw - 1) + 1
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
    out_channels, _, kh, kw = weights.shape
    _, _, stride_h, stride_w, _, _, out_h, out_w = geometry
    unit_stride = stride_h == stride_w == 1
    dtype = np.result_type(x, weights)
    weights_matrix = weights.reshape(out_channels, -1).astype(dtype, copy=False)  # (C_out, C_in*kh*kw)
    if bias is not None:
        bias = bias.astype(dtype, copy=False)
    x_padded = _pad_for_columns(x, pads, unit_stride, dtype)  # (N, C_in, H_pad (+1), W_pad)
    grid_w = _grid_width(x_padded.shape[3], unit_stride, out_w)
    y = np.empty((n, out_channels, out_h, out_w), dtype=dtype)

    def forward_chunk(samples):  # several images at a time (see the notes above _CHUNK_BYTES)
        columns = _im2col(x_padded[samples], *geometry)  # (C_in*kh*kw, c * H_out * grid_w)
        product = weights_matrix @ columns  # (C_out, c * H_out * grid_w): the layer, as one matrix product
        if bias is not None:
            product += bias[:, np.newaxis]  # long contiguous rows: faster here than after the copy
        product = product.reshape(out_channels, -1, out_h, grid_w)[..., :out_w]  # (C_out, c, H_out, W_out)
        np.copyto(y[samples].transpose(1, 0, 2, 3), product)  # into y, image first
        return columns

    chunks = _batch_chunks(n, _columns_bytes(x_padded, kh, kw, out_h, dtype))
    for samples in chunks:
        columns = forward_chunk(samples)
    kept_columns = columns if len(chunks) == 1 else None  # else the backward pass rebuilds them chunk by chunk
    cache = (x.shape, x_padded, weights, bias is not None, geometry, pads, kept_columns)
    return y, cache


def conv2d_backward(grad_output, cache, input_gradient=True):
    """Backward pass of :func:`conv2d_forward`.

    * ``dJ/dweights``: each kernel's gradient is the valid cross-correlation of
      the (padded) input with ``dJ/dy``, summed over the batch.
    * ``dJ/dx``: the full convolution of ``dJ/dy`` with the kernels, summed over
      output channels, then cropped to remove the padding.
    * ``dJ/dbias``: ``dJ/dy`` summed over the batch and every position.

    With a stride or a dilation the same holds with the gradient's cells, or
    the kernel's taps, spread out accordingly.

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
    x_shape, x_padded, weights, has_bias, geometry, pads, kept_columns = cache
    n, in_channels, height, width = x_shape
    out_channels, _, kh, kw = weights.shape
    _, _, stride_h, stride_w, dilation_h, dilation_w, out_h, out_w = geometry
    unit_stride = stride_h == stride_w == 1
    (top, _), (left, _) = pads
    grad_output = as_array("grad_output", grad_output, ndim=4)
    expected = (n, out_channels, out_h, out_w)
    if grad_output.shape != expected:
        raise ValueError(f"grad_output must have the shape of the forward output {expected}; got {grad_output.shape}")
    dtype = x_padded.dtype
    grad_output = grad_output.astype(dtype, copy=False)
    weights_matrix = weights.reshape(out_channels, -1).astype(dtype, copy=False)  # (C_out, C_in*kh*kw)
    grid_w = _grid_width(x_padded.shape[3], unit_stride, out_w)
    grad_x = np.empty(x_shape, dtype=dtype) if input_gradient else None

    def backward_chunk(samples):
        if kept_columns is None:
            columns = _im2col(x_padded[samples], *geometry)  # (C_in*kh*kw, c * H_out * grid_w)
        else:
            columns = kept_columns  # the whole batch was one chunk
        if unit_stride:
            spans = (dilation_h * (kh - 1), dilation_w * (kw - 1))
            grad_images = _on_padded_images(grad_output[samples], *spans)  # (C_out, c, H_pad, W_pad)
            grad_rows = grad_images[:, :, :out_h].reshape(out_channels, -1)  # (C_out, c * H_out * W_pad): the grid
        else:
            grad_rows = grad_output[samples].transpose(1, 0, 2, 3).reshape(out_channels, -1)  # (C_out, c*H_out*W_out)
        # (C_out, C_in*kh*kw), summed over the chunk's positions; computed as its transpose, C_in*kh*kw rows
        # by C_out columns, because OpenBLAS splits the rows between its threads and C_out is often too few
        grad_weights_part = (columns @ grad_rows.T).T
        if not input_gradient:
            return grad_weights_part
        if unit_stride and dilation_h * (kh - 1) <= out_h:  # whole padded images: at most twice the grid's rows
            grad_padded = _input_gradient_stride_1(grad_images, weights_matrix, kh, kw, dilation_h, dilation_w)
        else:  # strided, or a kernel almost as tall as the input
            grad_columns = weights_matrix.T @ grad_rows  # (C_in*kh*kw, c * H_out * grid_w)
            grad_padded = _col2im(grad_columns, x_padded[samples].shape, *geometry, grid_w)  # (c, C_in, H_pad, W_pad)
        grad_x[samples] = grad_padded[:, :, top : top + height, left : left + width]  # crop
        return grad_weights_part

    grad_weights = 0
    for samples in _batch_chunks(n, _columns_bytes(x_padded, kh, kw, out_h, dtype)):
        grad_weights = grad_weights + backward_chunk(samples)  # summed over the chunks of the batch
    grad_weights = np.ascontiguousarray(grad_weights).reshape(weights.shape)  # (C_out, C_in, kh, kw)
    grad_bias = None
    if has_bias:  # each map summed by a matrix-vector product (3x faster than .sum here, as accurate)
        map_sums = grad_output.reshape(n, out_channels, -1) @ np.ones(out_h * out_w, dtype=dtype)  # (N, C_out)
        grad_bias = map_sums.sum(axis=0)  # (C_out,)
    return grad_x, grad_weights, grad_bias


# --- the machinery of the fast pair -------------------------------------------
#
# im2col: the window under output position (r, c) becomes one column of a
# matrix with C_in*kh*kw rows, so the whole layer is one matrix product:
# y = weights_matrix @ columns. The columns of several images sit side by
# side in one matrix (rows (ci, i, j), columns (image, r, c)), so a chunk of
# the batch is one large product instead of many small ones.
#
# With stride 1 the columns are built on a "grid" as wide as the padded input:
# in the flattened padded image, the window tap (i, j) of position (r, c)
# sits at (r + i*dh) * W_pad + (c + j*dw) (dh, dw: the dilation, 1 without),
# so row (ci, i, j) of the column matrix is one contiguous slice starting at
# i*dh * W_pad + j*dw. Copying kh*kw long slices is much faster than copying
# many short window rows. The grid has W_pad instead of W_out columns per
# output row; the extra dw*(kw - 1) columns straddle the right edge and are
# dropped from y (and get zero gradient in the backward pass). The padded
# input gets one spare row of zeros so the last slice stays inside.
#
# Speed notes (measured on a 2-core machine, see benchmarks/bench_conv.py):
# * One large product per chunk, not one small product per image: OpenBLAS
#   runs large products on all cores, and small ones waste time on packing.
# * The column matrix is kh*kw times larger than the input. Built for a whole
#   batch of large images it no longer fits in the processor's cache, and the
#   products wait for memory. So the batch is cut into chunks of about
#   _CHUNK_BYTES of columns; each chunk is built, multiplied and dropped, and
#   the backward pass builds it again. A batch that fits in one chunk keeps
#   its columns for the backward pass instead.
# * glibc returns large freed blocks to the operating system at once, so every
#   fresh temporary of a few MB costs page faults. Raising glibc's mmap threshold
#   avoided that, but it changes the allocator of the whole process, so
#   cnnedu no longer does it (a library must not change its host at import).
# * What is left is about 60% matrix products and 40% moving data (im2col,
#   col2im, the image-first <-> channel-first copies). The products are near
#   what OpenBLAS can do: the 5x5 benchmark case needs 257 million
#   multiply-adds, and numpy's OpenBLAS reaches about 125 billion per second
#   on a large square product on the 2-core benchmark machine, so no
#   rearrangement of this design gets that case under 2 ms; thin products
#   like the weight gradient's (C_out x C_in*kh*kw) run at half that rate.
# * Tried and dropped (each slower, measured): our own worker threads, one
#   chunk each, with OpenBLAS threaded or limited to one thread; splitting
#   the weight-gradient product between two threads; keeping every chunk's
#   columns for the backward pass; one product per kernel row for dJ/dx;
#   adding the bias while copying into y; one product per image for the
#   weight gradient (no faster than one per chunk).

_CHUNK_BYTES = 1 << 22  # columns per chunk: about 4 MB


def _columns_bytes(x_padded, kh, kw, out_h, dtype):
    """Bytes of one image's column matrix (wide-grid width: at most W_pad)."""
    in_channels, padded_w = x_padded.shape[1], x_padded.shape[3]
    return in_channels * kh * kw * out_h * padded_w * np.dtype(dtype).itemsize


def _batch_chunks(n, bytes_per_image):
    """Slices of the batch with about _CHUNK_BYTES of columns each (at least one image).

    They depend only on the shapes, never on the number of cores, so results
    are identical everywhere.
    """
    step = max(1, _CHUNK_BYTES // max(1, bytes_per_image))
    return [slice(start, min(n, start + step)) for start in range(0, n, step)]


def _grid_width(padded_w, unit_stride, out_w):
    """Columns per output row in the column matrix: the padded width for
    stride 1 (the wide grid, see the notes above), else W_out."""
    return padded_w if unit_stride else out_w


def _pad_for_columns(x, pads, unit_stride, dtype):
    """The zero-padded input, (N, C_in, H + top + bottom, W + left + right),
    with one more row of zeros at the bottom for stride 1 (see the notes above)."""
    n, in_channels, height, width = x.shape
    (top, bottom), (left, right) = pads
    spare_row = 1 if unit_stride else 0
    x_padded = np.zeros((n, in_channels, height + top + bottom + spare_row, width + left + right), dtype=dtype)
    x_padded[:, :, top : top + height, left : left + width] = x
    return x_padded


def _im2col(x_padded, kh, kw, stride_h, stride_w, dilation_h, dilation_w, out_h, out_w):
    """Columns of a chunk of c padded images.

    Returns a matrix (C_in*kh*kw, c * H_out * grid_w): row ``(ci, i, j)``,
    column ``(image, r, col)`` holds ``x_pad[image, ci, r*sh + i*dh, col*sw + j*dw]``.
    """
    c, in_channels, rows, padded_w = x_padded.shape
    unit_stride = stride_h == stride_w == 1
    grid_w = _grid_width(padded_w, unit_stride, out_w)
    if unit_stride:
        positions = out_h * grid_w
        flat = x_padded.reshape(c, in_channels, rows * padded_w)
        columns = np.empty((in_channels, kh, kw, c, positions), dtype=x_padded.dtype)
        for i in range(kh):
            for j in range(kw):
                start = i * dilation_h * padded_w + j * dilation_w
                columns[:, i, j] = flat[:, :, start : start + positions].transpose(1, 0, 2)  # (C_in, c, positions)
    else:
        columns = np.empty((in_channels, kh, kw, c, out_h, out_w), dtype=x_padded.dtype)
        row_extent = stride_h * (out_h - 1) + 1
        column_extent = stride_w * (out_w - 1) + 1
        for i in range(kh):
            for j in range(kw):
                top, left = i * dilation_h, j * dilation_w
                window_cells = x_padded[:, :, top : top + row_extent : stride_h, left : left + column_extent : stride_w]
                columns[:, i, j] = window_cells.transpose(1, 0, 2, 3)  # (C_in, c, H_out, W_out)
    return columns.reshape(in_channels * kh * kw, -1)


def _on_padded_images(grad_output, extra_h, extra_w):
    """dJ/dy of a chunk, (c, C_out, H_out, W_out), placed in the top left
    corner of zero images the size of the padded input, channel first:
    (C_out, c, H_pad, W_pad), with H_pad = H_out + extra_h, where
    extra_h = dh*(kh - 1) (stride 1)."""
    c, out_channels, out_h, out_w = grad_output.shape
    grad_images = np.zeros((out_channels, c, out_h + extra_h, out_w + extra_w), dtype=grad_output.dtype)
    grad_images[:, :, :out_h, :out_w] = grad_output.transpose(1, 0, 2, 3)
    return grad_images


def _input_gradient_stride_1(grad_images, weights_matrix, kh, kw, dilation_h=1, dilation_w=1):
    """dJ/dx_pad of a chunk for stride 1: (c, C_in, H_pad, W_pad).

    Each output position hands ``weights[:, :, i, j] * dJ/dy`` back to the
    input cell under tap (i, j) of its window: a matrix product gives every
    such share, and kh*kw shifted additions put them in place (col2im). The
    additions are fast when each is one long contiguous run (numpy adds short
    strided rows about 4x slower), so dJ/dy comes laid out on whole padded
    images, one after another (:func:`_on_padded_images`): position
    (image, r, col) sits at image * H_pad * W_pad + r * W_pad + col, and its
    tap (i, j) at that index + i*dh * W_pad + j*dw, for every image alike.
    Positions outside the output have zero gradient, so what they hand back
    is zero.

    The product covers H_pad = H_out + dh*(kh - 1) rows per image instead of
    H_out, so conv2d_backward uses it only while that is at most twice as
    many; a kernel almost as tall as the input goes through _col2im instead.
    """
    out_channels, c, padded_h, padded_w = grad_images.shape
    in_channels = weights_matrix.shape[1] // (kh * kw)
    image = padded_h * padded_w
    shares = weights_matrix.T @ grad_images.reshape(out_channels, c * image)  # (C_in*kh*kw, c * H_pad * W_pad)
    shares = shares.reshape(in_channels, kh, kw, c * image)
    # the last taps reach past the last image by up to dh*(kh - 1) * W_pad + dw*(kw - 1) (zeros only)
    reach = dilation_h * (kh - 1) * padded_w + dilation_w * (kw - 1)
    grad_flat = np.zeros((in_channels, c * image + reach), dtype=grad_images.dtype)
    for i in range(kh):
        for j in range(kw):
            start = i * dilation_h * padded_w + j * dilation_w
            grad_flat[:, start : start + c * image] += shares[:, i, j]
    grad_padded = grad_flat[:, : c * image].reshape(in_channels, c, padded_h, padded_w)
    return grad_padded.transpose(1, 0, 2, 3)  # (c, C_in, H_pad, W_pad)


def _col2im(grad_columns, padded_shape, kh, kw, stride_h, stride_w, dilation_h, dilation_w, out_h, out_w, grid_w):
    """The reverse of _im2col: send each column's gradient back to the cells
    of its window (overlapping windows add up). ``grad_columns`` is laid out
    like the columns, (C_in*kh*kw, c * H_out * grid_w); the grid's extra
    columns (stride 1) are skipped. Returns (c, C_in, H_pad (+1), W_pad)."""
    c, in_channels, padded_h, padded_w = padded_shape
    grad_padded = np.zeros(padded_shape, dtype=grad_columns.dtype)
    grad_columns = grad_columns.reshape(in_channels, kh, kw, c, out_h, grid_w)[..., :out_w]
    row_extent = stride_h * (out_h - 1) + 1
    column_extent = stride_w * (out_w - 1) + 1
    for i in range(kh):
        for j in range(kw):
            # every window position (r, col) sends its share back to x_pad[r*sh + i*dh, col*sw + j*dw]
            top, left = i * dilation_h, j * dilation_w
            grad_padded[:, :, top : top + row_extent : stride_h, left : left + column_extent : stride_w] += (
                grad_columns[:, i, j].transpose(1, 0, 2, 3)
            )
    return grad_padded


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
