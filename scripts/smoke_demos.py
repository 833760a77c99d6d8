"""Check an installed cnnedu the way a student's kernel meets it, from any directory.

    python scripts/smoke_demos.py

Imports the package (and says where from and which version), then builds
every demo in ``cnnedu.widgets.DEMOS``, moves each of its controls through
its range and renders the static PNG a viewer without widgets would show.
Exits non-zero, naming the demo and control, on the first failure. Used by
``scripts/test_oldest.sh`` on a venv that holds only the runtime dependencies.
"""

import base64
import sys


def main():
    import cnnedu
    import cnnedu.widgets
    from cnnedu.widgets import DEMOS, sweep_values

    print(f"cnnedu {cnnedu.__version__} from {cnnedu.__file__}")
    for name, build in DEMOS.items():
        demo = build()
        if demo.error is not None:
            sys.exit(f"{name}: cannot draw its defaults: {demo.error}")
        moved = 0
        for control_name, control in demo.controls.items():
            for value in sweep_values(control, max_values=4):
                try:
                    control.value = value
                except Exception as error:
                    sys.exit(f"{name}: setting {control_name}={value!r} raised {type(error).__name__}: {error}")
                moved += 1
        bundle = demo._repr_mimebundle_()
        png = base64.b64decode(bundle["image/png"])
        if png[:8] != b"\x89PNG\r\n\x1a\n":
            sys.exit(f"{name}: the static fallback is not a PNG")
        print(f"{name}: {moved} control values, static PNG of {len(png)} bytes")
    print(f"all {len(DEMOS)} demos built, moved and rendered")


if __name__ == "__main__":
    main()
