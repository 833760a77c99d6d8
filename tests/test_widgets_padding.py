"""The padding explorer: every setting draws cnnedu's math, impossible
settings show a message instead of a traceback."""

import itertools

import numpy as np
from pixels import full_redraw_pixels, pixels

from cnnedu import coverage
from cnnedu.coverage import LABELLED_PADDING_MODES
from cnnedu.widgets import DEMOS, sweep_values
from cnnedu.widgets.padding import padding_explorer


def test_registered():
    assert DEMOS["padding_explorer"] is padding_explorer


def test_default_view():
    demo = padding_explorer()
    assert demo.error is None
    assert demo.values() == dict(n=7, kernel_size=3, stride=2, padding=1, dilation=1, mode="explicit padding p")
    assert demo.artists["formula"].get_text().endswith("shape = (4, 4)")


def test_sweep_draws_the_math_or_a_message():
    demo = padding_explorer()
    for n, kernel_size, stride, dilation, mode in itertools.product(
        [2, 16], [1, 7], [3], [1, 3], list(LABELLED_PADDING_MODES)
    ):
        for padding in [0, 4]:
            demo.set(n=n, kernel_size=kernel_size, stride=stride, padding=padding, dilation=dilation, mode=mode)
            kind, convention, _ = LABELLED_PADDING_MODES[mode]
            before, after = coverage.mode_padding(kernel_size, kind, padding, dilation, convention)
            span = dilation * (kernel_size - 1) + 1
            if span > n + before + after:
                assert demo.error is not None and "does not fit" in demo.error
                assert "does not fit" in demo.message.value
                continue
            assert demo.error is None, demo.error
            expected = coverage.coverage_counts(n, kernel_size, stride, (before, after), dilation)
            np.testing.assert_array_equal(demo.artists["coverage"]["image"].get_array(), expected)
            size = (n + before + after - span) // stride + 1
            assert demo.artists["formula"].get_text().endswith(f"shape = ({size}, {size})")


def test_error_then_recovery_keeps_drawing():
    demo = padding_explorer()
    demo.set(n=2, kernel_size=7, padding=0)
    assert "the kernel does not fit" in demo.error
    demo.set(n=9)
    assert demo.error is None


def test_padding_slider_disabled_outside_explicit_mode():
    demo = padding_explorer()
    demo.controls["mode"].value = "full"
    assert demo.controls["padding"].disabled
    demo.controls["mode"].value = "explicit padding p"
    assert not demo.controls["padding"].disabled


def test_each_control_sweeps_its_whole_range_and_draws_the_math():
    demo = padding_explorer()
    for control in demo.controls.values():
        for value in sweep_values(control):
            control.value = value
            values = demo.values()
            kind, convention, _ = LABELLED_PADDING_MODES[values["mode"]]
            before, after = coverage.mode_padding(
                values["kernel_size"], kind, values["padding"], values["dilation"], convention
            )
            if demo.error is None:
                expected = coverage.coverage_counts(
                    values["n"], values["kernel_size"], values["stride"], (before, after), values["dilation"]
                )
                np.testing.assert_array_equal(demo.artists["coverage"]["image"].get_array(), expected)
            else:
                assert "does not fit" in demo.error
        demo.set(n=7, kernel_size=3, stride=2, padding=1, dilation=1, mode="explicit padding p")
        assert demo.error is None


def test_fast_redraw_has_the_pixels_of_a_full_redraw():
    demo = padding_explorer()
    np.testing.assert_array_equal(pixels(demo.png()), full_redraw_pixels(demo.figure))
    settings = [
        dict(n=10, kernel_size=3, stride=4, padding=0),  # crosses, larger grid, other colour-bar ticks
        dict(n=16, kernel_size=7, stride=1, padding=4, dilation=3),
        dict(n=5, kernel_size=4, stride=1, dilation=1, mode="same (as convolve2d)"),
        dict(n=3, kernel_size=7, mode="full", dilation=2),
        dict(n=2, kernel_size=7, mode="valid"),  # an error: the figure keeps the last picture
        dict(n=1, kernel_size=1, stride=1, padding=0, dilation=1, mode="explicit padding p"),
        dict(n=7, kernel_size=3, stride=2, padding=1),
    ]
    for setting in settings:
        demo.set(**setting)
        np.testing.assert_array_equal(pixels(demo.png()), full_redraw_pixels(demo.figure), err_msg=str(setting))


def test_in_draw_order_follows_zorder_and_axes_order():
    from cnnedu.widgets._blit import in_draw_order

    demo = padding_explorer()
    panels = demo.artists
    chosen = [
        panels["formula"],
        panels["coverage"]["title"],
        panels["positions_2d"]["centres"],
        panels["positions_2d"]["lines"],
    ]
    assert in_draw_order(demo.figure, chosen) == [
        panels["positions_2d"]["lines"],
        panels["positions_2d"]["centres"],
        panels["coverage"]["title"],
        panels["formula"],
    ]


def test_savefig_still_works_and_gives_the_same_picture(tmp_path):
    from PIL import Image

    demo = padding_explorer()
    demo.set(n=10, stride=4, padding=0)
    demo.figure.savefig(tmp_path / "padding.png", dpi=80)
    np.testing.assert_array_equal(np.asarray(Image.open(tmp_path / "padding.png")), full_redraw_pixels(demo.figure))
    demo.figure.savefig(tmp_path / "padding_big.png", dpi=120, bbox_inches="tight")  # another size, tight box
    demo.set(n=9)  # and the fast redraw afterwards is still the full picture
    np.testing.assert_array_equal(pixels(demo.png()), full_redraw_pixels(demo.figure))
