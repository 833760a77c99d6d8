"""The checks of the code exercises, one per function or class the student
writes, collected in :data:`CODE_EXERCISES`.

Each check runs the student's code on small inputs that can be worked out
by hand, then on random ones (non-square images and kernels, several
channels, a batch, stride and padding where they apply), compares every
answer with cnnedu's own implementation, and on the first difference says
which input, what was expected and what came back (shape first, then the
cells), naming the classic mistake when the answer is exactly what that
mistake gives.

>>> import numpy as np
>>> def output_size(n, kernel_size, stride=1, padding=0, dilation=1):
...     return (n + 2 * padding - dilation * (kernel_size - 1) - 1) // stride   # no + 1
>>> feedback = CODE_EXERCISES["output_size"](output_size)
>>> feedback.status, '"missing + 1"' in feedback.message
('wrong', True)
"""

import numpy as np

from cnnedu.conv import conv2d_backward, conv2d_forward
from cnnedu.correlate import convolve2d as _convolve2d
from cnnedu.correlate import correlate2d as _correlate2d
from cnnedu.exercises.code._runner import NotAttempted, Problem, as_number_array, is_stub
from cnnedu.exercises.code.exercise import Case, CodeExercise, Mistake, function_runner
from cnnedu.gradcheck import numerical_gradient, relative_error
from cnnedu.layers import Conv2d as _Conv2d
from cnnedu.padding import kernel_span
from cnnedu.padding import output_size as _output_size
from cnnedu.pooling import max_pool2d as _max_pool2d
from cnnedu.pooling import max_pool2d_backward as _pool_backward
from cnnedu.pooling import max_pool2d_forward as _pool_forward


def _grid(rows):
    return np.array(rows, dtype=float)


def _random_ints(rng, shape, low=-3, high=4):
    """Small whole numbers as floats: exact sums, and ties (as after a ReLU)."""
    return rng.integers(low, high, size=shape).astype(float)


def _shape_text(array):
    return "x".join(str(n) for n in np.shape(array))


# ---------------------------------------------------------------- lesson 01: correlate2d
def _correlate_cases():
    rng = np.random.default_rng(101)
    cases = [
        Case(
            "image [[1, 2, 3], [4, 5, 6], [7, 8, 9]], kernel [[1, 2], [3, 4]]",
            _grid([[1, 2, 3], [4, 5, 6], [7, 8, 9]]),
            _grid([[1, 2], [3, 4]]),
        ),
        Case(
            "image 3x4 [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]], kernel 1x2 [[1, -1]]",
            _grid(np.arange(12).reshape(3, 4)),
            _grid([[1, -1]]),
        ),
        Case(
            "image 4x4, the 45-degree kernel [[-1, -1, 2], [-1, 2, 1], [2, 1, 1]]",
            _grid(np.arange(16).reshape(4, 4) % 5),
            _grid([[-1, -1, 2], [-1, 2, 1], [2, 1, 1]]),
        ),
    ]
    for image_shape, kernel_shape in [((5, 7), (2, 3)), ((6, 4), (3, 1)), ((4, 9), (4, 2)), ((7, 5), (1, 1))]:
        image, kernel = _random_ints(rng, image_shape), _random_ints(rng, kernel_shape)
        cases.append(Case(f"random image {_shape_text(image)}, kernel {_shape_text(kernel)}", image, kernel))
    return cases


def _correlate_missing_one(image, kernel):
    return _correlate2d(image, kernel)[:-1, :-1]


def _correlate_full(image, kernel):
    return _correlate2d(image, kernel, mode="full")


def _correlate_same(image, kernel):
    return _correlate2d(image, kernel, mode="same")


correlate2d = CodeExercise(
    "correlate2d",
    _correlate_cases(),
    function_runner,
    ("output",),
    lambda image, kernel: _correlate2d(image, kernel),
    [
        Mistake(
            "kernel flipped",
            "you turned the kernel by 180 degrees, which is convolution (lesson 02); "
            "cross-correlation lays the kernel on the image as it is written.",
            lambda image, kernel: _convolve2d(image, kernel),
        ),
        Mistake(
            "missing + 1",
            "an H-row image and a kh-row kernel fit in H - kh + 1 positions "
            "(range(H - kh + 1)), so the last row and column of the output are missing.",
            _correlate_missing_one,
        ),
        Mistake(
            "zero padding added",
            "the exercise asks for the 'valid' part only: no zeros around the image, "
            "the output is (H - kh + 1) x (W - kw + 1).",
            _correlate_full,
            _correlate_same,
        ),
    ],
)


# ---------------------------------------------------------------- lesson 02: convolve2d
def _convolve_cases():
    rng = np.random.default_rng(202)
    cases = [
        Case(
            "image [[1, 2, 3], [4, 5, 6], [7, 8, 9]], kernel [[1, 2], [3, 4]]",
            _grid([[1, 2, 3], [4, 5, 6], [7, 8, 9]]),
            _grid([[1, 2], [3, 4]]),
        ),
        Case("image [[3, 2, 1, 0]], the falling-slope kernel [[1, -1]]", _grid([[3, 2, 1, 0]]), _grid([[1, -1]])),
        Case("image 3x3, kernel [[1], [0], [0]] (a column)", _grid(np.arange(9).reshape(3, 3)), _grid([[1], [0], [0]])),
    ]
    for image_shape, kernel_shape in [((5, 7), (2, 3)), ((6, 5), (3, 2)), ((4, 8), (3, 3))]:
        image, kernel = _random_ints(rng, image_shape), _random_ints(rng, kernel_shape)
        cases.append(Case(f"random image {_shape_text(image)}, kernel {_shape_text(kernel)}", image, kernel))
    return cases


convolve2d = CodeExercise(
    "convolve2d",
    _convolve_cases(),
    function_runner,
    ("output",),
    lambda image, kernel: _convolve2d(image, kernel),
    [
        Mistake(
            "kernel not flipped",
            "that is cross-correlation; convolution first turns the kernel by 180 "
            "degrees (kernel[::-1, ::-1]) and then correlates.",
            lambda image, kernel: _correlate2d(image, kernel),
        ),
        Mistake(
            "kernel flipped along one axis only",
            "convolution flips both axes, up-down and left-right "
            "(np.flip(kernel) or kernel[::-1, ::-1]), not just one of them.",
            lambda image, kernel: _correlate2d(image, np.asarray(kernel)[::-1, :]),
            lambda image, kernel: _correlate2d(image, np.asarray(kernel)[:, ::-1]),
        ),
        Mistake(
            "kernel transposed instead of flipped",
            "kernel.T swaps rows and columns; the flip turns the kernel by 180 degrees: kernel[::-1, ::-1].",
            lambda image, kernel: _correlate2d(image, np.asarray(kernel).T),
        ),
        Mistake(
            "missing + 1",
            "the valid output has H - kh + 1 rows and W - kw + 1 columns.",
            lambda image, kernel: _convolve2d(image, kernel)[:-1, :-1],
        ),
    ],
)


# ---------------------------------------------------------------- lesson 03: output_size
def _size_cases():
    hand = [
        (32, 3, 1, 0, 1, "n=32, kernel_size=3 (no padding, stride 1): 30"),
        (15, 3, 1, 1, 1, "n=15, kernel_size=3, padding=1: 15"),
        (8, 3, 2, 0, 1, "n=8, kernel_size=3, stride=2: floor(5 / 2) + 1 = 3"),
        (7, 3, 2, 1, 1, "n=7, kernel_size=3, stride=2, padding=1: 4"),
        (10, 3, 1, 0, 2, "n=10, kernel_size=3, dilation=2: 6"),
        (9, 2, 3, 2, 1, "n=9, kernel_size=2, stride=3, padding=2: 4"),
    ]
    cases = [
        Case(f"output_size({n}, {k}, {s}, {p}, {d}), that is {label}", n, k, s, p, d) for n, k, s, p, d, label in hand
    ]
    rng = np.random.default_rng(303)
    while len(cases) < 16:
        n, k, s, p, d = (
            int(v)
            for v in (
                rng.integers(5, 40),
                rng.integers(1, 6),
                rng.integers(1, 4),
                rng.integers(0, 4),
                rng.integers(1, 4),
            )
        )
        if kernel_span(k, d) <= n + 2 * p:
            cases.append(Case(f"random output_size({n}, {k}, {s}, {p}, {d})", n, k, s, p, d))
    return cases


def _run_size(function, args):
    value = function(*args)
    if value is None:
        raise Problem("output_size returned None: did you forget the `return`?")
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise Problem(f"output_size returned {value!r:.60} of type {type(value).__name__}; expected one whole number.")
    if value != int(value):
        raise Problem(
            f"output_size returned {value!r}, which is not a whole number: use floor (//) to drop "
            f"the positions that stick out."
        )
    return (value,)


output_size = CodeExercise(
    "output_size",
    _size_cases(),
    _run_size,
    ("output size",),
    lambda n, k, s, p, d: _output_size(n, k, s, p, d),
    [
        Mistake(
            "missing + 1",
            "the first position needs no step; each of the floor((n + 2p - span) / s) "
            "steps adds one more, so o = floor((n + 2p - span) / s) + 1.",
            lambda n, k, s, p, d: (n + 2 * p - kernel_span(k, d)) // s,
        ),
        Mistake(
            "ceil instead of floor",
            "a window that would stick out past the padded input is dropped, "
            "so round down: o = floor((n + 2p - span) / s) + 1.",
            lambda n, k, s, p, d: -(-(n + 2 * p - kernel_span(k, d)) // s) + 1,
        ),
        Mistake(
            "dilation ignored",
            "a dilated kernel spans d(k - 1) + 1 cells, not k.",
            lambda n, k, s, p, d: (n + 2 * p - k) // s + 1,
        ),
        Mistake(
            "dilated span d*k",
            "d gaps are between the k taps, so the span is d(k - 1) + 1, not d * k.",
            lambda n, k, s, p, d: (n + 2 * p - d * k) // s + 1,
        ),
        Mistake(
            "padding on one side only",
            "padding p adds p cells on each side: n + 2p, not n + p.",
            lambda n, k, s, p, d: (n + p - kernel_span(k, d)) // s + 1,
        ),
        Mistake(
            "stride ignored",
            "with stride s the window jumps s cells: divide by s (and round down).",
            lambda n, k, s, p, d: n + 2 * p - kernel_span(k, d) + 1,
        ),
    ],
)


# ---------------------------------------------------------------- lesson 04: max_pool2d and its backward pass
def _pool_cases(backward):
    rng = np.random.default_rng(404 + backward)
    worked = _grid([[1, 3, 2, 4], [5, 6, 7, 8], [9, 2, 3, 1], [4, 0, 1, 5]])
    ties = _grid([[1, 1, 0, 2], [1, 0, 2, 2], [3, 0, 5, 5], [0, 3, 5, 5]])
    cases = [
        Case("x [[1, 3, 2, 4], [5, 6, 7, 8], [9, 2, 3, 1], [4, 0, 1, 5]], size 2, stride 2", worked, 2, 2),
        Case("x with ties [[1, 1, 0, 2], [1, 0, 2, 2], [3, 0, 5, 5], [0, 3, 5, 5]], size 2, stride 2", ties, 2, 2),
        Case(
            "x 5x5 with values 0 to 24, size 3, stride 1 (overlapping windows)",
            _grid(np.arange(25).reshape(5, 5)),
            3,
            1,
        ),
        Case("x 5x5 of ones (every cell ties), size 2, stride 1", np.ones((5, 5)), 2, 1),
    ]
    for shape, size, stride in [((6, 7), 2, 2), ((7, 5), 3, 2), ((5, 8), 2, 1), ((6, 6), 3, 3), ((9, 7), 3, 2)]:
        x = _random_ints(rng, shape, 0, 4)  # few values: many ties
        cases.append(Case(f"random x {_shape_text(x)}, size {size}, stride {stride}", x, size, stride))
    if backward:
        gradient_rng = np.random.default_rng(4040)
        with_gradients = []
        for k, case in enumerate(cases):
            shape = _max_pool2d(*case.args).shape
            if k == 0:
                grad_output, shown = np.ones(shape), "all ones"
            elif not case.label.startswith("random"):
                grad_output, shown = _grid(np.arange(1, 1 + np.prod(shape)).reshape(shape)), "1, 2, 3, ... in order"
            else:
                grad_output, shown = _random_ints(gradient_rng, shape, 1, 5), f"random {_shape_text(np.ones(shape))}"
            with_gradients.append(Case(f"{case.label}, grad_output {shown}", case.args[0], grad_output, *case.args[1:]))
        cases = with_gradients
    return cases


def _pool_with_stride(stride_of):
    return lambda x, size, stride: _max_pool2d(x, size, stride_of(size, stride))


def _avg_pool(x, size, stride):
    from cnnedu.pooling import avg_pool2d

    return avg_pool2d(x, size, stride)


max_pool2d = CodeExercise(
    "max_pool2d",
    _pool_cases(backward=False),
    function_runner,
    ("output",),
    lambda x, size, stride: _max_pool2d(x, size, stride),
    [
        Mistake(
            "stride ignored",
            "the windows must start every `stride` cells, not every cell.",
            _pool_with_stride(lambda size, stride: 1),
        ),
        Mistake(
            "stride taken from the window size",
            "use the stride you are given; it need not equal the size.",
            _pool_with_stride(lambda size, stride: size),
        ),
        Mistake(
            "missing + 1",
            "the output has floor((H - size) / stride) + 1 rows.",
            lambda x, size, stride: _max_pool2d(x, size, stride)[:-1, :-1],
        ),
        Mistake(
            "average instead of max", "max pooling keeps the largest value of each window, not the mean.", _avg_pool
        ),
    ],
)


def _pool_gradient_reference(x, grad_output, size, stride):
    _, cache = _pool_forward(x, size, stride)
    return _pool_backward(grad_output, cache)


def _pool_gradient_variant(x, grad_output, size, stride, winners="first", accumulate=True, step=None):
    """The gradient of max pooling with a choice of bugs (for the mistakes)."""
    x = np.asarray(x, dtype=float)
    grad_output = np.asarray(grad_output, dtype=float)
    step = stride if step is None else step
    out_h, out_w = (x.shape[0] - size) // step + 1, (x.shape[1] - size) // step + 1
    grad_x = np.zeros_like(x)
    for r in range(min(out_h, grad_output.shape[0])):
        for c in range(min(out_w, grad_output.shape[1])):
            window = x[r * step : r * step + size, c * step : c * step + size]
            if winners == "all":
                mask = window == window.max()
            elif winners == "last":
                flat = window.size - 1 - int(np.argmax(window.ravel()[::-1]))
                mask = np.zeros(window.shape, dtype=bool)
                mask.flat[flat] = True
            else:
                mask = np.zeros(window.shape, dtype=bool)
                mask.flat[int(np.argmax(window))] = True
            target = grad_x[r * step : r * step + size, c * step : c * step + size]
            if accumulate:
                target[mask] += grad_output[r, c]
            else:
                target[mask] = grad_output[r, c]
    return grad_x


max_pool2d_backward = CodeExercise(
    "max_pool2d_backward",
    _pool_cases(backward=True),
    function_runner,
    ("dx",),
    _pool_gradient_reference,
    [
        Mistake(
            "every tied maximum given the gradient",
            "when several cells of a window tie for the maximum, "
            "only the first in reading order gets the gradient (as in PyTorch); giving it to each of them "
            "counts the window's gradient several times.",
            lambda x, g, size, stride: _pool_gradient_variant(x, g, size, stride, winners="all"),
        ),
        Mistake(
            "last tied maximum given the gradient",
            "on a tie the *first* maximum in reading order wins "
            "(np.argmax returns it); a >= comparison while scanning picks the last one.",
            lambda x, g, size, stride: _pool_gradient_variant(x, g, size, stride, winners="last"),
        ),
        Mistake(
            "gradient overwritten where windows overlap",
            "a cell that is the maximum of two overlapping windows gets the sum of their gradients: use +=, not =.",
            lambda x, g, size, stride: _pool_gradient_variant(x, g, size, stride, accumulate=False),
        ),
        Mistake(
            "stride ignored",
            "window (r, c) starts at row r * stride and column c * stride.",
            lambda x, g, size, stride: _pool_gradient_variant(x, g, size, stride, step=1),
        ),
    ],
)


# ---------------------------------------------------------------- lesson 05: conv_forward
def _conv_inputs():
    """(description, x, weights, bias, stride, padding, grad_output, grad_output description) for the conv
    exercises: four small ones, a batch of two, then random ones."""
    rng = np.random.default_rng(505)
    x1 = _grid(np.arange(16).reshape(1, 1, 4, 4))
    diagonal = _grid([[[[1, 0], [0, -1]]]])
    hand = [
        ("x (1, 1, 4, 4) with values 0 to 15, weights (1, 1, 2, 2) [[1, 0], [0, -1]]", x1, diagonal, _grid([10]), 1, 0),
        (
            "x (1, 1, 4, 4) with values 0 to 15, weights (1, 1, 3, 3) of ones",
            x1,
            np.ones((1, 1, 3, 3)),
            _grid([0]),
            1,
            1,
        ),
        (
            "x (1, 2, 3, 3): channel 0 all ones, channel 1 all twos; weights (1, 2, 1, 1) [1] and [10]",
            np.stack([np.ones((3, 3)), 2 * np.ones((3, 3))])[np.newaxis],
            _grid([[[[1]], [[10]]]]),
            _grid([0.5]),
            1,
            0,
        ),
        (
            "x (1, 1, 5, 5) with values 0 to 24, weights (1, 1, 1, 1) [1]",
            _grid(np.arange(25).reshape(1, 1, 5, 5)),
            _grid([[[[1]]]]),
            _grid([0]),
            2,
            0,
        ),
        (
            "x (2, 1, 4, 4): values 0 to 15, then 2x - 5 of them; weights (1, 1, 2, 2) [[1, 0], [0, -1]]",
            np.concatenate([x1, 2 * x1 - 5]),
            diagonal,
            _grid([1]),
            1,
            0,
        ),
    ]
    inputs = []
    for k, (text, x, weights, bias, stride, padding) in enumerate(hand):
        shape = conv2d_forward(x, weights, bias, stride, padding)[0].shape
        if k % 2 == 0:
            grad_output, shown = np.ones(shape), "all ones"
        else:
            grad_output, shown = _grid(np.arange(int(np.prod(shape))).reshape(shape) % 3), "0, 1, 2, 0, 1, ... in order"
        inputs.append((text, x, weights, bias, stride, padding, grad_output, shown))
    for n, c_in, c_out, h, w, kh, kw, stride, padding in [
        (2, 3, 4, 5, 7, 3, 2, 1, 0),
        (3, 2, 3, 6, 5, 3, 3, 2, 1),
        (2, 1, 2, 7, 6, 2, 3, 1, 2),
        (1, 3, 2, 8, 9, 3, 3, 3, 1),
        (2, 2, 3, 6, 7, 2, 2, 2, 2),
    ]:
        x = _random_ints(rng, (n, c_in, h, w))
        weights = _random_ints(rng, (c_out, c_in, kh, kw))
        bias = _random_ints(rng, (c_out,))
        grad_output = _random_ints(rng, conv2d_forward(x, weights, bias, stride, padding)[0].shape)
        text = f"random x {x.shape}, weights {weights.shape}"
        inputs.append((text, x, weights, bias, stride, padding, grad_output, f"random {grad_output.shape}"))
    return inputs


def _conv_cases(kind):
    cases = []
    for text, x, weights, bias, stride, padding, grad_output, shown in _conv_inputs():
        geometry = f"stride {stride}, padding {padding}"
        if kind == "forward":
            cases.append(Case(f"{text}, bias {bias.tolist()}, {geometry}", x, weights, bias, stride, padding))
        elif kind == "backward":
            cases.append(Case(f"{text}, {geometry}, grad_output {shown}", x, weights, grad_output, stride, padding))
        elif weights.shape[2] == weights.shape[3]:  # the layer: square kernels only
            cases.append(
                Case(
                    f"{text}, bias {bias.tolist()}, {geometry}, grad_output {shown}",
                    x,
                    weights,
                    bias,
                    stride,
                    padding,
                    grad_output,
                )
            )
    return cases


def _conv_reference(x, weights, bias, stride, padding):
    return conv2d_forward(
        np.asarray(x, dtype=float),
        np.asarray(weights, dtype=float),
        None if bias is None else np.asarray(bias, dtype=float),
        stride,
        padding,
    )[0]


def _flipped(weights):
    return np.asarray(weights, dtype=float)[..., ::-1, ::-1]


def _one_side(x, padding, side):
    widths = (
        ((0, 0), (0, 0), (padding, 0), (padding, 0))
        if side == "before"
        else ((0, 0), (0, 0), (0, padding), (0, padding))
    )
    return np.pad(np.asarray(x, dtype=float), widths)


CONV_FORWARD_MISTAKES = [
    Mistake(
        "bias forgotten",
        "every output cell of channel o gets bias[o] added once.",
        lambda x, w, b, s, p: _conv_reference(x, w, None, s, p),
    ),
    Mistake(
        "kernel flipped",
        "a CNN's convolution is a cross-correlation: lay the weights on the window as they are, without turning them.",
        lambda x, w, b, s, p: _conv_reference(x, _flipped(w), b, s, p),
    ),
    Mistake(
        "stride ignored",
        "output cell (r, c) reads the window that starts at row r * stride and column "
        "c * stride, and there are floor((H + 2p - kh) / stride) + 1 rows.",
        lambda x, w, b, s, p: _conv_reference(x, w, b, 1, p),
    ),
    Mistake(
        "padding on one side only",
        "padding p puts p rows of zeros above *and* below, and p columns left "
        "*and* right (np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))).",
        lambda x, w, b, s, p: _conv_reference(_one_side(x, p, "before"), w, b, s, 0),
        lambda x, w, b, s, p: _conv_reference(_one_side(x, p, "after"), w, b, s, 0),
    ),
    Mistake(
        "input channels overwritten instead of summed",
        "each output cell sums the products over *every* "
        "input channel (+=), so the last channel must not replace the others.",
        lambda x, w, b, s, p: _conv_reference(np.asarray(x, float)[:, -1:], np.asarray(w, float)[:, -1:], b, s, p),
    ),
    Mistake(
        "missing + 1",
        "the output has floor((H + 2p - kh) / stride) + 1 rows.",
        lambda x, w, b, s, p: _conv_reference(x, w, b, s, p)[..., :-1, :-1],
    ),
]

conv_forward = CodeExercise(
    "conv_forward",
    _conv_cases("forward"),
    function_runner,
    ("output",),
    _conv_reference,
    CONV_FORWARD_MISTAKES,
)


# ---------------------------------------------------------------- lesson 06: conv_backward
def _backward_reference(x, weights, grad_output, stride, padding):
    x = np.asarray(x, dtype=float)
    weights = np.asarray(weights, dtype=float)
    _, cache = conv2d_forward(x, weights, np.zeros(weights.shape[0]), stride, padding)
    return conv2d_backward(np.asarray(grad_output, dtype=float), cache)


def _run_backward(function, args):
    answer = function(*args)
    if answer is None:
        raise Problem("conv_backward returned None: did you forget the `return`?")
    if not isinstance(answer, (tuple, list)) or len(answer) != 3:
        raise Problem(
            f"conv_backward must return three arrays, (dx, dweights, dbias); got {type(answer).__name__}"
            + (f" of length {len(answer)}" if isinstance(answer, (tuple, list)) else "")
            + "."
        )
    return tuple(answer)


def _gradient_note(args, answer, parts=("dx", "dweights", "dbias")):
    """A gradient check of the student's gradients (central differences)."""
    x, weights, grad_output, stride, padding = (
        np.array(a, dtype=float) if isinstance(a, np.ndarray) else a for a in args
    )
    if x.size + weights.size > 400:
        return ""
    bias = np.zeros(weights.shape[0])

    def loss():
        return float(np.sum(conv2d_forward(x, weights, bias, stride, padding)[0] * grad_output))

    numeric = {
        "dx": numerical_gradient(loss, x),
        "dweights": numerical_gradient(loss, weights),
        "dbias": numerical_gradient(loss, bias),
    }
    errors = [
        f"{name} {relative_error(given, numeric[name]):.2g}"
        for name, given in zip(parts, answer, strict=True)
        if given.shape == numeric[name].shape
    ]
    if not errors:
        return ""
    return (
        "Gradient check on this input (cnnedu.gradient_check: central differences; a right gradient is "
        "below 1e-6): relative error " + ", ".join(errors) + "."
    )


def _mixed(dx=None, dweights=None, dbias=None):
    """conv_backward with one part replaced by a buggy version."""

    def implementation(x, weights, grad_output, stride, padding):
        right = _backward_reference(x, weights, grad_output, stride, padding)
        return (
            right[0] if dx is None else dx(x, weights, grad_output, stride, padding),
            right[1] if dweights is None else dweights(x, weights, grad_output, stride, padding),
            right[2] if dbias is None else dbias(x, weights, grad_output, stride, padding),
        )

    return implementation


CONV_BACKWARD_MISTAKES = [
    Mistake(
        "weight gradient overwritten by each sample",
        "dweights must be *summed* over the batch (+=); "
        "assigning it in the loop over samples keeps only the last sample's share.",
        _mixed(dweights=lambda x, w, g, s, p: _backward_reference(np.asarray(x)[-1:], w, np.asarray(g)[-1:], s, p)[1]),
    ),
    Mistake(
        "weight gradient averaged",
        "the loss sums over the batch, so dweights is the sum over samples, not their mean.",
        _mixed(dweights=lambda x, w, g, s, p: _backward_reference(x, w, g, s, p)[1] / len(x)),
    ),
    Mistake(
        "bias gradient averaged instead of summed",
        "bias[o] is added to every output cell of channel o, "
        "in every sample, so dbias[o] is the plain sum of grad_output[:, o].",
        _mixed(dbias=lambda x, w, g, s, p: np.asarray(g, float).sum(axis=(0, 2, 3)) / len(x)),
        _mixed(dbias=lambda x, w, g, s, p: np.asarray(g, float).mean(axis=(0, 2, 3))),
    ),
    Mistake(
        "input gradient without the flip",
        "dx is the *full convolution* of grad_output with the "
        "kernel: the kernel turned by 180 degrees. Sliding the unflipped kernel sends each gradient "
        "to the mirror-image cells.",
        _mixed(dx=lambda x, w, g, s, p: _backward_reference(x, _flipped(w), g, s, p)[0]),
    ),
    Mistake(
        "padding not removed from dx",
        "the gradient of the padded input must be cropped back to the "
        "input's shape: dx_padded[:, :, p:p + H, p:p + W].",
        _mixed(
            dx=lambda x, w, g, s, p: _backward_reference(_one_side(_one_side(x, p, "before"), p, "after"), w, g, s, 0)[
                0
            ]
        ),
    ),
]

conv_backward = CodeExercise(
    "conv_backward",
    _conv_cases("backward"),
    _run_backward,
    ("dx", "dweights", "dbias"),
    _backward_reference,
    CONV_BACKWARD_MISTAKES,
    note=_gradient_note,
    note_for=("dx", "dweights", "dbias"),
)


# ---------------------------------------------------------------- lesson 08: the Conv2d class
def _run_layer(cls, args):
    x, weights, bias, stride, padding, grad_output = args
    c_out, c_in, kh, _ = weights.shape
    made = f"{cls.__name__}({c_in}, {c_out}, {kh}" + (")" if (stride, padding) == (1, 0) else f", {stride}, {padding})")
    layer = cls(c_in, c_out, kh) if (stride, padding) == (1, 0) else cls(c_in, c_out, kh, stride, padding)
    for name, shape in [("weights", (c_out, c_in, kh, kh)), ("bias", (c_out,))]:
        value = getattr(layer, name, None)
        if is_stub(value):
            raise NotAttempted
        got = as_number_array(value, f"{made}.{name}")
        if got.shape != shape:
            raise Problem(
                f"{made}.{name} has shape {got.shape}; expected {shape}"
                + (" = (out_channels, in_channels, kernel_size, kernel_size)." if name == "weights" else ".")
            )
    layer.weights = np.array(weights)
    layer.bias = np.array(bias)
    y = layer(x)
    if y is None:
        raise Problem(f"calling {made} on x returned None: did you forget the `return` in the forward pass?")
    dx = layer.backward(np.array(grad_output))
    for name in ("weights_gradient", "bias_gradient"):
        if not hasattr(layer, name):
            raise Problem(f"after backward, {made} has no attribute {name}: store the gradient in self.{name}.")
    return y, dx, layer.weights_gradient, layer.bias_gradient


def _layer_from(forward, backward):
    """A Conv2d class built from a forward and a backward function (for the mistakes)."""

    class Layer(_Conv2d):
        def forward(self, x):
            self._x = x
            return forward(x, self.weights, self.bias, self.stride, self.padding)

        def backward(self, grad_output):
            dx, self.weights_gradient, self.bias_gradient = backward(
                self._x, self.weights, grad_output, self.stride, self.padding
            )
            return dx

    Layer.__name__ = "Conv2d"
    return Layer


def _layer_mistakes():
    mistakes = []
    for mistake in CONV_FORWARD_MISTAKES:
        mistakes.append(
            Mistake(
                mistake.name,
                mistake.explanation,
                *[_layer_from(wrong, _backward_reference) for wrong in mistake.implementations],
            )
        )
    for mistake in CONV_BACKWARD_MISTAKES:
        mistakes.append(
            Mistake(
                mistake.name,
                mistake.explanation,
                *[_layer_from(_conv_reference, wrong) for wrong in mistake.implementations],
            )
        )
    return mistakes


Conv2d = CodeExercise(
    "Conv2d",
    _conv_cases("layer"),
    _run_layer,
    ("output", "dx", "weights_gradient", "bias_gradient"),
    _layer_from(_conv_reference, _backward_reference),
    _layer_mistakes(),
    note=lambda args, answer: _gradient_note((args[0], args[1], args[5], args[3], args[4]), answer[1:]),
    note_for=("dx", "weights_gradient", "bias_gradient"),
    kind="class",
)

#: The check of every code exercise, by the name of what the student writes.
CODE_EXERCISES = {
    exercise.name: exercise
    for exercise in (
        correlate2d,
        convolve2d,
        output_size,
        max_pool2d,
        max_pool2d_backward,
        conv_forward,
        conv_backward,
        Conv2d,
    )
}
