"""Demo of lesson 06: follow the gradient through one convolution."""

import ipywidgets as widgets
import numpy as np

from cnnedu._checks import non_negative_int
from cnnedu.backprop_paths import input_pixel_flow, output_cell_flow
from cnnedu.padding import output_size
from cnnedu.plotting.backprop import MAX_PADDING, backprop_figure, update_input_pixel, update_output_cell
from cnnedu.widgets._blit import BlitCanvas, in_draw_order
from cnnedu.widgets._demo import Demo, DemoState, register_demo

PICK_CHOICES = ("input pixel", "output-gradient cell")
_STYLE = {"description_width": "initial"}


def _backprop_dynamic(figure, artists):
    """Everything a move changes: each panel's map, marks, numbers, values,
    window and frame (drawn over the map), and the formula."""
    chosen = [artists["formula"]]
    for name, ax in artists["axes"].items():
        chosen += [artists["images"][name], artists["window"][name], *artists["marks"][name]]
        chosen.append(artists["numbers"][name].collection)
        if name in artists["values"]:
            chosen.append(artists["values"][name].collection)
        chosen += list(ax.spines.values())
    return in_draw_order(figure, chosen)


def _backprop_layout(artists):
    """The panels' limits: they follow padding and stride, and the boxes (and titles) move with them."""
    return tuple((ax.get_xlim(), ax.get_ylim()) for ax in artists["axes"].values())


@register_demo(lesson="06")
def backprop_explorer(seed=0):
    """Pick an input pixel: see the outputs it feeds and the kernel entries
    that carry its gradient back (the full convolution, made visible).
    Pick an output-gradient cell: see where it lands in dJ/dX and dJ/dK.

    A 5x5 input of small integers, a 3x3 kernel and a given dJ/dY (all
    fixed by ``seed``); stride 1 or 2, padding 0 or 1. Rows and columns in
    the controls count from 1, as in the lesson (x11 is the top-left pixel).

    Parameters
    ----------
    seed : int
        At least 0: picks the input and dJ/dY.

    Returns
    -------
    Demo
        Controls ``mode``, ``row``, ``column``, ``stride``, ``padding``.

    Examples
    --------
    >>> demo = backprop_explorer()
    >>> demo.set(mode="output-gradient cell", row=3, column=3).error is None
    True
    >>> demo.set(stride=2).error  # dJ/dY is only 2x2 now
    'with stride 2 and padding 0, dJ/dY has 2x2 cells: choose row and column from 1 to 2'
    >>> demo.state.grad_table.shape  # dJ/dY for stride 1 and padding 1; smaller settings use its top-left corner
    (5, 5)
    """
    rng = np.random.default_rng(non_negative_int("backprop_explorer: seed", seed))
    x = rng.integers(0, 4, size=(5, 5)).astype(float)  # (H, W)
    kernel = np.array([[1.0, 2.0, 0.0], [0.0, 1.0, -1.0], [-1.0, 0.0, 2.0]])  # not symmetric: the flip shows
    largest_output = output_size(x.shape[0], kernel.shape[0], 1, MAX_PADDING)
    state = DemoState(
        x=x,
        kernel=kernel,
        grad_table=rng.choice([-2.0, -1.0, 1.0, 2.0], size=(largest_output, largest_output)),  # no zeros: every path
    )
    figure, artists = backprop_figure(x.shape, kernel.shape)

    def slider(description, value, high):
        return widgets.IntSlider(
            value=value, min=1, max=high, description=description, style=_STYLE, layout=widgets.Layout(width="220px")
        )

    controls = {
        "mode": widgets.ToggleButtons(
            options=list(PICK_CHOICES),
            value=PICK_CHOICES[0],
            description="pick",
            style={**_STYLE, "button_width": "auto"},
        ),
        "row": slider("row", 3, 5),
        "column": slider("column", 3, 5),
        "stride": widgets.Dropdown(options=[1, 2], value=1, description="stride", layout=widgets.Layout(width="150px")),
        "padding": widgets.Dropdown(
            options=list(range(MAX_PADDING + 1)), value=0, description="padding", layout=widgets.Layout(width="150px")
        ),
    }

    def draw(mode, row, column, stride, padding):
        out = output_size(state.x.shape[0], state.kernel.shape[0], stride, padding)  # rows of dJ/dY
        grad_output = state.grad_table[:out, :out]  # (out, out)
        if mode == PICK_CHOICES[0]:
            flow = input_pixel_flow(state.x, state.kernel, grad_output, row - 1, column - 1, stride, padding)
            update_input_pixel(artists, flow)
        else:
            if row > out or column > out:
                raise ValueError(
                    f"with stride {stride} and padding {padding}, dJ/dY has {out}x{out} cells: "
                    f"choose row and column from 1 to {out}"
                )
            flow = output_cell_flow(state.x, state.kernel, grad_output, row - 1, column - 1, stride, padding)
            update_output_cell(artists, flow)

    return Demo(
        figure,
        controls,
        draw,
        # titles and backgrounds are drawn once per layout; a move redraws only what changes
        canvas=lambda figure: BlitCanvas(figure, _backprop_dynamic(figure, artists), lambda: _backprop_layout(artists)),
        title="Follow the gradient through a convolution",
        caption=(
            "Five panels: the input X, the kernel K, the incoming dJ/dY and the computed dJ/dX and dJ/dK, "
            "each with its values; boxes mark the cells the chosen pixel or gradient cell connects."
        ),
        state=state,
        artists=artists,
    )
