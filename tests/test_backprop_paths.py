"""Tests of cnnedu.backprop_paths against explicit loops and conv2d_backward."""

import numpy as np
import pytest

import cnnedu as ce
from cnnedu.backprop_paths import (
    conv_gradients,
    dilate,
    input_gradient,
    input_pixel_flow,
    input_pixel_paths,
    kernel_gradient,
    max_pool_routes,
    output_cell_flow,
    output_cell_share,
    output_cell_window,
    relu_routes,
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
        (
            lambda: conv_gradients(np.ones((4, 4)), np.ones((3, 3)), np.ones((3, 3))),
            ValueError,
            "grad_output must have",
        ),
        (lambda: conv_gradients(np.ones(4), np.ones((3, 3)), np.ones((2, 2))), ValueError, "x must be 2-D"),
        (lambda: input_pixel_flow(np.ones((4, 4)), np.ones((3, 3)), np.ones((2, 2)), 4, 0), ValueError, "row must be"),
        (lambda: output_cell_flow(np.ones((4, 4)), np.ones((3, 3)), np.ones((2, 2)), 0, 2), ValueError, "column must"),
        (lambda: max_pool_routes(np.ones((4, 4)), np.ones((3, 3))), ValueError, "grad_output"),
        (lambda: max_pool_routes(np.ones((4, 4)), np.ones((2, 2)), size=0), ValueError, "size"),
        (lambda: relu_routes([[1, 2]], [[1.0]]), ValueError, "grad_output must have the shape of x"),
    ],
)
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


def _loop_gradients(x, kernel, grad_output, stride, padding):
    """dJ/dX and dJ/dK by the definition: every (output, kernel entry) pair, one at a time."""
    x_padded = np.pad(x, padding)
    grad_padded = np.zeros_like(x_padded)
    grad_kernel = np.zeros_like(kernel)
    for r in range(grad_output.shape[0]):
        for c in range(grad_output.shape[1]):
            for i in range(kernel.shape[0]):
                for j in range(kernel.shape[1]):
                    grad_padded[r * stride + i, c * stride + j] += grad_output[r, c] * kernel[i, j]
                    grad_kernel[i, j] += grad_output[r, c] * x_padded[r * stride + i, c * stride + j]
    return grad_padded[padding : padding + x.shape[0], padding : padding + x.shape[1]], grad_kernel


@pytest.mark.parametrize("height, width, kh, kw, stride, padding", GEOMETRIES)
def test_flows_match_loops_over_the_definition(height, width, kh, kw, stride, padding):
    rng = np.random.default_rng(3)
    x, kernel = rng.normal(size=(height, width)), rng.normal(size=(kh, kw))
    out_h, out_w = ce.output_size(height, kh, stride, padding), ce.output_size(width, kw, stride, padding)
    grad_output = rng.normal(size=(out_h, out_w))
    expected_x, expected_k = _loop_gradients(x, kernel, grad_output, stride, padding)
    gradients = conv_gradients(x, kernel, grad_output, stride, padding)
    np.testing.assert_allclose(gradients.grad_x, expected_x, atol=1e-12)
    np.testing.assert_allclose(gradients.grad_kernel, expected_k, atol=1e-12)
    row, column = height // 2, width - 1
    flow = input_pixel_flow(x, kernel, grad_output, row, column, stride, padding)
    total = sum(grad_output[rc] * kernel[ij] for rc, ij in flow.paths)
    assert flow.row == row and flow.column == column
    assert total == pytest.approx(expected_x[row, column])
    cell = output_cell_flow(x, kernel, grad_output, out_h - 1, 0, stride, padding)
    assert cell.grad == grad_output[out_h - 1, 0]
    assert cell.top_left == ((out_h - 1) * stride - padding, -padding)
    one_hot = np.zeros_like(grad_output)
    one_hot[out_h - 1, 0] = grad_output[out_h - 1, 0]
    share_x, share_k = _loop_gradients(x, kernel, one_hot, stride, padding)  # this cell's share only
    np.testing.assert_allclose(cell.grad_x_share, share_x, atol=1e-12)
    np.testing.assert_allclose(cell.grad_kernel_share, share_k, atol=1e-12)


@pytest.mark.parametrize("size", [2, 3])
def test_max_pool_routes_match_a_loop(size):
    rng = np.random.default_rng(size)
    x = rng.integers(0, 5, size=(2 * size, 3 * size)).astype(float)  # ties: the first maximum wins
    grad_output = rng.normal(size=(2, 3))
    routes = max_pool_routes(x, grad_output, size)
    expected_grad = np.zeros_like(x)
    for r in range(2):
        for c in range(3):
            window = x[r * size : (r + 1) * size, c * size : (c + 1) * size]
            i, j = np.unravel_index(np.argmax(window), window.shape)  # argmax: first maximum in reading order
            assert routes.winners[r * 3 + c] == (r * size + i, c * size + j)
            assert routes.y[r, c] == window.max()
            expected_grad[r * size + i, c * size + j] = grad_output[r, c]
    np.testing.assert_array_equal(routes.grad_x, expected_grad)


def test_relu_routes_pass_the_gradient_where_the_input_was_positive():
    routes = relu_routes([[-2.0, 0.0, 3.0]], [[1.0, 2.0, 4.0]])
    assert routes.grad_x.tolist() == [[0.0, 0.0, 4.0]]
    assert routes.x.dtype == float and routes.grad_output.shape == (1, 3)
