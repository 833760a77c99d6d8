"""The lesson 09 pictures draw what cnnedu's transposed convolution computes."""

import numpy as np
import pytest

import cnnedu as ce
from cnnedu.plotting.style import new_figure
from cnnedu.plotting.transpose import (
    MAX_ANNOTATED,
    plot_images,
    plot_matrix,
    plot_overlap_counts,
    plot_stamps_1d,
    transpose_figure,
    update_transpose,
)
from cnnedu.transpose import stamp_layout

SETTINGS = [
    # n, kernel_size, stride, padding, output_padding
    (4, 3, 2, 1, 0),
    (4, 3, 2, 1, 1),
    (5, 4, 2, 1, 0),
    (6, 5, 4, 0, 3),  # the demo's largest output, 28 x 28: no numbers written in
    (1, 1, 1, 0, 0),
    (3, 2, 3, 0, 2),  # gaps between the stamps: counts of 0
]


@pytest.mark.parametrize("setting", SETTINGS)
def test_counts_image_is_the_transposed_convolution_of_ones(setting):
    n, k, stride, padding, output_padding = setting
    layout = stamp_layout(n, k, stride, padding, output_padding)
    _figure, ax = new_figure()
    artists = plot_overlap_counts(layout, ax=ax)
    ones, kernel = np.ones((1, 1, n, n)), np.ones((1, 1, k, k))
    expected = ce.conv_transpose2d_loop(ones, kernel, None, stride, padding, output_padding)
    np.testing.assert_array_equal(artists["image"].get_array(), expected[0, 0])
    size = layout.output_size
    written = [text for text in artists["texts"].get_texts() if text]
    if size <= MAX_ANNOTATED:
        assert [float(text) for text in written] == expected[0, 0].ravel().tolist()
        rows, columns = np.indices((size, size))  # each count in its own cell
        np.testing.assert_array_equal(
            artists["texts"].get_positions()[: size * size], np.column_stack([columns.ravel(), rows.ravel()])
        )
    else:
        assert written == []


@pytest.mark.parametrize("setting", SETTINGS)
def test_stamps_1d_draw_every_tap_and_the_counts(setting):
    n, k, stride, padding, output_padding = setting
    layout = stamp_layout(n, k, stride, padding, output_padding)
    _figure, ax = new_figure()
    artists = plot_stamps_1d(layout, ax=ax)
    offsets = artists["taps"].get_offsets()
    assert len(offsets) == n * k
    assert sorted(offsets[:, 0].tolist()) == sorted(
        float(i * stride + a) for i in range(n) for a in range(k)
    )  # input cell i stamps kernel entry a at i*s + a
    counts = [float(text) for text in artists["counts"].get_texts() if text]
    assert counts == np.bincount(offsets[:, 0].astype(int), minlength=layout.full_size).tolist()
    kept = artists["kept"]
    assert (kept.get_x() + 0.5, kept.get_width()) == (padding, layout.output_size)


def test_figure_caption_gives_formula_and_computed_shape():
    _figure, artists = transpose_figure(stamp_layout(4, 3, stride=2, padding=1))
    with pytest.raises(TypeError, match="layout must be a StampLayout"):
        transpose_figure((4, 3, 2, 1))
    update_transpose(artists, stamp_layout(3, 3, stride=2, padding=1, output_padding=1))
    text = artists["formula"].get_text()
    assert "(3 - 1)*2 - 2*1 + (3 - 1) + 1 + 1 = 6" in text
    assert text.endswith("shape = (1, 1, 6, 6)   (x: (1, 1, 3, 3), w: (1, 1, 3, 3))")
    assert artists["counts"]["title"].get_text() == "overlap counts, 6x6 output: 1 to 4"


def test_even_overlap_title_says_all():
    _figure, ax = new_figure()
    artists = plot_overlap_counts(stamp_layout(3, 2, stride=2), ax=ax, colorbar=False)
    assert artists["title"].get_text() == "overlap counts, 6x6 output: all 1"


def test_outlined_stamp_is_input_cell_1_1():
    _figure, ax = new_figure()
    artists = plot_overlap_counts(stamp_layout(4, 3, stride=2, padding=1), ax=ax, colorbar=False)
    stamp = artists["stamp"]
    # cell 1 stamps uncropped positions 2, 3, 4 -> output 1, 2, 3 after cutting padding 1
    assert (stamp.get_x() + 0.5, stamp.get_y() + 0.5, stamp.get_width()) == (1.0, 1.0, 3)


def test_plot_images_share_one_scale_and_check_titles():
    _figure, axes = new_figure(1, 2)
    drawn = plot_images([np.zeros((2, 2)), 3 * np.ones((2, 2))], ["a", "b"], axes=axes)
    assert drawn[0].get_clim() == drawn[1].get_clim() == (0.0, 3.0)
    with pytest.raises(ValueError, match="one title per image: 2 images, 1 titles"):
        plot_images([np.zeros((2, 2))] * 2, ["a"], axes=axes)


def test_plot_matrix_writes_every_entry():
    _figure, ax = new_figure()
    matrix = np.array([[1.0, 2.0, 3.0, 0.0], [0.0, 0.0, 1.0, 2.0]])
    texts = plot_matrix(matrix, ax=ax, title="C")
    assert [t.get_text() for t in texts] == ["1", "2", "3", "0", "0", "0", "1", "2"]
    assert ax.get_title() == "C"
