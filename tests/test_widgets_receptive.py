"""The receptive field explorer draws what cnnedu's math says."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

import cnnedu as ce
from cnnedu.effective_rf import EffectiveReceptiveField
from cnnedu.layer_stack import explorer_stack, map_shapes, stack_text
from cnnedu.widgets import DEMOS
from cnnedu.widgets.receptive import receptive_field_explorer


@pytest.fixture(scope="module")
def demo():
    return receptive_field_explorer()


def test_registered():
    assert DEMOS["receptive_field_explorer"] is receptive_field_explorer


def expected_view(demo):
    values = demo.values()
    stack = explorer_stack(
        values["layers"],
        values["kernel_size"],
        values["stride"],
        values["dilation"],
        values["pooling"],
        relu=values["relu"],
        channels=2,
    )
    field = ce.receptive_field(stack)
    return stack, field, values["row"], values["column"]


def check_drawing(demo):
    assert demo.error is None, demo.error
    stack, field, row, column = expected_view(demo)
    rows, columns = field.region(row), field.region(column)
    x, y, width, height = demo.artists["field"].get_bbox().bounds
    assert (x, y, width, height) == (columns[0] - 0.5, rows[0] - 0.5, field.size, field.size)
    size = demo.artists["photo"].get_array().shape[0]
    inside_rows = (max(rows[0], 0), min(rows[1], size - 1))
    inside_columns = (max(columns[0], 0), min(columns[1], size - 1))
    assert demo.artists["inside"].get_bbox().bounds == (
        inside_columns[0] - 0.5,
        inside_rows[0] - 0.5,
        inside_columns[1] - inside_columns[0] + 1,
        inside_rows[1] - inside_rows[0] + 1,
    )
    assert demo.artists["effective_field"].get_bbox().bounds == (x, y, width, height)
    info = demo.artists["info"].get_text()
    assert f"r = {field.size}, S = {field.stride}, P = {field.padding}" in info
    assert f"rows {rows[0]}..{rows[1]}, columns {columns[0]}..{columns[1]}" in info
    shape = map_shapes(stack, (size, size))[-1]
    assert demo.controls["row"].max == shape[0] - 1 and demo.controls["column"].max == shape[1] - 1
    # the heat map is the back-propagated |dJ/dX| of the same unit, scaled to peak 1
    model = EffectiveReceptiveField(stack, (size, size), channels=2, samples=4, networks=2, seed=0)
    magnitude = model.gradient(row, column)
    np.testing.assert_allclose(demo.artists["effective"].get_array(), magnitude / magnitude.max(), atol=1e-6)
    return field


def test_default_view(demo):
    field = check_drawing(demo)
    assert demo.values()["layers"] == 6 and field.size == 32 and field.stride == 4
    assert "conv3 relu conv3 relu max2 conv3" in demo.artists["stack"].value
    assert stack_text(expected_view(demo)[0]) in demo.artists["stack"].value


@pytest.mark.parametrize(
    "settings, unit",
    [
        (dict(layers=3, kernel_size=3, stride=1, dilation=1, pooling="none", relu=False), (0, 0)),
        (dict(layers=4, kernel_size=5, stride=1, dilation=2, pooling="avg", relu=True), (31, 5)),
        (dict(layers=2, kernel_size=3, stride=2, dilation=3, pooling="max", relu=True), (15, 15)),
        (dict(layers=6, kernel_size=5, stride=1, dilation=3, pooling="none", relu=False), (63, 40)),
    ],
)
def test_views_match_the_math(demo, settings, unit):
    demo.set(**settings)
    demo.set(row=unit[0], column=unit[1])
    assert (demo.values()["row"], demo.values()["column"]) == unit
    check_drawing(demo)


def test_effective_field_stays_inside_the_theoretical_one(demo):
    demo.set(layers=3, kernel_size=3, stride=1, dilation=1, pooling="none", relu=True)
    demo.set(row=30, column=2)
    shown = demo.artists["effective"].get_array()
    assert np.isclose(shown.max(), 1.0)
    rows, columns = (27, 33), (-1, 5)  # r = 7 around (30, 2)
    outside = np.array(shown, copy=True)
    outside[rows[0] : rows[1] + 1, 0 : columns[1] + 1] = 0
    assert not outside.any()


def test_unit_keeps_its_relative_place_when_the_map_shrinks(demo):
    demo.set(layers=2, kernel_size=3, stride=1, dilation=1, pooling="none", relu=True)
    demo.set(row=32, column=32)  # the centre of the 64 x 64 map
    demo.controls["stride"].value = 2  # 64 -> 32 -> 16
    assert demo.controls["row"].max == 15
    assert demo.values()["row"] in (7, 8) and demo.values()["column"] in (7, 8)
    check_drawing(demo)


def test_extreme_setting_leaves_a_single_unit(demo):
    # "same" padding: every layer fits; six stride-2 layers take 64 cells down to 1
    demo.set(layers=6, kernel_size=5, stride=2, dilation=3, pooling="none", relu=True)
    assert demo.controls["row"].max == 0 and demo.values()["row"] == 0
    field = check_drawing(demo)
    assert field.size == 1 + 12 * (1 + 2 + 4 + 8 + 16 + 32)  # span 13 in every layer: r = 757


@pytest.mark.parametrize(
    "settings",
    [dict(row=3, column=12), dict(layers=3, pooling="none", dilation=2), dict(row=0, column=0), dict(relu=False)],
)
def test_fast_redraw_gives_the_same_picture_as_a_full_redraw(settings):
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    demo = receptive_field_explorer()
    demo.set(**settings)
    fast = np.asarray(Image.open(io.BytesIO(demo.png())))
    blit_canvas = demo.figure.canvas
    buffer = io.BytesIO()
    FigureCanvasAgg(demo.figure).print_png(buffer)
    demo.figure.set_canvas(blit_canvas)
    full = np.asarray(Image.open(io.BytesIO(buffer.getvalue())))
    np.testing.assert_array_equal(fast, full)
    assert type(demo.figure.canvas).__name__ == "BlitCanvas"
