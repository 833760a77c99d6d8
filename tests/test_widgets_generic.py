"""Every registered demo, built headless: it draws a figure for its defaults,
survives a sweep of every control over its whole range (extremes and mode
changes included) without a traceback, responds to its controls, and renders
without a widget frontend."""

import base64
import re

import pytest

from cnnedu.widgets import DEMOS, Demo, sweep_values


def test_demos_are_registered():
    assert len(DEMOS) >= 1, "no demo registered in cnnedu.widgets.DEMOS"


@pytest.mark.parametrize("name", sorted(DEMOS))
def test_default_view_is_a_figure(name):
    demo = DEMOS[name]()
    assert isinstance(demo, Demo)
    assert demo.error is None, f"{name} cannot draw its own defaults: {demo.error}"
    assert demo.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    data = _displayed(demo)
    assert data["application/vnd.jupyter.widget-view+json"]["model_id"] == demo.model_id
    assert base64.b64decode(data["image/png"]) == demo.png()  # the static fallback


def _displayed(widget):
    """The MIME bundle Jupyter receives when a cell displays ``widget`` (the way
    IPython does it, whichever display hook the installed ipywidgets uses)."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.display import display
    from IPython.utils.capture import capture_output

    InteractiveShell.instance()
    with capture_output() as captured:
        display(widget)
    assert len(captured.outputs) == 1, f"expected one display output; got {len(captured.outputs)}"
    return captured.outputs[0].data


@pytest.mark.parametrize("name", sorted(DEMOS))
def test_every_control_sweeps_without_traceback_and_the_figure_responds(name):
    demo = DEMOS[name]()
    defaults = demo.values()
    assert demo.controls, f"{name} has no controls"
    changed_any = False
    for control_name, control in demo.controls.items():
        values = sweep_values(control)
        for value in values:
            before = demo.image.value
            control.value = value  # errors other than the demo's own ValueError message would propagate here
            if demo.error is None and demo.image.value != before:
                changed_any = True
        for value in reversed(values):  # and back down, as a student drags the other way
            control.value = value
        demo.set(**defaults)
        assert demo.error is None, f"{name}: back at the defaults after sweeping {control_name}, it shows: {demo.error}"
    assert changed_any, f"{name}: no control changed the figure"


@pytest.mark.parametrize("name", sorted(DEMOS))
def test_first_picture_equals_the_same_setting_redrawn(name):
    """The picture a student first sees is drawn in the final layout: moving a
    control away and back gives exactly the same picture."""
    demo = DEMOS[name]()
    first = demo.image.value
    for control_name, control in demo.controls.items():
        others = [value for value in sweep_values(control) if value != control.value]
        if not others:
            continue
        start = control.value
        control.value = others[0]
        control.value = start
        assert demo.image.value == first, f"{name}: moving {control_name} away and back changed the picture"
        break


@pytest.mark.parametrize("name", sorted(DEMOS))
def test_every_demo_has_a_one_line_caption_under_its_figure(name):
    demo = DEMOS[name]()
    assert isinstance(demo.caption, str) and 40 < len(demo.caption) < 300 and "\n" not in demo.caption
    position = demo.children.index(demo.image)
    assert demo.caption.replace("'", "&#x27;")[:30] in demo.children[position + 1].value.replace("'", "&#x27;")


def test_caption_is_optional_and_escaped():
    import ipywidgets as widgets
    from matplotlib.figure import Figure

    plain = Demo(Figure(), {"n": widgets.IntSlider()}, lambda n: None)
    assert plain.caption is None and plain.children[-1] is plain.image
    captioned = Demo(Figure(), {"n": widgets.IntSlider()}, lambda n: None, caption="x < y & z")
    assert "x &lt; y &amp; z" in captioned.children[-1].value


# --- the demo contract: one redraw per change, state and panes given to the demo, registration by lesson ---


@pytest.mark.parametrize("name", sorted(DEMOS))
def test_every_change_of_a_control_draws_exactly_once(name):
    """A control that fills another (a kernel preset its text box) or a draw
    that fits a slider to the new output (the receptive field explorer) must
    still cost one redraw per change."""
    demo = DEMOS[name]()
    for control_name, control in demo.controls.items():
        for value in sweep_values(control, max_values=6):
            if value == control.value:
                continue
            before = demo.draw_count
            control.value = value
            assert demo.draw_count == before + 1, f"{name}: {control_name}={value!r} drew {demo.draw_count - before}x"


@pytest.mark.parametrize("name", sorted(DEMOS))
def test_demo_keeps_its_state_and_panes_and_nothing_is_attached_afterwards(name):
    from cnnedu.widgets import DemoState

    demo = DEMOS[name]()
    assert isinstance(demo.state, DemoState) and demo.state.demo is demo
    import ipywidgets as widgets

    row = next(child for child in demo.children if isinstance(child, widgets.HBox))
    shown = list(row.children)
    assert shown == [*demo.extras.values(), *demo.controls.values()]  # extras, then the controls, in one row
    assert list(demo.children[len(demo.children) - len(demo.panes) :]) == list(demo.panes.values())
    assert set(vars(demo)) == set(vars(Demo(_tiny_figure(), {"n": _slider()}, lambda n: None)))


def _tiny_figure():
    from matplotlib.figure import Figure

    return Figure(figsize=(1, 1))


def _slider():
    import ipywidgets as widgets

    return widgets.IntSlider(value=0, max=3)


def test_widget_modules_reach_into_no_demo_internals():
    """Controls are updated through the demo (set, hold_redraw, links), never by
    reaching into its observer; a demo gets its parts as arguments, nothing is
    assigned to it from outside."""
    import re
    from pathlib import Path

    import cnnedu.widgets

    folder = Path(cnnedu.widgets.__file__).parent
    for path in sorted(folder.glob("*.py")):
        if path.name == "_demo.py":
            continue
        text = path.read_text()
        assert "_on_change" not in text, f"{path.name} reaches into Demo._on_change"
        assigned = re.findall(r"^\s*demo\.\w+(?:\s*,\s*demo\.\w+)*\s*=[^=]", text, flags=re.M)
        assert not assigned, f"{path.name} attaches attributes to a demo after building it: {assigned}"


def test_hold_redraw_set_and_links_each_draw_once():
    import ipywidgets as widgets

    drawn = []
    controls = {"preset": widgets.Dropdown(options=["one", "two", "custom"]), "text": widgets.Text(value="1")}
    presets = {"one": "1", "two": "2"}
    demo = Demo(
        _tiny_figure(),
        controls,
        lambda preset, text: drawn.append(text),  # draws from the text box only
        links={
            "preset": lambda preset: {"text": presets[preset]} if preset in presets else {},
            "text": lambda text: {} if presets.get(controls["preset"].value) == text else {"preset": "custom"},
        },
        freeze_layout=False,
    )
    assert drawn == ["1"] and demo.draw_count == 1
    controls["preset"].value = "two"  # the preset fills the text box: one redraw, with the new text
    assert drawn == ["1", "2"] and demo.draw_count == 2
    controls["text"].value = "7"  # typed weights make the preset custom: one redraw
    assert drawn[-1] == "7" and controls["preset"].value == "custom" and demo.draw_count == 3
    demo.set(preset="one")
    assert drawn[-1] == "1" and controls["text"].value == "1" and demo.draw_count == 4
    with demo.hold_redraw():
        controls["text"].value = "3"
        with demo.hold_redraw():  # holds nest
            controls["text"].value = "4"
        controls["text"].value = "5"
    assert demo.draw_count == 4 and controls["preset"].value == "custom"  # the links still ran
    demo.refresh()
    assert drawn[-1] == "5" and demo.draw_count == 5


def test_watched_widget_redraws_and_the_canvas_comes_after_the_layout():
    import ipywidgets as widgets
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.layout_engine import ConstrainedLayoutEngine, PlaceHolderLayoutEngine

    from cnnedu.plotting.style import new_figure

    figure, ax = new_figure()
    assert isinstance(figure.get_layout_engine(), ConstrainedLayoutEngine)
    made = []

    def canvas(figure):
        made.append(figure.get_layout_engine())  # the layout is fixed by then
        return FigureCanvasAgg(figure)

    pad = widgets.IntText(value=0)
    demo = Demo(figure, {"n": _slider()}, lambda n: None, watch=[pad], canvas=canvas, extras={"pad": pad})
    assert len(made) == 1 and isinstance(made[0], PlaceHolderLayoutEngine)  # called once, the layout fixed
    assert demo.figure.canvas.figure is figure
    pad.value = 5
    assert demo.draw_count == 2
    assert demo.extras["pad"] is pad and pad in demo.children[0].children


def test_demo_arguments_are_checked():
    from cnnedu.widgets import DemoState

    with pytest.raises(ValueError, match=r"links must name controls; got \['m'\]"):
        Demo(_tiny_figure(), {"n": _slider()}, lambda n: None, links={"m": lambda value: {}})
    with pytest.raises(TypeError, match="state must be a DemoState; got dict"):
        Demo(_tiny_figure(), {"n": _slider()}, lambda n: None, state={"cache": {}})
    demo = Demo(_tiny_figure(), {"n": _slider()}, lambda n: None, state=DemoState(cache={}))
    assert demo.state.cache == {} and "demo" not in repr(demo.state)
    with pytest.raises(ValueError, match=r"unknown control\(s\) \['m'\]; this demo has \['n'\]"):
        demo.set(m=1)


def test_register_demo_records_the_lesson_and_keeps_lesson_order():
    from cnnedu.widgets import DEMO_LESSONS, register_demo

    with pytest.raises(ValueError, match="lesson must be a lesson number of two digits as a str, like '03'; got 3"):
        register_demo(lesson=3)
    names = list(DEMOS)
    assert [DEMO_LESSONS[name] for name in names] == sorted(DEMO_LESSONS[name] for name in names)
    assert set(DEMO_LESSONS) == set(DEMOS)

    def early_demo():
        return None

    try:
        register_demo(lesson="00")(early_demo)
        assert next(iter(DEMOS)) == "early_demo" and DEMO_LESSONS["early_demo"] == "00"
        with pytest.raises(ValueError, match="a demo named 'kernel_scanner' is registered already"):
            register_demo(lesson="01")(_named("kernel_scanner"))
    finally:
        DEMOS.pop("early_demo", None), DEMO_LESSONS.pop("early_demo", None)
    assert list(DEMOS) == names


def _named(name):
    def function():
        return None

    function.__name__ = name
    return function


def test_every_demo_module_is_imported_and_its_demos_exported():
    """A demo module the package forgot to import would leave its demos out of DEMOS."""
    import importlib
    import pkgutil

    import cnnedu.widgets

    before = dict(DEMOS)
    for module in pkgutil.iter_modules(cnnedu.widgets.__path__):
        importlib.import_module(f"cnnedu.widgets.{module.name}")
    assert DEMOS == before
    for name, function in DEMOS.items():
        assert getattr(cnnedu.widgets, name) is function and name in cnnedu.widgets.__all__


def test_each_demo_is_registered_with_the_lesson_that_shows_it():
    import importlib.util
    from pathlib import Path

    from cnnedu.widgets import DEMO_LESSONS

    path = Path(__file__).resolve().parents[1] / "scripts" / "build_board.py"
    spec = importlib.util.spec_from_file_location("build_board", path)
    build_board = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_board)
    lessons = build_board.lesson_titles()
    assert build_board.lesson_mismatches(DEMO_LESSONS, lessons) == []
    numbers = {stem[:2] for stem, _, _ in lessons}
    assert set(DEMO_LESSONS.values()) <= numbers, "a demo is registered with a lesson that has no notebook"
    wrong = build_board.lesson_mismatches({"kernel_scanner": "02"}, lessons)
    assert wrong == [
        "kernel_scanner is registered with lesson 02 but notebooks/02_correlation_vs_convolution.ipynb does not call it"
    ]
    groups = dict(build_board.grouping(DEMO_LESSONS, lessons))
    assert [title[:2] for title in groups] == sorted(set(DEMO_LESSONS.values()))


# --- a demo's own arguments: checked at the top, by name, before ipywidgets could clamp or refuse them ---


def _simple_parameters(function):
    """(name, default) of each parameter of a demo function whose default is a str or an int (not a bool)."""
    import inspect

    return [
        (name, parameter.default)
        for name, parameter in inspect.signature(function).parameters.items()
        if isinstance(parameter.default, (str, int)) and not isinstance(parameter.default, bool)
    ]


def _bad_values(default):
    if isinstance(default, str):
        return ["bogus", 3]  # an unknown option, a number where a name is expected
    return [-7, 2.5, "2", True]  # below every range, not whole, a str, a truth value


_BAD_ARGUMENTS = [
    (name, parameter, value)
    for name, function in DEMOS.items()
    for parameter, default in _simple_parameters(function)
    for value in _bad_values(default)
]


def test_every_demo_parameter_with_a_str_or_int_default_is_swept():
    swept = {(name, parameter) for name, parameter, _ in _BAD_ARGUMENTS}
    assert ("padding_explorer", "mode") in swept and ("receptive_field_explorer", "seed") in swept
    assert len(swept) >= 30


@pytest.mark.parametrize(("name", "parameter", "value"), _BAD_ARGUMENTS)
def test_a_bad_demo_argument_is_refused_by_name(name, parameter, value):
    import traceback

    with pytest.raises((ValueError, TypeError)) as caught:
        DEMOS[name](**{parameter: value})
    error = caught.value
    assert type(error) in (ValueError, TypeError), f"{name}({parameter}={value!r}) raised {type(error)}"
    message = str(error)
    assert re.search(rf"\b{parameter}\b", message) and "got" in message, f"{name}({parameter}={value!r}): {message}"
    where = traceback.extract_tb(caught.tb)[-1].filename
    assert not re.search(r"traitlets|ipywidgets|numpy", where), f"{name}({parameter}={value!r}) failed in {where}"
    # refused before any figure is built: the message comes from the checks, not from drawing code
    assert re.search(r"[\\/]cnnedu[\\/]_checks\.py$", where), f"{name}({parameter}={value!r}): {where}"


_SLIDER_ARGUMENTS = sorted(
    name
    for name, function in DEMOS.items()
    if any(isinstance(default, int) for _, default in _simple_parameters(function))
)


@pytest.mark.parametrize("name", _SLIDER_ARGUMENTS)
def test_an_int_argument_outside_its_slider_is_refused_not_clamped(name):
    """ipywidgets would quietly move a starting value into the slider's range,
    and the demo would show something other than what was asked."""
    import ipywidgets as widgets

    demo = DEMOS[name]()
    sliders = {
        parameter: demo.controls[parameter]
        for parameter, default in _simple_parameters(DEMOS[name])
        if isinstance(demo.controls.get(parameter), widgets.IntSlider)
    }
    for parameter, slider in sliders.items():
        for value in (slider.min - 1, slider.max + 1):
            expected = f"{name}: {parameter} must be between {slider.min} and {slider.max}; got {value}"
            with pytest.raises(ValueError, match=f"^{re.escape(expected)}$"):
                DEMOS[name](**{parameter: value})


def test_starting_values_at_the_ends_of_the_sliders_are_kept():
    from cnnedu.widgets import padding_explorer

    lowest = dict(n=1, kernel_size=1, stride=1, padding=0, dilation=1, mode="full")
    highest = dict(n=16, kernel_size=7, stride=4, padding=4, dilation=3, mode="explicit padding p")
    for values in (lowest, highest):
        assert padding_explorer(**values).values() == values
