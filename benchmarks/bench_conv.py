"""How fast is cnnedu's convolution? Forward + backward against a plain baseline, PyTorch and loops.

Run: ``.venv/bin/python benchmarks/bench_conv.py`` (``--median`` reports the
median timed block instead of the best: steadier on a shared machine).

For each case it prints, measured in this one run:

* ``cnnedu ms``: time per call (best of several timed blocks) of ``conv2d_forward`` + ``conv2d_backward``
  (the im2col fast path, float32);
* ``plain ms``: the same im2col + matrix products with every product written
  the plain way (:func:`plain_backward`), and ``vs plain``: cnnedu / plain,
  what cnnedu's two kept tunings buy (below);
* ``torch ms``: ``torch.nn.functional.conv2d`` forward + autograd backward on
  the CPU with 2 threads (skipped with a message if torch is missing);
* ``loop ms``: the textbook version, one ``scipy.signal.correlate2d`` call
  per (image, output channel, input channel) for the forward and the kernel
  gradient and one ``convolve2d`` call for the input gradient;
* ``vs torch``: cnnedu / torch (target at most 1.5, at most 1.0 for the
  slider case) and ``speed-up vs loop``: loop / cnnedu (target at least 50).

The slider case (one 512x512 image, 3x3 kernel) is what a demo computes on
every slider move: forward only.

What conv.py keeps, and what it buys
------------------------------------
``conv2d_forward`` is im2col (one strided copy per kernel tap) and one
matrix product; ``conv2d_backward`` is two products and col2im. Two tunings
stay, because they pay where it matters:

* the weight gradient ``grad_rows @ columns.T`` is computed as
  ``(columns @ grad_rows.T).T`` (the same numbers): OpenBLAS shares a
  product's rows among its threads, and the C_out rows of the plain form
  are too few to share;
* for stride 1 and output rows of at most 8 cells, the input gradient lays
  dJ/dy on whole padded images (``conv._input_gradient_stride_1``), so that
  its kh*kw additions are long contiguous runs instead of col2im's short
  strided rows. It is what keeps lesson 08's training fast: without it
  ``bench_train.py`` took 0.87-0.89 s against 0.65-0.70 s with it (four
  alternating pairs on a quiet machine).

Medians of 9 interleaved blocks on a quiet machine (ms; "plain" is
:func:`plain_backward`, neither tuning; the second column adds only the
stride-1 layout, for every map size, to show why it is limited to short rows):

    case                              plain   +stride-1 layout   cnnedu   cnnedu/plain
    batch 64, 1->8, 28x28, 3x3         4.89         5.34           4.96      1.01x
    batch 64, 8->16, 14x14, 3x3        2.82         5.70           2.74      0.97x
    batch 16, 3->16, 64x64, 5x5       19.38        18.88          18.93      0.98x
    lesson 08 step: 16->32, 4x4        1.42         0.88           0.96      0.68x

The weight-gradient form paid up to 2x on the busy machine of issue 12 and
is within noise on a quiet one. Dropped in issue 12, because they did not
pay: cutting the batch into chunks of about 4 MB of columns (rebuilt in the
backward pass), a "wide grid" im2col for stride 1 (contiguous slices as wide
as the padded input), the bias gradient as a matrix-vector product, and
keeping the columns only for batches of one chunk. The old conv.py with all
its tunings and today's, alternating on a quiet machine: 4.27/4.37 ms,
6.13/6.05 ms, 19.30/18.70 ms and 0.63/0.62 ms for the first three cases and
the slider case, and ``bench_train.py`` 0.70 against 0.72 s (medians of 8).

Run it two or three times: on the shared 2-core virtual machines where it
was written, whole runs differed by 2-5x for every contender when other
jobs were busy (cnnedu's best blocks in a quiet spell: 2.0 ms, 5.3 ms, 25 ms
and 1.1 ms for the four cases).

OpenBLAS worker threads keep spinning for about 0.1 s after numpy's last
matrix product and slow PyTorch down on a 2-core machine, so the script
sleeps 0.2 s before each timed block. The 50x target against the loops
applies to the three batch cases; the slider case's "loop" is a single
``correlate2d`` call.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from scipy import signal

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing

from cnnedu import conv
from cnnedu.conv import conv2d_backward, conv2d_forward

CASES = [
    # name, batch, C_in, C_out, size, kernel, padding, backward?
    ("batch 64, 1->8, 28x28, 3x3", 64, 1, 8, 28, 3, 1, True),
    ("batch 64, 8->16, 14x14, 3x3", 64, 8, 16, 14, 3, 1, True),
    ("batch 16, 3->16, 64x64, 5x5", 16, 3, 16, 64, 5, 2, True),
    ("lesson 08 step: 64, 16->32, 4x4, 3x3", 64, 16, 32, 4, 3, 1, True),
    ("slider: 1, 1->1, 512x512, 3x3 (fwd)", 1, 1, 1, 512, 3, 1, False),
]
TARGET_TORCH = {True: 1.5, False: 1.0}
TARGET_LOOP = 50.0


def best_ms(functions, calls, rounds, warmup=2, statistic=min):
    """Milliseconds per call of each function: the best of ``rounds`` blocks of ``calls`` calls.

    The contenders take turns, one block each per round, every block preceded
    by :func:`settle`, so that a busy spell of the machine hits them alike.
    Other processes only ever add time, so the best block is the fairest
    estimate of what the code itself costs; ``statistic=statistics.median``
    reports the median block instead (steadier when the machine is shared).
    """
    for function in functions:
        for _ in range(warmup):
            function()
    blocks = [[] for _ in functions]
    for _ in range(rounds):
        for position, function in enumerate(functions):
            settle()
            start = time.perf_counter()
            for _ in range(calls):
                function()
            blocks[position].append((time.perf_counter() - start) / calls)
    return [1000.0 * statistic(times) for times in blocks]


def settle():
    """Let OpenBLAS's spinning threads go to sleep before the next timing."""
    time.sleep(0.2)


def make_data(batch, in_channels, out_channels, size, kernel, padding, rng):
    x = rng.standard_normal((batch, in_channels, size, size)).astype(np.float32)
    weights = rng.standard_normal((out_channels, in_channels, kernel, kernel)).astype(np.float32)
    bias = rng.standard_normal(out_channels).astype(np.float32)
    out = size + 2 * padding - kernel + 1
    grad_output = rng.standard_normal((batch, out_channels, out, out)).astype(np.float32)
    return x, weights, bias, grad_output


def cnnedu_step(x, weights, bias, grad_output, padding, backward):
    def step():
        y, cache = conv2d_forward(x, weights, bias, 1, padding)
        if backward:
            conv2d_backward(grad_output, cache)

    return step


def plain_backward(grad_output, cache):
    """conv2d_backward without its two tunings: dJ/dweights as the product grad_rows @ columns.T as
    written, and dJ/dx through col2im for every stride."""
    padded_shape, weights_matrix, weights_shape, _, geometry, pads, columns = cache
    grad_rows = grad_output.transpose(1, 0, 2, 3).reshape(weights_shape[0], -1)  # (C_out, N*H_out*W_out)
    grad_weights = (grad_rows @ columns.T).reshape(weights_shape)
    grad_padded = conv._col2im(weights_matrix.T @ grad_rows, padded_shape, *geometry)
    (top, bottom), (left, right) = pads
    grad_x = np.ascontiguousarray(grad_padded[:, :, top : padded_shape[2] - bottom, left : padded_shape[3] - right])
    return grad_x, grad_weights, grad_output.sum(axis=(0, 2, 3))


def plain_step(x, weights, bias, grad_output, padding, backward):
    """The baseline: im2col + one matrix product, every product as written (no tuning)."""

    def step():
        y, cache = conv2d_forward(x, weights, bias, 1, padding)
        if backward:
            plain_backward(grad_output, cache)

    return step


def loop_step(x, weights, bias, grad_output, padding, backward):
    """The seed version: one scipy call per (image, output channel, input channel)."""
    x_padded = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    n, in_channels = x.shape[:2]
    out_channels = weights.shape[0]

    def step():
        y = np.zeros(grad_output.shape, dtype=x.dtype)
        for i in range(n):
            for o in range(out_channels):
                for c in range(in_channels):
                    y[i, o] += signal.correlate2d(x_padded[i, c], weights[o, c], mode="valid")
                y[i, o] += bias[o]
        if not backward:
            return
        grad_weights = np.zeros_like(weights)
        grad_padded = np.zeros_like(x_padded)
        for i in range(n):
            for o in range(out_channels):
                for c in range(in_channels):
                    grad_weights[o, c] += signal.correlate2d(x_padded[i, c], grad_output[i, o], mode="valid")
                    grad_padded[i, c] += signal.convolve2d(grad_output[i, o], weights[o, c], mode="full")
        grad_output.sum(axis=(0, 2, 3))

    return step


def torch_step(torch, x, weights, bias, grad_output, padding, backward):
    x_t = torch.from_numpy(x).requires_grad_(backward)
    w_t = torch.from_numpy(weights).requires_grad_(backward)
    b_t = torch.from_numpy(bias).requires_grad_(backward)
    g_t = torch.from_numpy(grad_output)

    def step():
        if backward:
            x_t.grad = w_t.grad = b_t.grad = None
            y = torch.nn.functional.conv2d(x_t, w_t, b_t, padding=padding)
            y.backward(g_t)
        else:
            with torch.no_grad():
                torch.nn.functional.conv2d(x_t, w_t, b_t, padding=padding)

    return step


def check_equal(x, weights, bias, grad_output, padding, torch):
    """The numbers being timed must agree with PyTorch (float32 tolerance)."""
    if torch is None:
        return
    y, cache = conv2d_forward(x, weights, bias, 1, padding)
    x_t = torch.from_numpy(x).requires_grad_(True)
    w_t = torch.from_numpy(weights).requires_grad_(True)
    b_t = torch.from_numpy(bias).requires_grad_(True)
    y_t = torch.nn.functional.conv2d(x_t, w_t, b_t, padding=padding)
    y_t.backward(torch.from_numpy(grad_output))
    grads = conv2d_backward(grad_output, cache)
    for ours, plain in zip(grads, plain_backward(grad_output, cache), strict=True):
        assert np.allclose(ours, plain, rtol=1e-4, atol=1e-4 * float(np.abs(plain).max())), "plain baseline disagrees"
    for ours, theirs in zip((y, *grads), (y_t, x_t.grad, w_t.grad, b_t.grad), strict=True):
        theirs = theirs.detach().numpy()
        scale = float(np.abs(theirs).max())
        assert np.abs(ours - theirs).max() <= 1e-4 * scale, "cnnedu and torch disagree"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20, help="calls per timed block")
    parser.add_argument("--rounds", type=int, default=7, help="timed blocks per contender (best reported)")
    parser.add_argument("--no-loop", action="store_true", help="skip the slow scipy loop baseline")
    parser.add_argument("--median", action="store_true", help="report the median block instead of the best")
    args = parser.parse_args(argv)

    try:
        import torch

        torch.set_num_threads(2)
    except ImportError:
        torch = None
        print("torch is not importable: the torch columns are skipped.")

    rng = np.random.default_rng(0)
    statistic = statistics.median if args.median else min
    header = (
        f"{'case':38s} {'cnnedu ms':>10s} {'plain ms':>9s} {'vs plain':>9s} {'torch ms':>9s} {'vs torch':>9s} "
        f"{'loop ms':>9s} {'speed-up vs loop':>17s}"
    )
    print(header)
    print("-" * len(header))
    all_ok = True
    for name, batch, c_in, c_out, size, kernel, padding, backward in CASES:
        x, weights, bias, grad_output = make_data(batch, c_in, c_out, size, kernel, padding, rng)
        check_equal(x, weights, bias, grad_output, padding, torch)
        contenders = [
            cnnedu_step(x, weights, bias, grad_output, padding, backward),
            plain_step(x, weights, bias, grad_output, padding, backward),
        ]
        if torch is not None:
            contenders.append(torch_step(torch, x, weights, bias, grad_output, padding, backward))
        times = best_ms(contenders, args.calls, args.rounds, statistic=statistic)
        ours, plain = times[:2]
        torch_text = ratio_text = "skipped"
        if torch is not None:
            theirs = times[2]
            ratio = ours / theirs
            ok = ratio <= TARGET_TORCH[backward]
            all_ok &= ok
            torch_text, ratio_text = f"{theirs:.2f}", f"{ratio:.2f}x" + ("" if ok else "!")
        loop_text = speedup_text = "skipped"
        if not args.no_loop:
            loop = best_ms([loop_step(x, weights, bias, grad_output, padding, backward)], 1, 3, 1, statistic)[0]
            speedup = loop / ours
            ok = speedup >= TARGET_LOOP or not backward  # the slider case is a single scipy call, not a loop
            all_ok &= ok
            loop_text, speedup_text = f"{loop:.1f}", f"{speedup:.0f}x" + ("" if ok else "!")
        print(
            f"{name:38s} {ours:10.2f} {plain:9.2f} {ours / plain:8.2f}x {torch_text:>9s} {ratio_text:>9s} "
            f"{loop_text:>9s} {speedup_text:>17s}"
        )
    print()
    print(
        f"targets: vs torch <= {TARGET_TORCH[True]}x (slider case <= {TARGET_TORCH[False]}x), "
        f"speed-up vs loop >= {TARGET_LOOP:.0f}x (batch cases); '!' marks a missed target"
    )
    print("all targets met" if all_ok else "some targets missed")


if __name__ == "__main__":
    main()
