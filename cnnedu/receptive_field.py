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

from cnnedu._checks import int_pair, non_negative_int, one_of, positive_int


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


AXES = {"rows": 0, "columns": 1}


def _one_axis(position, layer, settings, axis):
    """The settings of one axis, from (rows, columns) pairs; without ``axis`` both must agree."""
    if axis is not None:
        return tuple(pair[axis] for pair in settings)
    if any(pair[0] != pair[1] for pair in settings):
        raise ValueError(
            f"layer {position} ({layer!r}) has different settings along rows and columns, so its receptive "
            f"field is a rectangle: pass axis='rows' or axis='columns' to get one side of it"
        )
    return tuple(pair[0] for pair in settings)


def _layer_geometry(layer, position, axis=None):
    """Return (kernel_size, stride, padding, dilation) of a tuple or layer, along ``axis`` (0 rows, 1 columns)."""
    # Imported here so that this module stays usable without the layer classes.
    from cnnedu.conv import conv_padding
    from cnnedu.layers import AvgPool2d, Conv2d, Flatten, GlobalAvgPool, Linear, MaxPool2d, ReLU

    if isinstance(layer, Conv2d):
        kernel, stride, dilation = (
            int_pair(name, value)
            for name, value in [
                ("kernel_size", layer.kernel_size),
                ("stride", layer.stride),
                ("dilation", layer.dilation),
            ]
        )
        # the padding before the first cell (top or left) is what shifts the field; 'same' puts an odd cell after
        padding = tuple(side[0] for side in conv_padding(layer.padding, kernel, stride, dilation))
        return _one_axis(position, layer, (kernel, stride, padding, dilation), axis)
    if isinstance(layer, (MaxPool2d, AvgPool2d)):
        kernel, stride = int_pair("size", layer.size), int_pair("stride", layer.stride)
        padding = int_pair("padding", layer.padding, minimum=0)
        return _one_axis(position, layer, (kernel, stride, padding, (1, 1)), axis)
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


def receptive_fields(layers, axis=None):
    """Receptive field after each layer, from the first to the last.

    ``axis`` ('rows' or 'columns') picks one side of the field for layers
    whose settings differ between rows and columns (see :func:`receptive_field`).

    Examples
    --------
    >>> [rf.size for rf in receptive_fields([(3, 1), (3, 1), (2, 2)])]
    [3, 5, 6]
    """
    if axis is not None:
        axis = AXES[one_of("axis", axis, tuple(AXES))]
    from cnnedu.layers import Sequential

    if isinstance(layers, Sequential):
        layers = layers.layers
    layers = list(layers)
    if not layers:
        raise ValueError("layers must contain at least one layer; got an empty sequence")
    fields = []
    size, stride, padding = 1, 1, 0
    for position, layer in enumerate(layers):
        kernel_size, layer_stride, layer_padding, dilation = _layer_geometry(layer, position, axis)
        span = dilation * (kernel_size - 1) + 1
        size += (span - 1) * stride  # stride so far = product of the earlier strides
        padding += layer_padding * stride
        stride *= layer_stride
        fields.append(ReceptiveField(size=size, stride=stride, padding=padding))
    return fields


def receptive_field(layers, axis=None):
    """Receptive field size, effective stride and effective padding of the
    last layer's units.

    Parameters
    ----------
    layers : sequence
        Each item a tuple ``(kernel_size, stride)``, ``(kernel_size, stride,
        padding)`` or ``(kernel_size, stride, padding, dilation)``, or a
        cnnedu ``Conv2d``, ``MaxPool2d``, ``AvgPool2d`` or ``ReLU``; or a
        ``Sequential`` of those. A layer's dilation and padding count
        (``'same'``: the padding before the first cell).
    axis : None, 'rows' or 'columns'
        Layers with different settings along rows and columns (a 1x3 kernel)
        have a rectangular field: ``axis`` picks its height ('rows') or width
        ('columns'). Without it, such a layer is refused.

    Returns
    -------
    ReceptiveField
        With ``.size``, ``.stride``, ``.padding`` and ``.region(index)``.

    Examples
    --------
    >>> receptive_field([(11, 4, 2), (3, 2), (5, 1, 2)])  # AlexNet conv1, pool1, conv2
    ReceptiveField(size=51, stride=8, padding=18)

    A 1x3 then a 3x1 kernel (as in Inception) see a 3x3 square with 6
    weights instead of 9:

    >>> from cnnedu.layers import Conv2d
    >>> stack = [Conv2d(1, 1, (1, 3), padding=(0, 1)), Conv2d(1, 1, (3, 1), padding=(1, 0))]
    >>> receptive_field(stack, axis="rows").size, receptive_field(stack, axis="columns").size
    (3, 3)
    """
    return receptive_fields(layers, axis)[-1]
