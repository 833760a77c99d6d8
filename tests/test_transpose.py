"""Transposed convolution: fast vs the stamping loop vs PyTorch, the identity
with the input gradient of conv2d, numerical gradients, the layer, and the
errors for impossible settings."""

import numpy as np
import pytest

import cnnedu as ce
from cnnedu.transpose import convolution_matrix, stamp_layout

CASES = [
    # (N, C_in, H, W, C_out, kh, kw, stride, padding, output_padding, dilation)
    (1, 1, 3, 3, 1, 3, 3, 1, 0, 0, 1),
    (2, 2, 4, 5, 3, 3, 3, 2, 1, 1, 1),  # the usual stride-2 upsampler, non-square input
    (3, 1, 4, 4, 2, 4, 4, 2, 1, 0, 1),  # kernel divisible by the stride
    (1, 3, 3, 2, 2, 2, 3, 3, 0, 2, 1),  # stride 3, output_padding 2, non-square kernel
    (2, 2, 3, 4, 1, 3, 2, 1, 1, 1, 2),  # dilation 2 allows output_padding 1 with stride 1
    (1, 2, 2, 3, 2, 5, 5, 2, 3, 1, 1),  # padding cuts into the stamps
    (2, 1, 5, 5, 2, 1, 1, 2, 0, 1, 1),  # 1x1 kernel: stamps do not touch, gaps between them
    (1, 1, 2, 2, 1, 3, 3, 2, 0, 1, 1),  # output_padding adds a row and column no stamp reaches
]


def _random_case(generator, case):
    n, c_in, h, w, c_out, kh, kw = case[:7]
    x = generator.normal(size=(n, c_in, h, w))
    weights = generator.normal(size=(c_in, c_out, kh, kw))
    bias = generator.normal(size=c_out)
    return x, weights, bias


def _settings(case):
    stride, padding, output_padding, dilation = case[7:]
    return {"stride": stride, "padding": padding, "output_padding": output_padding, "dilation": dilation}


def _by_definition(x, weights, bias, stride, padding, output_padding, dilation):
    """A third, index-by-index reference: each output cell gathers every
    (input cell, kernel entry) pair that lands on it."""
    n, _c_in, h, w = x.shape
    _, c_out, kh, kw = weights.shape
    out_h = (h - 1) * stride - 2 * padding + dilation * (kh - 1) + output_padding + 1
    out_w = (w - 1) * stride - 2 * padding + dilation * (kw - 1) + output_padding + 1
    y = np.zeros((n, c_out, out_h, out_w))
    for r in range(out_h):
        for c in range(out_w):
            for i in range(h):
                for a in range(kh):
                    if i * stride + a * dilation - padding != r:
                        continue
                    for j in range(w):
                        for b in range(kw):
                            if j * stride + b * dilation - padding == c:
                                y[:, :, r, c] += x[:, :, i, j] @ weights[:, :, a, b]
    return y + bias[:, None, None]


@pytest.mark.parametrize("case", CASES)
def test_fast_loop_and_definition_agree(rng, case):
    x, weights, bias = _random_case(rng, case)
    settings = _settings(case)
    fast = ce.conv_transpose2d(x, weights, bias, **settings)
    loop = ce.conv_transpose2d_loop(x, weights, bias, **settings)
    reference = _by_definition(x, weights, bias, **settings)
    height = ce.transposed_output_size(case[2], case[5], **settings)
    width = ce.transposed_output_size(case[3], case[6], **settings)
    assert fast.shape == loop.shape == reference.shape == (case[0], case[4], height, width)
    np.testing.assert_allclose(fast, reference, atol=1e-10)
    np.testing.assert_allclose(loop, reference, atol=1e-10)


@pytest.mark.parametrize("case", CASES)
def test_forward_and_backward_match_pytorch(torch, rng, case):
    x, weights, bias = _random_case(rng, case)
    settings = _settings(case)
    y, cache = ce.conv_transpose2d_forward(x, weights, bias, **settings)
    grad_output = rng.normal(size=y.shape)
    grad_x, grad_weights, grad_bias = ce.conv_transpose2d_backward(grad_output, cache)

    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, weights, bias))
    ty = torch.nn.functional.conv_transpose2d(tx, tw, tb, **settings)
    ty.backward(torch.from_numpy(grad_output))
    np.testing.assert_allclose(y, ty.detach().numpy(), atol=1e-10)
    np.testing.assert_allclose(grad_x, tx.grad.numpy(), atol=1e-10)
    np.testing.assert_allclose(grad_weights, tw.grad.numpy(), atol=1e-10)
    np.testing.assert_allclose(grad_bias, tb.grad.numpy(), atol=1e-10)


def test_random_settings_match_pytorch(torch):
    generator = np.random.default_rng(9)
    tried = 0
    while tried < 60:
        stride, dilation = int(generator.integers(1, 4)), int(generator.integers(1, 3))
        kh, kw = (int(k) for k in generator.integers(1, 6, size=2))
        padding = int(generator.integers(0, 3))
        output_padding = int(generator.integers(0, max(stride, dilation)))
        h, w = (int(v) for v in generator.integers(1, 6, size=2))
        settings = {"stride": stride, "padding": padding, "output_padding": output_padding, "dilation": dilation}
        try:
            ce.transposed_output_size(h, kh, **settings), ce.transposed_output_size(w, kw, **settings)
        except ValueError:
            continue  # padding cuts away everything: PyTorch refuses too
        tried += 1
        n, c_in, c_out = (int(v) for v in generator.integers(1, 4, size=3))
        x = generator.normal(size=(n, c_in, h, w))
        weights = generator.normal(size=(c_in, c_out, kh, kw))
        bias = generator.normal(size=c_out)
        y, cache = ce.conv_transpose2d_forward(x, weights, bias, **settings)
        grad_output = generator.normal(size=y.shape)
        grads = ce.conv_transpose2d_backward(grad_output, cache)
        tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, weights, bias))
        ty = torch.nn.functional.conv_transpose2d(tx, tw, tb, **settings)
        ty.backward(torch.from_numpy(grad_output))
        np.testing.assert_allclose(y, ty.detach().numpy(), atol=1e-10, err_msg=str(settings))
        for ours, theirs in zip(grads, (tx.grad, tw.grad, tb.grad), strict=True):
            np.testing.assert_allclose(ours, theirs.numpy(), atol=1e-10, err_msg=str(settings))


@pytest.mark.parametrize(
    "n, c_in, h, w, c_out, k, stride, padding",
    [
        (1, 1, 3, 3, 1, 2, 1, 0),
        (2, 2, 7, 7, 3, 3, 2, 1),
        (2, 3, 8, 6, 2, 3, 2, 1),
        (1, 2, 10, 10, 2, 4, 3, 2),
        (1, 1, 6, 6, 1, 2, 2, 0),
    ],
)
def test_equals_the_input_gradient_of_conv2d(rng, n, c_in, h, w, c_out, k, stride, padding):
    """The identity of the lesson: conv_transpose2d(dJ/dy, W) is conv2d's dJ/dx, with the
    output_padding that gives back the input size the floor in conv2d's formula forgot."""
    x = rng.normal(size=(n, c_in, h, w))
    weights = rng.normal(size=(c_out, c_in, k, k))  # conv2d's (C_out, C_in, k, k): the transpose's (C_in, C_out, k, k)
    y, cache = ce.conv2d_forward(x, weights, None, stride, padding)
    grad_output = rng.normal(size=y.shape)
    grad_x, _, _ = ce.conv2d_backward(grad_output, cache)
    extra = (h + 2 * padding - k) % stride  # rows the convolution's floor dropped (the same for columns here)
    assert extra == (w + 2 * padding - k) % stride
    upsampled = ce.conv_transpose2d(grad_output, weights, stride=stride, padding=padding, output_padding=extra)
    np.testing.assert_allclose(upsampled, grad_x, atol=1e-10)


def test_backward_is_the_forward_convolution(rng):
    """The other way round: the transposed convolution's dJ/dx is conv2d's forward."""
    x = rng.normal(size=(2, 3, 4, 4))
    weights = rng.normal(size=(3, 2, 3, 3))
    y, cache = ce.conv_transpose2d_forward(x, weights, stride=2, padding=1, output_padding=1)
    grad_output = rng.normal(size=y.shape)  # (2, 2, 8, 8)
    grad_x, _, grad_bias = ce.conv_transpose2d_backward(grad_output, cache)
    forward_conv, _ = ce.conv2d_forward(grad_output, weights, None, stride=2, padding=1)
    np.testing.assert_allclose(grad_x, forward_conv, atol=1e-10)
    assert grad_bias is None


@pytest.mark.parametrize("case", CASES[:6])
def test_gradients_match_central_differences(rng, case):
    x, weights, bias = _random_case(rng, case)
    settings = _settings(case)
    y, cache = ce.conv_transpose2d_forward(x, weights, bias, **settings)
    weight_of_each_output = rng.normal(size=y.shape)
    grad_x, grad_weights, grad_bias = ce.conv_transpose2d_backward(weight_of_each_output, cache)

    def loss():
        return float(np.sum(ce.conv_transpose2d_loop(x, weights, bias, **settings) * weight_of_each_output))

    assert ce.gradient_check(loss, x, grad_x) < 1e-7
    assert ce.gradient_check(loss, weights, grad_weights) < 1e-7
    assert ce.gradient_check(loss, bias, grad_bias) < 1e-7


def test_input_gradient_false_skips_only_dx(rng):
    x, weights, bias = _random_case(rng, CASES[1])
    y, cache = ce.conv_transpose2d_forward(x, weights, bias, **_settings(CASES[1]))
    grad_output = rng.normal(size=y.shape)
    full = ce.conv_transpose2d_backward(grad_output, cache)
    skipped = ce.conv_transpose2d_backward(grad_output, cache, input_gradient=False)
    assert skipped[0] is None
    np.testing.assert_allclose(skipped[1], full[1])
    np.testing.assert_allclose(skipped[2], full[2])


def test_float32_stays_float32(rng):
    x = rng.normal(size=(2, 2, 3, 3)).astype(np.float32)
    weights = rng.normal(size=(2, 3, 3, 3)).astype(np.float32)
    y, cache = ce.conv_transpose2d_forward(x, weights, np.zeros(3, np.float32), stride=2)
    assert y.dtype == np.float32
    grad_x, grad_weights, grad_bias = ce.conv_transpose2d_backward(np.ones_like(y), cache)
    assert grad_x.dtype == grad_weights.dtype == grad_bias.dtype == np.float32


@pytest.mark.parametrize(
    "n, k, stride, padding, output_padding, dilation, expected",
    [
        (4, 3, 2, 1, 0, 1, 7),
        (4, 3, 2, 1, 1, 1, 8),
        (4, 4, 2, 1, 0, 1, 8),
        (2, 3, 1, 0, 0, 1, 4),  # stride 1, no padding: the full convolution's n + k - 1
        (3, 3, 1, 0, 1, 2, 8),  # dilation 2: 2 * 2 + 2 + 1 + 1
        (1, 1, 3, 0, 2, 1, 3),
    ],
)
def test_output_size_formula(n, k, stride, padding, output_padding, dilation, expected):
    assert ce.transposed_output_size(n, k, stride, padding, output_padding, dilation) == expected


@pytest.mark.parametrize(
    "n, k, stride, padding", [(5, 3, 2, 1), (8, 3, 2, 1), (7, 5, 3, 2), (6, 4, 2, 1), (9, 3, 1, 1)]
)
def test_output_padding_recovers_every_input_size_of_a_convolution(n, k, stride, padding):
    """Dumoulin & Visin: a convolution maps n to o; the transposed one with output_padding
    a = (n + 2p - k) mod s maps o back to n."""
    o = ce.output_size(n, k, stride, padding)
    a = (n + 2 * padding - k) % stride
    assert ce.transposed_output_size(o, k, stride, padding, output_padding=a) == n


def test_stamp_layout_counts_are_the_stamps_overlap():
    layout = stamp_layout(4, 3, stride=2, padding=1)
    assert layout.output_size == 7 and layout.computed_shape == (1, 1, 7, 7)
    assert layout.taps.tolist() == [[0, 1, 2], [2, 3, 4], [4, 5, 6], [6, 7, 8]]
    assert layout.counts_1d.tolist() == [1, 1, 2, 1, 2, 1, 2, 1, 1]
    kept = layout.counts_1d[layout.kept[0] : layout.kept[1]]
    np.testing.assert_array_equal(layout.counts, np.outer(kept, kept))  # rows times columns
    even = stamp_layout(4, 4, stride=2, padding=1)
    assert set(np.unique(even.counts[1:-1, 1:-1])) == {4.0}  # kernel divisible by the stride: even overlap


def test_stamp_layout_with_output_padding_reaching_past_the_stamps():
    layout = stamp_layout(2, 3, stride=2, output_padding=1)
    assert layout.full_size == 6 and layout.kept == (0, 6)
    assert layout.counts[:, -1].tolist() == [0.0] * 6  # the added column: no stamp reaches it


def test_convolution_matrix_and_its_transpose():
    kernel = np.array([1.0, 2.0, 3.0])
    x = np.array([1.0, -1.0, 2.0, 0.0, 3.0])
    matrix = convolution_matrix(5, kernel, stride=2)
    assert matrix.shape == (2, 5)
    conv, _ = ce.conv2d_forward(x[None, None, None], kernel[None, None, None], stride=2)
    np.testing.assert_allclose(matrix @ x, conv.ravel())
    y = np.array([2.0, -1.0])
    transposed = ce.conv_transpose2d(y[None, None, None], kernel[None, None, None], stride=2)
    np.testing.assert_allclose(matrix.T @ y, transposed.ravel())


def test_convolution_matrix_with_padding_leaves_the_padding_columns_out():
    kernel = np.array([1.0, 2.0, 3.0])
    x = np.array([1.0, -1.0, 2.0, 0.0, 3.0])
    matrix = convolution_matrix(5, kernel, stride=2, padding=1)
    assert matrix.shape == (3, 5)  # floor((5 + 2 - 3) / 2) + 1 rows
    padded = np.concatenate([[0.0], x, [0.0]])
    np.testing.assert_allclose(matrix @ x, [padded[r * 2 : r * 2 + 3] @ kernel for r in range(3)])
    assert matrix[0].tolist() == [2.0, 3.0, 0.0, 0.0, 0.0]  # k1 meets the padding zero


def test_convolution_matrix_rejects_a_kernel_that_does_not_fit():
    with pytest.raises(ValueError, match="does not fit"):
        convolution_matrix(2, [1, 2, 3])


# --- the layer ---


def test_layer_forward_and_backward_match_the_functions(rng):
    layer = ce.ConvTranspose2d(2, 3, kernel_size=3, stride=2, padding=1, output_padding=1, rng=0)
    layer.bias = rng.normal(size=3)
    x = rng.normal(size=(4, 2, 5, 5))
    y = layer(x)
    assert y.shape == (4, 3, 10, 10)
    np.testing.assert_allclose(y, ce.conv_transpose2d_loop(x, layer.weights, layer.bias, 2, 1, 1))
    weight_of_each_output = rng.normal(size=y.shape)
    grad_x = layer.backward(weight_of_each_output)

    def loss():
        return float(np.sum(layer(x) * weight_of_each_output))

    layer(x)
    assert ce.gradient_check(loss, layer.weights, layer.weights_gradient) < 1e-7
    assert ce.gradient_check(loss, layer.bias, layer.bias_gradient) < 1e-7
    assert ce.gradient_check(loss, x, grad_x) < 1e-7


def test_layer_matches_pytorch_module(torch, rng):
    layer = ce.ConvTranspose2d(3, 2, kernel_size=4, stride=2, padding=1, rng=1)
    module = torch.nn.ConvTranspose2d(3, 2, kernel_size=4, stride=2, padding=1).double()
    with torch.no_grad():
        module.weight.copy_(torch.from_numpy(layer.weights))
        module.bias.copy_(torch.from_numpy(layer.bias))
    x = rng.normal(size=(2, 3, 4, 4))
    tx = torch.tensor(x, requires_grad=True)
    ty = module(tx)
    y = layer(x)
    np.testing.assert_allclose(y, ty.detach().numpy(), atol=1e-10)
    grad_output = rng.normal(size=y.shape)
    ty.backward(torch.from_numpy(grad_output))
    np.testing.assert_allclose(layer.backward(grad_output), tx.grad.numpy(), atol=1e-10)
    np.testing.assert_allclose(layer.weights_gradient, module.weight.grad.numpy(), atol=1e-10)
    np.testing.assert_allclose(layer.bias_gradient, module.bias.grad.numpy(), atol=1e-10)


def test_layer_trains_in_a_sequential_with_sgd(rng):
    model = ce.Sequential(ce.ConvTranspose2d(1, 1, kernel_size=2, stride=2, rng=0))
    target_weights = np.array([[[[1.0, -1.0], [2.0, 0.5]]]])
    x = rng.normal(size=(8, 1, 3, 3))
    target = ce.conv_transpose2d(x, target_weights, stride=2)
    optimizer = ce.SGD(model, learning_rate=0.1, momentum=0.5)
    for _ in range(200):
        difference = model(x) - target
        model.backward(2 * difference / difference.size, input_gradient=False)
        optimizer.step()
    np.testing.assert_allclose(model[0].weights, target_weights, atol=1e-3)


def test_layer_initial_scale_and_repr():
    layer = ce.ConvTranspose2d(16, 8, kernel_size=4, stride=2, padding=1, rng=0)
    fan_in = 16 * 4 * 4 / 2**2  # stamps that reach an output cell
    assert abs(layer.weights.std() - np.sqrt(2 / fan_in)) < 0.1 * np.sqrt(2 / fan_in)
    assert np.all(layer.bias == 0)
    assert repr(layer) == "ConvTranspose2d(16, 8, kernel_size=4, stride=2, padding=1)"
    assert "output_padding=1" in repr(ce.ConvTranspose2d(1, 1, 3, stride=2, output_padding=1))


def test_layer_backward_before_forward_and_wrong_channels():
    layer = ce.ConvTranspose2d(2, 1, kernel_size=3)
    with pytest.raises(RuntimeError, match="before forward"):
        layer.backward(np.zeros((1, 1, 5, 5)))
    with pytest.raises(ValueError, match=r"expects x with 2 channels.*got shape \(1, 3, 4, 4\)"):
        layer(np.zeros((1, 3, 4, 4)))


# --- errors ---


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"stride": 0}, ValueError, "stride must be at least 1; got 0"),
        ({"padding": -1}, ValueError, "padding must not be negative; got -1"),
        ({"dilation": 0}, ValueError, "dilation must be at least 1; got 0"),
        ({"output_padding": -1}, ValueError, "output_padding must not be negative; got -1"),
        (
            {"stride": 2, "output_padding": 2},
            ValueError,
            "output_padding must be smaller than the stride or the dilation; "
            "got output_padding=2 with stride=2 and dilation=1",
        ),
        ({"output_padding": 1}, ValueError, "output_padding must be smaller than the stride or the dilation"),
        ({"stride": 2.0}, TypeError, "stride must be an integer"),
        ({"padding": 4}, ValueError, "padding=4 cuts away the whole output"),
    ],
)
def test_invalid_settings_name_the_argument(kwargs, error, message):
    settings = {"stride": 1, "padding": 0, "output_padding": 0, "dilation": 1, **kwargs}
    x, weights = np.ones((1, 1, 2, 2)), np.ones((1, 1, 3, 3))
    for call in (
        lambda: ce.conv_transpose2d(x, weights, **settings),
        lambda: ce.conv_transpose2d_loop(x, weights, **settings),
        lambda: ce.transposed_output_size(2, 3, **settings),
    ):
        with pytest.raises(error, match=message):
            call()
    if "cuts away" not in message:  # the layer does not know the input size yet
        with pytest.raises(error, match=message):
            ce.ConvTranspose2d(1, 1, 3, **settings)


@pytest.mark.parametrize(
    "args, message",
    [
        ((np.ones((2, 2)), np.ones((1, 1, 3, 3))), r"x must be 4-D; got ndim=2"),
        ((np.ones((1, 2, 3, 3)), np.ones((1, 1, 3, 3))), r"x has 2 channels .* expect C_in=1"),
        (
            (np.ones((1, 1, 3, 3)), np.ones((1, 2, 3, 3)), np.ones(3)),
            r"bias must have shape \(C_out,\) = \(2,\); got \(3,\)",
        ),
    ],
)
def test_invalid_arrays(args, message):
    with pytest.raises(ValueError, match=message):
        ce.conv_transpose2d(*args)


def test_backward_rejects_a_gradient_of_the_wrong_shape():
    _, cache = ce.conv_transpose2d_forward(np.ones((1, 1, 2, 2)), np.ones((1, 1, 3, 3)), stride=2)
    message = r"grad_output must have the shape of the forward output \(1, 1, 5, 5\); got \(1, 1, 4, 4\)"
    with pytest.raises(ValueError, match=message):
        ce.conv_transpose2d_backward(np.ones((1, 1, 4, 4)), cache)
