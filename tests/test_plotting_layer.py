"""Tests of cnnedu.plotting.layer: what is drawn equals cnnedu's math (the
RGB layer's maps themselves are tested in test_rgb_layer.py)."""

import numpy as np
import pytest

import cnnedu as ce
from cnnedu.architecture import describe, describe_partial
from cnnedu.plotting import layer as lp
from cnnedu.plotting.style import new_figure
from cnnedu.rgb_layer import RGB_PRESETS, rgb_layer_maps


@pytest.fixture(scope="module")
def photo():
    return np.random.default_rng(0).random((12, 10, 3))


def test_rgb_figure_draws_the_maps_and_updates_in_place(photo):
    weights = RGB_PRESETS["red minus blue"]
    figure, artists = lp.rgb_layer_figure(rgb_layer_maps(photo, weights))
    sum_image = artists["sum"]
    for bias, activation in [(0.25, "none"), (-0.4, "ReLU")]:
        maps = rgb_layer_maps(photo, weights, bias, activation)
        lp.update_rgb_layer(artists, maps)
        assert artists["sum"] is sum_image  # updated, not redrawn
        assert np.array_equal(artists["sum"].get_array(), maps.channel_sum)
        assert np.array_equal(artists["biased"].get_array(), maps.biased)
        assert np.array_equal(artists["feature_map"].get_array(), maps.feature_map)
        for c, name in enumerate(lp.CHANNELS):
            assert np.array_equal(artists[name].get_array(), maps.responses[c])
        assert np.array_equal(artists["photo"].get_array(), photo)
        assert f"{bias:+.2f}" in artists["titles"]["biased"].get_text()
        expected = "feature map (ReLU)" if activation == "ReLU" else "feature map (no ReLU)"
        assert artists["titles"]["feature_map"].get_text() == expected
    assert artists["feature_map"].get_array().min() >= 0  # ReLU
    assert artists["sum"].get_clim() == (-lp.RESPONSE_LIMIT, lp.RESPONSE_LIMIT)  # fixed, centred scale


def test_kernel_numbers_are_shown_as_integers_times_a_factor(photo):
    figure, artists = lp.rgb_layer_figure(rgb_layer_maps(photo, RGB_PRESETS["vertical edges, all channels"]))
    assert artists["titles"]["kernels"].get_text().endswith("(\u00d71/12)")
    assert artists["kernel_numbers"].get_texts()[:9] == ["-1", "0", "1", "-2", "0", "2", "-1", "0", "1"]
    lp.update_rgb_layer(artists, rgb_layer_maps(photo, RGB_PRESETS["red minus blue"]))
    assert artists["titles"]["kernels"].get_text().endswith("(\u00d71/9)")
    assert artists["kernel_numbers"].get_texts()[18:21] == ["-1", "-1", "-1"]


def draw_args(layers, input_shape):
    """What the stack builder hands to update_stack: the rows that fit, the input shape, the error."""
    rows, error = describe_partial(layers, input_shape)
    return rows, input_shape, error


def test_stack_diagram_follows_describe():
    layers = [ce.Conv2d(1, 2, 3), ce.ReLU(), ce.MaxPool2d(2), ce.Conv2d(2, 4, 3, padding=1), ce.Flatten()]
    layers.append(ce.Linear(900, 10))
    figure, artists = lp.stack_figure()
    rows, error = lp.update_stack(artists, *draw_args(layers, (1, 32, 32)))
    assert error is None
    assert [row.output_shape for row in rows] == [row.output_shape for row in describe(layers, (1, 32, 32))]
    visible = [label.get_text().split("\n") for label in artists["labels"] if label.get_visible()]
    assert [lines[0] for lines in visible] == [
        "1\u00d732\u00d732",
        "2\u00d730\u00d730",
        "2\u00d730\u00d730",
        "2\u00d715\u00d715",
        "4\u00d715\u00d715",
        "900",
        "10",
    ]
    # below the shape: parameters and receptive field, so a static render shows what the table shows
    assert [lines[1] for lines in visible] == ["0", "20", "0", "0", "76", "0", "9,010"]
    assert [lines[2] for lines in visible] == ["1\u00d71", "3\u00d73", "3\u00d73", "4\u00d74", "8\u00d78", "all", "all"]
    assert artists["row_names"].get_text().split("\n") == ["output shape", "parameters", "receptive field"]
    assert sum(block.get_visible() for block in artists["blocks"]) == 7
    assert not artists["message"].get_visible()


def test_crowded_stack_skips_relu_labels_and_keeps_the_row_names_clear():
    layers = [ce.Conv2d(1, 2, 3), ce.ReLU(), ce.MaxPool2d(2)]
    layers += [ce.Conv2d(2, 2, 3), ce.ReLU(), ce.MaxPool2d(2)] * 3 + [ce.Flatten(), ce.Linear(8, 10)]
    figure, artists = lp.stack_figure()
    rows, error = lp.update_stack(artists, *draw_args(layers, (1, 64, 64)))
    assert error is None and len(rows) == 14
    texts = [label.get_text() for label in artists["labels"][: len(rows) + 1]]
    for row, text in zip(rows, texts[1:], strict=True):
        assert (text == "") == (row.name == "ReLU")
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(figure).get_renderer()
    row_names = artists["row_names"].get_window_extent(renderer)
    first_label = artists["labels"][0].get_window_extent(renderer)
    assert row_names.x1 <= first_label.x0  # the row names end left of the input's numbers


def test_stack_stops_at_the_layer_that_cannot_fit():
    figure, artists = lp.stack_figure()
    layers = [ce.Conv2d(1, 2, 3), ce.MaxPool2d(2), ce.Conv2d(2, 4, 9)]
    rows, error = lp.update_stack(artists, *draw_args(layers, (1, 16, 16)))
    assert len(rows) == 2
    assert "layer 3 (conv 9x9, 4 filters, s1 p0) cannot fit" in error
    assert artists["message"].get_visible() and artists["message"].get_text() == error
    assert sum(block.get_visible() for block in artists["blocks"]) == 3


def test_parameter_comparison_bars():
    figure, ax = new_figure()
    conv_bars, dense_bars = lp.plot_parameter_comparison(["a", "b"], [20, 448], [1845000, 10**8], ax=ax)
    assert [bar.get_height() for bar in conv_bars] == [20, 448]
    assert ax.get_yscale() == "log"
    with pytest.raises(ValueError, match="same length"):
        lp.plot_parameter_comparison(["a"], [1, 2], [3, 4], ax=ax)


def test_volumes_draw_one_sheet_per_channel_to_scale():
    from matplotlib.figure import Figure

    from cnnedu.plotting.layer import plot_volumes

    ax = Figure().subplots()
    shapes = [(1, 32, 32), (4, 15, 15), (40, 8, 8), (196,)]
    drawn = plot_volumes(shapes, ["in", "conv", "deep", "flat"], ax=ax, max_sheets=16)
    assert [len(sheets) for sheets in drawn] == [1, 4, 16, 1]
    assert drawn[0][0].get_height() == 1.0 and abs(drawn[1][0].get_height() - 15 / 32) < 1e-12
    texts = [text.get_text() for text in ax.texts]
    assert "conv\n4 x 15 x 15" in texts and "flat\n196 values" in texts and "deep\n40 x 8 x 8" in texts


def test_volumes_check_their_arguments():
    from matplotlib.figure import Figure

    from cnnedu.plotting.layer import plot_volumes

    ax = Figure().subplots()
    with pytest.raises(ValueError, match=r"shapes must be a non-empty list of \(C, H, W\) or \(N,\).*got \[\(2, 3\)\]"):
        plot_volumes([(2, 3)], ax=ax)
    with pytest.raises(ValueError, match=r"labels must give one name per shape \(1\); got 2"):
        plot_volumes([(1, 4, 4)], ["a", "b"], ax=ax)
