"""Receptive field arithmetic (Araujo, Norris and Sim, Distill 2019).

For layers l = 1..L with kernel k_l, stride s_l, padding p_l and dilation
d_l (a dilated kernel covers ``d(k - 1) + 1`` cells, which replaces k_l
below), a unit of layer L sees

* size      ``r_0 = 1 + sum_l (k_l - 1) * prod_{i<l} s_i``
  (from the recursion ``r_{l-1} = s_l * r_l + (k_l - s_l)``, ``r_L = 1``),
* stride    ``S_0 = prod_l s_l`` (input cells between neighbouring units),
* padding   ``P_0 = sum_l p_l * prod_{i<l} s_i``.

Unit ``u`` of layer L sees input cells ``u * S_0 - P_0`` to
``u * S_0 - P_0 + r_0 - 1`` (indices below 0 or past the end fall in padding).

The layers are cnnedu's own (``Conv2d``, ``MaxPool2d``, ``AvgPool2d``,
``ReLU``), in a list or a ``Sequential``: each says its kernel size, stride,
padding and dilation through ``layer.geometry()``.
"""

import numbers
from dataclasses import dataclass

from cnnedu._checks import one_of, positive_int
from cnnedu.layer_stack import layer_list, no_window_reason
from cnnedu.padding import kernel_span


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


def _layer_geometry(layer, position, axis=None):
    """(kernel_size, stride, padding before the first cell, dilation) of a layer along ``axis`` (0 rows, 1 columns);
    without ``axis`` both axes must agree."""
    geometry = layer.geometry()
    if geometry is None:
        raise ValueError(
            f"layer {position} ({type(layer).__name__}) {no_window_reason(layer)}; receptive fields are "
            f"defined for the convolution and pooling layers before it"
        )
    # the padding before the first cell (top or left) is what shifts the field; 'same' puts an odd cell after
    before = tuple(side[0] for side in geometry.padding)
    settings = (geometry.kernel_size, geometry.stride, before, geometry.dilation)
    if axis is not None:
        return tuple(pair[axis] for pair in settings)
    if any(pair[0] != pair[1] for pair in settings):
        raise ValueError(
            f"layer {position} ({layer!r}) has different settings along rows and columns, so its receptive "
            f"field is a rectangle: pass axis='rows' or axis='columns' to get one side of it"
        )
    return tuple(pair[0] for pair in settings)


def receptive_fields(layers, axis=None):
    """Receptive field after each layer, from the first to the last.

    ``axis`` ('rows' or 'columns') picks one side of the field for layers
    whose settings differ between rows and columns (see :func:`receptive_field`).

    Examples
    --------
    >>> from cnnedu.layers import Conv2d, MaxPool2d
    >>> [rf.size for rf in receptive_fields([Conv2d(1, 1, 3), Conv2d(1, 1, 3), MaxPool2d(2)])]
    [3, 5, 6]
    """
    if axis is not None:
        axis = AXES[one_of("axis", axis, tuple(AXES))]
    layers = layer_list(layers, "receptive_fields()")
    fields = []
    size, stride, padding = 1, 1, 0
    for position, layer in enumerate(layers):
        kernel_size, layer_stride, layer_padding, dilation = _layer_geometry(layer, position, axis)
        size += (kernel_span(kernel_size, dilation) - 1) * stride  # stride so far = product of the earlier strides
        padding += layer_padding * stride
        stride *= layer_stride
        fields.append(ReceptiveField(size=size, stride=stride, padding=padding))
    return fields


def receptive_field(layers, axis=None):
    """Receptive field size, effective stride and effective padding of the
    last layer's units.

    Parameters
    ----------
    layers : list of layers, or Sequential
        cnnedu ``Conv2d``, ``MaxPool2d``, ``AvgPool2d`` and ``ReLU`` layers
        (each says its geometry: ``layer.geometry()``). A layer's dilation
        and padding count (``'same'``: the padding before the first cell).
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
    >>> from cnnedu.layers import Conv2d, MaxPool2d
    >>> receptive_field([Conv2d(3, 64, 11, stride=4, padding=2), MaxPool2d(3, stride=2), Conv2d(64, 192, 5, padding=2)])
    ReceptiveField(size=51, stride=8, padding=18)

    (AlexNet's conv1, pool1 and conv2, as in torchvision.) A 1x3 then a 3x1
    kernel (as in Inception) see a 3x3 square with 6 weights instead of 9:

    >>> stack = [Conv2d(1, 1, (1, 3), padding=(0, 1)), Conv2d(1, 1, (3, 1), padding=(1, 0))]
    >>> receptive_field(stack, axis="rows").size, receptive_field(stack, axis="columns").size
    (3, 3)
    """
    return receptive_fields(layer_list(layers, "receptive_field()"), axis)[-1]


@dataclass(frozen=True)
class FieldCone:
    """Which cells of every level of a stack one top unit depends on, along one axis.

    Level 0 is the input, level l the output of layer l.

    Attributes
    ----------
    unit : int
        The top-layer unit.
    sizes : tuple of int
        Cells of every level (the padding not counted).
    fields : tuple of ReceptiveField
        The field of one cell of every level, in input cells (level 0: a
        cell sees itself); its ``stride`` is how wide a cell of that level
        is, drawn over the input.
    cones : tuple of (int, int)
        First and last index, on every level, of the cells the unit depends
        on (indices below 0 or from ``sizes[level]`` on are padding).
    """

    unit: int
    sizes: tuple
    fields: tuple
    cones: tuple


def field_cone(layers, unit=None, input_size=None, axis=None):
    """The cone of cells below one unit of the top layer, level by level.

    Parameters
    ----------
    layers : list of layers, or Sequential
    unit : int, optional
        Index of the top-layer unit (default: the middle one).
    input_size : int, optional
        Input cells (default: just enough for the top unit's field plus 2).
    axis : None, 'rows' or 'columns'
        As in :func:`receptive_field`.

    Returns
    -------
    FieldCone

    Examples
    --------
    >>> from cnnedu.layers import Conv2d
    >>> cone = field_cone([Conv2d(1, 1, 3)] * 3, unit=0)
    >>> cone.sizes, cone.cones
    ((9, 7, 5, 3), ((0, 6), (0, 4), (0, 2), (0, 0)))
    """
    layers = layer_list(layers, "field_cone()")
    fields = receptive_fields(layers, axis)
    along = 0 if axis in (None, "rows") else 1
    sizes = [fields[-1].size + 2 if input_size is None else positive_int("input_size", input_size)]
    for position, layer in enumerate(layers):
        geometry = layer.geometry()
        before, after = geometry.padding[along]
        span = kernel_span(geometry.kernel_size[along], geometry.dilation[along])
        if span > sizes[-1] + before + after:
            raise ValueError(
                f"layer {position + 1} ({layer!r}) does not fit in its {sizes[-1]} cells; use a larger input_size"
            )
        sizes.append((sizes[-1] + before + after - span) // geometry.stride[along] + 1)
    if unit is None:
        unit = (sizes[-1] - 1) // 2
    if isinstance(unit, bool) or not isinstance(unit, numbers.Integral) or not 0 <= unit < sizes[-1]:
        raise ValueError(f"unit must be an integer in 0..{sizes[-1] - 1}; got {unit!r}")
    cones = [receptive_fields(layers[level:], axis)[-1].region(unit) for level in range(len(layers))]
    return FieldCone(
        unit=int(unit),
        sizes=tuple(sizes),
        fields=(ReceptiveField(size=1, stride=1, padding=0), *fields),
        cones=(*cones, (int(unit), int(unit))),
    )
