"""Interactive demos, one function call each: ``cnnedu.widgets.kernel_scanner()``.

Each function returns a :class:`Demo` (an ipywidgets VBox) whose default view
is already a meaningful figure, also without a live widget frontend.
Widgets wire controls to plotting functions; they hold no math.
"""

from cnnedu.widgets._demo import Demo, sweep_values

# Each lesson's demos are registered here: name -> function returning a Demo.
# Every function must work with no arguments (a lecturer's one line).
DEMOS = {}

# --- lessons 01-02 ---
from cnnedu.widgets.flip import flip_explorer, impulse_response_stepper  # noqa: E402
from cnnedu.widgets.scanner import kernel_scanner  # noqa: E402

DEMOS["kernel_scanner"] = kernel_scanner
DEMOS["flip_explorer"] = flip_explorer
DEMOS["impulse_response_stepper"] = impulse_response_stepper
# --- end lessons 01-02 ---

# --- lessons 03-04 ---
from cnnedu.widgets.padding import padding_explorer  # noqa: E402
from cnnedu.widgets.pooling import pooling_explorer, shift_demo  # noqa: E402

DEMOS["padding_explorer"] = padding_explorer
DEMOS["pooling_explorer"] = pooling_explorer
DEMOS["shift_demo"] = shift_demo
# --- end lessons 03-04 ---

# --- lessons 05-06 ---
from cnnedu.widgets.backprop import backprop_explorer  # noqa: E402
from cnnedu.widgets.layer import layer_stack_builder, rgb_layer_demo  # noqa: E402

DEMOS["rgb_layer_demo"] = rgb_layer_demo
DEMOS["layer_stack_builder"] = layer_stack_builder
DEMOS["backprop_explorer"] = backprop_explorer
# --- end lessons 05-06 ---

# --- lesson 07 ---
from cnnedu.widgets.receptive import receptive_field_explorer  # noqa: E402

DEMOS["receptive_field_explorer"] = receptive_field_explorer
# --- end lesson 07 ---

# --- lesson 08 ---
from cnnedu.widgets.training import digit_explorer  # noqa: E402

DEMOS["digit_explorer"] = digit_explorer
# --- end lesson 08 ---

# --- lesson 09 ---
from cnnedu.widgets.transpose import transpose_explorer  # noqa: E402

DEMOS["transpose_explorer"] = transpose_explorer
# --- end lesson 09 ---

__all__ = ["DEMOS", "Demo", "sweep_values"]
