"""Tests of the lesson 05 demos: the drawn maps and the table follow the controls."""

import numpy as np
import pytest

import cnnedu as ce
from cnnedu.architecture import describe
from cnnedu.layer_stack import builder_stack
from cnnedu.rgb_layer import RGB_PRESETS
from cnnedu.widgets import DEMOS
from cnnedu.widgets.layer import layer_stack_builder, rgb_layer_demo, summary_html


def test_registered():
    assert DEMOS["rgb_layer_demo"] is rgb_layer_demo
    assert DEMOS["layer_stack_builder"] is layer_stack_builder


@pytest.fixture(scope="module")
def rgb_demo():
    return rgb_layer_demo(size=48)


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"bias": -0.3},
        {"bias": 0.2, "activation": "none"},
        {"preset": "red-green colour edges", "photo": "flower"},
        {"preset": "horizontal edges in green", "photo": "china", "bias": 0.1},
    ],
)
def test_rgb_demo_draws_the_layer_output(rgb_demo, settings):
    rgb_demo.set(**settings)
    values = rgb_demo.values()
    assert rgb_demo.error is None
    photo = ce.load_image(values["photo"], size=48)
    weights = RGB_PRESETS[values["preset"]]
    y, _ = ce.conv2d_forward(photo.transpose(2, 0, 1)[None], weights[None], np.array([values["bias"]]))
    assert np.allclose(rgb_demo.artists["biased"].get_array(), y[0, 0])
    expected = np.maximum(y[0, 0], 0) if values["activation"] == "ReLU" else y[0, 0]
    assert np.allclose(rgb_demo.artists["feature_map"].get_array(), expected)
    assert np.allclose(rgb_demo.artists["photo"].get_array(), photo)
    rows, columns = photo.shape[:2]
    for key in ("photo", "sum", "feature_map"):  # a photo of another shape is not stretched
        extent = rgb_demo.artists[key].get_extent()
        assert extent[1] - extent[0] == columns - (key != "photo") * 2
        assert extent[2] - extent[3] == rows - (key != "photo") * 2
    rgb_demo.set(photo="grace_hopper", preset="red minus blue", bias=0.0, activation="ReLU")


def test_rgb_demo_bias_moves_the_picture(rgb_demo):
    before = rgb_demo.set(bias=0.0).image.value
    after = rgb_demo.set(bias=-0.4).image.value
    assert before != after
    rgb_demo.set(bias=0.0)


def test_rgb_demo_rejects_unknown_preset():
    with pytest.raises(ValueError, match=r"rgb_layer_demo: preset must be 'red minus blue', .*; got 'sharpen'"):
        rgb_layer_demo(preset="sharpen")


def test_stack_builder_defaults_to_the_worked_network():
    demo = layer_stack_builder()
    values = demo.values()
    settings = {k: v for k, v in values.items() if k not in ("size", "channels")}
    layers = builder_stack((values["channels"], values["size"], values["size"]), **settings)
    assert [repr(layer) for layer in layers] == [
        "Conv2d(1, 2, kernel_size=3, stride=1, padding=0)",
        "ReLU()",
        "MaxPool2d(2, stride=2)",
        "Conv2d(2, 4, kernel_size=3, stride=1, padding=1)",
        "ReLU()",
        "Flatten()",
        "Linear(900, 10)",
    ]
    table = demo.panes["table"].value
    for cell in [
        "<td>2 x 30 x 30</td>",
        "<td>2 x 15 x 15</td>",
        "<td>4 x 15 x 15</td>",
        "<td>900</td>",
        ">20<",
        ">76<",
        ">9,010<",
    ]:
        assert cell in table
    assert table in demo.children[-1].value  # the table is shown in the demo, below the figure


@pytest.mark.parametrize(
    "settings, shape_cell",
    [
        ({"pool_stride": 1}, "<td>2 x 29 x 29</td>"),
        ({"conv2_padding": 2}, "<td>4 x 17 x 17</td>"),
        ({"channels": 3, "size": 64, "conv1_stride": 2}, "<td>2 x 31 x 31</td>"),
        ({"extra_blocks": 2}, "<td>16 x 3 x 3</td>"),
    ],
)
def test_stack_builder_follows_the_controls(settings, shape_cell):
    demo = layer_stack_builder().set(**settings)
    assert demo.error is None
    assert shape_cell in demo.panes["table"].value
    values = demo.values()
    input_shape = (values["channels"], values["size"], values["size"])
    layers = builder_stack(input_shape, **{k: v for k, v in values.items() if k not in ("size", "channels")})
    rows = describe(layers, input_shape)
    labels = [label.get_text() for label in demo.artists["labels"] if label.get_visible()]
    for row, label in zip(rows, labels[1:], strict=True):
        if label:  # a crowded diagram leaves ReLU blocks unlabelled
            field = (
                "all" if row.receptive_field is None else f"{row.receptive_field.size}\u00d7{row.receptive_field.size}"
            )
            assert label.split("\n") == [
                "\u00d7".join(str(v) for v in row.output_shape),
                f"{row.parameter_count:,}",
                field,
            ]


def test_stack_builder_things_to_try_of_lesson_05():
    # "pool stride 1: the linear layer's parameters nearly quadruple (9,010 -> 33,650)"
    demo = layer_stack_builder()
    assert ">9,010<" in demo.panes["table"].value
    demo.set(pool_stride=1)
    assert ">33,650<" in demo.panes["table"].value
    # "all three extra blocks: maps of 1x1, receptive field 78x78; input size 16: the last pooling cannot fit"
    demo.set(pool_stride=2, extra_blocks=3)
    assert not demo.artists["message"].get_visible()
    assert "<td>32 x 1 x 1</td>" in demo.panes["table"].value and "78 x 78" in demo.panes["table"].value
    demo.set(size=16)
    assert demo.artists["message"].get_text().startswith("layer 12 (max pool 2x2, s2) cannot fit")


def test_stack_builder_names_the_layer_that_cannot_fit():
    demo = layer_stack_builder().set(size=8, extra_blocks=3)
    table = demo.panes["table"].value
    assert "Cannot fit" in table and "cannot fit" in table
    assert demo.artists["message"].get_visible()
    assert demo.artists["message"].get_text().startswith("layer ")
    demo.set(size=64)
    assert "Cannot fit" not in demo.panes["table"].value
    assert not demo.artists["message"].get_visible()


@pytest.mark.parametrize("settings", [{"bias": 0.2}, {"photo": "china", "activation": "none"}, {"photo": "flower"}])
def test_rgb_demo_redraws_only_what_changes_with_the_same_pixels(settings):
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    from cnnedu.widgets._blit import BlitCanvas

    demo = rgb_layer_demo(size=48)
    demo.set(**settings)
    fast = np.asarray(Image.open(io.BytesIO(demo.png())))
    blit_canvas = demo.figure.canvas
    assert isinstance(blit_canvas, BlitCanvas)
    buffer = io.BytesIO()
    FigureCanvasAgg(demo.figure).print_png(buffer)
    demo.figure.set_canvas(blit_canvas)
    np.testing.assert_array_equal(fast, np.asarray(Image.open(io.BytesIO(buffer.getvalue()))))


def test_summary_html_notes_unused_border_cells():
    rows = describe([ce.Conv2d(1, 2, 3), ce.MaxPool2d(2)], (1, 33, 33))  # 31x31 pooled by 2: the last row is left out
    html = summary_html(rows, (1, 33, 33))
    assert html.count("unused") == 1 and "last 1 row/column unused" in html


def test_summary_html_totals():
    rows = describe([ce.Conv2d(1, 2, 3), ce.Flatten(), ce.Linear(1800, 10)], (1, 32, 32))
    html = summary_html(rows, (1, 32, 32))
    assert "<b>18,030</b>" in html  # 20 + 1800 * 10 + 10
    assert "whole input" in html and "Cannot fit" not in html


def test_summary_html_names_the_layer_that_cannot_fit_in_red_and_escapes_it():
    rows = describe([ce.Conv2d(1, 2, 3), ce.MaxPool2d(2)], (1, 16, 16))
    html = summary_html(rows, (1, 16, 16), "layer 3 <conv 9x9> & more cannot fit")
    assert "<td>2 x 7 x 7</td>" in html and ">input</td>" in html
    assert "<b>Cannot fit:</b> layer 3 &lt;conv 9x9&gt; &amp; more cannot fit" in html
    assert html.count("<tr>") == 1 + 1 + len(rows) + 1  # header, input, one per layer, total


def test_summary_html_gives_rows_by_columns_for_a_rectangular_stack():
    rows = describe([ce.Conv2d(1, 2, (3, 5)), ce.MaxPool2d((2, 1))], (1, 16, 16))
    html = summary_html(rows, (1, 16, 16))
    assert "<td>3 x 5</td>" in html.replace("<td style='padding:1px 14px 1px 0'>", "<td>")
    assert "<td>4 x 5</td>" in html.replace("<td style='padding:1px 14px 1px 0'>", "<td>")
