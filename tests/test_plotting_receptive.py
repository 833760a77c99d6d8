"""cnnedu.plotting.receptive: what is drawn matches the receptive-field math."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

import cnnedu as ce
from cnnedu.networks import receptive_field_table
from cnnedu.plotting import receptive as rp
from cnnedu.plotting.style import new_figure
from cnnedu.receptive_field import field_cone


def test_clip_region():
    assert rp.clip_region((-3, 4), 10) == (0, 4)
    assert rp.clip_region((2, 20), 10) == (2, 9)
    assert rp.clip_region((10, 12), 10) is None


def conv(kernel_size, stride=1, padding=0, dilation=1):
    return ce.Conv2d(1, 1, kernel_size, stride=stride, padding=padding, dilation=dilation)


@pytest.mark.parametrize(
    "layers, unit",
    [
        ([conv(3)] * 3, None),
        ([conv(3, padding=1), ce.MaxPool2d(2), conv(3, padding=1)], 0),
        ([conv(5, stride=2, padding=2), conv(3, padding=1, dilation=2)], 3),
    ],
)
def test_diagram_highlights_the_region_of_every_level(layers, unit):
    figure, ax = new_figure()
    drawn = rp.receptive_field_diagram(field_cone(layers, unit=unit, input_size=20), ax=ax)
    cone = drawn["highlighted"]
    top = cone[-1][0]
    assert cone[-1] == (top, top)
    assert cone[0] == ce.receptive_field(layers).region(top)
    for level in range(len(layers)):
        assert cone[level] == ce.receptive_field(layers[level:]).region(top)
    # orange cells of the input row = the part of the field inside the input
    orange = [
        patch for patch in drawn["cells"][0] if patch.get_facecolor()[:3] == matplotlib.colors.to_rgb(rp.FIELD_COLOR)
    ]
    first, last = rp.clip_region(cone[0], 20)
    assert len(orange) == last - first + 1


def test_diagram_of_three_3x3_layers_shows_seven_input_cells():
    figure, ax = new_figure()
    drawn = rp.receptive_field_diagram(field_cone([conv(3)] * 3, unit=0), ax=ax)
    assert drawn["highlighted"][0] == (0, 6)
    assert "0..6" in ax.get_title()
    # every level's cells: 9 input cells (7 for the field + 2), then 7, 5 and 3
    assert [len(row) for row in drawn["cells"]] == [9, 7, 5, 3]


def test_diagram_of_layers_or_tuples_says_to_pass_a_cone():
    figure, ax = new_figure()
    with pytest.raises(TypeError, match=r"draws a FieldCone: pass field_cone\(layers, .*got list \[\(3, 1\)\]"):
        rp.receptive_field_diagram([(3, 1)], ax=ax)


def test_diagram_needs_one_name_per_layer():
    figure, ax = new_figure()
    with pytest.raises(ValueError, match=r"names must have one label per layer \(2\); got 1"):
        rp.receptive_field_diagram(field_cone([conv(3)] * 2), ax=ax, names=["only one"])


def test_field_on_image_rectangles():
    figure, ax = new_figure()
    image = np.random.default_rng(0).random((20, 30))
    drawn = rp.show_field_on_image(image, (-4, 10), (25, 40), ax=ax, margin=8)
    assert drawn["field"].get_bbox().bounds == (24.5, -4.5, 16, 15)
    assert drawn["inside"].get_bbox().bounds == (24.5, -0.5, 5, 11)  # rows 0..10, columns 25..29
    np.testing.assert_array_equal(drawn["image"].get_array(), image)
    rp.update_field_on_image(drawn, (-9, -6), (0, 3), image.shape)
    assert not drawn["inside"].get_visible()
    rp.update_field_on_image(drawn, (2, 3), (0, 3), image.shape)
    assert drawn["inside"].get_visible() and drawn["inside"].get_bbox().bounds == (-0.5, 1.5, 4, 2)


def test_effective_field_is_scaled_to_one_with_a_labelled_colorbar():
    figure, ax = new_figure()
    magnitude = np.array([[0.0, 3.0], [1.5, 0.0]])
    drawn = rp.show_effective_field(magnitude, (0, 1), (-1, 1), ax=ax)
    np.testing.assert_allclose(drawn["image"].get_array(), magnitude / 3)
    assert drawn["image"].get_clim() == (0.0, 1.0)
    assert "largest" in drawn["colorbar"].ax.get_ylabel()
    assert drawn["field"].get_bbox().bounds == (-1.5, -0.5, 3, 2)
    buffer = np.empty((2, 2))
    rp.update_effective_field(drawn, np.zeros((2, 2)), (0, 0), (0, 0), out=buffer)  # all zeros: no division by 0
    np.testing.assert_array_equal(drawn["image"].get_array(), 0)


def test_field_growth_lines():
    figure, ax = new_figure()
    tables = {"AlexNet": receptive_field_table("alexnet"), "VGG-16": receptive_field_table("vgg16")}
    lines = rp.plot_field_growth(tables, ax=ax)
    assert lines["VGG-16"].get_ydata().tolist()[-1] == 212
    assert lines["AlexNet"].get_ydata().tolist() == [11, 19, 51, 67, 99, 131, 163, 195]


def test_profile():
    figure, ax = new_figure()
    magnitude = np.zeros((5, 5))
    magnitude[1] = [0, 1, 2, 1, 0]
    line = rp.plot_profile(magnitude, (1, 3), row=1, ax=ax)
    assert line.get_ydata().tolist() == [0, 0.5, 1, 0.5, 0]
