"""cnnedu.rgb_layer: every step of one output channel of a 3-channel layer,
against loops over the definition and cnnedu's conv2d_forward."""

import numpy as np
import pytest

import cnnedu as ce
from cnnedu.rgb_layer import ACTIVATIONS, RGB_PRESET_KERNELS, RGB_PRESETS, RGBLayerMaps, rgb_layer_maps


@pytest.fixture(scope="module")
def photo():
    return np.random.default_rng(0).random((9, 7, 3))  # (H, W, C)


def loop_channel(image, weights, c):
    """Channel c of the image cross-correlated with its kernel: out[i, j] = sum_u sum_v x[i + u, j + v] k[u, v]."""
    kh, kw = weights.shape[1:]
    rows, columns = image.shape[0] - kh + 1, image.shape[1] - kw + 1
    out = np.zeros((rows, columns))
    for i in range(rows):
        for j in range(columns):
            for u in range(kh):
                for v in range(kw):
                    out[i, j] += image[i + u, j + v, c] * weights[c, u, v]
    return out


@pytest.mark.parametrize("preset", list(RGB_PRESETS))
@pytest.mark.parametrize("bias, activation", [(0.0, "ReLU"), (-0.2, "ReLU"), (0.3, "none")])
def test_every_step_equals_the_loop_and_conv2d(photo, preset, bias, activation):
    weights = RGB_PRESETS[preset]
    maps = rgb_layer_maps(photo, weights, bias, activation)
    assert isinstance(maps, RGBLayerMaps)
    responses = np.stack([loop_channel(photo, weights, c) for c in range(3)])
    np.testing.assert_allclose(maps.responses, responses, atol=1e-12)
    np.testing.assert_allclose(maps.channel_sum, responses.sum(axis=0), atol=1e-12)
    np.testing.assert_allclose(maps.biased, responses.sum(axis=0) + bias, atol=1e-12)
    y, _ = ce.conv2d_forward(photo.transpose(2, 0, 1)[None], weights[None], np.array([bias]))
    np.testing.assert_allclose(maps.biased, y[0, 0], atol=1e-12)
    expected = np.maximum(y[0, 0], 0) if activation == "ReLU" else y[0, 0]
    np.testing.assert_allclose(maps.feature_map, expected, atol=1e-12)
    np.testing.assert_array_equal(maps.image, photo)
    np.testing.assert_array_equal(maps.weights, weights)
    assert (maps.bias, maps.activation) == (bias, activation)


def test_a_kernel_larger_than_3x3_and_integer_input():
    image = np.arange(60).reshape(4, 5, 3)  # integers become floats
    weights = np.random.default_rng(1).normal(size=(3, 2, 4))
    maps = rgb_layer_maps(image, weights, bias=1)
    assert maps.feature_map.shape == (3, 2) and maps.image.dtype == float and isinstance(maps.bias, float)
    responses = np.stack([loop_channel(image.astype(float), weights, c) for c in range(3)])
    np.testing.assert_allclose(maps.feature_map, np.maximum(responses.sum(axis=0) + 1, 0), atol=1e-12)


def test_presets_are_scaled_integer_kernels_that_detect_what_they_say():
    for name, (kernels, scale) in RGB_PRESET_KERNELS.items():
        assert kernels.shape == (3, 3, 3) and np.issubdtype(kernels.dtype, np.integer)
        np.testing.assert_allclose(RGB_PRESETS[name], scale * kernels)
    red = np.zeros((5, 5, 3))
    red[:, :, 0] = 1.0
    assert np.all(rgb_layer_maps(red, RGB_PRESETS["red minus blue"]).feature_map > 0.99)
    bright_right = np.zeros((5, 6, 3))
    bright_right[:, 3:] = 1.0  # a vertical edge, brightness rising to the right (Sobel x's sign)
    edges = rgb_layer_maps(bright_right, RGB_PRESETS["vertical edges, all channels"]).feature_map
    assert edges.max() == pytest.approx(1.0) and edges[:, -1].max() == 0.0


@pytest.mark.parametrize(
    "call, match",
    [
        (
            lambda: rgb_layer_maps(np.zeros((5, 5)), RGB_PRESETS["red minus blue"]),
            r"image must be an RGB image .*\(5, 5\)",
        ),
        (lambda: rgb_layer_maps(np.zeros((5, 5, 4)), RGB_PRESETS["red minus blue"]), r"got shape \(5, 5, 4\)"),
        (lambda: rgb_layer_maps(np.zeros((5, 5, 3)), np.zeros((2, 3, 3))), r"weights must have shape \(3, kh, kw\)"),
        (lambda: rgb_layer_maps(np.zeros((5, 5, 3)), np.zeros((3, 3))), r"one kernel per colour channel; got \(3, 3\)"),
        (
            lambda: rgb_layer_maps(np.zeros((5, 5, 3)), np.zeros((3, 3, 3)), activation="tanh"),
            "activation must be 'ReLU' or 'none'; got 'tanh'",
        ),
    ],
)
def test_bad_arguments_get_clear_errors(call, match):
    assert ACTIVATIONS == ("ReLU", "none")
    with pytest.raises(ValueError, match=match):
        call()
