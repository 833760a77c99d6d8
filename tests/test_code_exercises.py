"""Code exercises: for every check in CODE_EXERCISES, correct code in several
styles passes (loops, scipy, numpy tricks, lists of lists, int / float32 /
float64 answers), each classic mistake is rejected with its name in the
message, and code that is a stub, raises, runs too long or returns None or
the wrong type gets feedback instead of an exception.

The student code below is written here, independently of the package's
solutions and of the mistake implementations inside the checks."""

import time

import numpy as np
import pytest
import scipy.signal

import cnnedu as ce
from cnnedu.exercises import CODE_EXERCISES, Feedback
from cnnedu.exercises.code import TIME_LIMIT, as_layer, is_stub, solution, solution_source
from cnnedu.exercises.code import solutions as worked
from cnnedu.gradcheck import numerical_gradient, relative_error


# ------------------------------------------------------------------ student code: 2-D correlation and convolution
def correlate_loops(image, kernel, flip=False, plus_one=1):
    image, kernel = np.asarray(image), np.asarray(kernel)
    if flip:
        kernel = kernel[::-1, ::-1]
    rows, columns = image.shape[0] - kernel.shape[0] + plus_one, image.shape[1] - kernel.shape[1] + plus_one
    out = np.zeros((rows, columns))
    for r in range(rows):
        for c in range(columns):
            for i in range(kernel.shape[0]):
                for j in range(kernel.shape[1]):
                    out[r, c] += image[r + i, c + j] * kernel[i, j]
    return out


def correlate_lists(image, kernel):  # pure Python: lists of lists in, lists of lists out
    kh, kw = len(kernel), len(kernel[0])
    return [
        [
            sum(float(image[r + i][c + j]) * float(kernel[i][j]) for i in range(kh) for j in range(kw))
            for c in range(len(image[0]) - kw + 1)
        ]
        for r in range(len(image) - kh + 1)
    ]


def correlate_scipy(image, kernel):
    return scipy.signal.correlate2d(image, kernel, mode="valid")


def correlate_windows(image, kernel):  # numpy trick: every window at once, in float32
    windows = np.lib.stride_tricks.sliding_window_view(np.asarray(image, np.float32), np.shape(kernel))
    return np.einsum("rcij,ij->rc", windows, np.asarray(kernel, np.float32))


def convolve_flip(image, kernel):
    return correlate_loops(image, np.flip(kernel))


def convolve_scipy(image, kernel):
    return scipy.signal.convolve2d(image, kernel, mode="valid")


def convolve_rot90(image, kernel):
    return correlate_windows(image, np.rot90(kernel, 2)).tolist()


# ------------------------------------------------------------------ student code: output size
def size_floor(n, kernel_size, stride=1, padding=0, dilation=1):
    return (n + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1


def size_math(n, kernel_size, stride=1, padding=0, dilation=1):  # a float that is a whole number
    import math

    return float(math.floor((n + 2 * padding - dilation * (kernel_size - 1) - 1) / stride) + 1)


def size_numpy(n, kernel_size, stride=1, padding=0, dilation=1):
    return np.int64(np.floor((n + 2 * padding - dilation * (kernel_size - 1) - 1) / stride)) + 1


def size_count(n, kernel_size, stride=1, padding=0, dilation=1):  # count the positions one by one
    span, start, count = dilation * (kernel_size - 1) + 1, 0, 0
    while start + span <= n + 2 * padding:
        count, start = count + 1, start + stride
    return count


# ------------------------------------------------------------------ student code: max pooling
def pool_loops(x, size, stride, plus_one=1, reduce=max):
    x = np.asarray(x)
    rows, columns = (x.shape[0] - size) // stride + plus_one, (x.shape[1] - size) // stride + plus_one
    return [
        [reduce([x[r * stride + i, c * stride + j] for i in range(size) for j in range(size)]) for c in range(columns)]
        for r in range(rows)
    ]


def pool_windows(x, size, stride):
    windows = np.lib.stride_tricks.sliding_window_view(np.asarray(x, np.float32), (size, size))
    return windows[::stride, ::stride].max(axis=(2, 3))


def pool_backward_loops(x, grad_output, size, stride, everyone=False, last=False, assign=False, step=None):
    x, grad_output = np.asarray(x), np.asarray(grad_output)
    step = stride if step is None else step
    grad = np.zeros(x.shape)
    for r in range(grad_output.shape[0]):
        for c in range(grad_output.shape[1]):
            best = None
            for i in range(size):
                for j in range(size):
                    value = x[r * step + i, c * step + j]
                    if best is None or value > best[0] or (last and value == best[0]):
                        best = (value, i, j)
            for i in range(size):
                for j in range(size):
                    cell = (r * step + i, c * step + j)
                    chosen = x[cell] == best[0] if everyone else (i, j) == best[1:]
                    if chosen:
                        grad[cell] = grad_output[r, c] if assign else grad[cell] + grad_output[r, c]
    return grad


def pool_backward_argmax(x, grad_output, size, stride):  # vectorised over windows, int answers allowed
    x = np.asarray(x)
    windows = np.lib.stride_tricks.sliding_window_view(x, (size, size))[::stride, ::stride]
    rows, columns = windows.shape[:2]
    first = windows.reshape(rows, columns, -1).argmax(axis=2)  # first maximum in reading order
    grad = np.zeros(x.shape, dtype=np.float32)
    r, c = np.meshgrid(np.arange(rows), np.arange(columns), indexing="ij")
    np.add.at(grad, (r * stride + first // size, c * stride + first % size), np.asarray(grad_output)[:rows, :columns])
    return grad


# ------------------------------------------------------------------ student code: the conv layer
def conv_loops(
    x, weights, bias, stride, padding, flip=False, use_bias=True, one_side=False, overwrite=False, ignore_stride=False
):
    x, weights = np.asarray(x, float), np.asarray(weights, float)
    if flip:
        weights = weights[..., ::-1, ::-1]
    pad = ((0, 0), (0, 0), (padding, 0), (padding, 0)) if one_side else ((0, 0), (0, 0), (padding,) * 2, (padding,) * 2)
    xp = np.pad(x, pad)
    s = 1 if ignore_stride else stride
    n, c_in = x.shape[:2]
    c_out, _, kh, kw = weights.shape
    out = np.zeros((n, c_out, (xp.shape[2] - kh) // s + 1, (xp.shape[3] - kw) // s + 1))
    for b in range(n):
        for o in range(c_out):
            for r in range(out.shape[2]):
                for c in range(out.shape[3]):
                    for ci in range(c_in):
                        term = np.sum(xp[b, ci, r * s : r * s + kh, c * s : c * s + kw] * weights[o, ci])
                        out[b, o, r, c] = term if overwrite else out[b, o, r, c] + term
                    if use_bias:
                        out[b, o, r, c] += bias[o]
    return out


def conv_scipy(x, weights, bias, stride, padding):  # float32, one scipy call per pair of channels
    xp = np.pad(np.asarray(x, np.float32), ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    out = []
    for image in xp:
        maps = []
        for o, kernels in enumerate(weights):
            total = sum(scipy.signal.correlate2d(image[ci], kernels[ci], mode="valid") for ci in range(len(kernels)))
            maps.append(total[::stride, ::stride] + bias[o])
        out.append(maps)
    return np.array(out, dtype=np.float32)


def conv_einsum(x, weights, bias, stride, padding):
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = np.lib.stride_tricks.sliding_window_view(xp, weights.shape[2:], axis=(2, 3))[:, :, ::stride, ::stride]
    return np.einsum("ncrhij,ocij->norh", windows, weights) + np.asarray(bias)[:, None, None]


def conv_backward_loops(
    x,
    weights,
    grad_output,
    stride,
    padding,
    overwrite_weights=False,
    average_weights=False,
    average_bias=False,
    no_flip=False,
    keep_padding=False,
):
    x, weights, g = np.asarray(x, float), np.asarray(weights, float), np.asarray(grad_output, float)
    n, _, height, width = x.shape
    c_out, _, kh, kw = weights.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(weights)
    for b in range(n):
        dw_sample = np.zeros_like(weights)
        for o in range(c_out):
            for r in range(g.shape[2]):
                for c in range(g.shape[3]):
                    rows, cols = slice(r * stride, r * stride + kh), slice(c * stride, c * stride + kw)
                    kernel = weights[o, :, ::-1, ::-1] if no_flip else weights[o]  # a mirrored scatter
                    dxp[b, :, rows, cols] += g[b, o, r, c] * kernel
                    dw_sample[o] += g[b, o, r, c] * xp[b, :, rows, cols]
        dw = dw_sample if overwrite_weights else dw + dw_sample
    if average_weights:
        dw = dw / n
    dx = dxp if keep_padding else dxp[:, :, padding : padding + height, padding : padding + width]
    db = g.mean(axis=(0, 2, 3)) if average_bias else g.sum(axis=(0, 2, 3))
    return dx, dw, db


def conv_backward_scipy(x, weights, grad_output, stride, padding):  # full convolution for dx, as in lesson 06
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    n, c_in, hp, wp = xp.shape
    c_out, _, kh, kw = weights.shape
    dilated = np.zeros((n, c_out, hp - kh + 1, wp - kw + 1))
    dilated[:, :, ::stride, ::stride][:, :, : grad_output.shape[2], : grad_output.shape[3]] = grad_output
    dxp = np.zeros(xp.shape)
    dw = np.zeros(weights.shape)
    for b in range(n):
        for o in range(c_out):
            for ci in range(c_in):
                dxp[b, ci] += scipy.signal.convolve2d(dilated[b, o], weights[o, ci], mode="full")
                dw[o, ci] += scipy.signal.correlate2d(xp[b, ci], dilated[b, o], mode="valid")
    h, w = x.shape[2:]
    return dxp[:, :, padding : padding + h, padding : padding + w], dw, grad_output.sum(axis=(0, 2, 3)).tolist()


def layer_class(forward, backward, **bugs):
    """A student's Conv2d built on a forward and a backward function."""

    class Conv2d:
        def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0):
            self.weights = np.full((out_channels, in_channels, kernel_size, kernel_size), 0.1)
            self.bias = np.zeros(out_channels)
            self.stride, self.padding = stride, padding

        def forward(self, x):
            self.x = x
            return forward(
                x,
                self.weights,
                self.bias,
                self.stride,
                self.padding,
                **{k: v for k, v in bugs.items() if k in FORWARD_BUGS},
            )

        def __call__(self, x):
            return self.forward(x)

        def backward(self, grad_output):
            dx, self.weights_gradient, self.bias_gradient = backward(
                self.x,
                self.weights,
                grad_output,
                self.stride,
                self.padding,
                **{k: v for k, v in bugs.items() if k not in FORWARD_BUGS},
            )
            return dx

    return Conv2d


FORWARD_BUGS = {"flip", "use_bias", "one_side", "overwrite", "ignore_stride"}


def flagged(function, **flags):
    return lambda *args: function(*args, **flags)


CORRECT = {
    "correlate2d": [correlate_loops, correlate_lists, correlate_scipy, correlate_windows, worked.correlate2d],
    "convolve2d": [convolve_flip, convolve_scipy, convolve_rot90, worked.convolve2d],
    "output_size": [size_floor, size_math, size_numpy, size_count, worked.output_size],
    "max_pool2d": [pool_loops, pool_windows, worked.max_pool2d],
    "max_pool2d_backward": [pool_backward_loops, pool_backward_argmax, worked.max_pool2d_backward],
    "conv_forward": [conv_loops, conv_scipy, conv_einsum, worked.conv_forward],
    "conv_backward": [conv_backward_loops, conv_backward_scipy, worked.conv_backward],
    "Conv2d": [
        layer_class(conv_loops, conv_backward_loops),
        layer_class(conv_einsum, conv_backward_scipy),
        worked.Conv2d,
    ],
}

MISTAKES = {
    "correlate2d": [
        (flagged(correlate_loops, flip=True), "kernel flipped"),
        (flagged(correlate_loops, plus_one=0), "missing + 1"),
        (lambda image, kernel: scipy.signal.correlate2d(image, kernel, mode="same"), "zero padding added"),
    ],
    "convolve2d": [
        (correlate_loops, "kernel not flipped"),
        (lambda image, kernel: correlate_loops(image, np.flipud(kernel)), "kernel flipped along one axis only"),
        (lambda image, kernel: correlate_loops(image, np.fliplr(kernel)), "kernel flipped along one axis only"),
        (lambda image, kernel: correlate_loops(image, np.transpose(kernel)), "kernel transposed instead of flipped"),
        (lambda image, kernel: correlate_loops(image, np.flip(kernel), plus_one=0), "missing + 1"),
    ],
    "output_size": [
        (lambda n, k, s=1, p=0, d=1: (n + 2 * p - d * (k - 1) - 1) // s, "missing + 1"),
        (lambda n, k, s=1, p=0, d=1: int(np.ceil((n + 2 * p - d * (k - 1) - 1) / s)) + 1, "ceil instead of floor"),
        (lambda n, k, s=1, p=0, d=1: (n + 2 * p - k) // s + 1, "dilation ignored"),
        (lambda n, k, s=1, p=0, d=1: (n + p - d * (k - 1) - 1) // s + 1, "padding on one side only"),
        (lambda n, k, s=1, p=0, d=1: n + 2 * p - d * (k - 1), "stride ignored"),
        (lambda n, k, s=1, p=0, d=1: (n + 2 * p - d * k) // s + 1, "dilated span d*k"),
    ],
    "max_pool2d": [
        (lambda x, size, stride: pool_loops(x, size, 1), "stride ignored"),
        (lambda x, size, stride: pool_loops(x, size, size), "stride taken from the window size"),
        (flagged(pool_loops, plus_one=0), "missing + 1"),
        (flagged(pool_loops, reduce=np.mean), "average instead of max"),
    ],
    "max_pool2d_backward": [
        (flagged(pool_backward_loops, everyone=True), "every tied maximum given the gradient"),
        (flagged(pool_backward_loops, last=True), "last tied maximum given the gradient"),
        (flagged(pool_backward_loops, assign=True), "gradient overwritten where windows overlap"),
        (lambda x, g, size, stride: pool_backward_loops(x, g, size, stride, step=1), "stride ignored"),
    ],
    "conv_forward": [
        (flagged(conv_loops, use_bias=False), "bias forgotten"),
        (flagged(conv_loops, flip=True), "kernel flipped"),
        (flagged(conv_loops, one_side=True), "padding on one side only"),
        (flagged(conv_loops, ignore_stride=True), "stride ignored"),
        (flagged(conv_loops, overwrite=True), "input channels overwritten instead of summed"),
        (lambda x, w, b, s, p: conv_loops(x, w, b, s, p)[:, :, :-1, :-1], "missing + 1"),
    ],
    "conv_backward": [
        (flagged(conv_backward_loops, overwrite_weights=True), "weight gradient overwritten by each sample"),
        (flagged(conv_backward_loops, average_weights=True), "weight gradient averaged"),
        (flagged(conv_backward_loops, average_bias=True), "bias gradient averaged instead of summed"),
        (flagged(conv_backward_loops, no_flip=True), "input gradient without the flip"),
        (flagged(conv_backward_loops, keep_padding=True), "padding not removed from dx"),
    ],
    "Conv2d": [
        (layer_class(conv_loops, conv_backward_loops, use_bias=False), "bias forgotten"),
        (layer_class(conv_loops, conv_backward_loops, flip=True), "kernel flipped"),
        (layer_class(conv_loops, conv_backward_loops, ignore_stride=True), "stride ignored"),
        (layer_class(conv_loops, conv_backward_loops, one_side=True), "padding on one side only"),
        (
            layer_class(conv_loops, conv_backward_loops, overwrite_weights=True),
            "weight gradient overwritten by each sample",
        ),
        (layer_class(conv_loops, conv_backward_loops, average_bias=True), "bias gradient averaged instead of summed"),
        (layer_class(conv_loops, conv_backward_loops, no_flip=True), "input gradient without the flip"),
        (layer_class(conv_loops, conv_backward_loops, overwrite=True), "input channels overwritten instead of summed"),
        (layer_class(conv_loops, conv_backward_loops, average_weights=True), "weight gradient averaged"),
        (layer_class(conv_loops, conv_backward_loops, keep_padding=True), "padding not removed from dx"),
        (
            layer_class(lambda x, w, b, s, p: conv_loops(x, w, b, s, p)[:, :, :-1, :-1], conv_backward_loops),
            "missing + 1",
        ),
    ],
}


def test_every_exercise_has_correct_styles_and_mistakes():
    assert (
        set(CORRECT)
        == set(MISTAKES)
        == set(CODE_EXERCISES)
        == {
            "correlate2d",
            "convolve2d",
            "output_size",
            "max_pool2d",
            "max_pool2d_backward",
            "conv_forward",
            "conv_backward",
            "Conv2d",
        }
    )
    for name, exercise in CODE_EXERCISES.items():  # every mistake the check knows is tested below
        assert {m.name for m in exercise.mistakes} == {hint for _, hint in MISTAKES[name]}, name


@pytest.mark.parametrize("name, student", [(n, s) for n, styles in CORRECT.items() for s in styles])
def test_correct_code_in_every_style_passes(name, student):
    feedback = CODE_EXERCISES[name](student)
    assert isinstance(feedback, Feedback)
    assert feedback.status == "correct", feedback.message
    assert f"your {name} gives cnnedu's answers on all" in feedback.message


@pytest.mark.parametrize("name, student, mistake", [(n, s, m) for n, cases in MISTAKES.items() for s, m in cases])
def test_each_classic_mistake_is_named(name, student, mistake):
    feedback = CODE_EXERCISES[name](student)
    assert feedback.status == "wrong"
    assert f'classic mistake "{mistake}"' in feedback.message, feedback.message
    assert feedback.message.startswith("On input ")
    assert f'CODE_EXERCISES["{name}"].inputs(' in feedback.message


def test_the_message_says_input_expected_and_got_shape_first():
    feedback = CODE_EXERCISES["correlate2d"](flagged(correlate_loops, plus_one=0))
    lines = feedback.message.splitlines()
    assert lines[0] == "On input 1 of 7 (image [[1, 2, 3], [4, 5, 6], [7, 8, 9]], kernel [[1, 2], [3, 4]]):"
    assert lines[1] == "output: expected shape (2, 2), got shape (1, 1)."
    feedback = CODE_EXERCISES["correlate2d"](flagged(correlate_loops, flip=True))
    # by hand: 1*1 + 2*2 + 4*3 + 5*4 = 37 without the flip; 1*4 + 2*3 + 4*2 + 5*1 = 23 with it
    assert "4 of 4 cells differ: [0, 0]: expected 37, got 23" in feedback.message
    assert "expected:\n[[37 47]\n [67 77]]\ngot:\n[[23 33]\n [53 63]]" in feedback.message


def test_two_mistakes_at_once_are_both_named():
    feedback = CODE_EXERCISES["conv_backward"](flagged(conv_backward_loops, average_bias=True, no_flip=True))
    assert '"bias gradient averaged instead of summed"' in feedback.message
    assert '"input gradient without the flip"' in feedback.message


def test_an_unknown_mistake_gets_the_differences_without_a_name():
    feedback = CODE_EXERCISES["correlate2d"](lambda image, kernel: correlate_loops(image, kernel) + 1)
    assert feedback.status == "wrong" and "classic mistake" not in feedback.message
    assert "4 of 4 cells differ" in feedback.message


def test_gradient_feedback_includes_a_numerical_gradient_check():
    feedback = CODE_EXERCISES["conv_backward"](flagged(conv_backward_loops, no_flip=True))
    assert "Gradient check on this input" in feedback.message
    assert "dbias 0 " not in feedback.message  # only the wrong part is far off
    error = float(feedback.message.split("relative error dx ")[1].split(",")[0])
    assert error > 0.1


# ------------------------------------------------------------------ the answers the checks expect are right
@pytest.mark.parametrize("number", range(1, len(CODE_EXERCISES["conv_backward"].cases) + 1))
def test_conv_backward_answers_match_numerical_gradients(number):
    x, weights, grad_output, stride, padding = CODE_EXERCISES["conv_backward"].inputs(number)
    bias = np.zeros(weights.shape[0])

    def loss():
        return float(np.sum(ce.conv2d_forward(x, weights, bias, stride, padding)[0] * grad_output))

    dx, dweights, dbias = CODE_EXERCISES["conv_backward"].expected(number - 1)
    assert relative_error(dx, numerical_gradient(loss, x)) < 1e-7
    assert relative_error(dweights, numerical_gradient(loss, weights)) < 1e-7
    assert relative_error(dbias, numerical_gradient(loss, bias)) < 1e-7


@pytest.mark.parametrize("name", ["correlate2d", "convolve2d", "max_pool2d"])
def test_2d_answers_match_scipy_or_loops(name):
    exercise = CODE_EXERCISES[name]
    independent = {"correlate2d": correlate_scipy, "convolve2d": convolve_scipy, "max_pool2d": pool_loops}[name]
    for number in range(1, len(exercise.cases) + 1):
        np.testing.assert_allclose(exercise.expected(number - 1)[0], independent(*exercise.inputs(number)))


def test_hand_cases_by_hand():
    assert CODE_EXERCISES["correlate2d"].expected(0)[0].tolist() == [[37, 47], [67, 77]]
    assert CODE_EXERCISES["convolve2d"].expected(1)[0].tolist() == [[-1, -1, -1]]  # the flip turns the detector
    assert [int(CODE_EXERCISES["output_size"].expected(k)[0]) for k in range(6)] == [30, 15, 3, 4, 6, 4]
    assert CODE_EXERCISES["max_pool2d"].expected(0)[0].tolist() == [[6, 8], [9, 5]]
    # ties: the first maximum in reading order of each 2x2 window gets its gradient (1, 2, 3, 4)
    ties = CODE_EXERCISES["max_pool2d_backward"].expected(1)[0]
    assert ties.tolist() == [[1, 0, 0, 2], [0, 0, 0, 0], [3, 0, 4, 0], [0, 0, 0, 0]]
    assert CODE_EXERCISES["conv_forward"].expected(0)[0][0, 0].tolist() == [[5, 5, 5], [5, 5, 5], [5, 5, 5]]


def test_max_pool_backward_answers_match_pytorch(torch):
    exercise = CODE_EXERCISES["max_pool2d_backward"]
    for number in range(1, len(exercise.cases) + 1):
        x, grad_output, size, stride = exercise.inputs(number)
        tensor = torch.tensor(x[None, None], requires_grad=True)
        torch.nn.functional.max_pool2d(tensor, size, stride).backward(torch.tensor(grad_output[None, None]))
        np.testing.assert_array_equal(exercise.expected(number - 1)[0], tensor.grad[0, 0].numpy())


# ------------------------------------------ stubs and misbehaving code: feedback, never an exception
def stub_function(image, kernel): ...


def stub_with_docstring(image, kernel):
    """Write your code here."""
    pass  # a body some students write


class StubConv2d:
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0): ...

    def __call__(self, x): ...

    def backward(self, grad_output): ...


@pytest.mark.parametrize("name", sorted(CODE_EXERCISES))
@pytest.mark.parametrize("stub", [..., None, stub_function, stub_with_docstring, StubConv2d])
def test_a_stub_is_not_attempted(name, stub):
    if (name == "Conv2d") != (stub is StubConv2d) and stub not in (..., None):
        stub = StubConv2d if name == "Conv2d" else stub_function
    feedback = CODE_EXERCISES[name](stub)
    assert feedback.status == "not attempted"
    assert "replace the ..." in feedback.message


def test_not_implemented_error_is_not_attempted():
    def correlate2d(image, kernel):
        raise NotImplementedError()

    assert CODE_EXERCISES["correlate2d"](correlate2d).status == "not attempted"


def test_a_half_written_class_is_not_attempted():
    class Conv2d(StubConv2d):  # __init__ still the stub: no weights yet
        def __call__(self, x):
            return x

    assert CODE_EXERCISES["Conv2d"](Conv2d).status == "not attempted"


def boom(image, kernel):
    total = 0
    return total / len(image[0:0])


def forgets_return(image, kernel):
    np.zeros((2, 2))


def endless(image, kernel):
    while True:
        pass


@pytest.mark.parametrize(
    "student, says",
    [
        (boom, ["your function raised ZeroDivisionError: division by zero", "in boom, line", "`return total / len"]),
        (forgets_return, ["correlate2d's output is None: did you forget the `return`"]),
        (lambda image, kernel: "37 47 67 77", ["is a str"]),
        (lambda image, kernel: [[1, 2], [3]], ["not a rectangular array of numbers"]),
        (lambda image, kernel: {"a": 1}, ["is a dict"]),
        (42, ["correlate2d must be a function; got int"]),
        (endless, [f"was stopped after {TIME_LIMIT:g} s"]),
    ],
)
def test_misbehaving_code_gets_feedback(student, says):
    start = time.perf_counter()
    feedback = CODE_EXERCISES["correlate2d"](student)
    assert feedback.status == "wrong"
    for text in says:
        assert text in feedback.message, feedback.message
    assert time.perf_counter() - start < 4 * TIME_LIMIT  # the endless loop was stopped, not waited for


def test_the_time_limit_also_works_outside_the_main_thread():
    import threading

    found = {}
    worker = threading.Thread(target=lambda: found.update(feedback=CODE_EXERCISES["correlate2d"](endless)))
    worker.start()
    worker.join(4 * TIME_LIMIT)
    assert not worker.is_alive() and "was stopped after" in found["feedback"].message
    # the student's endless loop ran in a thread of its own: it must not spin on after the
    # feedback (holding the GIL, it would slow every later cell or test several times over)
    deadline = time.perf_counter() + 2
    while _threads_running(endless) and time.perf_counter() < deadline:
        time.sleep(0.05)
    assert not _threads_running(endless)


def _threads_running(function):
    """Threads whose current stack is inside ``function``."""
    import sys
    import threading

    frames = sys._current_frames()
    running = []
    for thread in threading.enumerate():
        frame = frames.get(thread.ident)
        while frame is not None:
            if frame.f_code is function.__code__:
                running.append(thread)
                break
            frame = frame.f_back
    return running


@pytest.mark.parametrize(
    "student, says",
    [
        (lambda n, k, s=1, p=0, d=1: (n + 2 * p - d * (k - 1) - 1) / s + 1, "which is not a whole number"),
        (lambda n, k, s=1, p=0, d=1: (30, 30), "of type tuple; expected one whole number"),
        (lambda n, k, s=1, p=0, d=1: True, "of type bool"),
    ],
)
def test_output_size_wrong_types(student, says):
    feedback = CODE_EXERCISES["output_size"](student)
    assert feedback.status == "wrong" and says in feedback.message


def test_conv_backward_wrong_structure():
    feedback = CODE_EXERCISES["conv_backward"](lambda x, w, g, s, p: conv_backward_loops(x, w, g, s, p)[:2])
    assert "must return three arrays, (dx, dweights, dbias); got tuple of length 2" in feedback.message


def test_conv2d_with_wrong_weight_shape_or_missing_gradients():
    class Swapped(worked.Conv2d):
        def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0):
            super().__init__(out_channels, in_channels, kernel_size, stride, padding)

    feedback = CODE_EXERCISES["Conv2d"](Swapped)
    assert "Swapped(1, 1, 2).weights" not in feedback.message or feedback.status == "wrong"
    feedback = CODE_EXERCISES["Conv2d"](Swapped)
    assert feedback.status == "wrong" and "expected (1, 2, 1, 1) = (out_channels, in_channels" in feedback.message

    class NoGradients(worked.Conv2d):
        def backward(self, grad_output):
            return worked.conv_backward(self.x, self.weights, grad_output, self.stride, self.padding)[0]

    feedback = CODE_EXERCISES["Conv2d"](NoGradients)
    assert "has no attribute weights_gradient" in feedback.message


def test_student_code_that_changes_its_inputs_does_not_change_the_cases():
    def correlate_in_place(image, kernel):
        result = correlate_loops(image, kernel)
        image[...] = 0
        return result

    assert CODE_EXERCISES["correlate2d"](correlate_in_place).correct
    assert CODE_EXERCISES["correlate2d"].inputs(1)[0][0, 0] == 1


def test_inputs_number_is_checked():
    with pytest.raises(ValueError, match="number must be between 1 and 7; got 8"):
        CODE_EXERCISES["correlate2d"].inputs(8)


def test_feedback_html_keeps_the_lines():
    feedback = CODE_EXERCISES["correlate2d"](flagged(correlate_loops, flip=True))
    assert "white-space:pre-wrap" in feedback._repr_html_()


def test_is_stub():
    assert is_stub(stub_function) and is_stub(StubConv2d) and is_stub(...)
    assert not is_stub(correlate_loops) and not is_stub(worked.Conv2d) and not is_stub(lambda: 0)


# ------------------------------------------------------------------ worked solutions and the layer adapter
def test_solution_prints_the_worked_code(capsys):
    solution("Conv2d")
    printed = capsys.readouterr().out
    assert printed.startswith("def conv_forward(") and "class Conv2d:" in printed
    with pytest.raises(ValueError, match=r"name must be one of correlate2d, .*; got 'conv'"):
        solution_source("conv")


def test_a_student_layer_trains_in_a_cnnedu_network():
    model = ce.Sequential(ce.Conv2d(1, 2, 3, padding=1, rng=0), ce.ReLU(), ce.Flatten(), ce.Linear(2 * 5 * 5, 3, rng=0))
    model.layers[0] = as_layer(worked.Conv2d(1, 2, 3, padding=1), start_from=model[0])
    x = np.random.default_rng(0).standard_normal((8, 1, 5, 5)).astype(np.float32)
    labels = np.arange(8) % 3
    loss_function = ce.SoftmaxCrossEntropy()
    optimizer = ce.SGD(model, learning_rate=0.1)
    losses = []
    for _ in range(20):
        losses.append(loss_function(model(x), labels))
        model.backward(loss_function.backward(), input_gradient=False)
        before = model[0].weights.copy()
        optimizer.step()
    assert not np.array_equal(before, model[0].weights)  # SGD moved the student's own array
    assert losses[-1] < 0.5 * losses[0]
    with pytest.raises(ValueError, match=r"student_layer.weights has shape \(2, 1, 3, 3\); start_from.weights"):
        as_layer(worked.Conv2d(1, 2, 3), start_from=ce.Conv2d(1, 4, 3))


def test_the_timer_restores_the_previous_alarm_handler():
    import signal

    def mine(signum, frame):
        raise AssertionError("not expected to fire")

    previous = signal.signal(signal.SIGALRM, mine)
    try:
        assert CODE_EXERCISES["output_size"](size_floor).correct
        assert signal.getsignal(signal.SIGALRM) is mine
    finally:
        signal.signal(signal.SIGALRM, previous)
