"""Shapes, parameter counts and receptive fields of a stack of layers.

:func:`describe` walks a list of cnnedu layers (or a ``Sequential``) from an
input shape ``(C, H, W)`` and reports, for every layer, the shape of what it
outputs, how many trainable numbers it holds and how large a patch of the
input one of its units sees. It reads each layer's real geometry
(``layer.geometry()``: kernel size, stride, padding and dilation along rows
and columns, 'same' padding worked out), so rectangular kernels, dilation,
padded pooling and layers without a bias are counted as the forward pass
computes them. A layer that cannot fit (a kernel larger than its padded
input, a layer fed the wrong number of channels or features) raises a
``ValueError`` naming it.

Counts:

* a convolution with ``C_in`` input and ``C_out`` output channels and
  ``kh x kw`` kernels holds ``C_out * C_in * kh * kw`` weights and ``C_out``
  biases (none with ``bias=False``); dilation spreads the taps but adds no
  weights;
* a dense (fully connected) layer from ``n_in`` to ``n_out`` values holds
  ``n_in * n_out`` weights and ``n_out`` biases.
"""

from dataclasses import dataclass

import numpy as np

from cnnedu._checks import int_pair, positive_int
from cnnedu.layer_stack import layer_list, window_output
from cnnedu.layers import AvgPool2d, Conv2d, Flatten, GlobalAvgPool, Linear, MaxPool2d, ReLU
from cnnedu.receptive_field import AXES, ReceptiveField, receptive_fields


@dataclass(frozen=True)
class LayerSummary:
    """What one layer does to the shape, what it costs and what it sees.

    Attributes
    ----------
    index : int
        Position in the stack (0 is the first layer).
    name : str
        A short description such as ``'conv 3x3, 4 filters, s1 p1'``.
    output_shape : tuple of int
        ``(C, H, W)`` for a map, ``(features,)`` for a flat vector.
    parameter_count : int
        Trainable weights and biases of this layer.
    receptive_field : ReceptiveField or None
        Size, effective stride and padding of one output unit's view of the
        input along the rows (the same along the columns unless a layer
        differs between them: see ``receptive_field_columns``); None after a
        layer that mixes every position (flatten, linear, global pooling):
        such a unit sees the whole input.
    unused : int
        Input rows at the bottom edge that no window reaches, because of the
        floor in the size formula (for a square layer on a square map, the
        same number of columns at the right).
    receptive_field_columns : ReceptiveField or None
        The field along the columns.
    unused_columns : int
        Input columns at the right edge that no window reaches.
    """

    index: int
    name: str
    output_shape: tuple
    parameter_count: int
    receptive_field: ReceptiveField = None
    unused: int = 0
    receptive_field_columns: ReceptiveField = None
    unused_columns: int = 0


def _shape(name, value):
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return (positive_int(name, value),)
    if not isinstance(value, (tuple, list)) or not value:
        raise TypeError(f"{name} must be a shape tuple such as (C, H, W); got {value!r}")
    return tuple(positive_int(f"{name}[{i}]", v) for i, v in enumerate(value))


def _pair_text(pair, separator="x"):
    """(3, 3) -> '3', (3, 1) -> '3x1'."""
    return str(pair[0]) if pair[0] == pair[1] else f"{pair[0]}{separator}{pair[1]}"


def layer_name(layer):
    """A short description of a layer, as :func:`describe` and the stack builder show it.

    Examples
    --------
    >>> layer_name(Conv2d(2, 4, 3, padding=1)), layer_name(Conv2d(1, 8, (3, 1), padding="same", dilation=2))
    ('conv 3x3, 4 filters, s1 p1', 'conv 3x1, 8 filters, s1 same d2')
    >>> layer_name(MaxPool2d(3, stride=2, padding=1)), layer_name(Linear(900, 10))
    ('max pool 3x3, s2 p1', 'linear -> 10')
    """
    if isinstance(layer, (Conv2d, MaxPool2d, AvgPool2d)):
        geometry = layer.geometry()
        kernel = "x".join(str(k) for k in geometry.kernel_size)
        steps = f"s{_pair_text(geometry.stride)}"
        if isinstance(layer.padding, str):
            padding = "same" if layer.padding == "same" else "p0"
        else:
            padding = f"p{_pair_text(int_pair('padding', layer.padding, minimum=0))}"
        if isinstance(layer, Conv2d):
            filters = "filter" if layer.out_channels == 1 else "filters"
            extra = "" if geometry.dilation == (1, 1) else f" d{_pair_text(geometry.dilation)}"
            extra += "" if layer.bias is not None else " no bias"
            return f"conv {kernel}, {layer.out_channels} {filters}, {steps} {padding}{extra}"
        kind = "max" if isinstance(layer, MaxPool2d) else "avg"
        padding = "" if padding == "p0" else f" {padding}"
        return f"{kind} pool {kernel}, {steps}{padding}"
    if isinstance(layer, Linear):
        return f"linear -> {layer.out_features}"
    if isinstance(layer, ReLU):
        return "ReLU"
    if isinstance(layer, Flatten):
        return "flatten"
    if isinstance(layer, GlobalAvgPool):
        return "global avg pool"
    raise TypeError(
        f"describe() handles Conv2d, MaxPool2d, AvgPool2d, ReLU, Flatten, GlobalAvgPool and Linear; "
        f"got {type(layer).__name__}"
    )


def conv_parameter_count(in_channels, out_channels, kernel_size, bias=True):
    """Parameters of a convolution layer: ``C_out * C_in * kh * kw (+ C_out)``.

    ``kernel_size`` is an int k (a k x k kernel) or a pair (kh, kw).

    Examples
    --------
    >>> conv_parameter_count(3, 4, 3)
    112
    >>> conv_parameter_count(1, 2, 3), conv_parameter_count(1, 2, (1, 3), bias=False)
    (20, 6)
    """
    in_channels = positive_int("in_channels", in_channels)
    out_channels = positive_int("out_channels", out_channels)
    kh, kw = int_pair("kernel_size", kernel_size)
    return out_channels * in_channels * kh * kw + (out_channels if bias else 0)


def describe(layers, input_shape):
    """Output shape, parameter count and receptive field of every layer.

    Parameters
    ----------
    layers : list of cnnedu layers, or Sequential
        ``Conv2d``, ``MaxPool2d``, ``AvgPool2d``, ``ReLU``, ``Flatten``,
        ``GlobalAvgPool`` and ``Linear`` layers.
    input_shape : tuple of int
        ``(C, H, W)`` of one input image (no batch axis).

    Returns
    -------
    list of LayerSummary
        One entry per layer, in order.

    Raises
    ------
    ValueError
        Naming the layer, when it cannot fit its input.
    TypeError
        For anything that is not a cnnedu layer (such as the tuples
        ``('conv', 4, 3)`` of earlier versions).

    Examples
    --------
    >>> from cnnedu.layers import Sequential
    >>> net = Sequential(Conv2d(1, 2, 3), ReLU(), MaxPool2d(2), Conv2d(2, 4, 3, padding=1), Flatten())
    >>> for row in describe(net, (1, 32, 32)):
    ...     print(row.output_shape, row.parameter_count)
    (2, 30, 30) 20
    (2, 30, 30) 0
    (2, 15, 15) 0
    (4, 15, 15) 76
    (900,) 0
    >>> describe(net, (1, 32, 32))[3].receptive_field.size
    8
    """
    return _walk(layers, input_shape, "describe()", partial=False)[0]


def _step(layer, position, shape):
    """What one layer does to a ``shape``: (name, output shape, parameters, unused (rows, columns)), or a
    ValueError naming the layer."""
    name = layer_name(layer)
    where = f"layer {position + 1} ({name})"  # counted from 1, as a student reads the stack
    parameters, unused = 0, (0, 0)
    if isinstance(layer, (Conv2d, MaxPool2d, AvgPool2d)):
        if len(shape) != 3:
            raise ValueError(
                f"{where} needs a (C, H, W) map but receives a flat vector of {shape[0]} values; "
                f"put it before the flatten/linear layers"
            )
        channels, height, width = shape
        out_channels = channels
        if isinstance(layer, Conv2d):
            if layer.in_channels != channels:
                raise ValueError(
                    f"{where} expects {layer.in_channels} input channels but receives {channels} (input shape {shape})"
                )
            out_channels = layer.out_channels
            parameters = conv_parameter_count(
                channels, out_channels, layer.geometry().kernel_size, bias=layer.bias is not None
            )
        what = "kernel" if isinstance(layer, Conv2d) else "pooling window"
        (out_h, out_w), unused = window_output(layer.geometry(), height, width, where=where, what=what)
        shape = (out_channels, out_h, out_w)
    elif isinstance(layer, ReLU):
        pass
    elif isinstance(layer, Flatten):
        shape = (int(np.prod(shape)),)
    elif isinstance(layer, GlobalAvgPool):
        if len(shape) != 3:
            raise ValueError(f"{where} needs a (C, H, W) map but receives a flat vector of {shape[0]} values")
        shape = (shape[0],)
    elif isinstance(layer, Linear):
        if len(shape) != 1:
            raise ValueError(
                f"{where} needs a flat vector but receives a map of shape {shape}; add a flatten layer first"
            )
        if layer.in_features != shape[0]:
            raise ValueError(f"{where} expects {layer.in_features} input features but receives {shape[0]}")
        parameters = shape[0] * layer.out_features + layer.out_features
        shape = (layer.out_features,)
    return name, shape, int(parameters), unused


def _walk(layers, input_shape, caller, partial):
    """Summaries of the layers, and the error of the first one that cannot fit (raised unless ``partial``)."""
    layers = layer_list(layers, caller)
    shape = _shape("input_shape", input_shape)
    if len(shape) != 3:
        raise ValueError(f"input_shape must be (C, H, W); got {shape}")
    steps, error = [], None
    spatial_prefix, spatial = [], True  # the layers so far, while the output is still a map
    for position, layer in enumerate(layers):
        try:
            name, shape, parameters, unused = _step(layer, position, shape)
        except ValueError as failure:
            if not partial:
                raise
            error = str(failure)
            break
        if spatial and layer.geometry() is not None:
            spatial_prefix.append(layer)
        else:
            spatial = False  # from here on every unit sees the whole input
        steps.append((position, name, shape, parameters, unused))
    # (rows, columns) field of each layer of the spatial prefix, in one pass over it
    fields = (
        list(zip(*(receptive_fields(spatial_prefix, axis) for axis in AXES), strict=True)) if spatial_prefix else []
    )
    rows = [
        LayerSummary(
            index=position,
            name=name,
            output_shape=shape,
            parameter_count=parameters,
            receptive_field=fields[position][0] if position < len(fields) else None,
            unused=int(unused[0]),
            receptive_field_columns=fields[position][1] if position < len(fields) else None,
            unused_columns=int(unused[1]),
        )
        for position, name, shape, parameters, unused in steps
    ]
    return rows, error


def describe_partial(layers, input_shape):
    """Like :func:`describe`, but stop at the first layer that cannot fit.

    Returns
    -------
    rows : list of LayerSummary
        The layers before the first one that fails (all of them when none fails).
    error : str or None
        The message of the failing layer.

    Examples
    --------
    >>> rows, error = describe_partial([Conv2d(1, 2, 3), MaxPool2d(2), Conv2d(2, 4, 9)], (1, 16, 16))
    >>> [row.output_shape for row in rows]
    [(2, 14, 14), (2, 7, 7)]
    >>> error
    'layer 3 (conv 9x9, 4 filters, s1 p0) cannot fit: its 9x9 kernel is larger than its 7x7 input'
    """
    return _walk(layers, input_shape, "describe_partial()", partial=True)


def summary_table(summaries, input_shape=None):
    """A plain-text table of :func:`describe`'s result, one line per layer.

    Examples
    --------
    >>> print(summary_table(describe([Conv2d(1, 2, 3)], (1, 32, 32)), (1, 32, 32)))
    layer                        output shape  parameters  receptive field
    input                        1 x 32 x 32            0  1 x 1
    conv 3x3, 2 filters, s1 p0   2 x 30 x 30           20  3 x 3
    total                                              20
    """
    rows = []
    if input_shape is not None:
        rows.append(("input", " x ".join(str(v) for v in _shape("input_shape", input_shape)), "0", "1 x 1"))
    for row in summaries:
        field = "whole input"
        if row.receptive_field is not None:
            columns = row.receptive_field if row.receptive_field_columns is None else row.receptive_field_columns
            field = f"{row.receptive_field.size} x {columns.size}"
        rows.append((row.name, " x ".join(str(v) for v in row.output_shape), str(row.parameter_count), field))
    total = str(sum(row.parameter_count for row in summaries))
    name_width = max(len("layer"), *(len(r[0]) for r in rows)) + 2
    shape_width = max(len("output shape"), *(len(r[1]) for r in rows)) + 2
    count_width = max(len("parameters"), len(total), *(len(r[2]) for r in rows))
    lines = [f"{'layer':<{name_width}}{'output shape':<{shape_width}}{'parameters':>{count_width}}  receptive field"]
    for name, shape, count, field in rows:
        lines.append(f"{name:<{name_width}}{shape:<{shape_width}}{count:>{count_width}}  {field}")
    lines.append(f"{'total':<{name_width}}{'':<{shape_width}}{total:>{count_width}}")
    return "\n".join(line.rstrip() for line in lines)


def dense_parameter_count(input_shape, output_shape, bias=True):
    """Parameters of a dense layer joining every input value to every output value.

    Parameters
    ----------
    input_shape, output_shape : int or tuple of int
        E.g. ``(1, 32, 32)`` and ``(2, 30, 30)``: the dense layer that would
        produce the same number of outputs as a convolution.
    bias : bool
        Count one bias per output value.

    Examples
    --------
    >>> dense_parameter_count((1, 32, 32), (2, 30, 30))
    1845000
    >>> dense_parameter_count(900, 10)
    9010
    """
    n_in = int(np.prod(_shape("input_shape", input_shape)))
    n_out = int(np.prod(_shape("output_shape", output_shape)))
    return n_in * n_out + (n_out if bias else 0)
