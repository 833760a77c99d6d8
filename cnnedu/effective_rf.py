"""The effective receptive field of a unit (Luo, Li, Urtasun and Zemel, 2016).

The *theoretical* receptive field (:mod:`cnnedu.receptive_field`) says which
input cells **can** affect a unit. The *effective* receptive field says how
much each of them **does**: put a gradient of 1 on the chosen output unit
(0 everywhere else), back-propagate through the network, and look at
``|dJ/dX|``, the size of the gradient that reaches every input cell.
Averaged over random inputs and random weights it is concentrated in the
middle of the theoretical field and fades towards its edges, roughly like a
Gaussian: a centre cell is reached by many more paths through the layers
than a corner cell (Luo et al., "Understanding the Effective Receptive Field
in Deep Convolutional Neural Networks", NIPS 2016).

Here the networks are built from cnnedu's own layers (``Conv2d``, ``ReLU``,
``MaxPool2d``, ``AvgPool2d``) and the gradient comes from their own
``backward``. A layer is described by a tuple:

* ``("conv", kernel_size, stride=1, padding=0, dilation=1)``
* ``("max", size, stride=size)`` or ``("avg", size, stride=size)``

A dilated convolution is an ordinary convolution whose kernel of
``d * (k - 1) + 1`` cells has zeros between its ``k`` taps (that is why
dilation turns ``k`` into ``d * (k - 1) + 1`` in the receptive-field
formulas). :func:`build_network` builds it as such a spread-out ``Conv2d``,
or, for the common stride-1 "same" case, as :class:`DilatedConv2d`, which
gives the same numbers without multiplying by zeros.
"""

import numbers

import numpy as np

from cnnedu._checks import non_negative_int, positive_int
from cnnedu.layers import AvgPool2d, Conv2d, Layer, MaxPool2d, ReLU, Sequential
from cnnedu.receptive_field import receptive_field

LAYER_KINDS = ("conv", "max", "avg")


def parse_layer(spec, position=0):
    """Check one layer description and return it in full.

    Returns
    -------
    tuple
        ``("conv", kernel_size, stride, padding, dilation)`` or
        ``(kind, size, stride)`` for ``kind`` in ``"max"``, ``"avg"``.

    Examples
    --------
    >>> parse_layer(("conv", 3))
    ('conv', 3, 1, 0, 1)
    >>> parse_layer(("max", 2))
    ('max', 2, 2)
    """
    name = f"layers[{position}]"
    if not isinstance(spec, (tuple, list)) or not spec or spec[0] not in LAYER_KINDS:
        raise TypeError(
            f"{name} must be a tuple ('conv', kernel_size, stride, padding, dilation), "
            f"('max', size, stride) or ('avg', size, stride); got {spec!r}"
        )
    kind, *numbers_ = spec
    if kind == "conv":
        if not 1 <= len(numbers_) <= 4:
            raise ValueError(f"{name} must be ('conv', kernel_size[, stride[, padding[, dilation]]]); got {spec!r}")
        kernel_size, stride, padding, dilation = list(numbers_) + [1, 0, 1][len(numbers_) - 1 :]
        return (
            "conv",
            positive_int(f"{name} kernel_size", kernel_size),
            positive_int(f"{name} stride", stride),
            non_negative_int(f"{name} padding", padding),
            positive_int(f"{name} dilation", dilation),
        )
    if not 1 <= len(numbers_) <= 2:
        raise ValueError(f"{name} must be ('{kind}', size[, stride]); got {spec!r}")
    size = positive_int(f"{name} size", numbers_[0])
    stride = positive_int(f"{name} stride", numbers_[1]) if len(numbers_) == 2 else size
    return (kind, size, stride)


def geometry(layers):
    """``(span, stride, padding)`` of every layer, for :func:`cnnedu.receptive_fields`.

    The span of a dilated kernel is ``dilation * (kernel_size - 1) + 1``.

    Examples
    --------
    >>> geometry([("conv", 3, 1, 1, 2), ("max", 2)])
    [(5, 1, 1), (2, 2, 0)]
    """
    result = []
    for position, spec in enumerate(_as_list(layers)):
        spec = parse_layer(spec, position)
        if spec[0] == "conv":
            _, kernel_size, stride, padding, dilation = spec
            result.append((dilation * (kernel_size - 1) + 1, stride, padding))
        else:
            result.append((spec[1], spec[2], 0))
    return result


def output_shape(layers, input_shape):
    """Height and width of the last layer's map, or ValueError naming the
    first layer that does not fit.

    Examples
    --------
    >>> output_shape([("conv", 3, 1, 1), ("max", 2), ("conv", 3)], (64, 64))
    (30, 30)
    """
    height, width = _check_shape(input_shape)
    for position, (span, stride, padding) in enumerate(geometry(layers)):
        if span > min(height, width) + 2 * padding:
            raise ValueError(
                f"layer {position + 1} (window of {span} cells, padding {padding}) does not fit "
                f"in its {height}x{width} input"
            )
        height = (height + 2 * padding - span) // stride + 1
        width = (width + 2 * padding - span) // stride + 1
    return height, width


def dilate_kernel(weights, dilation):
    """Spread a kernel out: put ``dilation - 1`` zeros between its taps.

    Parameters
    ----------
    weights : ndarray, shape (C_out, C_in, k, k)
    dilation : int

    Returns
    -------
    ndarray, shape (C_out, C_in, d(k-1)+1, d(k-1)+1)

    Examples
    --------
    >>> dilate_kernel(np.ones((1, 1, 2, 2)), 2)[0, 0]
    array([[1., 0., 1.],
           [0., 0., 0.],
           [1., 0., 1.]])
    """
    dilation = positive_int("dilation", dilation)
    weights = np.asarray(weights)
    if weights.ndim != 4:
        raise ValueError(f"weights must be 4-D (C_out, C_in, k, k); got shape {weights.shape}")
    out_channels, in_channels, kh, kw = weights.shape
    spread = np.zeros((out_channels, in_channels, dilation * (kh - 1) + 1, dilation * (kw - 1) + 1), weights.dtype)
    spread[:, :, ::dilation, ::dilation] = weights
    return spread


class DilatedConv2d(Layer):
    """Stride-1 dilated convolution with "same" padding, computed on sub-grids.

    With an odd kernel of ``k`` taps placed ``dilation = d`` cells apart and
    padding ``d (k - 1) / 2``, output cell ``(i, j)`` only mixes input cells
    whose row and column are congruent to ``i`` and ``j`` modulo ``d``. So the
    map splits into ``d * d`` interleaved sub-grids (every d-th row and
    column), and on each of them the layer is an ordinary convolution with the
    ``k x k`` kernel and padding ``(k - 1) / 2``. Forward and backward run the
    wrapped ``Conv2d`` on the batch of sub-grids; the result equals a
    ``Conv2d`` with the spread-out kernel of :func:`dilate_kernel`.

    Parameters
    ----------
    conv : Conv2d
        Odd ``kernel_size``, stride 1, padding ``(kernel_size - 1) // 2``.
    dilation : int

    Examples
    --------
    >>> conv = Conv2d(1, 1, 3, padding=1, rng=0)
    >>> layer = DilatedConv2d(conv, dilation=2)
    >>> x = np.random.default_rng(1).standard_normal((1, 1, 7, 7))
    >>> dense = Conv2d(1, 1, 5, padding=2)
    >>> dense.weights = dilate_kernel(conv.weights, 2)
    >>> bool(np.allclose(layer(x), dense(x)))
    True
    """

    def __init__(self, conv, dilation):
        if not isinstance(conv, Conv2d):
            raise TypeError(f"conv must be a cnnedu Conv2d; got {type(conv).__name__}")
        if conv.kernel_size % 2 == 0 or conv.stride != 1 or conv.padding != (conv.kernel_size - 1) // 2:
            raise ValueError(
                f"conv must have an odd kernel_size, stride 1 and padding (kernel_size - 1) // 2; got {conv!r}"
            )
        self.conv = conv
        self.dilation = positive_int("dilation", dilation)
        self._cache = None

    @property
    def weights(self):
        return self.conv.weights

    @property
    def bias(self):
        return self.conv.bias

    def _to_subgrids(self, x):
        d = self.dilation
        n, channels, height, width = x.shape
        padded_h, padded_w = -(-height // d) * d, -(-width // d) * d  # round up to multiples of d
        if (padded_h, padded_w) != (height, width):
            # zeros past the end act exactly like the padding zeros of the dilated layer
            x = np.pad(x, ((0, 0), (0, 0), (0, padded_h - height), (0, padded_w - width)))
        x = x.reshape(n, channels, padded_h // d, d, padded_w // d, d)  # (n, c, a, ri, b, rj)
        return x.transpose(0, 3, 5, 1, 2, 4).reshape(n * d * d, channels, padded_h // d, padded_w // d)

    def _from_subgrids(self, y, n, height, width):
        d = self.dilation
        _, channels, rows, columns = y.shape
        y = y.reshape(n, d, d, channels, rows, columns).transpose(0, 3, 4, 1, 5, 2)  # (n, c, a, ri, b, rj)
        return np.ascontiguousarray(y.reshape(n, channels, rows * d, columns * d)[:, :, :height, :width])

    def forward(self, x):
        x = np.asarray(x)
        if x.ndim != 4:
            raise ValueError(f"x must be 4-D (N, C, H, W); got shape {x.shape}")
        self._cache = x.shape
        return self._from_subgrids(self.conv(self._to_subgrids(x)), x.shape[0], *x.shape[2:])

    def backward(self, grad_output):
        n, _, height, width = self._cache_or_raise()
        grad_subgrids = self.conv.backward(self._to_subgrids(np.asarray(grad_output)))
        self.weights_gradient = dilate_kernel(self.conv.weights_gradient, self.dilation)
        self.bias_gradient = self.conv.bias_gradient
        return self._from_subgrids(grad_subgrids, n, height, width)

    def __repr__(self):
        return f"DilatedConv2d({self.conv!r}, dilation={self.dilation})"


def build_network(layers, channels=4, relu=True, rng=None, dtype=np.float32):
    """A random-weight network of cnnedu layers for the given layer tuples.

    The input has one channel; hidden convolutions have ``channels`` output
    channels and the last convolution has one, so that "the output unit
    (row, column)" is a single number. With ``relu``, a ReLU follows every
    convolution except the last. Weights are He-initialised (for a dilated
    kernel, with the fan-in of its real taps); biases are zero.

    Examples
    --------
    >>> net = build_network([("conv", 3, 1, 1), ("max", 2), ("conv", 3, 1, 1, 2)], rng=0)
    >>> net
    Sequential(
      Conv2d(1, 4, kernel_size=3, stride=1, padding=1),
      ReLU(),
      MaxPool2d(2, stride=2),
      Conv2d(4, 1, kernel_size=5, stride=1, padding=1)
    )
    """
    layers = [parse_layer(spec, position) for position, spec in enumerate(_as_list(layers))]
    channels = positive_int("channels", channels)
    rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    conv_positions = [i for i, spec in enumerate(layers) if spec[0] == "conv"]
    if not conv_positions:
        raise ValueError("layers must contain at least one ('conv', ...) layer; got only pooling")
    last_conv = conv_positions[-1]
    network, in_channels = [], 1
    for position, spec in enumerate(layers):
        if spec[0] == "conv":
            _, kernel_size, stride, padding, dilation = spec
            out_channels = 1 if position == last_conv else channels
            span = dilation * (kernel_size - 1) + 1
            if dilation > 1 and stride == 1 and kernel_size % 2 == 1 and padding == (span - 1) // 2:
                conv = Conv2d(
                    in_channels, out_channels, kernel_size, padding=(kernel_size - 1) // 2, rng=rng, dtype=dtype
                )
                network.append(DilatedConv2d(conv, dilation))
            else:
                conv = Conv2d(in_channels, out_channels, span, stride=stride, padding=padding, rng=rng, dtype=dtype)
                if dilation > 1:
                    fan_in = in_channels * kernel_size**2  # only the real taps carry weights
                    taps = rng.standard_normal((out_channels, in_channels, kernel_size, kernel_size))
                    conv.weights = dilate_kernel(taps * np.sqrt(2.0 / fan_in), dilation).astype(dtype)
                network.append(conv)
            if relu and position != last_conv:
                network.append(ReLU())
            in_channels = out_channels
        else:
            kind, size, stride = spec
            network.append(MaxPool2d(size, stride) if kind == "max" else AvgPool2d(size, stride))
    return Sequential(*network)


class EffectiveReceptiveField:
    """Random networks run forward once; ``gradient(row, column)`` then
    back-propagates from any output unit.

    The forward passes are kept (each layer keeps what its backward needs),
    so moving from one unit to another costs one backward pass per network.

    Parameters
    ----------
    layers : sequence of layer tuples (see the module docstring)
    input_shape : (height, width)
    channels : int
        Channels of the hidden layers.
    relu : bool
        ReLU after every convolution but the last.
    samples : int
        Random inputs (standard normal) per network.
    networks : int
        Independent random weight draws; the result is averaged over all
        ``networks * samples`` input-weight pairs.
    seed : int
        Makes inputs and weights reproducible.
    dtype : numpy dtype

    Attributes
    ----------
    output_shape : (int, int)
    field : ReceptiveField
        The theoretical receptive field of the output units.
    networks : list of Sequential
        The random networks (each has run forward on its inputs).
    inputs : list of ndarray, shape (samples, 1, H, W)
        The random inputs, one batch per network.

    Examples
    --------
    >>> erf = EffectiveReceptiveField([("conv", 3, 1, 1)] * 2, (9, 9), seed=0)
    >>> erf.output_shape, erf.field
    ((9, 9), ReceptiveField(size=5, stride=1, padding=2))
    >>> magnitude = erf.gradient(4, 4)
    >>> bool((magnitude[2:7, 2:7] > 0).all()), float(magnitude.sum() - magnitude[2:7, 2:7].sum())
    (True, 0.0)
    """

    def __init__(self, layers, input_shape, channels=4, relu=True, samples=4, networks=2, seed=0, dtype=np.float32):
        self.layers = [parse_layer(spec, position) for position, spec in enumerate(_as_list(layers))]
        self.input_shape = _check_shape(input_shape)
        self.output_shape = output_shape(self.layers, self.input_shape)
        self.field = receptive_field(geometry(self.layers))
        samples = positive_int("samples", samples)
        networks = positive_int("networks", networks)
        rng = np.random.default_rng(seed)
        self.networks, self.inputs = [], []
        for _ in range(networks):
            network = build_network(self.layers, channels=channels, relu=relu, rng=rng, dtype=dtype)
            x = rng.standard_normal((samples, 1) + self.input_shape).astype(dtype)  # (N, 1, H, W)
            network(x)  # forward once; the layers keep their caches for backward
            self.networks.append(network)
            self.inputs.append(x)
        self._grad_output = np.zeros((samples, 1) + self.output_shape, dtype=dtype)  # reused
        self._total = np.zeros(self.input_shape, dtype=np.float64)  # reused

    def gradient(self, row, column, out=None):
        """Mean ``|dJ/dX|`` over inputs and networks when ``J`` is output unit
        ``(row, column)``: an (H, W) array, zero outside the theoretical field.

        ``out``, an (H, W) float array, receives the result (no allocation).
        """
        row = _check_index("row", row, self.output_shape[0])
        column = _check_index("column", column, self.output_shape[1])
        total = self._total if out is None else out
        total[...] = 0.0
        self._grad_output[:, :, row, column] = 1.0
        try:
            for network in self.networks:
                grad_x = network.backward(self._grad_output)  # (N, 1, H, W)
                total += np.abs(grad_x[:, 0]).sum(axis=0)
        finally:
            self._grad_output[:, :, row, column] = 0.0
        total /= len(self.networks) * self._grad_output.shape[0]
        return total if out is not None else total.copy()


def effective_receptive_field(layers, input_shape, unit=None, **options):
    """Mean ``|dJ/dX|`` of one output unit of a random-weight network.

    Parameters
    ----------
    layers : sequence of layer tuples (see the module docstring)
    input_shape : (height, width)
    unit : (row, column), optional
        Output unit that gets the gradient 1; default: the centre unit.
    **options
        ``channels``, ``relu``, ``samples``, ``networks``, ``seed``, ``dtype``
        of :class:`EffectiveReceptiveField`.

    Returns
    -------
    ndarray, shape (H, W)

    Examples
    --------
    >>> erf = effective_receptive_field([("conv", 3, 1, 1)] * 3, (15, 15), relu=False)
    >>> np.nonzero(erf.any(axis=0))[0]  # columns 7 - 3 to 7 + 3: a 7-wide field
    array([ 4,  5,  6,  7,  8,  9, 10])
    """
    model = EffectiveReceptiveField(layers, input_shape, **options)
    if unit is None:
        unit = (model.output_shape[0] // 2, model.output_shape[1] // 2)
    if not isinstance(unit, (tuple, list)) or len(unit) != 2:
        raise TypeError(f"unit must be a pair (row, column); got {unit!r}")
    return model.gradient(*unit)


def _as_list(layers):
    if isinstance(layers, tuple) and layers and isinstance(layers[0], str):
        raise TypeError(f"layers must be a sequence of layer tuples, e.g. [{layers!r}]; got a single tuple")
    layers = list(layers)
    if not layers:
        raise ValueError("layers must contain at least one layer; got an empty sequence")
    return layers


def _check_shape(shape):
    if not isinstance(shape, (tuple, list)) or len(shape) != 2:
        raise TypeError(f"input_shape must be a pair (height, width); got {shape!r}")
    return positive_int("input_shape[0]", shape[0]), positive_int("input_shape[1]", shape[1])


def _check_index(name, value, size):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {value!r}")
    if not 0 <= value < size:
        raise ValueError(f"{name} must be in 0..{size - 1} (the output map has {size}); got {value}")
    return int(value)
