"""The one mechanism every demo shares: controls above a figure redrawn in place.

A lesson's demo function builds a matplotlib figure once, a dictionary of
controls (sliders, dropdowns, toggles) and a ``draw(**values)`` function that
updates the figure's artists for those values, and hands them to
:class:`Demo`, which wires them: every change of a control calls ``draw`` once
and sends the figure, as PNG, to an image widget. ``draw`` raises
``ValueError`` for an impossible setting; the demo then shows the message
instead of a traceback and keeps the last figure.

The contract, for every demo:

* everything the demo shows is a constructor argument: the canvas that renders
  it (``canvas``), widgets beside the controls (``extras``) and under the figure
  (``panes``); nothing is attached to a demo after it is built;
* what a demo remembers between redraws (caches, the picture shown) lives in
  one :class:`DemoState` handed to the demo (``demo.state``), not in dicts
  captured by closures;
* controls change through the demo: :meth:`Demo.set` (several values, one
  redraw), :meth:`Demo.hold_redraw` (no redraw, e.g. ``draw`` fitting a
  slider's range), and ``links`` (a control that fills another, such as a
  kernel preset filling the weights' text box, in the same single redraw);
* a demo function is registered with its lesson by :func:`register_demo`,
  which fills :data:`DEMOS` and :data:`DEMO_LESSONS`;
* a demo function checks its arguments first, before any heavy work, with
  messages that name the demo and the argument; a starting value of a
  control is checked against that control by :func:`start_controls` (the
  slider's range, the menu's options), never clamped by ipywidgets.

Without a widget frontend (a static render, nbconvert, GitHub) the demo
still displays: its output bundle carries a PNG of the figure for the
current values next to the widget view.
"""

import base64
import contextlib
import io
import re
import time
import types

import ipywidgets as widgets
from IPython.display import display
from matplotlib.backends.backend_agg import FigureCanvasAgg

from cnnedu._checks import int_between, one_of

# The MIME type under which a Jupyter frontend finds a widget's model (ipywidgets 7 and 8 alike).
WIDGET_VIEW_MIMETYPE = "application/vnd.jupyter.widget-view+json"

DEMOS = {}  # demo name -> function returning a Demo (callable with no arguments), in lesson order
DEMO_LESSONS = {}  # demo name -> its lesson's number, "01" to "99" (the notebooks/NN_*.ipynb that shows it)


def register_demo(lesson):
    """Decorator: register a demo function with its lesson in :data:`DEMOS`.

    The function is registered under its own name and returned unchanged; it
    must work with no arguments (a lecturer's one line). :data:`DEMOS` stays
    in lesson order (demos of one lesson in the order they were registered),
    and :data:`DEMO_LESSONS` says each demo's lesson, so the lecture board and
    the docs can group demos by lesson.

    Parameters
    ----------
    lesson : str
        Two digits, the number of the lesson notebook (``"03"`` for
        ``notebooks/03_padding_and_stride.ipynb``).

    Examples
    --------
    >>> @register_demo(lesson="99")
    ... def tiny_demo():
    ...     return None
    >>> DEMO_LESSONS["tiny_demo"], DEMOS["tiny_demo"] is tiny_demo
    ('99', True)
    >>> _ = DEMOS.pop("tiny_demo"), DEMO_LESSONS.pop("tiny_demo")  # (this example only)
    """
    if not isinstance(lesson, str) or not re.fullmatch(r"\d\d", lesson):
        raise ValueError(f"lesson must be a lesson number of two digits as a str, like '03'; got {lesson!r}")

    def register(function):
        name = function.__name__
        if name in DEMOS and DEMOS[name] is not function:
            raise ValueError(f"a demo named {name!r} is registered already (lesson {DEMO_LESSONS[name]})")
        DEMOS[name], DEMO_LESSONS[name] = function, lesson
        in_order = sorted(DEMOS.items(), key=lambda item: DEMO_LESSONS[item[0]])  # stable: keeps registration order
        DEMOS.clear()
        DEMOS.update(in_order)
        return function

    return register


class DemoState(types.SimpleNamespace):
    """What one demo remembers from one redraw to the next: caches, the
    picture shown, the range a slider was fitted to.

    The demo function makes one with its starting values, its ``draw`` reads
    and writes it, and :class:`Demo` keeps it as ``demo.state`` (so tests can
    look inside). The demo sets ``state.demo`` to itself before its first
    redraw, so that ``draw`` can change a control through the demo
    (``with state.demo.hold_redraw(): ...``).

    Examples
    --------
    >>> state = DemoState(shown=None, cache={})
    >>> state.shown = "shapes"
    >>> state
    DemoState(shown='shapes', cache={})
    """

    def __repr__(self):  # without the demo it belongs to (whose repr is long)
        fields = ", ".join(f"{name}={value!r}" for name, value in vars(self).items() if name != "demo")
        return f"{type(self).__name__}({fields})"


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
    links : dict of str -> callable, optional
        ``links[name](new_value)``, called when control ``name`` changes and
        before the redraw, returns a dict of other controls' values to set in
        the same update (a kernel preset fills the weights' text box); it may
        also update widgets in ``watch``. What it changes causes no further
        redraw, and runs no other link: one change, one redraw.
    watch : sequence of widgets, optional
        Widgets (shown in ``extras``) whose ``value`` changes redraw the demo
        like a control's, although ``draw`` reads them itself (a drawing pad).
    canvas : callable, optional
        ``canvas(figure)`` makes the canvas that renders every picture after
        the first, such as a :class:`~cnnedu.widgets._blit.BlitCanvas` that
        redraws only what changes. It is called once the layout is fixed
        (that canvas keeps a picture of the parts that never move). Default:
        a plain Agg canvas.
    extras : dict of str -> widget, optional
        Shown before the controls, in their row, but not passed to ``draw``
        (a Play button, an upload button, a status line); ``demo.extras``.
    panes : dict of str -> widget, optional
        Shown under the figure and its caption (a table); ``demo.panes``.
    state : DemoState, optional
        What the demo remembers between redraws; ``demo.state`` (an empty
        one if not given).
    title : str, optional
        A heading above the demo.
    caption : str, optional
        One line of text under the figure saying what it shows (for every
        reader, and for those who cannot see the picture).
    artists : dict, optional
        Named artists, so tests can compare what is drawn with the math.
    dpi : int
        Resolution of the PNG sent to the browser.
    freeze_layout : bool
        Lay the figure out once (constrained layout) and keep that layout:
        re-solving it on every redraw would double the time of a slider move.

    Attributes
    ----------
    draw_count : int
        How many times the figure was redrawn (``draw`` called), the first
        picture included: one change of a control adds one.
    last_draw_seconds : float
        Time of the last redraw (``draw`` plus PNG encoding).

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> figure = Figure(figsize=(2, 2))
    >>> line = figure.subplots().plot([0, 1], [0, 0])[0]
    >>> demo = Demo(figure, {"slope": widgets.IntSlider(value=0, max=3)}, lambda slope: line.set_ydata([0, slope]))
    >>> demo.controls["slope"].value = 2  # a student drags the slider: one redraw
    >>> demo.draw_count, list(line.get_ydata())
    (2, [0, 2])
    >>> with demo.hold_redraw():  # a change through the demo, drawn later
    ...     demo.controls["slope"].value = 3
    >>> demo.draw_count
    2
    """

    def __init__(
        self,
        figure,
        controls,
        draw,
        *,
        links=None,
        watch=(),
        canvas=None,
        extras=None,
        panes=None,
        state=None,
        title=None,
        caption=None,
        artists=None,
        dpi=80,
        freeze_layout=True,
    ):
        self.figure = figure
        self.controls = dict(controls)
        self.links = dict(links or {})
        unknown = set(self.links) - set(self.controls)
        if unknown:
            raise ValueError(f"links must name controls; got {sorted(unknown)}, controls are {sorted(self.controls)}")
        self.extras = dict(extras or {})
        self.panes = dict(panes or {})
        self.state = DemoState() if state is None else state
        if not isinstance(self.state, DemoState):
            raise TypeError(f"state must be a DemoState; got {type(self.state).__name__}")
        self.state.demo = self
        self.artists = dict(artists or {})
        self._draw = draw
        self._held = 0  # > 0 while control changes must not redraw
        self._linking = False
        FigureCanvasAgg(figure)  # attach a canvas that can render PNG without pyplot
        figure.set_dpi(dpi)
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%", height="auto"))
        self.message = widgets.HTML(value="")
        self.error = None
        self.draw_count = 0
        self.last_draw_seconds = 0.0
        children = []
        if title:
            children.append(widgets.HTML(f"<h3 style='margin:0'>{title}</h3>"))
        box_layout = widgets.Layout(flex_flow="row wrap", align_items="center")
        children.append(widgets.HBox(list(self.extras.values()) + list(self.controls.values()), layout=box_layout))
        children += [self.message, self.image]
        self.caption = caption
        if caption:
            children.append(widgets.HTML(f"<div style='color:#444;font-style:italic'>{_escape(caption)}</div>"))
        children += list(self.panes.values())
        super().__init__(children)
        self._names = {id(control): name for name, control in self.controls.items()}
        for widget in [*self.controls.values(), *watch]:
            widget.observe(self._on_change, names="value")
        self.refresh()  # draws the default values; the layout engine places the axes
        if freeze_layout and figure.get_layout_engine() is not None:
            figure.canvas.draw()  # a second pass, so that constrained layout settles
            figure.set_layout_engine("none")
            if self.error is None:
                self.image.value = self.png()  # the first picture, in the layout every redraw keeps
        if canvas is not None:
            figure.set_canvas(canvas(figure))  # renders every later picture, in the layout fixed now

    def values(self):
        """Current value of every control, by keyword name."""
        return {name: control.value for name, control in self.controls.items()}

    def _on_change(self, change):
        link = self.links.get(self._names.get(id(change["owner"])))
        if link is not None and not self._linking:
            self._linking = True
            try:
                with self.hold_redraw():
                    self._assign(link(change["new"]) or {})
            finally:
                self._linking = False
        if not self._held:
            self.refresh()

    def _assign(self, values):
        unknown = set(values) - set(self.controls)
        if unknown:
            raise ValueError(f"unknown control(s) {sorted(unknown)}; this demo has {sorted(self.controls)}")
        for name, value in values.items():
            self.controls[name].value = value

    @contextlib.contextmanager
    def hold_redraw(self):
        """Within this block, changes of the controls (and of watched widgets)
        do not redraw: for ``draw`` fitting a slider to what it draws, or for
        several changes followed by one :meth:`refresh`."""
        self._held += 1
        try:
            yield self
        finally:
            self._held -= 1

    def refresh(self):
        """Redraw the figure for the current control values."""
        start = time.perf_counter()
        self.draw_count += 1
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
        """Set several controls at once, redrawing only once (handy in notebooks and tests).

        Controls are set in the order given; each one's link runs as when a
        student moves it."""
        with self.hold_redraw():
            self._assign(values)
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


def start_controls(demo, controls, **values):
    """Check each starting value in ``values`` against the control of that
    name (a slider's range, a menu's options), then put the control there.

    Called at the top of a demo function, before any heavy work, with the
    demo's arguments: ipywidgets would clamp an integer outside a slider's
    range without a word (the demo would show something other than what was
    asked) and refuse an unknown option with a traitlets ``TraitError``.

    Parameters
    ----------
    demo : str
        The demo function's name, which starts every message.
    controls : dict of str -> ipywidgets value widget
        Built without their starting values (an integer slider or text box
        with bounds, or a widget with ``options``).
    **values
        Control name -> the starting value the lecturer asked for.

    Returns
    -------
    dict
        ``controls``, each one now at its starting value.

    Raises
    ------
    TypeError, ValueError
        ``"<demo>: <name> must be ...; got ..."``: a value of the wrong type,
        outside the slider's range, or not among the menu's options.

    Examples
    --------
    >>> controls = {"stride": widgets.IntSlider(min=1, max=4), "kind": widgets.Dropdown(options=["max", "average"])}
    >>> {name: control.value for name, control in start_controls("demo", controls, stride=2, kind="average").items()}
    {'stride': 2, 'kind': 'average'}
    >>> start_controls("demo", controls, stride=7)
    Traceback (most recent call last):
    ...
    ValueError: demo: stride must be between 1 and 4; got 7
    >>> start_controls("demo", controls, kind="median")
    Traceback (most recent call last):
    ...
    ValueError: demo: kind must be 'max' or 'average'; got 'median'
    """
    for name, value in values.items():
        control, label = controls[name], f"{demo}: {name}"
        if isinstance(control, (widgets.IntSlider, widgets.BoundedIntText)):
            value = int_between(label, value, control.min, control.max, control.step or 1)
        elif hasattr(control, "options"):
            one_of(label, value, _choices(control))
        else:
            raise TypeError(f"start_controls cannot check the starting value of a {type(control).__name__} ({name})")
        control.value = value
    return controls


def _choices(control):
    """The values a widget with ``options`` can take (the second of each (label, value) pair)."""
    return [option[1] if isinstance(option, tuple) else option for option in control.options]


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
        values = _choices(control)
    else:
        return []
    if len(values) > max_values:
        step = (len(values) - 1) / (max_values - 1)
        values = [values[round(i * step)] for i in range(max_values)]
    return values
