"""The transposed-convolution explorer: every setting draws cnnedu's math,
impossible settings show a message instead of a traceback."""

import itertools

import numpy as np

import cnnedu as ce
from cnnedu.widgets import DEMOS
from cnnedu.widgets.transpose import transpose_explorer


def test_registered():
    assert DEMOS["transpose_explorer"] is transpose_explorer


def test_default_view_is_the_checkerboard():
    demo = transpose_explorer()
    assert demo.error is None
    assert demo.values() == {"n": 4, "kernel_size": 3, "stride": 2, "padding": 1, "output_padding": 0}
    counts = demo.artists["counts"]["image"].get_array()
    assert counts.shape == (7, 7)
    assert counts[0].tolist() == [1, 2, 1, 2, 1, 2, 1]  # the uneven overlap of a 3x3 kernel at stride 2
    assert demo.artists["formula"].get_text().endswith("shape = (1, 1, 7, 7)   (x: (1, 1, 4, 4), w: (1, 1, 3, 3))")


def test_sweep_draws_the_math_or_a_message():
    demo = transpose_explorer()
    for n, k, stride, padding, output_padding in itertools.product([1, 6], [1, 4], [1, 3], [0, 3], [0, 2]):
        demo.set(n=n, kernel_size=k, stride=stride, padding=padding, output_padding=output_padding)
        size = (n - 1) * stride - 2 * padding + k + output_padding
        if output_padding >= stride:
            assert "output_padding must be smaller than the stride" in demo.error
            assert "Cannot draw this setting" in demo.message.value
            continue
        if size < 1:
            assert "cuts away the whole output" in demo.error
            continue
        assert demo.error is None, demo.error
        expected = ce.conv_transpose2d_loop(
            np.ones((1, 1, n, n)), np.ones((1, 1, k, k)), None, stride, padding, output_padding
        )
        np.testing.assert_array_equal(demo.artists["counts"]["image"].get_array(), expected[0, 0])
        assert (
            demo.artists["formula"]
            .get_text()
            .endswith(f"shape = (1, 1, {size}, {size})   (x: (1, 1, {n}, {n}), w: (1, 1, {k}, {k}))")
        )


def test_error_then_recovery_keeps_drawing():
    demo = transpose_explorer()
    before = demo.image.value
    demo.set(output_padding=2)
    assert demo.error.startswith("output_padding must be smaller than the stride or the dilation")
    assert demo.image.value == before  # the last good figure stays
    demo.set(stride=3)
    assert demo.error is None
    assert demo.artists["counts"]["image"].get_array().shape == (12, 12)  # 3*3 - 2 + 3 + 2
