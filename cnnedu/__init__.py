"""cnnedu: the numpy machinery behind the lessons on convolutional networks.

The math modules (correlate, padding, conv, transpose, pooling, layers,
gradcheck, receptive_field, images) use only numpy and scipy. Plotting lives in
``cnnedu.plotting`` (matplotlib) and the interactive demos in
``cnnedu.widgets`` (ipywidgets); neither is imported here, so the math
loads fast and without a display.

>>> import cnnedu as ce
>>> ce.correlate1d([1, 2, 3], [1, 1, 1], mode="full")
array([1., 3., 6., 5., 3.])
"""

from cnnedu.conv import (
    conv2d_backward,
    conv2d_backward_loop,
    conv2d_forward,
    conv2d_forward_loop,
)
from cnnedu.correlate import (
    convolve1d,
    convolve2d,
    convolve2d_loop,
    correlate1d,
    correlate2d,
    correlate2d_loop,
)
from cnnedu.gradcheck import gradient_check, numerical_gradient, relative_error
from cnnedu.images import (
    checkerboard,
    crop_and_resize,
    edge_image,
    load_digits,
    load_image,
    resize,
    shapes_image,
    to_grayscale,
)
from cnnedu.layers import (
    SGD,
    AvgPool2d,
    Conv2d,
    Flatten,
    GlobalAvgPool,
    Layer,
    Linear,
    MaxPool2d,
    ReLU,
    Sequential,
    SoftmaxCrossEntropy,
)
from cnnedu.padding import output_size, pad2d
from cnnedu.pooling import (
    avg_pool2d,
    avg_pool2d_backward,
    avg_pool2d_forward,
    global_avg_pool,
    global_max_pool,
    max_pool2d,
    max_pool2d_backward,
    max_pool2d_forward,
)
from cnnedu.receptive_field import ReceptiveField, receptive_field, receptive_fields
from cnnedu.transpose import (
    ConvTranspose2d,
    conv_transpose2d,
    conv_transpose2d_backward,
    conv_transpose2d_forward,
    conv_transpose2d_loop,
    transposed_output_size,
)

__version__ = "0.2.0"  # the one place: pyproject.toml, CITATION.cff and the tag in [tool.cnnedu] follow it

__all__ = [
    "__version__",
    "AvgPool2d",
    "Conv2d",
    "ConvTranspose2d",
    "Flatten",
    "GlobalAvgPool",
    "Layer",
    "Linear",
    "MaxPool2d",
    "ReLU",
    "ReceptiveField",
    "SGD",
    "Sequential",
    "SoftmaxCrossEntropy",
    "avg_pool2d",
    "avg_pool2d_backward",
    "avg_pool2d_forward",
    "checkerboard",
    "conv2d_backward",
    "conv2d_backward_loop",
    "conv2d_forward",
    "conv2d_forward_loop",
    "conv_transpose2d",
    "conv_transpose2d_backward",
    "conv_transpose2d_forward",
    "conv_transpose2d_loop",
    "convolve1d",
    "convolve2d",
    "convolve2d_loop",
    "correlate1d",
    "correlate2d",
    "correlate2d_loop",
    "crop_and_resize",
    "edge_image",
    "global_avg_pool",
    "global_max_pool",
    "gradient_check",
    "load_digits",
    "load_image",
    "max_pool2d",
    "max_pool2d_backward",
    "max_pool2d_forward",
    "numerical_gradient",
    "output_size",
    "pad2d",
    "receptive_field",
    "receptive_fields",
    "relative_error",
    "resize",
    "shapes_image",
    "to_grayscale",
    "transposed_output_size",
]
