"""Tests of cnnedu.widgets._blit: redrawing only the dynamic artists gives the
same pixels as a full redraw, and a changed layout key renders the background again."""

import numpy as np
from matplotlib.figure import Figure
from pixels import full_redraw_pixels, pixels

from cnnedu.widgets._blit import BlitCanvas


def _figure():
    figure = Figure(figsize=(3, 2), dpi=50)
    ax = figure.subplots()
    ax.set_title("static title")
    ax.xaxis.set_visible(False)  # ticks would be drawn over the image: they would have to be dynamic too
    ax.yaxis.set_visible(False)
    image = ax.imshow(np.zeros((4, 6)), vmin=0, vmax=1)
    label = ax.text(0, 0, "", color="red")
    return figure, ax, image, label


def test_blit_draw_equals_full_draw_after_updates():
    figure, ax, image, label = _figure()
    canvas = BlitCanvas(figure, [image, *ax.spines.values(), label])
    generator = np.random.default_rng(0)
    for step in range(3):
        image.set_data(generator.random((4, 6)))
        label.set_text(f"step {step}")
        np.testing.assert_array_equal(pixels(canvas.png()), full_redraw_pixels(figure))


def test_layout_key_renders_the_background_again():
    figure, ax, image, label = _figure()
    shape = {"value": (4, 6)}
    canvas = BlitCanvas(figure, [image, *ax.spines.values()], layout_key=lambda: shape["value"])
    canvas.png()
    image.set_data(np.ones((6, 2)))
    image.set_extent((-0.5, 1.5, 5.5, -0.5))  # the axes box changes shape (equal aspect)
    shape["value"] = (6, 2)
    np.testing.assert_array_equal(pixels(canvas.png()), full_redraw_pixels(figure))


def test_savefig_twice_on_blitted_demos_gives_full_pictures(tmp_path):
    """Figure.savefig needs a full draw; a blitting canvas must not break it, nor be broken by it."""
    import numpy as np
    from matplotlib.image import imread

    from cnnedu.widgets import DEMOS

    for name in ("rgb_layer_demo", "receptive_field_explorer"):
        demo = DEMOS[name]()
        first, second = tmp_path / f"{name}_1.png", tmp_path / f"{name}_2.png"
        demo.figure.savefig(first)
        demo.figure.savefig(second)
        np.testing.assert_array_equal(imread(first), imread(second))
        before = demo.png()
        demo.refresh()
        assert demo.png() == before  # the fast redraw is unchanged by the saves
