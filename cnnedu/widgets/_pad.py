"""A drawing pad for 8x8 digits: a grid of cells the student clicks.

Why cells and not a freehand canvas: plain ipywidgets buttons work in
JupyterLab, in Voila (the lecture board) and on Google Colab's ipywidgets 7
with nothing to install; a freehand canvas needs a frontend extension
(ipycanvas, ipyevents) that each of those places must install and enable.
The network reads 8x8 pixels anyway: each cell is one of them, so what the
student draws is exactly what the network sees.
"""

import ipywidgets as widgets
import numpy as np
import traitlets

from cnnedu._checks import as_array

# A click moves a cell along this cycle: empty -> ink -> half ink -> empty.
INK, HALF = 1.0, 0.5


def next_shade(value):
    """The value a cell takes when clicked: empty -> 1 (ink) -> 0.5 -> empty;
    a cell loaded from a digit (any value) goes to the next step down.

    Examples
    --------
    >>> [next_shade(v) for v in (0.0, 1.0, 0.5, 0.8, 0.3)]
    [1.0, 0.5, 0.0, 0.5, 0.0]
    """
    if value <= 0:
        return INK
    if value > HALF:
        return HALF
    return 0.0


def shade_colour(value):
    """CSS colour of a cell: 0 white, 1 black (the digits' own 'gray_r' look).

    Examples
    --------
    >>> shade_colour(0.0), shade_colour(1.0), shade_colour(0.5)
    ('#ffffff', '#000000', '#808080')
    """
    level = round(255 * (1.0 - min(max(float(value), 0.0), 1.0)))
    return f"#{level:02x}{level:02x}{level:02x}"


class DrawingPad(widgets.GridBox):
    """A ``rows`` x ``columns`` grid of cells; click a cell to ink it.

    Each click moves the cell along empty -> ink (1) -> half ink (0.5) ->
    empty. ``value`` holds the drawing as a tuple of rows of floats in [0, 1]
    (observe it with ``pad.observe(callback, names="value")``); ``array``
    gives it as an ndarray.

    Parameters
    ----------
    rows, columns : int
    cell_size : int
        Side of a cell in CSS pixels.

    Examples
    --------
    >>> pad = DrawingPad()
    >>> pad.cells[2][3].click()
    >>> float(pad.array[2, 3]), float(pad.array.sum())
    (1.0, 1.0)
    >>> float(pad.set_array(np.zeros((8, 8))).array.sum())
    0.0
    """

    value = traitlets.Tuple(help="the drawing: rows of floats in [0, 1]")

    def __init__(self, rows=8, columns=8, cell_size=30):
        self.shape = (rows, columns)
        cell_layout = widgets.Layout(width=f"{cell_size}px", height=f"{cell_size}px", margin="0", padding="0")
        self.cells = [
            [
                widgets.Button(
                    description="", tooltip=f"row {row}, column {column}", layout=cell_layout
                )  # one shared layout
                for column in range(columns)
            ]
            for row in range(rows)
        ]
        super().__init__(
            [cell for line in self.cells for cell in line],
            layout=widgets.Layout(
                grid_template_columns=f"repeat({columns}, {cell_size}px)",
                grid_gap="1px",
                border="2px solid #4a6fa5",
                padding="1px",
                width="max-content",
            ),
        )
        self.add_class("cnnedu-drawing-pad")
        for row, line in enumerate(self.cells):
            for column, cell in enumerate(line):
                cell.style.button_color = shade_colour(0.0)
                cell.on_click(lambda _button, row=row, column=column: self._click(row, column))
        self._shown = np.zeros(self.shape)
        self.value = tuple((0.0,) * columns for _ in range(rows))
        self.observe(self._paint, names="value")

    @property
    def array(self):
        """The drawing as floats, shape (rows, columns)."""
        return np.array(self.value, dtype=np.float64)

    def set_array(self, image):
        """Show ``image`` (rows, columns) of values in [0, 1] on the pad (one change of ``value``)."""
        image = as_array("image", image, ndim=2)
        if image.shape != self.shape:
            raise ValueError(f"image must have the pad's shape {self.shape}; got {image.shape}")
        image = np.clip(image, 0.0, 1.0)
        self.value = tuple(tuple(float(v) for v in line) for line in image)
        return self

    def _click(self, row, column):
        image = self.array
        image[row, column] = next_shade(image[row, column])
        self.set_array(image)

    def _paint(self, change):
        new = self.array
        for row, column in zip(*np.nonzero(new != self._shown), strict=True):  # only the cells that changed
            self.cells[row][column].style.button_color = shade_colour(new[row, column])
        self._shown = new
