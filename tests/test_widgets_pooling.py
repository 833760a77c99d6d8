"""Pooling explorer and shift demo: every control setting draws the math."""

import itertools

import numpy as np
from pixels import full_redraw_pixels, pixels

import cnnedu as ce
from cnnedu.coverage import example_map
from cnnedu.widgets import DEMOS, sweep_values
from cnnedu.widgets.pooling import pooling_explorer, shift_demo


def test_registered():
    assert DEMOS["pooling_explorer"] is pooling_explorer
    assert DEMOS["shift_demo"] is shift_demo


def test_pooling_explorer_default_is_the_worked_example():
    demo = pooling_explorer()
    assert demo.error is None
    np.testing.assert_array_equal(demo.artists["output"].get_array(), [[6, 8], [9, 5]])
    demo.controls["kind"].value = "average"
    np.testing.assert_array_equal(demo.artists["output"].get_array(), [[3.75, 5.25], [3.75, 2.5]])


def test_pooling_explorer_sweep_equals_cnnedu():
    demo = pooling_explorer()
    for size, stride, kind, map_name in itertools.product(
        [1, 2, 3, 4], [1, 2, 4], ["max", "average"], ["4x4 example", "random 6x6"]
    ):
        demo.set(size=size, stride=stride, kind=kind, map_name=map_name)
        assert demo.error is None
        x = example_map(map_name)
        expected = ce.max_pool2d(x, size, stride) if kind == "max" else ce.avg_pool2d(x, size, stride)
        np.testing.assert_array_equal(demo.artists["output"].get_array(), expected)


def test_shift_demo_default_and_sweep():
    demo = shift_demo()
    assert demo.error is None
    titles = demo.artists["titles"]
    for shift, size, kind in itertools.product(range(5), [2, 3, 4], ["max", "average"]):
        demo.set(shift=shift, size=size, kind=kind)
        assert demo.error is None
        assert demo.artists["crop_titles"][1].get_text() == f"crop moved {shift} px right"
        pooled = demo.artists["images"][1][0].get_array()
        assert pooled.shape == (64 // size, 64 // size)
    demo.set(shift=0)
    assert titles[0][2].get_text() == "edge map changed 0%" and titles[1][2].get_text() == "pooled map changed 0%"


def test_every_control_sweeps_its_whole_range_and_draws_the_math():
    from cnnedu.invariance import shift_maps, shift_source
    from cnnedu.pooling import pool

    photo = shift_source()
    explorer, shifter = pooling_explorer(), shift_demo()
    for demo in (explorer, shifter):
        defaults = demo.values()
        for control in demo.controls.values():
            for value in sweep_values(control):
                control.value = value
                assert demo.error is None
                values = demo.values()
                if demo is explorer:
                    expected = pool(example_map(values["map_name"]), values["size"], values["stride"], values["kind"])
                    np.testing.assert_array_equal(demo.artists["output"].get_array(), expected)
                else:
                    maps = shift_maps(photo, values["shift"], values["size"], values["kind"])
                    np.testing.assert_array_equal(demo.artists["images"][1][1].get_array(), maps.pooled_shifted)
        demo.set(**defaults)


def test_shift_demo_fast_redraw_has_the_pixels_of_a_full_redraw():
    demo = shift_demo()
    np.testing.assert_array_equal(pixels(demo.png()), full_redraw_pixels(demo.figure))
    for setting in [
        dict(shift=0),
        dict(shift=4, size=4, kind="average"),
        dict(shift=3, size=3),
        dict(shift=2, size=2, kind="max"),
        dict(shift=1),
    ]:
        demo.set(**setting)
        np.testing.assert_array_equal(pixels(demo.png()), full_redraw_pixels(demo.figure), err_msg=str(setting))


def test_pooling_explorer_fast_redraw_has_the_pixels_of_a_full_redraw():
    demo = pooling_explorer()
    np.testing.assert_array_equal(pixels(demo.png()), full_redraw_pixels(demo.figure))
    for setting in [
        dict(size=3, stride=2),
        dict(size=2, stride=1, map_name="random 6x6"),
        dict(size=4, stride=4),
        dict(size=3, stride=2, kind="average"),
        dict(size=7),
        dict(size=1, stride=1, map_name="4x4 example"),
        dict(size=2, stride=2, kind="max"),
    ]:
        demo.set(**setting)
        np.testing.assert_array_equal(pixels(demo.png()), full_redraw_pixels(demo.figure), err_msg=str(setting))


def test_shift_demo_savefig_still_works(tmp_path):
    from PIL import Image

    demo = shift_demo()
    demo.set(shift=3)
    demo.figure.savefig(tmp_path / "shift.png", dpi=80)
    np.testing.assert_array_equal(np.asarray(Image.open(tmp_path / "shift.png")), full_redraw_pixels(demo.figure))
