"""An Agg canvas that redraws only the artists that change (used by the
demos of lessons 03, 04, 05 and 07, whose titles, colour bars and frames never move),
and :func:`in_draw_order`, which lists the artists that change in the order a full draw paints them."""

from operator import attrgetter

import matplotlib.image
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg


class BlitCanvas(FigureCanvasAgg):
    """An Agg canvas that redraws only the ``dynamic`` artists.

    The first draw (and any draw at a new size, resolution or ``layout_key``)
    renders the whole figure without the ``dynamic`` artists and keeps that
    picture; later draws paste it back and draw just the dynamic artists on
    top, in the order given. The picture is the same as a full redraw when
    everything drawn over a dynamic artist is dynamic too (an image's frame
    and ticks) and the list is in drawing order (images, then frames, then
    texts).

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        Its layout must be fixed (no layout engine) when the canvas is used.
    dynamic : sequence of Artist
    layout_key : callable, optional
        Returns something that changes whenever the static part of the
        picture moves (for example the shape of an image whose axes keep
        its aspect ratio); the kept picture is then rendered again.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> figure = Figure(figsize=(2, 2), dpi=50)
    >>> image = figure.subplots().imshow([[0.0, 1.0]])
    >>> canvas = BlitCanvas(figure, [image])
    >>> len(canvas.png()) > 0
    True
    """

    def __init__(self, figure, dynamic, layout_key=None):
        super().__init__(figure)
        self.dynamic = list(dynamic)
        self.layout_key = layout_key
        self._background = None
        self._key = None

    def draw(self):
        renderer = self.get_renderer()
        key = (renderer.width, renderer.height, self.figure.dpi, self.layout_key() if self.layout_key else None)
        if self._background is None or key != self._key:
            for artist in self.dynamic:
                artist.set_animated(True)  # a full draw skips animated artists
            try:
                super().draw()
            finally:
                for artist in self.dynamic:
                    artist.set_animated(False)
            self._background = self.copy_from_bbox(self.figure.bbox)
            self._key = key
        else:
            self.restore_region(self._background)
        for artist in self.dynamic:
            artist.draw(renderer)

    def print_png(self, filename_or_obj, *, metadata=None, pil_kwargs=None, **kwargs):
        if self.is_saving():  # Figure.savefig expects a full draw (and may use another dpi)
            return FigureCanvasAgg.print_png(self, filename_or_obj, metadata=metadata, pil_kwargs=pil_kwargs)
        # FigureCanvasAgg.print_png always redraws everything; draw the fast way instead.
        self.draw()
        matplotlib.image.imsave(
            filename_or_obj,
            self.buffer_rgba(),
            format="png",
            origin="upper",
            dpi=self.figure.dpi,
            metadata=metadata,
            pil_kwargs=pil_kwargs,
        )

    def png(self):
        """The figure as PNG bytes (fast compression, as the demos use)."""
        import io

        buffer = io.BytesIO()
        self.print_png(buffer, pil_kwargs={"compress_level": 1})
        return buffer.getvalue()


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
