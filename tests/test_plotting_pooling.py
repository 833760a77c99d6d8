"""The pooling pictures draw what cnnedu's math computes (the geometry and the
shift maps themselves are tested in test_coverage.py and test_invariance.py)."""

import numpy as np
import pytest

import cnnedu as ce
from cnnedu import coverage
from cnnedu.coverage import EXAMPLE_MAP, example_map, pooling_geometry
from cnnedu.invariance import shift_maps, shift_source
from cnnedu.plotting.pooling import (
    format_value,
    plot_pooling,
    pooling_figure,
    shift_figure,
    update_pooling,
    update_shift,
)


def test_format_value():
    assert [format_value(v) for v in (6.0, 3.75, 2.5, -0.0, 1 / 3)] == ["6", "3.75", "2.5", "0", "0.33"]


@pytest.mark.parametrize("map_name", ["4x4 example", "random 6x6"])
@pytest.mark.parametrize("size, stride", [(1, 1), (2, 2), (2, 1), (3, 2), (3, 1), (4, 4), (2, 3)])
@pytest.mark.parametrize("kind", ["max", "average"])
def test_drawn_values_windows_and_winners_equal_the_math(map_name, size, stride, kind):
    x = example_map(map_name)
    figure, artists = pooling_figure(pooling_geometry(EXAMPLE_MAP, 2))
    geometry = pooling_geometry(x, size, stride, kind)
    update_pooling(artists, geometry)
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
    np.testing.assert_array_equal(geometry.unpooled, unpooled)
    assert len(artists["unpooled"].get_paths()) == int(unpooled.sum())
    assert artists["output_title"].get_text().startswith(f"{kind} pooling: {expected.shape[0]}x{expected.shape[1]}")


def test_plot_pooling_makes_its_own_axes_when_given_none():
    import matplotlib.pyplot as plt

    artists = plot_pooling(pooling_geometry(EXAMPLE_MAP, 2))
    assert [text for text in artists["output_texts"].get_texts() if text] == ["6", "8", "9", "5"]
    plt.close(artists["input"].axes.figure)


def test_shift_figure_draws_the_maps():
    figure, artists = shift_figure(shift_maps(shift_source(), 1))
    maps = shift_maps(shift_source(), 2, size=3, kind="average")
    update_shift(artists, maps)
    images = artists["images"]
    np.testing.assert_allclose(artists["crops"][1].get_array(), maps.crop_shifted)
    np.testing.assert_allclose(artists["crops"][0].get_array(), maps.crop)
    np.testing.assert_allclose(images[0][0].get_array(), maps.features)
    np.testing.assert_allclose(images[0][1].get_array(), maps.features_shifted)
    np.testing.assert_allclose(images[0][2].get_array(), maps.features_shifted - maps.features)
    np.testing.assert_allclose(images[1][1].get_array(), maps.pooled_shifted)
    np.testing.assert_allclose(images[1][2].get_array(), maps.pooled_shifted - maps.pooled)
    assert images[0][2].get_clim() == (-artists["limit"], artists["limit"])  # diverging, centred on zero
    assert artists["titles"][1][2].get_text() == f"pooled map changed {100 * maps.pooled_change:.0f}%"
    assert artists["titles"][1][0].get_text() == "average pooled 3x3"


def test_windows_differ_in_line_style_too_not_only_in_colour():
    from matplotlib.colors import to_hex

    from cnnedu.plotting.pooling import plot_pooling
    from cnnedu.plotting.style import OKABE_ITO, new_figure

    artists = plot_pooling(pooling_geometry(EXAMPLE_MAP, 2), axes=new_figure(1, 2)[1])
    styles = artists["windows"].get_linestyle()  # one (offset, dashes) per window
    assert len(styles) == 4 and len({str(style) for style in styles}) == 4
    assert len({str(style) for style in artists["output_cells"].get_linestyle()}) == 4  # the same four, scaled
    assert {to_hex(color).upper() for color in artists["windows"].get_edgecolor()} <= set(OKABE_ITO)
