"""Plotting helpers (matplotlib) for the lessons and the demos.

Every helper takes ``ax=None`` (make a new axes) and returns what it drew, so
a notebook can compose them and a demo can update the artists in place.
This package imports the math of cnnedu and matplotlib, never ipywidgets.
"""

from cnnedu.plotting.style import (
    DIVERGING_CMAP,
    IMAGE_CMAP,
    PROJECTOR_RC,
    annotate_cells,
    new_figure,
    show_map,
    symmetric_limit,
)

__all__ = [
    "DIVERGING_CMAP",
    "IMAGE_CMAP",
    "PROJECTOR_RC",
    "annotate_cells",
    "new_figure",
    "show_map",
    "symmetric_limit",
]
