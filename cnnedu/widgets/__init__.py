"""Interactive demos, one function call each: ``cnnedu.widgets.kernel_scanner()``.

Each function returns a :class:`Demo` (an ipywidgets VBox) whose default view
is already a meaningful figure, also without a live widget frontend.
Widgets wire controls to plotting functions; they hold no math.
"""

from cnnedu.widgets._demo import Demo, sweep_values

# Each lesson's demos are registered here: name -> function returning a Demo.
DEMOS = {}

__all__ = ["DEMOS", "Demo", "sweep_values"]
