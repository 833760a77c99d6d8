"""Interactive demos, one function call each: ``cnnedu.widgets.kernel_scanner()``.

Each function returns a :class:`Demo` (an ipywidgets VBox) whose default view
is already a meaningful figure, also without a live widget frontend.
Widgets wire controls to plotting functions; they hold no math.

Every demo function is registered with its lesson where it is defined
(``@register_demo(lesson="01")``): ``DEMOS`` maps each name to its function,
in lesson order, and ``DEMO_LESSONS`` each name to its lesson's number.
Importing the demo modules here fills both.
"""

from cnnedu.widgets._demo import DEMO_LESSONS, DEMOS, Demo, DemoState, register_demo, sweep_values
from cnnedu.widgets.backprop import backprop_explorer
from cnnedu.widgets.flip import flip_explorer, impulse_response_stepper
from cnnedu.widgets.layer import layer_stack_builder, rgb_layer_demo
from cnnedu.widgets.padding import padding_explorer
from cnnedu.widgets.pooling import pooling_explorer, shift_demo
from cnnedu.widgets.receptive import receptive_field_explorer
from cnnedu.widgets.scanner import kernel_scanner
from cnnedu.widgets.training import digit_explorer
from cnnedu.widgets.transpose import transpose_explorer

__all__ = [
    "DEMOS",
    "DEMO_LESSONS",
    "Demo",
    "DemoState",
    "backprop_explorer",
    "digit_explorer",
    "flip_explorer",
    "impulse_response_stepper",
    "kernel_scanner",
    "layer_stack_builder",
    "padding_explorer",
    "pooling_explorer",
    "receptive_field_explorer",
    "register_demo",
    "rgb_layer_demo",
    "shift_demo",
    "sweep_values",
    "transpose_explorer",
]
