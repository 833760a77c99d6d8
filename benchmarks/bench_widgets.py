"""Time every demo's slider callback (draw + PNG), as a student drags each control.

    .venv/bin/python benchmarks/bench_widgets.py [demo_name ...]

For each registered demo (cnnedu.widgets.DEMOS) and each of its controls,
every value of the control's range is set in turn (as `sweep_values` picks
them), and the time of the resulting redraw is recorded. Prints median and
95th percentile per demo and per control, against the targets (median 30 ms,
p95 60 ms), and as a ratio to a baseline measured in the same run: redrawing a
one-panel 64x64 image figure and encoding it as PNG, the least any demo can
cost on this machine.
"""

import io
import sys
import time

import numpy as np

TARGET_MEDIAN_MS = 30.0
TARGET_P95_MS = 60.0


def baseline_ms(repeats=30):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(4, 4), dpi=80)
    FigureCanvasAgg(figure)
    ax = figure.subplots()
    image = ax.imshow(np.zeros((64, 64)), cmap="gray", vmin=0, vmax=1)
    generator = np.random.default_rng(0)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        image.set_data(generator.random((64, 64)))
        buffer = io.BytesIO()
        figure.canvas.print_png(buffer, pil_kwargs={"compress_level": 1})
        times.append(time.perf_counter() - start)
    return 1000 * float(np.median(times))


def sweep_demo(demo, repeats=2):
    from cnnedu.widgets import sweep_values

    per_control = {}
    defaults = demo.values()
    for name, control in demo.controls.items():
        times = []
        for _ in range(repeats):
            for value in sweep_values(control, max_values=20):
                control.value = value
                if demo.error is None:
                    times.append(demo.last_draw_seconds * 1000)
        demo.set(**defaults)
        per_control[name] = times
    return per_control


def main(names):
    from cnnedu.widgets import DEMOS

    base = baseline_ms()
    print(f"baseline (1 panel 64x64 image, redraw + PNG): {base:.1f} ms")
    print(f"targets: median <= {TARGET_MEDIAN_MS:.0f} ms, p95 <= {TARGET_P95_MS:.0f} ms\n")
    print(f"{'demo / control':44s} {'n':>4s} {'median ms':>10s} {'p95 ms':>8s} {'x baseline':>11s}  verdict")
    failures = 0
    for demo_name in names or sorted(DEMOS):
        build_start = time.perf_counter()
        demo = DEMOS[demo_name]()
        build_ms = 1000 * (time.perf_counter() - build_start)
        per_control = sweep_demo(demo)
        everything = [t for times in per_control.values() for t in times]
        if not everything:
            print(f"{demo_name:44s} no successful redraws")
            failures += 1
            continue
        median, p95 = np.median(everything), np.percentile(everything, 95)
        ok = median <= TARGET_MEDIAN_MS and p95 <= TARGET_P95_MS
        failures += not ok
        print(
            f"{demo_name + f' (built in {build_ms:.0f} ms)':44s} {len(everything):4d} {median:10.1f} "
            f"{p95:8.1f} {median / base:11.2f}  {'ok' if ok else 'SLOW'}"
        )
        for control_name, times in per_control.items():
            if times:
                print(
                    f"  {control_name:42s} {len(times):4d} {np.median(times):10.1f} "
                    f"{np.percentile(times, 95):8.1f} {np.median(times) / base:11.2f}"
                )
    print(f"\n{failures} demo(s) over target")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
