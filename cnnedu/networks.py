"""Two classic networks as cnnedu layers, for receptive fields and shape tables.

:func:`alexnet` and :func:`vgg16` return the convolution and pooling layers
of each network, from the input (3 x 224 x 224) up to the last pooling layer
(``pool5``), as a dict from the layer's name (``'conv1'``, ``'pool1'``, ...)
to a cnnedu layer with the network's kernel sizes, strides, paddings and
channel counts. The ReLUs after the convolutions are left out: they change
neither the shapes nor the receptive fields. The weights are random (drawn
when the function is called): these are the networks' shapes, not trained
networks.

Source: André Araujo, Wade Norris and Jack Sim, "Computing Receptive Fields
of Convolutional Neural Networks", Distill, 2019
(https://distill.pub/2019/computing-receptive-fields/). Their table uses the
TF-Slim models ``alexnet_v2`` and ``vgg_16`` up to ``pool5``, with a 224 x 224
input:

* AlexNet (``alexnet_v2``): conv1 11x11 stride 4 with *no* padding
  ("VALID"), 3x3 stride-2 max pools without padding, conv2 5x5 and
  conv3-conv5 3x3 with "SAME" padding (2 and 1 cells); 64, 192, 384, 384
  and 256 filters. Other AlexNet variants pad conv1 by 2 (torchvision); that
  changes the effective padding (66 instead of 64) but not the size or the
  stride.
* VGG-16 (configuration D of Simonyan and Zisserman, 2015): thirteen 3x3
  convolutions with stride 1 and padding 1 (64, 64, 128, 128, 3 x 256,
  6 x 512 filters), and five 2x2 max pools with stride 2.

``PUBLISHED`` holds the numbers printed in that article and in the per-layer
table it links to (``RECEPTIVE_FIELD_TABLE.md`` of the TensorFlow
receptive_field library, rows with resolution 224); the tests check that
:func:`cnnedu.receptive_fields` reproduces every one of them.
"""

import numpy as np

from cnnedu.layer_stack import layer_list
from cnnedu.layers import Conv2d, MaxPool2d, Sequential
from cnnedu.receptive_field import receptive_fields

INPUT_SHAPE = (3, 224, 224)  # (C, H, W) of both networks' input


def alexnet(rng=0):
    """AlexNet (TF-Slim ``alexnet_v2``) from the input to ``pool5``: name -> layer.

    Examples
    --------
    >>> net = alexnet()
    >>> list(net)[:3], net["conv1"]
    (['conv1', 'pool1', 'conv2'], Conv2d(3, 64, kernel_size=11, stride=4, padding=0))
    """
    rng = np.random.default_rng(rng)

    def conv(in_channels, out_channels, kernel_size, stride=1, padding=0):
        return Conv2d(in_channels, out_channels, kernel_size, stride, padding, rng=rng, dtype=np.float32)

    return {
        "conv1": conv(3, 64, 11, stride=4),
        "pool1": MaxPool2d(3, stride=2),
        "conv2": conv(64, 192, 5, padding=2),
        "pool2": MaxPool2d(3, stride=2),
        "conv3": conv(192, 384, 3, padding=1),
        "conv4": conv(384, 384, 3, padding=1),
        "conv5": conv(384, 256, 3, padding=1),
        "pool5": MaxPool2d(3, stride=2),
    }


def vgg16(rng=0):
    """VGG-16 (configuration D) from the input to ``pool5``: name -> layer.

    Examples
    --------
    >>> net = vgg16()
    >>> len(net), net["conv5_3"], net["pool5"]
    (18, Conv2d(512, 512, kernel_size=3, stride=1, padding=1), MaxPool2d(2, stride=2))
    """
    rng = np.random.default_rng(rng)
    layers, in_channels = {}, 3
    for block, (filters, convs) in enumerate([(64, 2), (128, 2), (256, 3), (512, 3), (512, 3)], start=1):
        for number in range(1, convs + 1):
            layers[f"conv{block}_{number}"] = Conv2d(in_channels, filters, 3, padding=1, rng=rng, dtype=np.float32)
            in_channels = filters
        layers[f"pool{block}"] = MaxPool2d(2, stride=2)
    return layers


NETWORKS = {"alexnet": alexnet, "vgg16": vgg16}  # name -> function that builds the layers

# (receptive field size r, effective stride S, effective padding P) as
# published. pool5 rows: the summary table of Araujo, Norris and Sim (2019):
# alexnet_v2 195 / 32 / 64, vgg_16 212 / 32 / 90. Other rows: the per-layer
# table their article links to (TensorFlow receptive_field library,
# RECEPTIVE_FIELD_TABLE.md). That table lists only these end points (no
# AlexNet pool2, no VGG conv*_2 of blocks 1-2 or conv*_3).
PUBLISHED = {
    "alexnet": {
        "conv1": (11, 4, 0),
        "pool1": (19, 8, 0),
        "conv2": (51, 8, 16),
        "conv3": (99, 16, 32),
        "conv4": (131, 16, 48),
        "conv5": (163, 16, 64),
        "pool5": (195, 32, 64),
    },
    "vgg16": {
        "conv1_1": (3, 1, 1),
        "pool1": (6, 2, 2),
        "conv2_1": (10, 2, 4),
        "pool2": (16, 4, 6),
        "conv3_1": (24, 4, 10),
        "conv3_2": (32, 4, 14),
        "pool3": (44, 8, 18),
        "conv4_1": (60, 8, 26),
        "conv4_2": (76, 8, 34),
        "pool4": (100, 16, 42),
        "conv5_1": (132, 16, 58),
        "conv5_2": (164, 16, 74),
        "pool5": (212, 32, 90),
    },
}


def network_layers(name):
    """The layers of a named network, as a dict from layer name to layer.

    Parameters
    ----------
    name : {'alexnet', 'vgg16'}

    Examples
    --------
    >>> layers = network_layers("alexnet")
    >>> next(iter(layers.items()))
    ('conv1', Conv2d(3, 64, kernel_size=11, stride=4, padding=0))
    >>> len(network_layers("vgg16"))
    18
    """
    if name not in NETWORKS:
        raise ValueError(f"name must be one of {sorted(NETWORKS)}; got {name!r}")
    return NETWORKS[name]()


def receptive_field_table(layers, axis=None):
    """Receptive field after every layer of a stack.

    Parameters
    ----------
    layers : str, dict of name -> layer, list of layers or Sequential
        A network name ('alexnet', 'vgg16'), a dict like the one
        :func:`network_layers` returns, or plain layers (then named
        'layer 1', 'layer 2', ...).
    axis : None, 'rows' or 'columns'
        For layers that differ between rows and columns (see
        :func:`cnnedu.receptive_field`).

    Returns
    -------
    list of dict
        One per layer, with keys ``name``, ``kernel_size``, ``stride``,
        ``padding`` (the layer's own, along ``axis``; padding before the
        first cell), ``size`` (r), ``effective_stride`` (S) and
        ``effective_padding`` (P).

    Examples
    --------
    >>> row = receptive_field_table("alexnet")[-1]
    >>> row["name"], row["size"], row["effective_stride"], row["effective_padding"]
    ('pool5', 195, 32, 64)
    >>> receptive_field_table([Conv2d(1, 1, 3), MaxPool2d(2)])[1]["size"]
    4
    """
    if isinstance(layers, str):
        layers = network_layers(layers)
    if isinstance(layers, dict):
        names = list(layers)
        for name in names:
            if not isinstance(name, str):
                raise TypeError(f"layer names must be strings; got {name!r}")
        layers = layer_list(list(layers.values()), "receptive_field_table()")
    else:
        layers = layer_list(layers if isinstance(layers, Sequential) else list(layers), "receptive_field_table()")
        names = [f"layer {position}" for position in range(1, len(layers) + 1)]
    fields = receptive_fields(layers, axis)
    along = 0 if axis in (None, "rows") else 1
    table = []
    for name, layer, field in zip(names, layers, fields, strict=True):
        geometry = layer.geometry()
        table.append(
            {
                "name": name,
                "kernel_size": geometry.kernel_size[along],
                "stride": geometry.stride[along],
                "padding": geometry.padding[along][0],
                "size": field.size,
                "effective_stride": field.stride,
                "effective_padding": field.padding,
            }
        )
    return table


def format_table(table):
    """A receptive-field table as aligned text, one line per layer.

    Examples
    --------
    >>> print(format_table(receptive_field_table("alexnet")[:2]))
    layer    k  s  p     r    S    P
    conv1   11  4  0    11    4    0
    pool1    3  2  0    19    8    0
    """
    lines = [f"{'layer':<7} {'k':>2} {'s':>2} {'p':>2} {'r':>5} {'S':>4} {'P':>4}"]
    for row in table:
        lines.append(
            f"{row['name']:<7} {row['kernel_size']:>2} {row['stride']:>2} {row['padding']:>2} "
            f"{row['size']:>5} {row['effective_stride']:>4} {row['effective_padding']:>4}"
        )
    return "\n".join(lines)
