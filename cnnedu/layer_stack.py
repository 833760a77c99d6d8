"""Stacks of layers: the map size after every layer, and the stacks the demos build.

A network is described by its layers (:mod:`cnnedu.layers`): a list such as
``[Conv2d(1, 4, 3, padding=1), ReLU(), MaxPool2d(2)]`` or a ``Sequential``.
Each layer says how it slides over a map (``layer.geometry()``), so the
size of the map after every layer follows from the output-size formula,
along rows and columns separately:

``o = floor((n + before + after - span) / s) + 1`` with ``span = d (k - 1) + 1``.

:func:`layer_list` reads such a description (and refuses the tuple
descriptions of earlier cnnedu versions with a message saying what to pass
instead), :func:`map_shapes` walks it, and :func:`explorer_stack`,
:func:`builder_stack` and :func:`stack_text` build and name the stacks the
lesson 05 and 07 demos are made of. Nothing here draws: the widgets call
these functions and hand the results to the plotting functions.
"""

import numpy as np

from cnnedu._checks import non_negative_int, one_of, positive_int
from cnnedu.layers import AvgPool2d, Conv2d, Flatten, GlobalAvgPool, Layer, Linear, MaxPool2d, ReLU, Sequential
from cnnedu.padding import kernel_span

POOLING_CHOICES = ("none", "max", "avg")
POOL_AFTER = (2, 4)  # the explorer's 2x2 pooling follows convolutions 2 and 4 (unless it is the last layer)


def layer_list(layers, caller="layers"):
    """The layers of a list or a ``Sequential`` as one flat list (nested ``Sequential`` opened up).

    Parameters
    ----------
    layers : sequence of cnnedu layers, or Sequential
    caller : str
        Named in the error messages, e.g. ``'describe()'``.

    Raises
    ------
    TypeError
        For anything that is not a cnnedu layer, such as the tuples
        ``('conv', 4, 3)`` or ``(3, 1)`` earlier versions took.
    ValueError
        For an empty stack.

    Examples
    --------
    >>> layer_list(Sequential(Conv2d(1, 2, 3), Sequential(ReLU(), MaxPool2d(2))))
    [Conv2d(1, 2, kernel_size=3, stride=1, padding=0), ReLU(), MaxPool2d(2, stride=2)]
    >>> layer_list([("conv", 4, 3)], "describe()")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    TypeError: describe() takes cnnedu layers such as Conv2d(1, 4, ...; got the tuple ('conv', 4, 3) as layers[0]
    """
    if isinstance(layers, Sequential):
        layers = layers.layers
    elif isinstance(layers, Layer):
        raise TypeError(
            f"{caller} takes a list of layers or a Sequential; got the single layer {layers!r}: "
            f"write [{layers!r}] instead"
        )
    elif isinstance(layers, (str, bytes)) or not hasattr(layers, "__iter__"):
        raise TypeError(f"{caller} takes a list of layers or a Sequential; got {type(layers).__name__} {layers!r}")
    flat = []
    for position, layer in enumerate(layers):
        if isinstance(layer, Sequential):
            flat.extend(layer_list(layer, caller))
            continue
        if not isinstance(layer, Layer):
            what = f"the tuple {layer!r}" if isinstance(layer, (tuple, list)) else f"{type(layer).__name__} {layer!r}"
            raise TypeError(
                f"{caller} takes cnnedu layers such as Conv2d(1, 4, kernel_size=3, padding=1), MaxPool2d(2) and "
                f"ReLU(), in a list or a Sequential; got {what} as layers[{position}]"
            )
        flat.append(layer)
    if not flat:
        raise ValueError(f"{caller} needs at least one layer; got an empty stack")
    return flat


def _padding_text(padding):
    """((1, 1), (1, 1)) -> '1'; ((1, 1), (0, 0)) -> '(1, 0)'; uneven sides as they are."""
    (top, bottom), (left, right) = padding
    if top == bottom == left == right:
        return str(top)
    if top == bottom and left == right:
        return f"({top}, {left})"
    return str(padding)


def window_output(geometry, height, width, where="the layer", what="window"):
    """Output size of a sliding window on a ``height x width`` map, and the cells it leaves unused.

    Parameters
    ----------
    geometry : LayerGeometry
        From ``layer.geometry()``.
    height, width : int
        The input map.
    where, what : str
        Name the layer and its window in the error message.

    Returns
    -------
    shape : (int, int)
        ``(H_out, W_out)``.
    unused : (int, int)
        Input rows at the bottom and columns at the right that no window
        reaches (the floor of the size formula drops them).

    Raises
    ------
    ValueError
        When the (dilated) window is larger than the padded input.

    Examples
    --------
    >>> window_output(Conv2d(1, 1, 3, stride=2).geometry(), 6, 7)
    ((2, 3), (1, 0))
    >>> window_output(Conv2d(1, 1, (1, 3), padding="same", dilation=2).geometry(), 5, 5)
    ((5, 5), (0, 0))
    """
    sizes, unused, spans, padded = [], [], [], []
    for axis, n in enumerate((height, width)):
        before, after = geometry.padding[axis]
        span = kernel_span(geometry.kernel_size[axis], geometry.dilation[axis])
        spans.append(span)
        padded.append(n + before + after)
        if span <= padded[-1]:
            count = (padded[-1] - span) // geometry.stride[axis] + 1
            sizes.append(count)
            # cells of the real input past the last window (padding cells left over do not count)
            unused.append(max(padded[-1] - (geometry.stride[axis] * (count - 1) + span) - after, 0))
    if len(sizes) < 2:
        kernel = "x".join(str(k) for k in geometry.kernel_size)
        spread = (
            "" if geometry.dilation == (1, 1) else f" (dilation {geometry.dilation}: it spans {spans[0]}x{spans[1]})"
        )
        extra = ""
        if geometry.padding != ((0, 0), (0, 0)):
            extra = f" plus padding {_padding_text(geometry.padding)} ({padded[0]}x{padded[1]})"
        raise ValueError(
            f"{where} cannot fit: its {kernel} {what}{spread} is larger than its {height}x{width} input{extra}"
        )
    return tuple(sizes), tuple(unused)


def map_shapes(layers, input_shape):
    """``(H, W)`` of the map after every layer of a stack of windowed layers.

    Parameters
    ----------
    layers : list of layers or Sequential
        Convolutions, pooling layers and ReLUs (layers that mix every
        position, like ``Flatten``, have no map size and are refused).
    input_shape : (height, width)

    Raises
    ------
    ValueError
        Naming the first layer (counted from 1) that does not fit.

    Examples
    --------
    >>> map_shapes([Conv2d(1, 4, 3, padding=1), MaxPool2d(2), Conv2d(4, 1, 3)], (64, 64))
    [(64, 64), (32, 32), (30, 30)]
    """
    layers = layer_list(layers, "map_shapes()")
    if not isinstance(input_shape, (tuple, list)) or len(input_shape) != 2:
        raise TypeError(f"input_shape must be a pair (height, width); got {input_shape!r}")
    shape = (positive_int("input_shape[0]", input_shape[0]), positive_int("input_shape[1]", input_shape[1]))
    shapes = []
    for position, layer in enumerate(layers):
        geometry = layer.geometry()
        if geometry is None:
            raise ValueError(
                f"layer {position + 1} ({layer!r}) {no_window_reason(layer)}; map_shapes() takes convolution, "
                "pooling and ReLU layers"
            )
        shape, _ = window_output(geometry, *shape, where=f"layer {position + 1} ({layer!r})")
        shapes.append(shape)
    return shapes


def no_window_reason(layer):
    """Why a layer whose ``geometry()`` is None has no window: for the error messages.

    Examples
    --------
    >>> no_window_reason(Flatten())
    'mixes all positions'
    """
    if isinstance(layer, (Flatten, Linear, GlobalAvgPool)):
        return "mixes all positions"
    return "is not a window sliding over its input (its geometry() is None)"


def relu_between(layers):
    """The layers with a ReLU after every convolution except the last one.

    Examples
    --------
    >>> stack_text(relu_between([Conv2d(1, 1, 3), MaxPool2d(2), Conv2d(1, 1, 3)]))
    'conv3 relu max2 conv3'
    """
    layers = layer_list(layers, "relu_between()")
    last = max((k for k, layer in enumerate(layers) if isinstance(layer, Conv2d)), default=-1)
    result = []
    for position, layer in enumerate(layers):
        result.append(layer)
        if isinstance(layer, Conv2d) and position != last:
            result.append(ReLU())
    return result


def explorer_stack(layers, kernel_size, stride, dilation, pooling, relu=True, channels=1):
    """The stack the receptive field explorer's sliders describe.

    ``layers`` convolutions of ``kernel_size`` taps with ``stride`` and
    ``dilation``, each with "same"-style padding ``(span - 1) // 2`` (so a
    stride-1 layer keeps the map size and border units see some padding);
    a 2x2 pooling (``pooling`` 'max' or 'avg'; 'none' for none) after
    convolutions 2 and 4 unless that is the last layer; with ``relu``, a
    ReLU after every convolution but the last. The input has one channel,
    the hidden maps ``channels``, the last convolution one.

    Examples
    --------
    >>> stack_text(explorer_stack(3, 3, 1, 1, "max"))
    'conv3 relu conv3 relu max2 conv3'
    >>> explorer_stack(1, 5, 2, 2, "none")
    [Conv2d(1, 1, kernel_size=5, stride=2, padding=4, dilation=2)]
    """
    layers = positive_int("layers", layers)
    span = kernel_span(kernel_size, dilation)
    one_of("pooling", pooling, POOLING_CHOICES)
    channels = positive_int("channels", channels)
    stack = []
    for number in range(1, layers + 1):
        in_channels = 1 if number == 1 else channels
        out_channels = 1 if number == layers else channels
        conv = Conv2d(
            in_channels, out_channels, kernel_size, stride=stride, padding=(span - 1) // 2, dilation=dilation, rng=0
        )
        stack.append(conv)
        if relu and number < layers:
            stack.append(ReLU())
        if pooling != "none" and number in POOL_AFTER and number < layers:
            stack.append(MaxPool2d(2) if pooling == "max" else AvgPool2d(2))
    return stack


def builder_stack(
    input_shape,
    conv1_filters,
    conv1_kernel,
    conv1_stride,
    conv1_padding,
    pool_size,
    pool_stride,
    conv2_filters,
    conv2_kernel,
    conv2_stride,
    conv2_padding,
    extra_blocks,
    classes,
):
    """The network the layer stack builder's sliders describe.

    conv1, ReLU, a max pool (unless ``pool_size`` is 1), conv2, ReLU, then
    ``extra_blocks`` times (2x2 max pool, 3x3 conv with padding 1 and twice
    the filters, ReLU), flatten and a linear layer to ``classes`` scores.
    The linear layer's input size is the flattened map, so it is appended
    only when every map fits; when one does not, the stack ends with the
    flatten layer and :func:`cnnedu.architecture.describe_partial` names the
    layer that does not fit.

    Parameters
    ----------
    input_shape : (C, H, W)

    Examples
    --------
    >>> stack = builder_stack((1, 32, 32), 2, 3, 1, 0, 2, 2, 4, 3, 1, 1, 0, 10)
    >>> stack[-1], len(stack)
    (Linear(900, 10), 7)
    """
    if not isinstance(input_shape, (tuple, list)) or len(input_shape) != 3:
        raise TypeError(f"input_shape must be (C, H, W); got {input_shape!r}")
    channels = positive_int("input_shape[0]", input_shape[0])
    stack = [Conv2d(channels, conv1_filters, conv1_kernel, stride=conv1_stride, padding=conv1_padding, rng=0), ReLU()]
    if pool_size > 1:
        stack.append(MaxPool2d(pool_size, stride=pool_stride))
    stack += [
        Conv2d(conv1_filters, conv2_filters, conv2_kernel, stride=conv2_stride, padding=conv2_padding, rng=0),
        ReLU(),
    ]
    filters = conv2_filters
    for _ in range(non_negative_int("extra_blocks", extra_blocks)):
        stack += [MaxPool2d(2), Conv2d(filters, 2 * filters, 3, padding=1, rng=0), ReLU()]
        filters *= 2
    stack.append(Flatten())
    try:
        height, width = map_shapes(stack[:-1], tuple(input_shape[1:]))[-1]
    except ValueError:
        return stack  # a map does not fit: describe_partial stops there, before any linear layer
    stack.append(Linear(filters * height * width, classes, rng=0, dtype=np.float32))
    return stack


def stack_text(layers):
    """A stack in a few words, e.g. ``'conv3 relu max2 conv3(d2)/2'``.

    ``convK`` is a convolution with K x K taps (``KxL`` for a rectangle),
    ``(dD)`` its dilation, ``/S`` its stride; ``max2``/``avg2`` a 2x2
    pooling; other layers by their lower-case name.

    Examples
    --------
    >>> stack_text([Conv2d(1, 1, 3, dilation=2), AvgPool2d(2), Conv2d(1, 1, 5, stride=2)])
    'conv3(d2) avg2 conv5/2'
    """
    words = []
    for layer in layer_list(layers, "stack_text()"):
        geometry = layer.geometry()
        if isinstance(layer, (Conv2d, MaxPool2d, AvgPool2d)):
            rows, columns = geometry.kernel_size
            word = {Conv2d: "conv", MaxPool2d: "max", AvgPool2d: "avg"}[type(layer)]
            word += str(rows) if rows == columns else f"{rows}x{columns}"
            dilation, stride = geometry.dilation, geometry.stride
            if dilation != (1, 1):
                word += f"(d{dilation[0]})" if dilation[0] == dilation[1] else f"(d{dilation[0]}x{dilation[1]})"
            if isinstance(layer, Conv2d) and stride != (1, 1):
                word += f"/{stride[0]}" if stride[0] == stride[1] else f"/{stride[0]}x{stride[1]}"
            if not isinstance(layer, Conv2d) and stride != geometry.kernel_size:
                word += f"/{stride[0]}" if stride[0] == stride[1] else f"/{stride[0]}x{stride[1]}"
        else:
            word = type(layer).__name__.lower()
        words.append(word)
    return " ".join(words)
