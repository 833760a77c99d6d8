"""The one mechanism every demo shares: controls above a figure redrawn in place.

A lesson's demo function builds a matplotlib figure once, a dictionary of
controls (sliders, dropdowns, toggles) and a ``draw(**values)`` function that
updates the figure's artists for those values. :class:`Demo` wires them:
every change of a control calls ``draw`` and sends the figure, as PNG, to an
image widget. ``draw`` raises ``ValueError`` for an impossible setting; the
demo then shows the message instead of a traceback and keeps the last figure.

Without a widget frontend (a static render, nbconvert, GitHub) the demo
still displays: its output bundle carries a PNG of the figure for the
current values next to the widget view.
"""

import base64
import io
import time

import ipywidgets as widgets
from IPython.display import display
from matplotlib.backends.backend_agg import FigureCanvasAgg

# The MIME type under which a Jupyter frontend finds a widget's model (ipywidgets 7 and 8 alike).
WIDGET_VIEW_MIMETYPE = "application/vnd.jupyter.widget-view+json"


class Demo(widgets.VBox):
    """Controls, a message line and a figure that redraws when a control moves.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        Built once; ``draw`` updates its artists.
    controls : dict of str -> ipywidgets value widget
        Keyword names of ``draw`` mapped to the widgets that set them.
    draw : callable
        ``draw(**values)`` updates the figure; raises ``ValueError`` with a
        student-readable message when the values cannot be drawn.
    extras : list of widgets, optional
        Shown with the controls but not passed to ``draw`` (a Play button).
    title : str, optional
        A heading above the demo.
    artists : dict, optional
        Named artists, so tests can compare what is drawn with the math.
    dpi : int
        Resolution of the PNG sent to the browser.
    freeze_layout : bool
        Lay the figure out once (constrained layout) and keep that layout:
        re-solving it on every redraw would double the time of a slider move.
    caption : str, optional
        One line of text under the figure saying what it shows (for every
        reader, and for those who cannot see the picture).

    Attributes
    ----------
    last_draw_seconds : float
        Time of the last redraw (``draw`` plus PNG encoding).
    """

    def __init__(
        self, figure, controls, draw, extras=(), title=None, artists=None, dpi=80, freeze_layout=True, caption=None
    ):
        self.figure = figure
        self.controls = dict(controls)
        self.artists = dict(artists or {})
        self._draw = draw
        FigureCanvasAgg(figure)  # attach a canvas that can render PNG without pyplot
        figure.set_dpi(dpi)
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%", height="auto"))
        self.message = widgets.HTML(value="")
        self.error = None
        self.last_draw_seconds = 0.0
        children = []
        if title:
            children.append(widgets.HTML(f"<h3 style='margin:0'>{title}</h3>"))
        box_layout = widgets.Layout(flex_flow="row wrap", align_items="center")
        children.append(widgets.HBox(list(extras) + list(self.controls.values()), layout=box_layout))
        children += [self.message, self.image]
        self.caption = caption
        if caption:
            children.append(widgets.HTML(f"<div style='color:#444;font-style:italic'>{_escape(caption)}</div>"))
        super().__init__(children)
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.refresh()  # draws the default values; the layout engine places the axes
        if freeze_layout and figure.get_layout_engine() is not None:
            figure.canvas.draw()  # a second pass, so that constrained layout settles
            figure.set_layout_engine("none")
            if self.error is None:
                self.image.value = self.png()  # the first picture, in the layout every redraw keeps

    def values(self):
        """Current value of every control, by keyword name."""
        return {name: control.value for name, control in self.controls.items()}

    def _on_change(self, change):
        self.refresh()

    def refresh(self):
        """Redraw the figure for the current control values."""
        start = time.perf_counter()
        try:
            self._draw(**self.values())
        except ValueError as error:
            self.error = str(error)
            self.message.value = (
                "<div style='color:#b00020;font-size:1.1em'><b>Cannot draw this setting:</b> "
                f"{_escape(self.error)}</div>"
            )
        else:
            self.error = None
            self.message.value = ""
            self.image.value = self.png()
        self.last_draw_seconds = time.perf_counter() - start

    def png(self):
        """The figure as PNG bytes."""
        buffer = io.BytesIO()
        self.figure.canvas.print_png(buffer, pil_kwargs={"compress_level": 1})
        return buffer.getvalue()

    def set(self, **values):
        """Set several controls at once, redrawing only once (handy in notebooks and tests)."""
        unknown = set(values) - set(self.controls)
        if unknown:
            raise ValueError(f"unknown control(s) {sorted(unknown)}; this demo has {sorted(self.controls)}")
        with self.hold_trait_notifications():
            for control in self.controls.values():
                control.unobserve(self._on_change, names="value")
            try:
                for name, value in values.items():
                    self.controls[name].value = value
            finally:
                for control in self.controls.values():
                    control.observe(self._on_change, names="value")
        self.refresh()
        return self

    def _repr_mimebundle_(self, **kwargs):
        """What Jupyter displays: the live widget where a widget frontend runs,
        and a PNG of the figure for every other viewer (nbconvert, GitHub)."""
        plain = repr(self)
        return {
            "text/plain": plain if len(plain) <= 110 else plain[:110] + "\u2026",
            "image/png": base64.b64encode(self.png()).decode("ascii"),
            WIDGET_VIEW_MIMETYPE: {"version_major": 2, "version_minor": 0, "model_id": self.model_id},
        }

    def _ipython_display_(self, **kwargs):
        # ipywidgets 7 displays a widget through this hook, which would skip the PNG;
        # ipywidgets 8 has no such hook and uses _repr_mimebundle_ directly.
        display(self._repr_mimebundle_(), raw=True)


def _escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def sweep_values(control, max_values=12):
    """Values a test or benchmark should try for one control: its whole range,
    extremes included, thinned to at most ``max_values``.

    Examples
    --------
    >>> sweep_values(widgets.IntSlider(min=1, max=4))
    [1, 2, 3, 4]
    >>> sweep_values(widgets.Dropdown(options=["max", "average"]))
    ['max', 'average']
    """
    if isinstance(control, (widgets.Checkbox, widgets.ToggleButton)):
        return [False, True]
    if isinstance(control, (widgets.IntSlider, widgets.BoundedIntText)):
        values = list(range(control.min, control.max + 1, control.step or 1))
    elif isinstance(control, (widgets.FloatSlider, widgets.BoundedFloatText)):
        count = min(max_values, int(round((control.max - control.min) / control.step)) + 1)
        values = [control.min + (control.max - control.min) * i / max(count - 1, 1) for i in range(count)]
    elif hasattr(control, "options"):
        values = [option[1] if isinstance(option, tuple) else option for option in control.options]
    else:
        return []
    if len(values) > max_values:
        step = (len(values) - 1) / (max_values - 1)
        values = [values[round(i * step)] for i in range(max_values)]
    return values
