"""Lesson 04 demos: pooling windows on a small integer map, and how much a
pooled map changes when the input moves."""

import ipywidgets as widgets

from cnnedu.coverage import EXAMPLE_MAPS, example_map, pooling_geometry
from cnnedu.invariance import shift_maps, shift_source
from cnnedu.plotting.pooling import pooling_figure, shift_figure, update_pooling, update_shift
from cnnedu.pooling import POOLING_KINDS
from cnnedu.widgets._blit import BlitCanvas, in_draw_order
from cnnedu.widgets._demo import Demo, register_demo, start_controls

_STYLE = {"description_width": "initial"}


@register_demo(lesson="04")
def pooling_explorer(size=2, stride=2, kind="max", map_name="4x4 example"):
    """Pool a small integer map: windows outlined, the picked cells circled
    (max pooling), the output values written in their cells.

    Parameters
    ----------
    size, stride : int
        Window size and step (1 to 4).
    kind : {'max', 'average'}
    map_name : {'4x4 example', 'random 6x6'}

    Returns
    -------
    Demo
        Controls ``size``, ``stride``, ``kind``, ``map_name``.

    Examples
    --------
    >>> demo = pooling_explorer()
    >>> demo.artists["output_texts"].get_texts()[:4]
    ['6', '8', '9', '5']
    """
    controls = {
        "size": widgets.IntSlider(min=1, max=4, description="window size", style=_STYLE),
        "stride": widgets.IntSlider(min=1, max=4, description="stride", style=_STYLE),
        "kind": widgets.ToggleButtons(options=list(POOLING_KINDS), description="pooling", style=_STYLE),
        "map_name": widgets.Dropdown(options=list(EXAMPLE_MAPS), description="map", style=_STYLE),
    }
    start_controls("pooling_explorer", controls, size=size, stride=stride, kind=kind, map_name=map_name)
    figure, artists = pooling_figure(pooling_geometry(example_map(), 2))  # the lesson's example

    def draw(size, stride, kind, map_name):
        update_pooling(artists, pooling_geometry(example_map(map_name), size, stride, kind))

    return Demo(
        figure,
        controls,
        draw,
        # a setting can change anything inside the two panels, so only the titles and
        # the panels' backgrounds are kept from one redraw to the next (same pixels)
        canvas=lambda figure: BlitCanvas(figure, _pooling_dynamic(figure)),
        title="Pooling: each window keeps one number",
        caption=(
            "Left: the map with each pooling window framed in its own colour and line style, the kept cell "
            "circled for max pooling; right: the pooled map, each cell framed like its window."
        ),
        artists=artists,
    )


def _pooling_dynamic(figure):
    """Everything inside the pooling explorer's panels but their backgrounds."""
    return in_draw_order(figure, [child for ax in figure.axes for child in ax.get_children() if child is not ax.patch])


@register_demo(lesson="04")
def shift_demo(shift=1, size=2, kind="max"):
    """Move a photo crop sideways and compare how much its edge map and its
    pooled map change.

    Parameters
    ----------
    shift : int
        Pixels the picture moves (0 to 4).
    size : int
        Pooling window (and stride), 2 to 4.
    kind : {'max', 'average'}

    Returns
    -------
    Demo
        Controls ``shift``, ``size``, ``kind``.

    Examples
    --------
    >>> demo = shift_demo()
    >>> demo.artists["titles"][0][2].get_text()
    'edge map changed 102%'
    """
    controls = {
        "shift": widgets.IntSlider(min=0, max=4, description="shift (pixels)", style=_STYLE),
        "size": widgets.IntSlider(min=2, max=4, description="pool size = stride", style=_STYLE),
        "kind": widgets.ToggleButtons(options=list(POOLING_KINDS), description="pooling", style=_STYLE),
    }
    start_controls("shift_demo", controls, shift=shift, size=size, kind=kind)
    photo = shift_source()
    figure, artists = shift_figure(shift_maps(photo, 1))  # one pixel, 2x2 max pooling: the lesson's example

    def draw(shift, size, kind):
        update_shift(artists, shift_maps(photo, shift, size, kind))

    return Demo(
        figure,
        controls,
        draw,
        # once the layout is fixed, the photo crop, the original edge map, the colour
        # bars and the fixed titles are drawn once; later moves redraw only the rest
        canvas=lambda figure: BlitCanvas(figure, _shift_dynamic(figure, artists)),
        title="Move the picture by a pixel: the edge map changes a lot, the max-pooled map much less",
        caption=(
            "The photo crop and its shifted copy; rows: the edge map and its pooled versions; columns: before, after "
            "the shift, and the difference (blue: response lost, red: gained)."
        ),
        artists=artists,
    )


def _shift_dynamic(figure, artists):
    """What the shift demo's controls change: the moved crop, the five maps
    that depend on the shift or the pooling (with their frames, drawn over
    them) and four titles."""
    images = [artists["crops"][1], *artists["images"][0][1:], *artists["images"][1]]
    titles = [artists["crop_titles"][1], artists["titles"][0][2], artists["titles"][1][0], artists["titles"][1][2]]
    spines = [spine for image in images for spine in image.axes.spines.values()]
    return in_draw_order(figure, images + spines + titles)
