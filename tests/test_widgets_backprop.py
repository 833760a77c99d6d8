"""Tests of the lesson 06 demo: the marks and values follow cnnedu's gradient math."""

import numpy as np
import pytest
from pixels import full_redraw_pixels, pixels

import cnnedu as ce
from cnnedu.backprop_paths import input_pixel_paths, output_cell_share
from cnnedu.widgets import DEMOS
from cnnedu.widgets.backprop import PICK_CHOICES, backprop_explorer


def _marked(demo, name):
    cells = []
    for mark in demo.artists["marks"][name]:
        if mark.get_visible():
            x, y = mark.get_xy()
            cells.append((int(round(y + 0.5)), int(round(x + 0.5))))
    return cells


@pytest.fixture(scope="module")
def demo():
    return backprop_explorer()


def test_registered():
    assert DEMOS["backprop_explorer"] is backprop_explorer


def test_default_view_is_the_centre_pixel(demo):
    assert demo.values() == {"mode": PICK_CHOICES[0], "row": 3, "column": 3, "stride": 1, "padding": 0}
    assert len(_marked(demo, "grad_output")) == 9  # the centre pixel feeds every output
    assert demo.artists["formula"].get_text().startswith("dJ/dx33 = dy11\u00b7k33 + dy12\u00b7k32")


@pytest.mark.parametrize("stride, padding", [(1, 0), (2, 0), (1, 1), (2, 1)])
@pytest.mark.parametrize("row, column", [(1, 1), (3, 3), (5, 2)])
def test_input_pixel_mode(demo, stride, padding, row, column):
    demo.set(mode=PICK_CHOICES[0], row=row, column=column, stride=stride, padding=padding)
    assert demo.error is None
    x, kernel = demo.state.x, demo.state.kernel
    paths = input_pixel_paths(x.shape, kernel.shape, row - 1, column - 1, stride, padding)
    assert _marked(demo, "grad_output") == [rc for rc, _ in paths]
    assert _marked(demo, "kernel") == [ij for _, ij in paths]
    size = ce.output_size(5, 3, stride, padding)
    grad_output = demo.state.grad_table[:size, :size]
    assert np.allclose(demo.artists["images"]["grad_output"].get_array(), grad_output)
    _, cache = ce.conv2d_forward(x[None, None], kernel[None, None], None, stride, padding)
    grad_x = ce.conv2d_backward(grad_output[None, None], cache)[0][0, 0]
    numbers = demo.artists["numbers"]["grad_x"]
    assert float(numbers.get_texts()[0]) == pytest.approx(grad_x[row - 1, column - 1])
    assert tuple(numbers.get_positions()[0]) == (column - 1, row - 1)


@pytest.mark.parametrize("stride, padding", [(1, 0), (2, 0), (1, 1), (2, 1)])
def test_output_cell_mode(demo, stride, padding):
    size = ce.output_size(5, 3, stride, padding)
    demo.set(mode=PICK_CHOICES[1], row=size, column=1, stride=stride, padding=padding)
    assert demo.error is None
    x, kernel = demo.state.x, demo.state.kernel
    g = demo.state.grad_table[size - 1, 0]
    share_x, share_k = output_cell_share(x, kernel, size - 1, 0, g, stride, padding)
    assert np.allclose(demo.artists["images"]["grad_kernel"].get_array(), share_k)
    shown = demo.artists["images"]["grad_x"].get_array()
    assert np.allclose(shown[padding : padding + 5, padding : padding + 5], share_x)
    assert _marked(demo, "grad_output") == [(size - 1, 0)]


def test_output_cell_outside_the_output_gives_a_message(demo):
    demo.set(mode=PICK_CHOICES[1], row=1, column=1, stride=1, padding=0)
    before = demo.image.value
    demo.set(row=5)  # dJ/dY is 3x3 without padding
    assert demo.error == "with stride 1 and padding 0, dJ/dY has 3x3 cells: choose row and column from 1 to 3"
    assert demo.image.value == before  # the last good figure stays
    demo.set(row=2)
    assert demo.error is None


def test_grad_table_has_no_zeros(demo):
    assert np.all(demo.state.grad_table != 0)


@pytest.mark.parametrize("padding", [0, 1])
def test_stride_two_paths_as_lesson_06_describes(demo, padding):
    # lesson 06: "with stride 2 ... at most 4 paths instead of 9, and many pixels get a single one;
    # here every pixel still gets at least one"
    counts = []
    for row in range(1, 6):
        for column in range(1, 6):
            demo.set(mode=PICK_CHOICES[0], row=row, column=column, stride=2, padding=padding)
            counts.append(len(_marked(demo, "grad_output")))
    assert min(counts) == 1 and max(counts) == 4
    assert counts.count(1) >= 9


def test_fast_redraw_gives_the_full_picture():
    # the canvas redraws only what changes over a kept background; a change of padding or stride moves the
    # panels, and the background is rendered again
    demo = backprop_explorer()
    settings = [
        dict(row=1, column=5),
        dict(padding=1),  # larger input panels
        dict(mode=PICK_CHOICES[1], row=4, column=2),
        dict(stride=2, row=2, column=2),  # smaller dJ/dY
        dict(mode=PICK_CHOICES[0], padding=0, row=5, column=1),
    ]
    for setting in settings:
        demo.set(**setting)
        assert demo.error is None
        np.testing.assert_array_equal(pixels(demo.png()), full_redraw_pixels(demo.figure), err_msg=str(setting))
