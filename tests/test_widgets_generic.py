"""Every registered demo, built headless: it draws a figure for its defaults,
survives a sweep of every control over its whole range (extremes and mode
changes included) without a traceback, responds to its controls, and renders
without a widget frontend."""

import base64

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
