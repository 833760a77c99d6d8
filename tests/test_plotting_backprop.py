"""Tests of cnnedu.plotting.backprop: highlighted cells and drawn values follow the math."""

import numpy as np
import pytest

import cnnedu as ce
from cnnedu.backprop_paths import (
    input_pixel_flow,
    input_pixel_paths,
    max_pool_routes,
    output_cell_flow,
    output_cell_share,
    relu_routes,
)
from cnnedu.plotting import backprop as bp
from cnnedu.plotting.style import new_figure

RNG = np.random.default_rng(0)
X = RNG.integers(0, 4, size=(5, 5)).astype(float)
K = np.array([[1.0, 2.0, 0.0], [0.0, 1.0, -1.0], [-1.0, 0.0, 2.0]])
GEOMETRIES = [(1, 0), (2, 0), (1, 1), (2, 1)]


def _grad_output(stride, padding):
    size = ce.output_size(5, 3, stride, padding)
    return RNG.choice([-2.0, -1.0, 1.0, 2.0], size=(size, size))


def _marked(artists, name):
    cells = []
    for mark in artists["marks"][name]:
        if mark.get_visible():
            x, y = mark.get_xy()
            cells.append((int(round(y + 0.5)), int(round(x + 0.5))))
    return cells


@pytest.fixture(scope="module")
def figure_and_artists():
    return bp.backprop_figure()


@pytest.mark.parametrize("stride, padding", GEOMETRIES)
@pytest.mark.parametrize("row, column", [(0, 0), (2, 2), (4, 1), (1, 3)])
def test_input_pixel_marks_follow_the_paths(figure_and_artists, stride, padding, row, column):
    _, artists = figure_and_artists
    grad_output = _grad_output(stride, padding)
    flow = input_pixel_flow(X, K, grad_output, row, column, stride, padding)
    assert bp.update_input_pixel(artists, flow) is artists
    paths = flow.paths
    assert paths == input_pixel_paths(X.shape, K.shape, row, column, stride, padding)
    assert _marked(artists, "x") == [(row, column)]
    assert _marked(artists, "grad_output") == [rc for rc, _ in paths]
    assert _marked(artists, "kernel") == [ij for _, ij in paths]
    _, cache = ce.conv2d_forward(X[None, None], K[None, None], None, stride, padding)
    grad_x = ce.conv2d_backward(grad_output[None, None], cache)[0][0, 0]
    shown = artists["images"]["grad_x"].get_array()
    assert np.allclose(shown[padding : padding + 5, padding : padding + 5], grad_x)  # inside the padding ring
    numbers = artists["numbers"]["grad_x"]  # the marked pixel's value, in bold, in its cell
    assert float(numbers.get_texts()[0]) == pytest.approx(grad_x[row, column], abs=0.01)
    assert tuple(numbers.get_positions()[0]) == (column, row)
    assert numbers.get_texts()[1:] == [""] * (bp.MAX_MARKS - 1)
    assert artists["formula"].get_text().endswith(f"= {bp._fmt(grad_x[row, column])}")


@pytest.mark.parametrize("stride, padding", GEOMETRIES)
def test_output_cell_shares_are_drawn(figure_and_artists, stride, padding):
    _, artists = figure_and_artists
    grad_output = _grad_output(stride, padding)
    size = grad_output.shape[0]
    for row, column in [(0, 0), (size - 1, size - 1)]:
        flow = output_cell_flow(X, K, grad_output, row, column, stride, padding)
        bp.update_output_cell(artists, flow)
        share_x, share_k = flow.grad_x_share, flow.grad_kernel_share
        expected_x, expected_k = output_cell_share(X, K, row, column, grad_output[row, column], stride, padding)
        assert np.allclose(share_x, expected_x) and np.allclose(share_k, expected_k)
        shown = artists["images"]["grad_x"].get_array()
        assert np.allclose(shown[padding : padding + 5, padding : padding + 5], expected_x)
        assert np.allclose(artists["images"]["grad_kernel"].get_array(), expected_k)
        assert _marked(artists, "grad_output") == [(row, column)]
        assert len(_marked(artists, "grad_kernel")) == 9
        window = artists["window"]["x"]
        assert window.get_visible()
        assert window.get_xy() == (column * stride - padding - 0.5, row * stride - padding - 0.5)


def test_padding_cells_are_nan_and_grey(figure_and_artists):
    _, artists = figure_and_artists
    bp.update_input_pixel(artists, input_pixel_flow(X, K, _grad_output(1, 1), 0, 0, 1, 1))
    shown = artists["images"]["x"].get_array()
    assert shown.shape == (7, 7)
    assert np.all(shown.mask[0]) and not np.any(shown.mask[1:-1, 1:-1])


def test_pixel_that_feeds_no_output():
    _, artists = bp.backprop_figure()
    # stride 2, 4x4 input, 3x3 kernel: one output; the last row/column is never read
    flow = input_pixel_flow(np.ones((4, 4)), K, np.ones((1, 1)), 3, 3, 2, 0)
    bp.update_input_pixel(artists, flow)
    assert flow.paths == []
    assert "feeds no output" in artists["formula"].get_text()


def test_max_pool_backward_panel():
    figure, axes = new_figure(1, 4)
    x = np.array([[1, 3, 2, 4], [5, 6, 7, 8], [9, 2, 3, 1], [4, 0, 1, 5]], dtype=float)
    grad = np.array([[1.0, 2.0], [3.0, 4.0]])
    images = bp.plot_max_pool_backward(max_pool_routes(x, grad), axes=axes)
    y, cache = ce.max_pool2d_forward(x, 2)
    assert np.allclose(images[1].get_array(), y)
    assert np.allclose(images[3].get_array(), ce.max_pool2d_backward(grad, cache))
    assert images[3].get_clim() == (-8.0, 8.0)  # centred on zero


def test_relu_backward_panel():
    figure, axes = new_figure(1, 3)
    images = bp.plot_relu_backward(relu_routes([[-2, 1, 0]], [[5.0, 5.0, 5.0]]), axes=axes)
    assert images[2].get_array().tolist() == [[0.0, 5.0, 0.0]]


def test_gradient_panels_write_every_value_and_the_marked_one_in_bold_only():
    from cnnedu.plotting.backprop import backprop_figure, update_input_pixel

    _, artists = backprop_figure()
    x, kernel, grad = np.arange(25.0).reshape(5, 5), np.array([[1.0, 2, 0], [0, 1, -1], [-1, 0, 2]]), np.ones((3, 3))
    update_input_pixel(artists, input_pixel_flow(x, kernel, grad, 2, 2))
    _, cache = ce.conv2d_forward(x[None, None], kernel[None, None])
    grad_x, grad_k, _ = ce.conv2d_backward(grad[None, None], cache)
    values = artists["values"]["grad_x"]
    shown = {
        (round(float(y)), round(float(x))): text
        for (x, y), text in zip(values.get_positions(), values.get_texts(), strict=True)
        if text
    }
    assert len(shown) == 24 and (2, 2) not in shown  # the marked pixel carries its bold number instead
    assert all(shown[cell] == f"{grad_x[0, 0][cell]:g}" for cell in shown)
    assert set(values.get_colors()) == {bp.VALUE_COLOR}  # grey; the bold numbers are black
    assert (
        artists["numbers"]["grad_x"].weight == "bold"
        and artists["numbers"]["grad_x"].get_texts()[0] == f"{grad_x[0, 0][2, 2]:g}"
    )
    kernel_values = sorted(text for text in artists["values"]["grad_kernel"].get_texts() if text)
    assert kernel_values == sorted(f"{v:g}" for v in grad_k[0, 0].ravel())


def test_plotting_takes_only_the_math_objects(figure_and_artists):
    _, artists = figure_and_artists
    with pytest.raises(TypeError, match="flow must be an InputPixelFlow"):
        bp.update_input_pixel(artists, output_cell_flow(X, K, _grad_output(1, 0), 0, 0))
    with pytest.raises(TypeError, match="flow must be an OutputCellFlow"):
        bp.update_output_cell(artists, input_pixel_flow(X, K, _grad_output(1, 0), 0, 0))
    with pytest.raises(TypeError, match="routes must be a MaxPoolRoutes"):
        bp.plot_max_pool_backward(np.ones((2, 2)), axes=new_figure(1, 4)[1])
    with pytest.raises(TypeError, match="routes must be a ReluRoutes"):
        bp.plot_relu_backward(np.ones((2, 2)), axes=new_figure(1, 3)[1])
