"""Lesson 03 demo: input size, kernel size, stride, padding, dilation and
padding mode; every kernel position, the output size and the coverage."""

import ipywidgets as widgets

from cnnedu.coverage import LABELLED_PADDING_MODES, padding_geometry
from cnnedu.plotting.padding import padding_figure, update_padding
from cnnedu.widgets._blit import BlitCanvas, in_draw_order
from cnnedu.widgets._demo import Demo, register_demo, start_controls


def _padding_dynamic(figure, artists):
    """Everything the padding explorer changes: all of the three panels but
    their background and the one-axis panel's y axis, the colour bar (its
    ticks follow the largest count) and the formula."""
    chosen = [artists["formula"], artists["coverage"]["colorbar"].ax]
    for name in ("positions_2d", "positions_1d", "coverage"):
        panel = artists[name]
        ax = panel["title"].axes
        chosen += [artist for artist in panel.values() if getattr(artist, "axes", None) is ax]
        chosen += list(ax.spines.values())
    chosen.append(artists["positions_1d"]["title"].axes.xaxis)  # ticks follow the padded length
    return in_draw_order(figure, chosen)


@register_demo(lesson="03")
def padding_explorer(n=7, kernel_size=3, stride=2, padding=1, dilation=1, mode="explicit padding p"):
    """Explore how padding, stride and dilation place a kernel on an input.

    Shows every kernel position on the padded grid, the positions along one
    axis, a heat map of how often each input cell is read (cells never read
    are crossed out), and the output size from the formula beside the shape
    cnnedu actually computes.

    Parameters
    ----------
    n, kernel_size, stride, padding, dilation : int
        Starting values of the sliders (n up to 16, kernel up to 7,
        stride up to 4, padding up to 4, dilation up to 3).
    mode : str
        'explicit padding p' (use the padding slider), 'valid',
        'same (as correlate2d)', 'same (as convolve2d)' or 'full'.

    Returns
    -------
    Demo
        Controls ``n``, ``kernel_size``, ``stride``, ``padding``,
        ``dilation``, ``mode``.

    Examples
    --------
    >>> demo = padding_explorer()
    >>> demo.set(n=10, kernel_size=3, stride=4, padding=0).artists["coverage"]["title"].get_text()
    'coverage: 64 input cells never read (x)'
    """
    style = {"description_width": "initial"}
    slider = dict(continuous_update=True, style=style, layout=widgets.Layout(width="230px"))
    controls = {
        "n": widgets.IntSlider(min=1, max=16, description="input n", **slider),
        "kernel_size": widgets.IntSlider(min=1, max=7, description="kernel f", **slider),
        "stride": widgets.IntSlider(min=1, max=4, description="stride s", **slider),
        "padding": widgets.IntSlider(min=0, max=4, description="padding p", **slider),
        "dilation": widgets.IntSlider(min=1, max=3, description="dilation d", **slider),
        "mode": widgets.Dropdown(options=list(LABELLED_PADDING_MODES), description="mode", style=style),
    }
    start_controls(
        "padding_explorer",
        controls,
        n=n,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        dilation=dilation,
        mode=mode,
    )
    figure, artists = padding_figure(padding_geometry(7, 3, stride=2, padding=1))  # the lesson's example

    def draw(n, kernel_size, stride, padding, dilation, mode):
        update_padding(artists, padding_geometry(n, kernel_size, stride, padding, dilation, mode))
        if isinstance(figure.canvas, BlitCanvas):  # the colour bar replaces its artists when the largest count changes
            figure.canvas.dynamic = _padding_dynamic(figure, artists)

    def on_mode(change):
        controls["padding"].disabled = change["new"] != "explicit padding p"

    controls["mode"].observe(on_mode, names="value")
    on_mode({"new": mode})
    return Demo(
        figure,
        controls,
        draw,
        # once the layout is fixed, titles, frames' backgrounds and the axis label are
        # drawn once, later moves redraw only what changes (same pixels, see the tests)
        canvas=lambda figure: BlitCanvas(figure, _padding_dynamic(figure, artists)),
        title="Padding, stride and dilation: o = floor((n + 2p - d(f-1) - 1) / s) + 1",
        caption=(
            "Left: every kernel position on the padded grid (first window solid, last dashed); middle: the positions "
            "along one axis; right: how often each cell is read, never-read cells crossed out."
        ),
        artists=artists,
    )
