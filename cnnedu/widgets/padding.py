"""Lesson 03 demo: input size, kernel size, stride, padding, dilation and
padding mode; every kernel position, the output size and the coverage.

The module also holds what makes this demo and the shift demo (lesson 04)
redraw fast with exactly the pixels of a full redraw: :func:`in_draw_order`
(the dynamic list a :class:`~cnnedu.widgets._blit.BlitCanvas` needs) and
:class:`FastTextBlitCanvas` (a BlitCanvas whose renderer reuses glyph bitmaps).
"""

import math
from operator import attrgetter

import ipywidgets as widgets
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag
from matplotlib.ft2font import FT2Font, RenderMode

from cnnedu.plotting.padding import MODES, padding_figure, update_padding
from cnnedu.widgets._blit import BlitCanvas
from cnnedu.widgets._demo import Demo


class _GlyphCachingRenderer(RendererAgg):
    """Agg renderer that keeps the text layouts and glyph bitmaps it made.

    Text is what costs most in a demo's redraw: for every string, matplotlib
    lays out the glyphs and asks FreeType to rasterise each one at its
    sub-pixel position. Moving a glyph by whole pixels only moves its bitmap,
    so a bitmap is kept per (font, size, glyph, sub-pixel offset) and reused;
    the pixels are exactly those of :class:`RendererAgg`.
    """

    _layouts = {}  # shared by all renderers: (string, font, size, dpi, ...) -> glyph items
    _bitmaps = {}  # (font, size, dpi, glyph, offsets, ...) -> (coverage, left, top)

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if ismath:
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        size = prop.get_size_in_points()
        features = tuple(mtext.get_fontfeatures() or ()) if mtext is not None else None
        language = mtext.get_language() if mtext is not None else None
        font = self._prepare_font(prop)
        key = (s, font.fname, size, self.dpi, features, language, get_hinting_flag())
        items = self._layouts.get(key)
        if items is None:
            if len(self._layouts) > 2000:
                self._layouts.clear()
            items = self._layouts[key] = font._layout(
                s,
                flags=get_hinting_flag(),
                features=mtext.get_fontfeatures() if mtext is not None else None,
                language=language,
            )
        self._draw_text_glyphs_and_boxes(
            gc, x, y, angle, ((item.ft_object, size, item.glyph_index, 0, 1, item.x, item.y) for item in items), []
        )

    def _draw_text_glyphs_and_boxes(self, gc, x, y, angle, glyphs, boxes):
        if angle or boxes:  # rotated text and mathtext rules: the plain way
            return super()._draw_text_glyphs_and_boxes(gc, x, y, angle, glyphs, boxes)
        cos, sin = math.cos(0.0), math.sin(0.0)  # the same arithmetic as RendererAgg
        load_flags = get_hinting_flag()
        mode = RenderMode.NORMAL if gc.get_antialiased() else RenderMode.MONO
        for font, size, glyph_index, slant, extend, dx, dy in glyphs:
            column = round(0x40 * (x + dx * cos - dy * sin))  # 26.6 fixed point
            row = round(0x40 * (self.height - y + dx * sin + dy * cos))
            key = (font.fname, size, self.dpi, glyph_index, slant, extend, column & 63, row & 63, load_flags, mode)
            cached = self._bitmaps.get(key)
            if cached is None:
                if len(self._bitmaps) > 20000:
                    self._bitmaps.clear()
                font.set_size(size, self.dpi)
                matrix = 0x10000 * np.array([[cos, -sin], [sin, cos]]) @ [[extend, extend * slant], [0, 1]]
                font._set_transform(matrix.round().astype(int), [column & 63, row & 63])
                bitmap = font._render_glyph(glyph_index, load_flags, mode)
                buffer = np.array(bitmap.buffer, copy=True)
                if mode == RenderMode.MONO:
                    buffer *= 0xFF
                cached = self._bitmaps[key] = (buffer, bitmap.left, bitmap.top)
            buffer, left, top = cached
            self._renderer.draw_text_image(
                buffer, left + (column >> 6), int(self.height) - (top + (row >> 6)) + buffer.shape[0], 0, gc
            )


# The cache follows RendererAgg's per-glyph text drawing (matplotlib 3.11); with a
# matplotlib that draws text another way, the plain renderer is used.
_CAN_CACHE_GLYPHS = hasattr(RendererAgg, "_draw_text_glyphs_and_boxes") and all(
    hasattr(FT2Font, name) for name in ("_layout", "_render_glyph", "_set_transform")
)


class FastTextBlitCanvas(BlitCanvas):
    """A :class:`~cnnedu.widgets._blit.BlitCanvas` whose renderer reuses
    text layouts and glyph bitmaps (see :class:`_GlyphCachingRenderer`):
    the same pixels, a fraction of the text cost.

    Examples
    --------
    >>> from cnnedu.plotting.style import new_figure
    >>> figure, ax = new_figure()
    >>> title = ax.text(0.5, 0.5, "42")
    >>> len(FastTextBlitCanvas(figure, [title]).png()) > 0
    True
    """

    def print_png(self, filename_or_obj, *, metadata=None, pil_kwargs=None, **kwargs):
        if self.is_saving():  # Figure.savefig expects a full draw (it fails on a blit)
            return FigureCanvasAgg.print_png(self, filename_or_obj, metadata=metadata, pil_kwargs=pil_kwargs)
        return super().print_png(filename_or_obj, metadata=metadata, pil_kwargs=pil_kwargs, **kwargs)

    def get_renderer(self):
        w, h = self.get_width_height(physical=True)
        key = w, h, self.figure.dpi
        if self._lastKey != key:
            renderer_class = _GlyphCachingRenderer if _CAN_CACHE_GLYPHS else RendererAgg
            self.renderer = renderer_class(w, h, self.figure.dpi)
            self._lastKey = key
        return self.renderer


def in_draw_order(figure, chosen):
    """The ``chosen`` artists of ``figure`` in the order a full draw paints
    them (figure children by zorder, then each Axes' children by zorder),
    as :class:`~cnnedu.widgets._blit.BlitCanvas` needs its dynamic list.
    An Axes in ``chosen`` stands for itself and everything in it.

    Examples
    --------
    >>> from cnnedu.plotting.style import new_figure
    >>> figure, ax = new_figure()
    >>> title, image = ax.text(0, 0, "t"), ax.imshow([[0.0]])
    >>> in_draw_order(figure, [title, image]) == [image, title]
    True
    """
    wanted = {id(artist) for artist in chosen}
    order = []

    def visit(artists):
        for artist in sorted(artists, key=attrgetter("zorder")):
            if id(artist) in wanted:
                order.append(artist)
            elif isinstance(artist, Axes):
                visit([child for child in artist.get_children() if child is not artist.patch])

    visit([child for child in figure.get_children() if child is not figure.patch])
    return order


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
    figure, artists = padding_figure()

    canvas = {}

    def draw(n, kernel_size, stride, padding, dilation, mode):
        update_padding(artists, n, kernel_size, stride, padding, dilation, mode)
        if canvas:  # the colour bar replaces its artists when the largest count changes
            canvas["blit"].dynamic = _padding_dynamic(figure, artists)

    style = {"description_width": "initial"}
    slider = dict(continuous_update=True, style=style, layout=widgets.Layout(width="230px"))
    controls = {
        "n": widgets.IntSlider(value=n, min=1, max=16, description="input n", **slider),
        "kernel_size": widgets.IntSlider(value=kernel_size, min=1, max=7, description="kernel f", **slider),
        "stride": widgets.IntSlider(value=stride, min=1, max=4, description="stride s", **slider),
        "padding": widgets.IntSlider(value=padding, min=0, max=4, description="padding p", **slider),
        "dilation": widgets.IntSlider(value=dilation, min=1, max=3, description="dilation d", **slider),
        "mode": widgets.Dropdown(options=list(MODES), value=mode, description="mode", style=style),
    }

    def on_mode(change):
        controls["padding"].disabled = change["new"] != "explicit padding p"

    controls["mode"].observe(on_mode, names="value")
    on_mode({"new": mode})
    demo = Demo(
        figure,
        controls,
        draw,
        title="Padding, stride and dilation: o = floor((n + 2p - d(f-1) - 1) / s) + 1",
        caption=(
            "Left: every kernel position on the padded grid (first window solid, last dashed); middle: the positions "
            "along one axis; right: how often each cell is read, never-read cells crossed out."
        ),
        artists=artists,
    )
    # the layout is frozen now: titles, frames' backgrounds and the axis label are
    # drawn once, later moves redraw only what changes (same pixels, see the tests)
    canvas["blit"] = FastTextBlitCanvas(figure, _padding_dynamic(figure, artists))
    return demo
