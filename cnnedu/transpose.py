"""Transposed convolution: the input gradient of a convolution, run as a layer.

Shapes (as in PyTorch's ``conv_transpose2d``):

* input ``x``: (N, C_in, H, W)
* weights: (C_in, C_out, kh, kw): note the order, input channels first; it is
  the weight array of the convolution whose transpose this is
* bias: (C_out,)
* output ``y``: (N, C_out, H_out, W_out) with
  ``H_out = (H - 1) * s - 2p + d * (kh - 1) + output_padding + 1``

Every input cell stamps a copy of the kernel, scaled by the cell's value,
into the output; stamps of neighbouring cells sit ``s`` cells apart and add
up where they overlap. Then ``p`` cells are cut from each side (the padding
of the convolution this undoes) and ``output_padding`` cells are added at
the bottom and right::

    y_full[n, o, i*s + a*d, j*s + b*d] += x[n, ci, i, j] * weights[ci, o, a, b]
    y = y_full[:, :, p : p + H_out, p : p + W_out] + bias

This is exactly ``dJ/dx`` of :func:`cnnedu.conv2d_forward` for ``dJ/dy = x``
with the same weights, stride and padding (lesson 06): the full convolution
of ``dJ/dy`` with the kernels, cropped.

:func:`conv_transpose2d_forward` / :func:`conv_transpose2d_backward` are the
fast pair (one matrix product, then one shifted addition per kernel entry);
:func:`conv_transpose2d_loop` stamps one input cell at a time and is tested
equal to them. :class:`ConvTranspose2d` is the layer.
"""

from dataclasses import dataclass

import numpy as np

from cnnedu._checks import as_array, as_generator, channel_bias, non_negative_int, positive_int
from cnnedu.layers import Layer
from cnnedu.padding import kernel_span

# --- sizes and settings --------------------------------------------------------


def _check_output_padding(output_padding, stride, dilation):
    output_padding = non_negative_int("output_padding", output_padding)
    if output_padding >= stride and output_padding >= dilation:
        raise ValueError(
            f"output_padding must be smaller than the stride or the dilation; got output_padding={output_padding} "
            f"with stride={stride} and dilation={dilation} (it only picks one of the {stride} input sizes that a "
            f"stride-{stride} convolution maps to the same output size)"
        )
    return output_padding


def _check_settings(stride, padding, output_padding, dilation):
    stride = positive_int("stride", stride)
    padding = non_negative_int("padding", padding)
    dilation = positive_int("dilation", dilation)
    output_padding = _check_output_padding(output_padding, stride, dilation)
    return stride, padding, output_padding, dilation


def transposed_output_size(n, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
    """Length of a transposed convolution's output along one axis.

    ``o = (n - 1) * s - 2p + d * (k - 1) + output_padding + 1``

    The stamps of n input cells, s apart, each d * (k - 1) + 1 long, cover
    (n - 1) * s + d * (k - 1) + 1 cells; p are cut from each side and
    ``output_padding`` added at the end.

    Parameters
    ----------
    n : int
        Input length, at least 1.
    kernel_size : int
        Kernel length k, at least 1.
    stride : int
        Distance s between the stamps of neighbouring input cells, at least 1.
    padding : int
        Cells p cut from each side, at least 0.
    output_padding : int
        Cells added at the end; smaller than the stride or the dilation.
    dilation : int
        Spacing d between kernel taps, at least 1.

    Returns
    -------
    int

    Raises
    ------
    ValueError
        For an invalid setting, or when the padding cuts away everything.

    Examples
    --------
    >>> transposed_output_size(4, 3, stride=2, padding=1)
    7
    >>> transposed_output_size(4, 3, stride=2, padding=1, output_padding=1)
    8
    >>> transposed_output_size(4, 4, stride=2, padding=1)
    8
    """
    n = positive_int("n", n)
    kernel_size = positive_int("kernel_size", kernel_size)
    stride, padding, output_padding, dilation = _check_settings(stride, padding, output_padding, dilation)
    size = (n - 1) * stride - 2 * padding + kernel_span(kernel_size, dilation) + output_padding
    if size < 1:
        raise ValueError(
            f"padding={padding} cuts away the whole output: (n - 1)*s - 2p + d*(k - 1) + output_padding + 1 = "
            f"({n} - 1)*{stride} - 2*{padding} + {dilation}*({kernel_size} - 1) + {output_padding} + 1 = {size}; "
            "use less padding"
        )
    return size


def _check_transpose(x, weights, bias, stride, padding, output_padding, dilation):
    x = as_array("x", x, ndim=4)
    weights = as_array("weights", weights, ndim=4)
    stride, padding, output_padding, dilation = _check_settings(stride, padding, output_padding, dilation)
    in_channels, out_channels, kh, kw = weights.shape
    if x.shape[1] != in_channels:
        raise ValueError(
            f"x has {x.shape[1]} channels (shape {x.shape}) but weights of shape {weights.shape} "
            f"(C_in, C_out, kh, kw) expect C_in={in_channels}"
        )
    bias = channel_bias(bias, out_channels)
    out_h = transposed_output_size(x.shape[2], kh, stride, padding, output_padding, dilation)
    out_w = transposed_output_size(x.shape[3], kw, stride, padding, output_padding, dilation)
    return x, weights, bias, (stride, padding, output_padding, dilation), (out_h, out_w)


def _full_shape(height, width, kh, kw, stride, padding, dilation, out_h, out_w):
    """Rows and columns of the uncropped output: every stamp fits, and so does
    the crop window (output_padding may reach past the last stamp)."""
    rows = max((height - 1) * stride + kernel_span(kh, dilation), padding + out_h)
    columns = max((width - 1) * stride + kernel_span(kw, dilation), padding + out_w)
    return rows, columns


# --- the fast pair -------------------------------------------------------------


def conv_transpose2d_forward(x, weights, bias=None, stride=1, padding=0, output_padding=0, dilation=1):
    """Forward pass of a transposed convolution (fast).

    One matrix product gives every input cell's stamp of every kernel entry
    at once; then one shifted, strided addition per kernel entry (kh * kw of
    them) lays the stamps into the output.

    Parameters
    ----------
    x : array_like, shape (N, C_in, H, W)
    weights : array_like, shape (C_in, C_out, kh, kw)
    bias : array_like, shape (C_out,), optional
    stride, padding, output_padding, dilation : int
        As in PyTorch; see :func:`transposed_output_size`.

    Returns
    -------
    y : ndarray, shape (N, C_out, H_out, W_out)
    cache : tuple
        What :func:`conv_transpose2d_backward` needs.

    Examples
    --------
    >>> y, cache = conv_transpose2d_forward(np.ones((1, 1, 2, 2)), np.ones((1, 1, 3, 3)), stride=2)
    >>> y[0, 0]
    array([[1., 1., 2., 1., 1.],
           [1., 1., 2., 1., 1.],
           [2., 2., 4., 2., 2.],
           [1., 1., 2., 1., 1.],
           [1., 1., 2., 1., 1.]])
    """
    x, weights, bias, settings, (out_h, out_w) = _check_transpose(
        x, weights, bias, stride, padding, output_padding, dilation
    )
    stride, padding, output_padding, dilation = settings
    n, in_channels, height, width = x.shape
    _, out_channels, kh, kw = weights.shape
    dtype = np.result_type(x, weights)
    weights_matrix = weights.reshape(in_channels, -1).astype(dtype, copy=False)  # (C_in, C_out*kh*kw)
    x_matrix = x.transpose(1, 0, 2, 3).reshape(in_channels, -1).astype(dtype, copy=False)  # (C_in, N*H*W)
    stamps = (weights_matrix.T @ x_matrix).reshape(out_channels, kh, kw, n, height, width)  # every stamp entry
    full_h, full_w = _full_shape(height, width, kh, kw, stride, padding, dilation, out_h, out_w)
    y_full = np.zeros((n, out_channels, full_h, full_w), dtype=dtype)
    row_extent, column_extent = (height - 1) * stride + 1, (width - 1) * stride + 1
    for a in range(kh):
        for b in range(kw):
            rows = slice(a * dilation, a * dilation + row_extent, stride)
            columns = slice(b * dilation, b * dilation + column_extent, stride)
            # kernel entry (a, b) of the stamp of input cell (i, j) lands on (i*s + a*d, j*s + b*d)
            y_full[:, :, rows, columns] += stamps[:, a, b].transpose(1, 0, 2, 3)  # (N, C_out, H, W)
    y = y_full[:, :, padding : padding + out_h, padding : padding + out_w].copy()  # (N, C_out, H_out, W_out)
    if bias is not None:
        y += bias.astype(dtype, copy=False)[:, np.newaxis, np.newaxis]
    cache = (x, weights, bias is not None, settings, (full_h, full_w))
    return y, cache


def conv_transpose2d_backward(grad_output, cache, input_gradient=True):
    """Backward pass of :func:`conv_transpose2d_forward`.

    The stamp of input cell (i, j) landed on the output window that starts
    at (i*s, j*s) of the uncropped output, so its gradient collects ``dJ/dy``
    over that window, weighted by the kernel: ``dJ/dx`` is an ordinary
    (strided, dilated) convolution of the padded ``dJ/dy`` with the weights,
    the forward pass of lesson 05. The transposed convolution's backward is
    a convolution, as the convolution's backward is a transposed convolution.

    * ``dJ/dweights[ci, o, a, b]``: sum over the batch and the input cells of
      ``x[n, ci, i, j] * dJ/dy_full[n, o, i*s + a*d, j*s + b*d]``.
    * ``dJ/dbias``: ``dJ/dy`` summed over the batch and every position.

    Parameters
    ----------
    grad_output : array_like, shape (N, C_out, H_out, W_out)
    cache : tuple from :func:`conv_transpose2d_forward`
    input_gradient : bool
        False skips ``dJ/dx`` (returned as None).

    Returns
    -------
    grad_x : ndarray, shape (N, C_in, H, W), or None
    grad_weights : ndarray, shape (C_in, C_out, kh, kw)
    grad_bias : ndarray, shape (C_out,), or None when the forward had no bias

    Examples
    --------
    >>> x = np.array([[[[1.0, 2.0]]]])
    >>> y, cache = conv_transpose2d_forward(x, np.ones((1, 1, 1, 3)), stride=2)
    >>> grad_x, grad_weights, grad_bias = conv_transpose2d_backward(np.ones_like(y), cache)
    >>> grad_x, grad_weights
    (array([[[[3., 3.]]]]), array([[[[3., 3., 3.]]]]))
    """
    x, weights, has_bias, (stride, padding, output_padding, dilation), (full_h, full_w) = cache
    n, in_channels, height, width = x.shape
    _, out_channels, kh, kw = weights.shape
    out_h = transposed_output_size(height, kh, stride, padding, output_padding, dilation)
    out_w = transposed_output_size(width, kw, stride, padding, output_padding, dilation)
    grad_output = as_array("grad_output", grad_output, ndim=4)
    expected = (n, out_channels, out_h, out_w)
    if grad_output.shape != expected:
        raise ValueError(f"grad_output must have the shape of the forward output {expected}; got {grad_output.shape}")
    dtype = np.result_type(x, weights)
    grad_full = np.zeros((n, out_channels, full_h, full_w), dtype=dtype)  # dJ/dy back in uncropped place
    grad_full[:, :, padding : padding + out_h, padding : padding + out_w] = grad_output
    # gather, for every kernel entry (a, b), the gradient under that entry of every stamp
    gathered = np.empty((out_channels, kh, kw, n, height, width), dtype=dtype)
    row_extent, column_extent = (height - 1) * stride + 1, (width - 1) * stride + 1
    for a in range(kh):
        for b in range(kw):
            rows = slice(a * dilation, a * dilation + row_extent, stride)
            columns = slice(b * dilation, b * dilation + column_extent, stride)
            gathered[:, a, b] = grad_full[:, :, rows, columns].transpose(1, 0, 2, 3)  # (C_out, N, H, W)
    gathered = gathered.reshape(out_channels * kh * kw, -1)  # (C_out*kh*kw, N*H*W)
    x_matrix = x.transpose(1, 0, 2, 3).reshape(in_channels, -1).astype(dtype, copy=False)  # (C_in, N*H*W)
    grad_weights = (x_matrix @ gathered.T).reshape(weights.shape)  # (C_in, C_out, kh, kw), summed over the batch
    grad_x = None
    if input_gradient:
        weights_matrix = weights.reshape(in_channels, -1).astype(dtype, copy=False)  # (C_in, C_out*kh*kw)
        grad_x = (weights_matrix @ gathered).reshape(in_channels, n, height, width).transpose(1, 0, 2, 3).copy()
    grad_bias = grad_output.sum(axis=(0, 2, 3)).astype(dtype) if has_bias else None
    return grad_x, grad_weights, grad_bias


def conv_transpose2d(x, weights, bias=None, stride=1, padding=0, output_padding=0, dilation=1):
    """Transposed convolution, as PyTorch's ``torch.nn.functional.conv_transpose2d``.

    Every input cell stamps a copy of its kernel, scaled by its value, into
    the output, ``stride`` cells apart; overlapping stamps add up. Equal to
    the input gradient of :func:`cnnedu.conv2d_forward` with the same weights.

    Parameters
    ----------
    x : array_like, shape (N, C_in, H, W)
    weights : array_like, shape (C_in, C_out, kh, kw)
    bias : array_like, shape (C_out,), optional
    stride, padding, output_padding, dilation : int
        See :func:`transposed_output_size`.

    Returns
    -------
    ndarray, shape (N, C_out, H_out, W_out)

    Examples
    --------
    >>> conv_transpose2d([[[[1.0, 10.0]]]], [[[[1.0, 2.0, 3.0]]]], stride=2)
    array([[[[ 1.,  2., 13., 20., 30.]]]])
    """
    return conv_transpose2d_forward(x, weights, bias, stride, padding, output_padding, dilation)[0]


# --- the loop twin: the definition, one stamp at a time -----------------------------


def conv_transpose2d_loop(x, weights, bias=None, stride=1, padding=0, output_padding=0, dilation=1):
    """Readable transposed convolution: every input cell stamps a scaled copy
    of the kernel into the output.

    Same contract as :func:`conv_transpose2d`.

    Examples
    --------
    >>> conv_transpose2d_loop([[[[1.0, 10.0]]]], [[[[1.0, 2.0, 3.0]]]], stride=2)
    array([[[[ 1.,  2., 13., 20., 30.]]]])
    """
    x, weights, bias, settings, (out_h, out_w) = _check_transpose(
        x, weights, bias, stride, padding, output_padding, dilation
    )
    stride, padding, output_padding, dilation = settings
    n, in_channels, height, width = x.shape
    _, out_channels, kh, kw = weights.shape
    full_h, full_w = _full_shape(height, width, kh, kw, stride, padding, dilation, out_h, out_w)
    y_full = np.zeros((n, out_channels, full_h, full_w), dtype=np.result_type(x, weights))
    for sample in range(n):
        for ci in range(in_channels):
            for i in range(height):
                for j in range(width):
                    # the stamp of cell (i, j): its kernel taps start at (i*s, j*s), d cells apart
                    rows = slice(i * stride, i * stride + kernel_span(kh, dilation), dilation)
                    columns = slice(j * stride, j * stride + kernel_span(kw, dilation), dilation)
                    for o in range(out_channels):
                        y_full[sample, o, rows, columns] += x[sample, ci, i, j] * weights[ci, o]
    y = y_full[:, :, padding : padding + out_h, padding : padding + out_w]  # cut the padding off
    if bias is not None:
        y = y + bias[:, np.newaxis, np.newaxis]
    return np.ascontiguousarray(y)


# --- geometry for the pictures ---------------------------------------------------------


@dataclass(frozen=True)
class StampLayout:
    """Where the stamps of an n x n input go, for the pictures of lesson 09.

    Attributes
    ----------
    n, kernel_size, stride, padding, output_padding, dilation : int
        The setting.
    output_size : int
        By the formula (:func:`transposed_output_size`).
    full_size : int
        Cells of the uncropped output along one axis (every stamp and the
        crop window fit in it).
    taps : ndarray, shape (n, kernel_size)
        ``taps[i]``: uncropped positions of the kernel entries stamped by
        input cell i along one axis (``i*s + a*d``).
    kept : (int, int)
        The uncropped positions ``start, stop`` that form the output:
        ``padding`` to ``padding + output_size``.
    counts_1d : ndarray, shape (full_size,)
        How many stamp entries land on each uncropped position.
    counts : ndarray, shape (output_size, output_size)
        How many stamp entries land on each output cell: the transposed
        convolution of an all-ones input with an all-ones kernel.
    computed_shape : tuple
        Shape :func:`conv_transpose2d` returns for an (1, 1, n, n) input.
    """

    n: int
    kernel_size: int
    stride: int
    padding: int
    output_padding: int
    dilation: int
    output_size: int
    full_size: int
    taps: np.ndarray
    kept: tuple
    counts_1d: np.ndarray
    counts: np.ndarray
    computed_shape: tuple


def stamp_layout(n, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
    """The stamps of a transposed convolution of an n x n input, and how
    often they overlap on each output cell.

    Parameters
    ----------
    n, kernel_size, stride, padding, output_padding, dilation : int
        See :func:`transposed_output_size`.

    Returns
    -------
    StampLayout

    Examples
    --------
    >>> layout = stamp_layout(3, 3, stride=2)
    >>> layout.output_size, layout.taps[1].tolist()
    (7, [2, 3, 4])
    >>> layout.counts[0].tolist()  # stamps overlap unevenly: the checkerboard
    [1.0, 1.0, 2.0, 1.0, 2.0, 1.0, 1.0]
    """
    size = transposed_output_size(n, kernel_size, stride, padding, output_padding, dilation)
    full_size = max((n - 1) * stride + kernel_span(kernel_size, dilation), padding + size)
    taps = np.arange(n)[:, np.newaxis] * stride + np.arange(kernel_size)[np.newaxis, :] * dilation  # (n, k)
    counts_1d = np.bincount(taps.ravel(), minlength=full_size).astype(float)
    ones_kernel = np.ones((1, 1, kernel_size, kernel_size))
    counts = conv_transpose2d(np.ones((1, 1, n, n)), ones_kernel, None, stride, padding, output_padding, dilation)
    return StampLayout(
        n=n,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        output_padding=output_padding,
        dilation=dilation,
        output_size=size,
        full_size=full_size,
        taps=taps,
        kept=(padding, padding + size),
        counts_1d=counts_1d,
        counts=counts[0, 0],
        computed_shape=counts.shape,
    )


def convolution_matrix(n, kernel, stride=1, padding=0):
    """The matrix C of a 1-D convolution (cross-correlation) of a length-n
    input: ``C @ x`` is the convolution, ``C.T @ y`` the transposed one.

    Parameters
    ----------
    n : int
        Input length.
    kernel : array_like, shape (k,)
    stride, padding : int

    Returns
    -------
    ndarray, shape (o, n)
        Row r holds the kernel at the input positions that output r reads
        (entries that fall on the padding are left out).

    Examples
    --------
    >>> convolution_matrix(5, [1, 2, 3], stride=2)
    array([[1., 2., 3., 0., 0.],
           [0., 0., 1., 2., 3.]])
    """
    n = positive_int("n", n)
    kernel = as_array("kernel", kernel, ndim=1)
    stride = positive_int("stride", stride)
    padding = non_negative_int("padding", padding)
    k = kernel.shape[0]
    if k > n + 2 * padding:
        raise ValueError(f"kernel of length {k} does not fit in the padded input n + 2*padding = {n + 2 * padding}")
    rows = (n + 2 * padding - k) // stride + 1
    matrix = np.zeros((rows, n + 2 * padding))
    for r in range(rows):
        matrix[r, r * stride : r * stride + k] = kernel
    return matrix[:, padding : padding + n]


# --- the layer -------------------------------------------------------------------------


class ConvTranspose2d(Layer):
    """Transposed convolution layer: (N, C_in, H, W) -> (N, C_out, H_out, W_out).

    Upsamples in decoders, segmentation networks and GAN generators. The
    weights have PyTorch's shape (C_in, C_out, k, k) and are drawn with He
    initialisation, ``normal(0, sqrt(2 / fan_in))``, with ``fan_in`` the
    number of stamps that reach an output cell on average,
    ``C_in * k * k / stride**2``; the bias starts at zero.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int
        Square kernels k x k.
    stride, padding, output_padding, dilation : int
        See :func:`transposed_output_size`.
    rng : None, int or numpy.random.Generator
        Source of the initial weights (an int is a seed).
    dtype : numpy dtype

    Examples
    --------
    >>> layer = ConvTranspose2d(4, 2, kernel_size=4, stride=2, padding=1, rng=0)
    >>> layer.weights.shape, layer.parameter_count()
    ((4, 2, 4, 4), 130)
    >>> layer(np.zeros((3, 4, 5, 5))).shape
    (3, 2, 10, 10)
    """

    parameter_names = ("weights", "bias")

    def __init__(
        self,
        in_channels,
        out_channels,
        kernel_size,
        stride=1,
        padding=0,
        output_padding=0,
        dilation=1,
        rng=None,
        dtype=np.float64,
    ):
        self.in_channels = positive_int("in_channels", in_channels)
        self.out_channels = positive_int("out_channels", out_channels)
        self.kernel_size = positive_int("kernel_size", kernel_size)
        self.stride, self.padding, self.output_padding, self.dilation = _check_settings(
            stride, padding, output_padding, dilation
        )
        fan_in = max(1.0, self.in_channels * self.kernel_size**2 / self.stride**2)
        shape = (self.in_channels, self.out_channels, self.kernel_size, self.kernel_size)
        self.weights = (as_generator("rng", rng).standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(dtype)
        self.bias = np.zeros(self.out_channels, dtype=dtype)
        self.weights_gradient = np.zeros_like(self.weights)
        self.bias_gradient = np.zeros_like(self.bias)
        self._cache = None

    def forward(self, x):
        x = as_array("x", x, ndim=4)
        if x.shape[1] != self.in_channels:
            raise ValueError(
                f"ConvTranspose2d expects x with {self.in_channels} channels, shape (N, {self.in_channels}, H, W); "
                f"got shape {x.shape}"
            )
        y, self._cache = conv_transpose2d_forward(
            x, self.weights, self.bias, self.stride, self.padding, self.output_padding, self.dilation
        )
        return y

    def backward(self, grad_output, input_gradient=True):
        grad_x, self.weights_gradient, self.bias_gradient = conv_transpose2d_backward(
            grad_output, self._cache_or_raise(), input_gradient=input_gradient
        )
        return grad_x

    def __repr__(self):
        extras = f", output_padding={self.output_padding}" if self.output_padding else ""
        extras += f", dilation={self.dilation}" if self.dilation != 1 else ""
        return (
            f"ConvTranspose2d({self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}, padding={self.padding}{extras})"
        )
