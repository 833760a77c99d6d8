"""Layer geometry of two classic networks, for receptive-field arithmetic.

Each network is a tuple of ``(name, kernel_size, stride, padding)`` for its
convolution and pooling layers, from the input up to the last pooling layer
(``pool5``). Channels do not matter for receptive fields, and the ReLUs
(kernel 1, stride 1) change nothing, so they are left out.

Source: André Araujo, Wade Norris and Jack Sim, "Computing Receptive Fields
of Convolutional Neural Networks", Distill, 2019
(https://distill.pub/2019/computing-receptive-fields/). Their table uses the
TF-Slim models ``alexnet_v2`` and ``vgg_16`` up to ``pool5``, with a 224 x 224
input:

* AlexNet (``alexnet_v2``): conv1 11x11 stride 4 with *no* padding
  ("VALID"), 3x3 stride-2 max pools without padding, conv2 5x5 and
  conv3-conv5 3x3 with "SAME" padding (2 and 1 cells). Other AlexNet
  variants pad conv1 by 2 (torchvision); that changes the effective padding
  (66 instead of 64) but not the size or the stride.
* VGG-16 (configuration D of Simonyan and Zisserman, 2015): thirteen 3x3
  convolutions with stride 1 and padding 1, and five 2x2 max pools with
  stride 2.

``PUBLISHED`` holds the numbers printed in that article and in the per-layer
table it links to (``RECEPTIVE_FIELD_TABLE.md`` of the TensorFlow
receptive_field library, rows with resolution 224); the tests check that
:func:`cnnedu.receptive_fields` reproduces every one of them.
"""

from cnnedu.receptive_field import receptive_fields

ALEXNET = (
    ("conv1", 11, 4, 0),
    ("pool1", 3, 2, 0),
    ("conv2", 5, 1, 2),
    ("pool2", 3, 2, 0),
    ("conv3", 3, 1, 1),
    ("conv4", 3, 1, 1),
    ("conv5", 3, 1, 1),
    ("pool5", 3, 2, 0),
)

VGG16 = (
    ("conv1_1", 3, 1, 1),
    ("conv1_2", 3, 1, 1),
    ("pool1", 2, 2, 0),
    ("conv2_1", 3, 1, 1),
    ("conv2_2", 3, 1, 1),
    ("pool2", 2, 2, 0),
    ("conv3_1", 3, 1, 1),
    ("conv3_2", 3, 1, 1),
    ("conv3_3", 3, 1, 1),
    ("pool3", 2, 2, 0),
    ("conv4_1", 3, 1, 1),
    ("conv4_2", 3, 1, 1),
    ("conv4_3", 3, 1, 1),
    ("pool4", 2, 2, 0),
    ("conv5_1", 3, 1, 1),
    ("conv5_2", 3, 1, 1),
    ("conv5_3", 3, 1, 1),
    ("pool5", 2, 2, 0),
)

NETWORKS = {"alexnet": ALEXNET, "vgg16": VGG16}

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
    """The ``(name, kernel_size, stride, padding)`` rows of a network.

    Parameters
    ----------
    name : {'alexnet', 'vgg16'}

    Examples
    --------
    >>> network_layers("alexnet")[0]
    ('conv1', 11, 4, 0)
    >>> len(network_layers("vgg16"))
    18
    """
    if name not in NETWORKS:
        raise ValueError(f"name must be one of {sorted(NETWORKS)}; got {name!r}")
    return NETWORKS[name]


def receptive_field_table(layers):
    """Receptive field after every layer of a named stack.

    Parameters
    ----------
    layers : str or sequence of (name, kernel_size, stride, padding)
        A network name ('alexnet', 'vgg16') or rows like those of ``ALEXNET``.

    Returns
    -------
    list of dict
        One per layer, with keys ``name``, ``kernel_size``, ``stride``,
        ``padding``, ``size`` (r), ``effective_stride`` (S) and
        ``effective_padding`` (P).

    Examples
    --------
    >>> row = receptive_field_table("alexnet")[-1]
    >>> row["name"], row["size"], row["effective_stride"], row["effective_padding"]
    ('pool5', 195, 32, 64)
    """
    rows = network_layers(layers) if isinstance(layers, str) else tuple(layers)
    for position, row in enumerate(rows):
        if not isinstance(row, (tuple, list)) or len(row) != 4 or not isinstance(row[0], str):
            raise TypeError(f"layers[{position}] must be (name, kernel_size, stride, padding); got {row!r}")
    fields = receptive_fields([tuple(row[1:]) for row in rows])
    return [
        {
            "name": name,
            "kernel_size": kernel_size,
            "stride": stride,
            "padding": padding,
            "size": field.size,
            "effective_stride": field.stride,
            "effective_padding": field.padding,
        }
        for (name, kernel_size, stride, padding), field in zip(rows, fields, strict=True)
    ]


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
