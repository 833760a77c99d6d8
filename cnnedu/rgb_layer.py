"""One output channel of a convolution layer on a colour image, step by step
(lesson 05).

A layer with three input channels (R, G, B) and one output channel holds one
kernel per input channel. Each channel is cross-correlated with its own
kernel; the three responses are added, the bias is added, and the activation
gives the feature map. :func:`rgb_layer_maps` keeps every one of these
steps, so that a figure can show them side by side; the last but one equals
:func:`cnnedu.conv2d_forward`.

:data:`RGB_PRESETS` are four such kernel triples that detect something a
student can name (red against blue, edges in all channels, colour edges,
horizontal edges in green).

>>> grey = np.full((5, 5, 3), 0.5)  # as much red as blue everywhere
>>> maps = rgb_layer_maps(grey, RGB_PRESETS["red minus blue"], bias=0.1)
>>> maps.channel_sum.shape, bool(np.allclose(maps.feature_map, 0.1))
((3, 3), True)
"""

from dataclasses import dataclass

import numpy as np

from cnnedu._checks import one_of
from cnnedu.conv import conv2d_forward
from cnnedu.correlate import correlate2d
from cnnedu.kernels import get_kernel

ACTIVATIONS = ("ReLU", "none")

_SOBEL_X = get_kernel("Sobel x").astype(int)  # (3, 3): brightness rising to the right -> positive
_SOBEL_Y = get_kernel("Sobel y").astype(int)  # (3, 3): brightness rising downwards -> positive
_ONES = np.ones((3, 3), dtype=int)
_ZERO = np.zeros((3, 3), dtype=int)

# name -> (integer kernels (C_in=3, 3, 3), scale): the weights of one output
# channel are ``scale * kernels``, scaled so responses on a [0, 1] image stay
# within about +-1. Integers are easier to read in the figure.
RGB_PRESET_KERNELS = {
    "red minus blue": (np.stack([_ONES, _ZERO, -_ONES]), 1 / 9),
    "vertical edges, all channels": (np.stack([_SOBEL_X, _SOBEL_X, _SOBEL_X]), 1 / 12),
    "red-green colour edges": (np.stack([_SOBEL_X, -_SOBEL_X, _ZERO]), 1 / 4),
    "horizontal edges in green": (np.stack([_ZERO, _SOBEL_Y, _ZERO]), 1 / 4),
}
# name -> weights (3, 3, 3) of one output channel: kernel of R, G, B
RGB_PRESETS = {name: scale * kernels.astype(float) for name, (kernels, scale) in RGB_PRESET_KERNELS.items()}


def check_rgb(image):
    """``image`` as a float array of shape (H, W, 3), or a ValueError naming its shape.

    Examples
    --------
    >>> check_rgb(np.zeros((2, 4, 3))).shape
    (2, 4, 3)
    """
    image = np.asarray(image, dtype=float)
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"image must be an RGB image of shape (H, W, 3); got shape {image.shape}")
    return image


def check_rgb_weights(weights):
    """``weights`` as a float array of shape (3, kh, kw), or a ValueError naming its shape.

    Examples
    --------
    >>> check_rgb_weights(RGB_PRESETS["red minus blue"]).shape
    (3, 3, 3)
    """
    weights = np.asarray(weights, dtype=float)
    if weights.ndim != 3 or weights.shape[0] != 3:
        raise ValueError(f"weights must have shape (3, kh, kw): one kernel per colour channel; got {weights.shape}")
    return weights


@dataclass(frozen=True, eq=False)
class RGBLayerMaps:
    """Every step of one output channel of a 3-channel layer (made by
    :func:`rgb_layer_maps`).

    Attributes
    ----------
    image : ndarray, shape (H, W, 3)
    weights : ndarray, shape (3, kh, kw)
        The kernel of each input channel (R, G, B).
    bias : float
    activation : {'ReLU', 'none'}
    responses : ndarray, shape (3, H_out, W_out)
        Each channel cross-correlated with its own kernel.
    channel_sum : ndarray, shape (H_out, W_out)
        The three responses added.
    biased : ndarray, shape (H_out, W_out)
        ``channel_sum + bias``: the layer's output, as
        :func:`cnnedu.conv2d_forward` computes it.
    feature_map : ndarray, shape (H_out, W_out)
        After the activation.
    """

    image: np.ndarray
    weights: np.ndarray
    bias: float
    activation: str
    responses: np.ndarray
    channel_sum: np.ndarray
    biased: np.ndarray
    feature_map: np.ndarray


def rgb_layer_maps(image, weights, bias=0.0, activation="ReLU"):
    """Every intermediate map of one output channel of a 3-channel layer.

    Parameters
    ----------
    image : array_like, shape (H, W, 3)
    weights : array_like, shape (3, kh, kw)
        Kernel of each input channel (R, G, B).
    bias : float
    activation : {'ReLU', 'none'}

    Returns
    -------
    RGBLayerMaps

    Examples
    --------
    >>> maps = rgb_layer_maps(np.ones((4, 4, 3)), np.ones((3, 3, 3)), bias=-30.0)
    >>> [float(values[0, 0]) for values in (maps.channel_sum, maps.biased, maps.feature_map)]
    [27.0, -3.0, 0.0]
    """
    image = check_rgb(image)
    weights = check_rgb_weights(weights)
    one_of("activation", activation, ACTIVATIONS)
    bias = float(bias)
    responses = np.stack([correlate2d(image[:, :, c], weights[c], mode="valid") for c in range(3)])  # (3, H_out, W_out)
    biased, _ = conv2d_forward(image.transpose(2, 0, 1)[np.newaxis], weights[np.newaxis], np.array([bias]))
    biased = biased[0, 0]  # (H_out, W_out)
    feature_map = np.maximum(biased, 0.0) if activation == "ReLU" else biased
    return RGBLayerMaps(
        image=image,
        weights=weights,
        bias=bias,
        activation=activation,
        responses=responses,
        channel_sum=responses.sum(axis=0),
        biased=biased,
        feature_map=feature_map,
    )
