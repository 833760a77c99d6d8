"""Tests of cnnedu.backprop_paths against explicit loops and conv2d_backward."""

import numpy as np
import pytest

import cnnedu as ce
from cnnedu.backprop_paths import (
    dilate,
    input_gradient,
    input_pixel_paths,
    kernel_gradient,
    output_cell_share,
    output_cell_window,
)

GEOMETRIES = [
    # (H, W, kh, kw, stride, padding)
    (5, 5, 3, 3, 1, 0),
    (5, 6, 3, 2, 1, 1),
    (7, 7, 3, 3, 2, 0),
    (8, 7, 3, 3, 2, 1),
    (6, 6, 2, 2, 3, 0),
    (4, 4, 3, 3, 1, 2),
    (9, 9, 4, 4, 3, 2),
]


def _setup(height, width, kh, kw, stride, padding, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((height, width))
    kernel = rng.standard_normal((kh, kw))
    y, cache = ce.conv2d_forward(x[None, None], kernel[None, None], stride=stride, padding=padding)
    grad_output = rng.standard_normal(y.shape[2:])
    grad_x, grad_k, _ = ce.conv2d_backward(grad_output[None, None], cache)
    return x, kernel, grad_output, grad_x[0, 0], grad_k[0, 0]


@pytest.mark.parametrize("geometry", GEOMETRIES)
def test_recipes_match_conv2d_backward(geometry):
    height, width, kh, kw, stride, padding = geometry
    x, kernel, grad_output, grad_x, grad_k = _setup(*geometry)
    assert np.allclose(input_gradient(grad_output, kernel, (height, width), stride, padding), grad_x)
    assert np.allclose(kernel_gradient(x, grad_output, (kh, kw), stride, padding), grad_k)


@pytest.mark.parametrize("geometry", GEOMETRIES)
def test_input_pixel_paths_sum_to_input_gradient(geometry):
    height, width, kh, kw, stride, padding = geometry
    x, kernel, grad_output, grad_x, _ = _setup(*geometry)
    for a in range(height):
        for b in range(width):
            paths = input_pixel_paths((height, width), (kh, kw), a, b, stride, padding)
            total = sum(grad_output[rc] * kernel[ij] for rc, ij in paths)
            assert np.isclose(total, grad_x[a, b])


@pytest.mark.parametrize("geometry", GEOMETRIES)
def test_input_pixel_paths_match_forward_loop(geometry):
    height, width, kh, kw, stride, padding = geometry
    out_h = ce.output_size(height, kh, stride, padding)
    out_w = ce.output_size(width, kw, stride, padding)
    expected = {}
    for r in range(out_h):
        for c in range(out_w):
            for i in range(kh):
                for j in range(kw):
                    a, b = r * stride + i - padding, c * stride + j - padding
                    if 0 <= a < height and 0 <= b < width:
                        expected.setdefault((a, b), []).append(((r, c), (i, j)))
    for a in range(height):
        for b in range(width):
            assert input_pixel_paths((height, width), (kh, kw), a, b, stride, padding) == expected.get((a, b), [])


@pytest.mark.parametrize("geometry", GEOMETRIES)
def test_output_cell_shares_sum_to_gradients(geometry):
    height, width, kh, kw, stride, padding = geometry
    x, kernel, grad_output, grad_x, grad_k = _setup(*geometry)
    total_x = np.zeros_like(x)
    total_k = np.zeros_like(kernel)
    for (r, c), g in np.ndenumerate(grad_output):
        share_x, share_k = output_cell_share(x, kernel, r, c, g, stride, padding)
        total_x += share_x
        total_k += share_k
    assert np.allclose(total_x, grad_x)
    assert np.allclose(total_k, grad_k)


def test_output_cell_window_covers_kernel_and_padding():
    cells = output_cell_window((4, 4), (3, 3), 0, 0, stride=1, padding=1)
    assert len(cells) == 9
    assert [ij for _, ij in cells] == [(i, j) for i in range(3) for j in range(3)]
    inside = [cell for cell, _ in cells if cell is not None]
    assert inside == [(0, 0), (0, 1), (1, 0), (1, 1)]


def test_worked_1d_example_of_the_lesson():
    # y11 = x11 k11 + x12 k12 ...: dJ/dx12 = dy11 k12 + dy12 k11
    paths = input_pixel_paths((1, 4), (1, 2), 0, 1)
    assert paths == [((0, 0), (0, 1)), ((0, 1), (0, 0))]
    assert input_pixel_paths((1, 4), (1, 2), 0, 0) == [((0, 0), (0, 0))]


def test_dilate():
    assert dilate([[1, 2]], 1).tolist() == [[1, 2]]
    assert dilate([[1, 2]], 3).tolist() == [[1, 0, 0, 2]]
    assert dilate([[5]], 4).shape == (1, 1)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: input_pixel_paths((3, 3), (2, 2), 3, 0), ValueError, "row must be between 0 and 2"),
        (lambda: input_pixel_paths((3, 3), (2, 2), 0, -1), ValueError, "column must not be negative"),
        (lambda: input_pixel_paths((3, 3), (4, 4), 0, 0), ValueError, "kernel does not fit"),
        (lambda: input_pixel_paths(3, (2, 2), 0, 0), TypeError, "input_shape must be a pair"),
        (lambda: output_cell_window((3, 3), (2, 2), 2, 0), ValueError, "row must be between 0 and 1"),
        (lambda: input_gradient(np.ones((3, 3)), np.ones((2, 2)), (3, 3)), ValueError, "grad_output must have"),
        (lambda: kernel_gradient(np.ones((3, 3)), np.ones((2, 2)), (2, 2), stride=0), ValueError, "stride"),
        (lambda: dilate(np.ones(3), 2), ValueError, "grad_output must be 2-D"),
    ],
)
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()
