"""Demo of lesson 09: where the stamps of a transposed convolution land,
how often they overlap (the checkerboard), and the output size."""

import ipywidgets as widgets

from cnnedu.plotting.transpose import transpose_figure, update_transpose
from cnnedu.transpose import stamp_layout
from cnnedu.widgets._demo import Demo, register_demo, start_controls

_STYLE = {"description_width": "initial"}


@register_demo(lesson="09")
def transpose_explorer(n=4, kernel_size=3, stride=2, padding=1, output_padding=0):
    """Explore how a transposed convolution upsamples: every input cell
    stamps the kernel into the output, stride cells apart.

    Shows the stamps along one axis (with the positions padding cuts away),
    the number of stamp entries on every output cell (uneven counts are the
    checkerboard), and the output size from the formula beside the shape
    cnnedu computes.

    Parameters
    ----------
    n, kernel_size, stride, padding, output_padding : int
        Starting values of the sliders (input n up to 6, kernel up to 5,
        stride up to 4, padding and output_padding up to 3).

    Returns
    -------
    Demo
        Controls ``n``, ``kernel_size``, ``stride``, ``padding``, ``output_padding``.

    Examples
    --------
    >>> demo = transpose_explorer()
    >>> demo.set(kernel_size=4).artists["counts"]["title"].get_text()
    'overlap counts, 8x8 output: 1 to 4'
    >>> demo.set(output_padding=2).error.split(";")[0]  # the demo shows the message, no traceback
    'output_padding must be smaller than the stride or the dilation'
    """
    slider = {"continuous_update": True, "style": _STYLE, "layout": widgets.Layout(width="230px")}
    controls = {
        "n": widgets.IntSlider(min=1, max=6, description="input n", **slider),
        "kernel_size": widgets.IntSlider(min=1, max=5, description="kernel k", **slider),
        "stride": widgets.IntSlider(min=1, max=4, description="stride s", **slider),
        "padding": widgets.IntSlider(min=0, max=3, description="padding p", **slider),
        "output_padding": widgets.IntSlider(min=0, max=3, description="output_padding", **slider),
    }
    start_controls(
        "transpose_explorer",
        controls,
        n=n,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        output_padding=output_padding,
    )
    figure, artists = transpose_figure(stamp_layout(4, 3, stride=2, padding=1))  # a valid start; draw() shows yours

    def draw(n, kernel_size, stride, padding, output_padding):
        update_transpose(artists, stamp_layout(n, kernel_size, stride, padding, output_padding))

    return Demo(
        figure,
        controls,
        draw,
        title="Transposed convolution: o = (n - 1)s - 2p + (k - 1) + output_padding + 1",
        caption=(
            "Left: each input cell's kernel stamp along one axis, the cells cut by padding shaded; right: how many "
            "stamp entries land on each output cell (uneven counts make the checkerboard)."
        ),
        artists=artists,
    )
