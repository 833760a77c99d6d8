"""Pixel helpers shared by the tests of demos that redraw only what changes."""

import io

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image


def pixels(png):
    """PNG bytes -> array of pixels."""
    return np.asarray(Image.open(io.BytesIO(png)))


def full_redraw_pixels(figure):
    """The figure drawn from scratch by a plain Agg canvas (no blitting, no caches);
    the figure's own canvas is put back afterwards."""
    canvas = figure.canvas
    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer, pil_kwargs={"compress_level": 1})
    figure.set_canvas(canvas)
    return pixels(buffer.getvalue())
