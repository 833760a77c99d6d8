"""Shapes, parameter counts and receptive fields of a stack of layers.

:func:`describe` walks a list of layers from an input shape ``(C, H, W)`` and
reports, for every layer, the shape of what it outputs, how many trainable
numbers it holds and how large a patch of the input one of its units sees.
A layer that cannot fit (a kernel larger than its padded input, a linear
layer fed the wrong number of features) raises a ``ValueError`` naming it.

A layer is a cnnedu layer object (``Conv2d``, ``MaxPool2d``, ``AvgPool2d``,
``ReLU``, ``Flatten``, ``Linear``, ``GlobalAvgPool``) or a short spec tuple
whose input size is inferred from the layer before it:

* ``("conv", out_channels, kernel_size, stride=1, padding=0)``
* ``("maxpool", size, stride=size)`` and ``("avgpool", size, stride=size)``
* ``("relu",)``, ``("flatten",)``, ``("globalavgpool",)``
* ``("linear", out_features)``

Counts:

* a convolution with ``C_in`` input and ``C_out`` output channels and
  ``k x k`` kernels holds ``C_out * C_in * k * k`` weights and ``C_out`` biases;
* a dense (fully connected) layer from ``n_in`` to ``n_out`` values holds
  ``n_in * n_out`` weights and ``n_out`` biases.
"""

from dataclasses import dataclass

import numpy as np

from cnnedu._checks import non_negative_int, positive_int
from cnnedu.receptive_field import ReceptiveField, receptive_fields

SPEC_KINDS = ("conv", "maxpool", "avgpool", "relu", "flatten", "globalavgpool", "linear")


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
        input; None after a layer that mixes every position (flatten, linear,
        global pooling): such a unit sees the whole input.
    unused : int
        Input rows (and columns, for a square map) at the bottom/right edge
        that no window reaches, because of the floor in the size formula.
    """

    index: int
    name: str
    output_shape: tuple
    parameter_count: int
    receptive_field: ReceptiveField = None
    unused: int = 0


def _shape(name, value):
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return (positive_int(name, value),)
    if not isinstance(value, (tuple, list)) or not value:
        raise TypeError(f"{name} must be a shape tuple such as (C, H, W); got {value!r}")
    return tuple(positive_int(f"{name}[{i}]", v) for i, v in enumerate(value))


def _spec_from_layer(layer, position):
    """Turn a cnnedu layer object into (kind, arguments, expected_inputs)."""
    from cnnedu.layers import AvgPool2d, Conv2d, Flatten, GlobalAvgPool, Linear, MaxPool2d, ReLU

    if isinstance(layer, Conv2d):
        _refuse_unsupported(
            layer,
            position,
            kernel_size=layer.kernel_size,
            stride=layer.stride,
            padding=layer.padding,
            dilation=layer.dilation,
        )
        if layer.bias is None:
            raise ValueError(
                f"layers[{position}] ({layer!r}): describe() counts a bias for every conv layer; "
                "this one has bias=False"
            )
        return "conv", (layer.out_channels, layer.kernel_size, layer.stride, layer.padding), layer.in_channels
    if isinstance(layer, MaxPool2d | AvgPool2d):
        _refuse_unsupported(layer, position, size=layer.size, stride=layer.stride, padding=layer.padding)
        if layer.padding != 0:
            raise ValueError(
                f"layers[{position}] ({layer!r}): describe() handles pooling without padding; "
                f"got padding={layer.padding}"
            )
        return ("maxpool" if isinstance(layer, MaxPool2d) else "avgpool"), (layer.size, layer.stride), None
    if isinstance(layer, ReLU):
        return "relu", (), None
    if isinstance(layer, Flatten):
        return "flatten", (), None
    if isinstance(layer, GlobalAvgPool):
        return "globalavgpool", (), None
    if isinstance(layer, Linear):
        return "linear", (layer.out_features,), layer.in_features
    raise TypeError(
        f"layers[{position}] must be a cnnedu layer (Conv2d, MaxPool2d, AvgPool2d, ReLU, Flatten, "
        f"GlobalAvgPool, Linear) or a spec tuple such as ('conv', 4, 3); got {type(layer).__name__}"
    )


def _refuse_unsupported(layer, position, dilation=1, **settings):
    """describe() covers square kernels with one int stride and padding and no dilation;
    say so instead of returning shapes for a layer it would misread."""
    for name, value in settings.items():
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
            raise ValueError(
                f"layers[{position}] ({layer!r}): describe() handles an int {name}, the same along "
                f"both axes; got {name}={value!r}"
            )
    if dilation != 1:
        raise ValueError(
            f"layers[{position}] ({layer!r}): describe() handles undilated kernels; got dilation={dilation!r}"
        )


def _parse(layer, position):
    """(kind, integer arguments, expected input size or None)."""
    if not isinstance(layer, (tuple, list)):
        return _spec_from_layer(layer, position)
    if not layer or layer[0] not in SPEC_KINDS:
        raise ValueError(f"layers[{position}] spec must start with one of {', '.join(SPEC_KINDS)}; got {layer!r}")
    kind, arguments = layer[0], list(layer[1:])
    where = f"layers[{position}]"
    if kind == "conv":
        if not 2 <= len(arguments) <= 4:
            raise ValueError(f"{where} must be ('conv', out_channels, kernel_size, stride, padding); got {layer!r}")
        arguments += [1, 0][len(arguments) - 2 :]
        out_channels, kernel_size, stride, padding = arguments
        return (
            kind,
            (
                positive_int(f"{where} out_channels", out_channels),
                positive_int(f"{where} kernel_size", kernel_size),
                positive_int(f"{where} stride", stride),
                non_negative_int(f"{where} padding", padding),
            ),
            None,
        )
    if kind in ("maxpool", "avgpool"):
        if not 1 <= len(arguments) <= 2:
            raise ValueError(f"{where} must be ('{kind}', size) or ('{kind}', size, stride); got {layer!r}")
        size = positive_int(f"{where} size", arguments[0])
        stride = positive_int(f"{where} stride", arguments[1]) if len(arguments) == 2 else size
        return kind, (size, stride), None
    if kind == "linear":
        if len(arguments) != 1:
            raise ValueError(f"{where} must be ('linear', out_features); got {layer!r}")
        return kind, (positive_int(f"{where} out_features", arguments[0]),), None
    if arguments:
        raise ValueError(f"{where} ('{kind}',) takes no arguments; got {layer!r}")
    return kind, (), None


def _name(kind, arguments):
    if kind == "conv":
        out_channels, kernel_size, stride, padding = arguments
        filters = "filter" if out_channels == 1 else "filters"
        return f"conv {kernel_size}x{kernel_size}, {out_channels} {filters}, s{stride} p{padding}"
    if kind in ("maxpool", "avgpool"):
        size, stride = arguments
        return f"{kind[:3]} pool {size}x{size}, s{stride}"
    if kind == "linear":
        return f"linear -> {arguments[0]}"
    return {"relu": "ReLU", "flatten": "flatten", "globalavgpool": "global avg pool"}[kind]


def describe(layers, input_shape):
    """Output shape, parameter count and receptive field of every layer.

    Parameters
    ----------
    layers : sequence or cnnedu.Sequential
        cnnedu layers and/or spec tuples (see the module docstring).
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

    Examples
    --------
    >>> net = [("conv", 2, 3), ("relu",), ("maxpool", 2), ("conv", 4, 3, 1, 1), ("flatten",)]
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
    from cnnedu.layers import Sequential

    if isinstance(layers, Sequential):
        layers = layers.layers
    if isinstance(layers, (str, bytes)) or not hasattr(layers, "__iter__"):
        raise TypeError(f"layers must be a list of layers or a Sequential; got {type(layers).__name__}")
    layers = list(layers)
    if not layers:
        raise ValueError("layers must contain at least one layer; got an empty sequence")
    shape = _shape("input_shape", input_shape)
    if len(shape) != 3:
        raise ValueError(f"input_shape must be (C, H, W); got {shape}")

    summaries = []
    geometry = []  # (kernel, stride, padding) of the layers that keep a spatial layout
    spatial = True
    for position, layer in enumerate(layers):
        kind, arguments, expected_inputs = _parse(layer, position)
        name = _name(kind, arguments)
        where = f"layer {position + 1} ({name})"  # counted from 1, as a student reads the stack
        parameters, unused = 0, 0
        if kind in ("conv", "maxpool", "avgpool"):
            if len(shape) != 3:
                raise ValueError(
                    f"{where} needs a (C, H, W) map but receives a flat vector of {shape[0]} values; "
                    f"put it before the flatten/linear layers"
                )
            channels, height, width = shape
            if kind == "conv":
                out_channels, kernel_size, stride, padding = arguments
                if expected_inputs is not None and expected_inputs != channels:
                    raise ValueError(
                        f"{where} expects {expected_inputs} input channels but receives {channels} "
                        f"(input shape {shape})"
                    )
                parameters = out_channels * channels * kernel_size * kernel_size + out_channels
                what = "kernel"
            else:
                kernel_size, stride = arguments
                padding, out_channels = 0, channels
                what = "pooling window"
            padded_h, padded_w = height + 2 * padding, width + 2 * padding
            if kernel_size > padded_h or kernel_size > padded_w:
                padded = f" plus padding {padding} ({padded_h}x{padded_w})" if padding else ""
                raise ValueError(
                    f"{where} cannot fit: its {kernel_size}x{kernel_size} {what} is larger than its "
                    f"{height}x{width} input{padded}"
                )
            out_h = (padded_h - kernel_size) // stride + 1
            out_w = (padded_w - kernel_size) // stride + 1
            unused = max(padded_h - (stride * (out_h - 1) + kernel_size) - padding, 0)
            shape = (out_channels, out_h, out_w)
            geometry.append((kernel_size, stride, padding))
        elif kind == "relu":
            if spatial:
                geometry.append((1, 1, 0))
        elif kind == "flatten":
            shape = (int(np.prod(shape)),)
            spatial = False
        elif kind == "globalavgpool":
            if len(shape) != 3:
                raise ValueError(f"{where} needs a (C, H, W) map but receives a flat vector of {shape[0]} values")
            shape = (shape[0],)
            spatial = False
        elif kind == "linear":
            if len(shape) != 1:
                raise ValueError(
                    f"{where} needs a flat vector but receives a map of shape {shape}; add a flatten layer first"
                )
            if expected_inputs is not None and expected_inputs != shape[0]:
                raise ValueError(f"{where} expects {expected_inputs} input features but receives {shape[0]}")
            parameters = shape[0] * arguments[0] + arguments[0]
            shape = (arguments[0],)
            spatial = False
        field = receptive_fields(geometry)[-1] if spatial and geometry else None
        if spatial and not geometry:
            field = ReceptiveField(size=1, stride=1, padding=0)
        summaries.append(LayerSummary(position, name, shape, int(parameters), field, int(unused)))
    return summaries


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
    >>> rows, error = describe_partial([("conv", 2, 3), ("maxpool", 2), ("conv", 4, 9)], (1, 16, 16))
    >>> [row.output_shape for row in rows]
    [(2, 14, 14), (2, 7, 7)]
    >>> error
    'layer 3 (conv 9x9, 4 filters, s1 p0) cannot fit: its 9x9 kernel is larger than its 7x7 input'
    """
    from cnnedu.layers import Sequential

    if isinstance(layers, Sequential):
        layers = layers.layers
    shape = _shape("input_shape", input_shape)
    if len(shape) != 3:
        raise ValueError(f"input_shape must be (C, H, W); got {shape}")
    try:
        return describe(layers, input_shape), None
    except ValueError as error:
        message = str(error)
        layers = list(layers)
    for stop in range(1, len(layers) + 1):
        try:
            describe(layers[:stop], input_shape)
        except ValueError as error:
            return (describe(layers[: stop - 1], input_shape) if stop > 1 else []), str(error)
    return [], message


def summary_table(summaries, input_shape=None):
    """A plain-text table of :func:`describe`'s result, one line per layer.

    Examples
    --------
    >>> print(summary_table(describe([("conv", 2, 3)], (1, 32, 32)), (1, 32, 32)))
    layer                        output shape  parameters  receptive field
    input                        1 x 32 x 32            0  1 x 1
    conv 3x3, 2 filters, s1 p0   2 x 30 x 30           20  3 x 3
    total                                              20
    """
    rows = []
    if input_shape is not None:
        rows.append(("input", " x ".join(str(v) for v in _shape("input_shape", input_shape)), "0", "1 x 1"))
    for row in summaries:
        field = (
            "whole input" if row.receptive_field is None else f"{row.receptive_field.size} x {row.receptive_field.size}"
        )
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


def conv_parameter_count(in_channels, out_channels, kernel_size, bias=True):
    """Parameters of a convolution layer: ``C_out * C_in * k * k (+ C_out)``.

    Examples
    --------
    >>> conv_parameter_count(3, 4, 3)
    112
    >>> conv_parameter_count(1, 2, 3)
    20
    """
    in_channels = positive_int("in_channels", in_channels)
    out_channels = positive_int("out_channels", out_channels)
    kernel_size = positive_int("kernel_size", kernel_size)
    return out_channels * in_channels * kernel_size**2 + (out_channels if bias else 0)
