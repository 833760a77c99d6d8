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

A network is described by cnnedu's own layers, as everywhere in cnnedu: a
list (or ``Sequential``) of ``Conv2d``, ``MaxPool2d``, ``AvgPool2d`` and
``ReLU`` layers. :func:`build_network` makes random-weight copies of it (the
same kernels, strides, paddings, dilations and ReLUs; one input channel,
``channels`` hidden channels, one output channel), and the gradient comes
from the layers' own ``backward``.

A dilated convolution is an ordinary convolution whose kernel of
``d * (k - 1) + 1`` cells has zeros between its ``k`` taps (that is why
dilation turns ``k`` into ``d * (k - 1) + 1`` in the receptive-field
formulas): :func:`dilate_kernel` spreads a kernel out that way, and
``Conv2d(..., dilation=d)`` computes the same numbers without multiplying by
the zeros.
"""

import numpy as np

from cnnedu._checks import as_generator, index_in, int_shape_pair, positive_int
from cnnedu.layer_stack import layer_list, map_shapes
from cnnedu.layers import AvgPool2d, Conv2d, MaxPool2d, ReLU, Sequential
from cnnedu.padding import kernel_span
from cnnedu.receptive_field import receptive_field


def dilate_kernel(weights, dilation):
    """Spread a kernel out: put ``dilation - 1`` zeros between its taps.

    Parameters
    ----------
    weights : ndarray, shape (C_out, C_in, k, k)
    dilation : int

    Returns
    -------
    ndarray, shape (C_out, C_in, span_h, span_w), ``span = kernel_span(k, dilation)``

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
    spread = np.zeros((out_channels, in_channels, kernel_span(kh, dilation), kernel_span(kw, dilation)), weights.dtype)
    spread[:, :, ::dilation, ::dilation] = weights
    return spread


def build_network(layers, channels=4, rng=None, dtype=np.float32):
    """A random-weight copy of a stack of layers, for the effective field.

    Every ``Conv2d`` becomes a new one with the same kernel size, stride,
    padding, dilation and bias (or none), one input channel for the first,
    ``channels`` for the hidden maps and one output channel for the last
    convolution, so that "the output unit (row, column)" is a single number;
    He-initialised weights (fan-in of the real taps), zero biases. Pooling
    layers and ReLUs are copied as they are.

    Parameters
    ----------
    layers : list of Conv2d, MaxPool2d, AvgPool2d and ReLU layers, or Sequential
    channels : int
    rng : None, int or numpy.random.Generator
    dtype : numpy dtype

    Examples
    --------
    >>> build_network([Conv2d(3, 8, 3, padding=1), ReLU(), MaxPool2d(2), Conv2d(8, 8, 3, padding=2, dilation=2)], rng=0)
    Sequential(
      Conv2d(1, 4, kernel_size=3, stride=1, padding=1),
      ReLU(),
      MaxPool2d(2, stride=2),
      Conv2d(4, 1, kernel_size=3, stride=1, padding=2, dilation=2)
    )
    """
    layers = layer_list(layers, "build_network()")
    channels = positive_int("channels", channels)
    rng = as_generator("rng", rng)
    for position, layer in enumerate(layers):
        if not isinstance(layer, (Conv2d, MaxPool2d, AvgPool2d, ReLU)):
            raise TypeError(
                f"the effective field is measured on Conv2d, MaxPool2d, AvgPool2d and ReLU layers; layers[{position}] "
                f"is {layer!r}"
            )
    conv_positions = [i for i, layer in enumerate(layers) if isinstance(layer, Conv2d)]
    if not conv_positions:
        raise ValueError("layers must contain at least one Conv2d; got only pooling and ReLU layers")
    last_conv = conv_positions[-1]
    network, in_channels = [], 1
    for position, layer in enumerate(layers):
        if isinstance(layer, Conv2d):
            out_channels = 1 if position == last_conv else channels
            network.append(
                Conv2d(
                    in_channels,
                    out_channels,
                    layer.kernel_size,
                    stride=layer.stride,
                    padding=layer.padding,
                    dilation=layer.dilation,
                    bias=layer.bias is not None,
                    rng=rng,
                    dtype=dtype,
                )
            )
            in_channels = out_channels
        elif isinstance(layer, ReLU):
            network.append(ReLU())
        else:
            network.append(type(layer)(layer.size, stride=layer.stride, padding=layer.padding))
    return Sequential(*network)


class EffectiveReceptiveField:
    """Random networks run forward once; ``gradient(row, column)`` then
    back-propagates from any output unit.

    The forward passes are kept (each layer keeps what its backward needs),
    so moving from one unit to another costs one backward pass per network.

    Parameters
    ----------
    layers : list of Conv2d, MaxPool2d, AvgPool2d and ReLU layers, or Sequential
        The network's shape; its weights (and channel counts) are replaced
        by random ones (see :func:`build_network`). Put ReLUs where the
        network has them (:func:`cnnedu.layer_stack.relu_between` puts one
        after every convolution but the last).
    input_shape : (height, width)
    channels : int
        Channels of the hidden layers.
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
        The theoretical receptive field of the output units (along the rows).
    field_columns : ReceptiveField
        The same along the columns (different only for layers that differ
        between rows and columns).
    networks : list of Sequential
        The random networks (each has run forward on its inputs).
    inputs : list of ndarray, shape (samples, 1, H, W)
        The random inputs, one batch per network.

    Examples
    --------
    >>> erf = EffectiveReceptiveField([Conv2d(1, 1, 3, padding=1), ReLU(), Conv2d(1, 1, 3, padding=1)], (9, 9), seed=0)
    >>> erf.output_shape, erf.field
    ((9, 9), ReceptiveField(size=5, stride=1, padding=2))
    >>> magnitude = erf.gradient(4, 4)
    >>> bool((magnitude[2:7, 2:7] > 0).all()), float(magnitude.sum() - magnitude[2:7, 2:7].sum())
    (True, 0.0)
    """

    def __init__(self, layers, input_shape, channels=4, samples=4, networks=2, seed=0, dtype=np.float32):
        self.layers = layer_list(layers, "EffectiveReceptiveField()")
        self.input_shape = int_shape_pair("input_shape", input_shape)
        self.output_shape = map_shapes(self.layers, self.input_shape)[-1]
        self.field = receptive_field(self.layers, axis="rows")
        self.field_columns = receptive_field(self.layers, axis="columns")
        samples = positive_int("samples", samples)
        networks = positive_int("networks", networks)
        rng = as_generator("seed", seed)
        self.networks, self.inputs = [], []
        for _ in range(networks):
            network = build_network(self.layers, channels=channels, rng=rng, dtype=dtype)
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
        row = index_in("row", row, self.output_shape[0])
        column = index_in("column", column, self.output_shape[1])
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
    layers : list of Conv2d, MaxPool2d, AvgPool2d and ReLU layers, or Sequential
    input_shape : (height, width)
    unit : (row, column), optional
        Output unit that gets the gradient 1; default: the centre unit.
    **options
        ``channels``, ``samples``, ``networks``, ``seed``, ``dtype``
        of :class:`EffectiveReceptiveField`.

    Returns
    -------
    ndarray, shape (H, W)

    Examples
    --------
    >>> erf = effective_receptive_field([Conv2d(1, 1, 3, padding=1)] * 3, (15, 15))
    >>> np.nonzero(erf.any(axis=0))[0]  # columns 7 - 3 to 7 + 3: a 7-wide field
    array([ 4,  5,  6,  7,  8,  9, 10])
    """
    model = EffectiveReceptiveField(layers, input_shape, **options)
    if unit is None:
        unit = (model.output_shape[0] // 2, model.output_shape[1] // 2)
    if not isinstance(unit, (tuple, list)) or len(unit) != 2:
        raise TypeError(f"unit must be a pair (row, column); got {unit!r}")
    return model.gradient(*unit)
