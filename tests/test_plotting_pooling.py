"""The pooling pictures draw what cnnedu's pooling computes."""

import numpy as np
import pytest

import cnnedu as ce
from cnnedu import coverage
from cnnedu.plotting.pooling import (
    EXAMPLE_MAP,
    example_map,
    format_value,
    plot_pooling,
    pool,
    pooling_figure,
    pooling_geometry,
    shift_figure,
    shift_maps,
    shift_source,
    update_pooling,
    update_shift,
)


def test_example_map_is_the_lesson_example():
    np.testing.assert_array_equal(example_map(), [[1, 3, 2, 4], [5, 6, 7, 8], [9, 2, 3, 1], [4, 0, 1, 5]])
    random_map = example_map("random 6x6")
    np.testing.assert_array_equal(random_map, example_map("random 6x6"))  # seeded
    assert random_map.min() >= 0 and random_map.max() <= 9
    with pytest.raises(ValueError, match="name must be"):
        example_map("8x8")


def test_pool_by_name():
    np.testing.assert_array_equal(pool(EXAMPLE_MAP, 2), [[6, 8], [9, 5]])
    np.testing.assert_array_equal(pool(EXAMPLE_MAP, 2, kind="average"), [[3.75, 5.25], [3.75, 2.5]])
    with pytest.raises(ValueError, match="kind must be"):
        pool(EXAMPLE_MAP, 2, kind="min")


def test_format_value():
    assert [format_value(v) for v in (6.0, 3.75, 2.5, -0.0, 1 / 3)] == ["6", "3.75", "2.5", "0", "0.33"]


@pytest.mark.parametrize("map_name", ["4x4 example", "random 6x6"])
@pytest.mark.parametrize("size, stride", [(1, 1), (2, 2), (2, 1), (3, 2), (3, 1), (4, 4), (2, 3)])
@pytest.mark.parametrize("kind", ["max", "average"])
def test_drawn_values_windows_and_winners_equal_the_math(map_name, size, stride, kind):
    x = example_map(map_name)
    figure, artists = pooling_figure()
    geometry = update_pooling(artists, x, size, stride, kind)
    expected = ce.max_pool2d(x, size, stride) if kind == "max" else ce.avg_pool2d(x, size, stride)
    np.testing.assert_array_equal(artists["output"].get_array(), expected)
    np.testing.assert_array_equal(artists["input"].get_array(), x)
    shown = [text for text in artists["output_texts"].get_texts() if text]
    assert shown == [format_value(v) for v in expected.ravel()]
    assert [text for text in artists["input_texts"].get_texts() if text] == [format_value(v) for v in x.ravel()]
    # each value sits in its own cell: (column, row) of the value's position in the map
    rows, columns = np.indices(x.shape)
    np.testing.assert_array_equal(
        artists["input_texts"].get_positions()[: x.size], np.column_stack([columns.ravel(), rows.ravel()])
    )
    assert len(artists["windows"].get_paths()) == expected.size
    assert len(artists["output_cells"].get_paths()) == expected.size
    winners = artists["winners"].get_offsets()
    if kind == "max":
        rows, columns = coverage.pool_winners(x, size, stride)
        np.testing.assert_array_equal(winners[:, 0], columns.ravel())
        np.testing.assert_array_equal(winners[:, 1], rows.ravel())
        # the circled cells hold the pooled values
        np.testing.assert_array_equal(x[winners[:, 1].astype(int), winners[:, 0].astype(int)], expected.ravel())
    else:
        assert len(winners) == 0
    unpooled = coverage.coverage_counts(x.shape, size, stride) == 0
    np.testing.assert_array_equal(geometry["unpooled"], unpooled)
    assert len(artists["unpooled"].get_paths()) == int(unpooled.sum())
    assert artists["output_title"].get_text().startswith(f"{kind} pooling: {expected.shape[0]}x{expected.shape[1]}")


def test_window_too_large_is_a_readable_error():
    with pytest.raises(ValueError, match="a 5x5 window does not fit in the 4x4 map"):
        pooling_geometry(EXAMPLE_MAP, 5)


def test_plot_pooling_default_is_the_worked_example():
    import matplotlib.pyplot as plt

    artists = plot_pooling()
    assert [text for text in artists["output_texts"].get_texts() if text] == ["6", "8", "9", "5"]
    plt.close(artists["input"].axes.figure)


def test_shift_source_is_a_downsized_grayscale_photo():
    photo = shift_source()
    assert photo.shape == (150, 128)
    full = ce.load_image("grace_hopper", grayscale=True)
    assert photo[0, 0] == pytest.approx(full[:4, :4].mean())


@pytest.mark.parametrize("shift", [0, 1, 3])
@pytest.mark.parametrize("size, kind", [(2, "max"), (4, "max"), (2, "average")])
def test_shift_maps_are_the_pooled_edge_maps_of_moved_crops(shift, size, kind):
    photo = shift_source()
    maps = shift_maps(photo, shift, size, kind, top=40, left=30, crop=64)
    from cnnedu.plotting.pooling import SOBEL_X

    window = photo[40 : 40 + 66, 30 - shift : 30 - shift + 66]
    features = np.maximum(ce.correlate2d(window, SOBEL_X), 0)
    np.testing.assert_allclose(maps["features_shifted"], features)
    np.testing.assert_allclose(maps["crop_shifted"], window[1:-1, 1:-1])
    # moving the crop moves the picture: shifted column c + shift == original column c
    np.testing.assert_allclose(maps["features_shifted"][:, shift:], maps["features"][:, : 64 - shift])
    pooled = pool(features, size, kind=kind)
    np.testing.assert_allclose(maps["pooled_shifted"], pooled)
    assert maps["feature_change"] == pytest.approx(coverage.relative_change(maps["features"], features))
    assert maps["pooled_change"] == pytest.approx(coverage.relative_change(maps["pooled"], pooled))
    if shift == 0:
        assert maps["feature_change"] == maps["pooled_change"] == 0


def test_max_pooling_changes_less_than_the_edge_map_for_a_one_pixel_shift():
    maps = shift_maps(shift_source(), 1, 2, "max")
    assert maps["pooled_change"] < 0.7 * maps["feature_change"]


def test_shift_maps_validation():
    with pytest.raises(ValueError, match="leaves the"):
        shift_maps(shift_source(), 31)
    with pytest.raises(ValueError, match="shift must not be negative"):
        shift_maps(shift_source(), -1)


def test_shift_figure_draws_the_maps():
    figure, artists = shift_figure()
    maps = update_shift(artists, 2, size=3, kind="average")
    images = artists["images"]
    np.testing.assert_allclose(artists["crops"][1].get_array(), maps["crop_shifted"])
    np.testing.assert_allclose(artists["crops"][0].get_array(), maps["crop"])
    np.testing.assert_allclose(images[0][0].get_array(), maps["features"])
    np.testing.assert_allclose(images[0][1].get_array(), maps["features_shifted"])
    np.testing.assert_allclose(images[0][2].get_array(), maps["features_shifted"] - maps["features"])
    np.testing.assert_allclose(images[1][1].get_array(), maps["pooled_shifted"])
    np.testing.assert_allclose(images[1][2].get_array(), maps["pooled_shifted"] - maps["pooled"])
    assert images[0][2].get_clim() == (-artists["limit"], artists["limit"])  # diverging, centred on zero
    assert artists["titles"][1][2].get_text() == f"pooled map changed {100 * maps['pooled_change']:.0f}%"
    assert artists["titles"][1][0].get_text() == "average pooled 3x3"


def test_windows_differ_in_line_style_too_not_only_in_colour():
    from matplotlib.colors import to_hex

    from cnnedu.plotting.pooling import plot_pooling
    from cnnedu.plotting.style import OKABE_ITO, new_figure

    artists = plot_pooling(axes=new_figure(1, 2)[1])
    styles = artists["windows"].get_linestyle()  # one (offset, dashes) per window
    assert len(styles) == 4 and len({str(style) for style in styles}) == 4
    assert len({str(style) for style in artists["output_cells"].get_linestyle()}) == 4  # the same four, scaled
    assert {to_hex(color).upper() for color in artists["windows"].get_edgecolor()} <= set(OKABE_ITO)
