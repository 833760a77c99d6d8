"""Receptive field arithmetic (Araujo, Norris and Sim, Distill 2019).

For layers l = 1..L with kernel k_l, stride s_l, padding p_l and dilation
d_l (a dilated kernel covers ``d(k - 1) + 1`` cells), a unit of layer L sees

* size      ``r_0 = 1 + sum_l (k_l - 1) * prod_{i<l} s_i``
  (from the recursion ``r_{l-1} = s_l * r_l + (k_l - s_l)``, ``r_L = 1``),
* stride    ``S_0 = prod_l s_l`` (input cells between neighbouring units),
* padding   ``P_0 = sum_l p_l * prod_{i<l} s_i``.

Unit ``u`` of layer L sees input cells ``u * S_0 - P_0`` to
``u * S_0 - P_0 + r_0 - 1`` (indices below 0 or past the end fall in padding).
"""

from dataclasses import dataclass

from cnnedu._checks import non_negative_int, positive_int


@dataclass(frozen=True)
class ReceptiveField:
    """Receptive field of one layer's units, in input cells.

    Examples
    --------
    >>> rf = ReceptiveField(size=5, stride=2, padding=1)
    >>> rf.region(0), rf.region(3)
    ((-1, 3), (5, 9))
    """

    size: int
    stride: int
    padding: int

    def region(self, index):
        """First and last input index (inclusive) seen by unit ``index``."""
        start = index * self.stride - self.padding
        return (start, start + self.size - 1)


def _layer_geometry(layer, position):
    """Return (kernel_size, stride, padding, dilation) of a tuple or layer."""
    # Imported here so that this module stays usable without the layer classes.
    from cnnedu.layers import AvgPool2d, Conv2d, Flatten, GlobalAvgPool, Linear, MaxPool2d, ReLU

    if isinstance(layer, Conv2d):
        return layer.kernel_size, layer.stride, layer.padding, 1
    if isinstance(layer, (MaxPool2d, AvgPool2d)):
        return layer.size, layer.stride, 0, 1
    if isinstance(layer, ReLU):
        return 1, 1, 0, 1
    if isinstance(layer, (Flatten, Linear, GlobalAvgPool)):
        raise ValueError(
            f"layer {position} ({type(layer).__name__}) mixes all positions; receptive fields are "
            f"defined for the convolution and pooling layers before it"
        )
    if isinstance(layer, (tuple, list)) and 2 <= len(layer) <= 4:
        padding, dilation = 0, 1
        if len(layer) == 2:
            kernel_size, stride = layer
        elif len(layer) == 3:
            kernel_size, stride, padding = layer
        else:
            kernel_size, stride, padding, dilation = layer
        return (
            positive_int(f"layers[{position}] kernel_size", kernel_size),
            positive_int(f"layers[{position}] stride", stride),
            non_negative_int(f"layers[{position}] padding", padding),
            positive_int(f"layers[{position}] dilation", dilation),
        )
    raise TypeError(
        f"layers[{position}] must be (kernel_size, stride), (kernel_size, stride, padding), "
        f"(kernel_size, stride, padding, dilation) or a cnnedu Conv2d/MaxPool2d/AvgPool2d/ReLU; got {layer!r}"
    )


def receptive_fields(layers):
    """Receptive field after each layer, from the first to the last.

    Examples
    --------
    >>> [rf.size for rf in receptive_fields([(3, 1), (3, 1), (2, 2)])]
    [3, 5, 6]
    """
    from cnnedu.layers import Sequential

    if isinstance(layers, Sequential):
        layers = layers.layers
    layers = list(layers)
    if not layers:
        raise ValueError("layers must contain at least one layer; got an empty sequence")
    fields = []
    size, stride, padding = 1, 1, 0
    for position, layer in enumerate(layers):
        kernel_size, layer_stride, layer_padding, dilation = _layer_geometry(layer, position)
        span = dilation * (kernel_size - 1) + 1
        size += (span - 1) * stride  # stride so far = product of the earlier strides
        padding += layer_padding * stride
        stride *= layer_stride
        fields.append(ReceptiveField(size=size, stride=stride, padding=padding))
    return fields


def receptive_field(layers):
    """Receptive field size, effective stride and effective padding of the
    last layer's units.

    Parameters
    ----------
    layers : sequence
        Each item a tuple ``(kernel_size, stride)``, ``(kernel_size, stride,
        padding)`` or ``(kernel_size, stride, padding, dilation)``, or a
        cnnedu ``Conv2d``, ``MaxPool2d``, ``AvgPool2d`` or ``ReLU``; or a
        ``Sequential`` of those.

    Returns
    -------
    ReceptiveField
        With ``.size``, ``.stride``, ``.padding`` and ``.region(index)``.

    Examples
    --------
    >>> receptive_field([(11, 4, 2), (3, 2), (5, 1, 2)])  # AlexNet conv1, pool1, conv2
    ReceptiveField(size=51, stride=8, padding=18)
    """
    return receptive_fields(layers)[-1]
