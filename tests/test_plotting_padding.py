"""The padding pictures draw the geometry cnnedu.coverage computes (the
geometry itself is tested against loops in test_coverage.py)."""

import numpy as np
import pytest

from cnnedu import coverage
from cnnedu.coverage import padding_geometry
from cnnedu.plotting.padding import (
    padding_caption,
    padding_figure,
    plot_coverage,
    plot_positions_1d,
    plot_positions_2d,
    update_padding,
)
from cnnedu.plotting.style import new_figure

SETTINGS = [
    # n, kernel_size, stride, padding, dilation, mode
    (7, 3, 2, 1, 1, "explicit padding p"),
    (10, 3, 4, 0, 1, "explicit padding p"),
    (16, 5, 3, 2, 2, "explicit padding p"),
    (6, 4, 1, 0, 1, "same (as correlate2d)"),
    (6, 4, 1, 0, 1, "same (as convolve2d)"),
    (5, 3, 2, 0, 2, "full"),
    (8, 2, 3, 0, 1, "valid"),
    (1, 1, 1, 0, 1, "valid"),
]


def example_figure():
    return padding_figure(padding_geometry(7, 3, stride=2, padding=1))


@pytest.mark.parametrize("n, kernel_size, stride, padding, dilation, mode", SETTINGS)
def test_caption_states_the_formula_and_the_cnnedu_call(n, kernel_size, stride, padding, dilation, mode):
    geometry = padding_geometry(n, kernel_size, stride, padding, dilation, mode)
    formula, call = padding_caption(geometry).split("\n")
    size = geometry.output_size
    assert formula.startswith("formula:  o = floor((") and formula.endswith(f"= {size}")
    assert call.startswith(f"cnnedu:    ce.{geometry.function_name}(") and call.endswith(f".shape = ({size}, {size})")
    if mode == "explicit padding p":
        assert f"ce.pad2d(x, {padding})" in call
    else:
        assert f"mode='{geometry.padding_mode}'" in call


def test_caption_writes_uneven_padding_as_two_numbers():
    caption = padding_caption(padding_geometry(6, 4, mode="same (as correlate2d)"))
    assert "n + 2" not in caption and "(6 + 1 + 2 - 1*3 - 1) / 1" in caption
    assert "(6 + 2*1 - 1*2 - 1) / 1" in padding_caption(padding_geometry(6, 3, padding=1))


@pytest.mark.parametrize("n, kernel_size, stride, padding, dilation, mode", SETTINGS)
def test_drawn_artists_equal_the_math(n, kernel_size, stride, padding, dilation, mode):
    figure, artists = example_figure()
    geometry = padding_geometry(n, kernel_size, stride, padding, dilation, mode)
    update_padding(artists, geometry)
    positions, counts, before, span = geometry.positions, geometry.counts, geometry.before, geometry.span
    count = len(positions)
    # coverage heat map is exactly coverage_counts
    expected_counts = coverage.coverage_counts(n, kernel_size, stride, (before, geometry.after), dilation)
    np.testing.assert_array_equal(artists["coverage"]["image"].get_array(), expected_counts)
    np.testing.assert_array_equal(counts, expected_counts)
    assert artists["coverage"]["image"].get_clim() == (0, max(int(expected_counts.max()), 1))
    # one centre dot per 2-D position, at the window centres
    centres = artists["positions_2d"]["centres"].get_offsets()
    assert len(centres) == count * count
    assert centres[0].tolist() == [(span - 1) / 2, (span - 1) / 2]
    # 1-D taps: every tap of every position, in order
    taps = artists["positions_1d"]["taps"].get_offsets()
    np.testing.assert_array_equal(taps[:, 0], positions.ravel())
    np.testing.assert_array_equal(taps[:, 1], np.repeat(np.arange(count), kernel_size))
    # crossed-out cells: exactly the never-read input cells
    missed = artists["coverage"]["missed"].get_offsets()
    inside = expected_counts[before : before + n, before : before + n]
    assert len(missed) == int(np.sum(inside == 0))
    for column, row in missed:
        assert expected_counts[int(row), int(column)] == 0
    # the last window ends where the last position says
    last = artists["positions_2d"]["last"]
    assert last.get_x() == positions[-1, 0] - 0.5 and last.get_width() == span
    assert artists["formula"].get_text() == padding_caption(geometry)


def test_never_read_cells_are_named_in_the_title():
    figure, artists = example_figure()
    update_padding(artists, padding_geometry(10, 3, stride=4))
    assert artists["coverage"]["title"].get_text() == "coverage: 64 input cells never read (x)"
    update_padding(artists, padding_geometry(7, 3, stride=2, padding=1))
    assert artists["coverage"]["title"].get_text() == "coverage: every input cell is read"


def test_panels_work_on_their_own_axes():
    figure, axes = new_figure(1, 3)
    geometry = padding_geometry(5, 3, padding=1)
    assert len(plot_positions_2d(geometry, ax=axes[0])["centres"].get_offsets()) == 25
    assert len(plot_positions_1d(geometry, ax=axes[1])["taps"].get_offsets()) == 15
    artists = plot_coverage(geometry, ax=axes[2], colorbar=False)
    assert "colorbar" not in artists
    np.testing.assert_array_equal(artists["image"].get_array(), coverage.coverage_counts(5, 3, padding=1))


@pytest.mark.parametrize(
    "n, count, title", [(7, 1, "one axis: 1 position, top first"), (9, 3, "one axis: 3 positions, top first")]
)
def test_one_axis_title_counts_positions_in_good_english(n, count, title):
    figure, artists = example_figure()
    geometry = padding_geometry(n, 3, stride=1, padding=0, dilation=3)  # span 7
    update_padding(artists, geometry)
    assert geometry.output_size == count
    assert artists["positions_1d"]["title"].get_text() == title


def test_column_profile_draws_one_distinguishable_line_per_map():
    from matplotlib.figure import Figure

    from cnnedu.plotting.padding import plot_column_profile

    ax = Figure().subplots()
    lines = plot_column_profile({"a": [1.0, 2.0, 3.0], "b": [0.0, 0.0, 1.0]}, ax=ax)
    assert list(lines) == ["a", "b"]
    assert lines["a"].get_ydata().tolist() == [1.0, 2.0, 3.0]
    assert lines["a"].get_linestyle() != lines["b"].get_linestyle()
    assert lines["a"].get_marker() != lines["b"].get_marker()
    with pytest.raises(TypeError, match="profiles must be a non-empty dict of label -> values; got list"):
        plot_column_profile([[1.0]], ax=ax)
    with pytest.raises(ValueError, match=r"profile 'a' must be 1-D \(one value per column\); got shape \(1, 2\)"):
        plot_column_profile({"a": [[1.0, 2.0]]}, ax=ax)


def test_first_and_last_windows_differ_in_line_style_and_marker():
    from matplotlib.figure import Figure

    from cnnedu.plotting.padding import plot_positions_2d

    artists = plot_positions_2d(padding_geometry(7, 3, stride=2), ax=Figure().subplots())
    assert artists["first"].get_linestyle() == "solid" and artists["last"].get_linestyle() in ("--", "dashed")
    assert len(artists["first_taps"].get_paths()[0].vertices) != len(artists["last_taps"].get_paths()[0].vertices)
