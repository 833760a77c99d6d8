"""The full layer API as PyTorch has it: kernel, stride, padding and dilation
as ints or pairs, padding 'valid'/'same', bias=False, pooling with padding.

Checked three ways: against PyTorch CPU over seeded random settings (forward
and every gradient), against the loop versions, and against central
differences (which need no PyTorch). Then the errors a student can meet.
"""

import numpy as np
import pytest

import cnnedu as ce
from cnnedu import conv
from cnnedu.pooling import PoolCache


def _pair(value):
    return value if isinstance(value, tuple) else (value, value)


def _random_conv_setting(generator):
    """One random PyTorch-style Conv2d setting, on an input the kernel fits."""
    kernel = tuple(int(k) for k in generator.integers(1, 5, size=2))
    dilation = tuple(int(d) for d in generator.integers(1, 4, size=2))
    stride = tuple(int(s) for s in generator.integers(1, 4, size=2))
    choice = generator.integers(0, 6)
    if choice == 0:
        padding, stride = "same", (1, 1)
    elif choice == 1:
        padding = "valid"
    elif choice == 2:
        padding = int(generator.integers(0, 3))
    else:
        padding = tuple(int(p) for p in generator.integers(0, 3, size=2))
    # ints where both axes agree, half of the time: both spellings must work
    kernel, dilation, stride = (
        v[0] if v[0] == v[1] and generator.random() < 0.5 else v for v in (kernel, dilation, stride)
    )
    spans = [_pair(dilation)[a] * (_pair(kernel)[a] - 1) + 1 for a in range(2)]
    height, width = (int(span + generator.integers(0, 6)) for span in spans)
    return {
        "n": int(generator.integers(1, 4)),
        "c_in": int(generator.integers(1, 4)),
        "c_out": int(generator.integers(1, 4)),
        "size": (height, width),
        "kernel": kernel,
        "stride": stride,
        "padding": padding,
        "dilation": dilation,
        "bias": bool(generator.random() < 0.7),
    }


def _conv_data(generator, s):
    kh, kw = _pair(s["kernel"])
    x = generator.normal(size=(s["n"], s["c_in"], *s["size"]))
    weights = generator.normal(size=(s["c_out"], s["c_in"], kh, kw))
    bias = generator.normal(size=s["c_out"]) if s["bias"] else None
    return x, weights, bias


def _torch_conv(torch, x, weights, bias, s, grad_output=None):
    """PyTorch's forward, and its gradients for ``grad_output`` (None: forward only)."""
    tx, tw = (torch.tensor(a, requires_grad=True) for a in (x, weights))
    tb = None if bias is None else torch.tensor(bias, requires_grad=True)
    ty = torch.nn.functional.conv2d(tx, tw, tb, stride=s["stride"], padding=s["padding"], dilation=s["dilation"])
    if grad_output is None:
        return ty.detach().numpy()
    ty.backward(torch.from_numpy(grad_output))
    return ty.detach().numpy(), tx.grad.numpy(), tw.grad.numpy(), None if tb is None else tb.grad.numpy()


# PyTorch warns that 'same' with an even kernel span copies the input (it pads it first, as cnnedu always does)
pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel lengths")

SETTINGS = [_random_conv_setting(np.random.default_rng(seed)) for seed in range(80)]


def test_the_random_settings_cover_what_they_should():
    """The seeded settings really include every option (a guard for the tests that use them)."""
    assert any(
        s["padding"] == "same"
        and any(d * (k - 1) % 2 for d, k in zip(_pair(s["dilation"]), _pair(s["kernel"]), strict=True))
        for s in SETTINGS
    )  # 'same' with an odd total padding: the asymmetric case
    assert any(s["padding"] == "valid" for s in SETTINGS)
    assert any(isinstance(s["padding"], tuple) and s["padding"][0] != s["padding"][1] for s in SETTINGS)
    assert any(isinstance(s["stride"], tuple) and s["stride"][0] != s["stride"][1] for s in SETTINGS)
    assert any(isinstance(s["dilation"], tuple) and s["dilation"][0] != s["dilation"][1] for s in SETTINGS)
    assert any(isinstance(s["kernel"], tuple) and s["kernel"][0] != s["kernel"][1] for s in SETTINGS)
    assert any(isinstance(s["kernel"], int) for s in SETTINGS)
    assert any(not s["bias"] for s in SETTINGS) and any(
        s["n"] > 1 and s["c_in"] > 1 and s["c_out"] > 1 for s in SETTINGS
    )


@pytest.mark.parametrize("setting", SETTINGS, ids=range(len(SETTINGS)))
def test_conv2d_forward_and_backward_match_pytorch(torch, setting):
    generator = np.random.default_rng(1)
    x, weights, bias = _conv_data(generator, setting)
    y, cache = ce.conv2d_forward(x, weights, bias, setting["stride"], setting["padding"], setting["dilation"])
    grad_output = generator.normal(size=y.shape)
    theirs = _torch_conv(torch, x, weights, bias, setting, grad_output)
    assert y.shape == theirs[0].shape
    ours = (y, *ce.conv2d_backward(grad_output, cache))
    for name, a, b in zip(("y", "dx", "dweights", "dbias"), ours, theirs, strict=True):
        if b is None:
            assert a is None, f"{name} should be None without a bias"
            continue
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-10, err_msg=f"{name} differs from PyTorch for {setting}")


@pytest.mark.parametrize("setting", SETTINGS[:25], ids=range(25))
def test_the_loop_versions_equal_the_fast_pair(setting):
    generator = np.random.default_rng(2)
    x, weights, bias = _conv_data(generator, setting)
    arguments = (setting["stride"], setting["padding"], setting["dilation"])
    y, cache = ce.conv2d_forward(x, weights, bias, *arguments)
    y_loop, loop_cache = ce.conv2d_forward_loop(x, weights, bias, *arguments)
    grad_output = generator.normal(size=y.shape)
    np.testing.assert_allclose(y_loop, y, atol=1e-10)
    for fast, loop in zip(
        ce.conv2d_backward(grad_output, cache), ce.conv2d_backward_loop(grad_output, loop_cache), strict=True
    ):
        if fast is None:
            assert loop is None
        else:
            np.testing.assert_allclose(loop, fast, atol=1e-10)


@pytest.mark.parametrize("setting", SETTINGS[:12], ids=range(12))
def test_layer_matches_torch_nn_conv2d(torch, setting):
    s = setting
    ours = ce.Conv2d(
        s["c_in"],
        s["c_out"],
        s["kernel"],
        stride=s["stride"],
        padding=s["padding"],
        dilation=s["dilation"],
        bias=s["bias"],
        rng=3,
    )
    theirs = torch.nn.Conv2d(
        s["c_in"],
        s["c_out"],
        s["kernel"],
        stride=s["stride"],
        padding=s["padding"],
        dilation=s["dilation"],
        bias=s["bias"],
        dtype=torch.float64,
    )
    generator = np.random.default_rng(4)
    if s["bias"]:
        ours.bias = generator.normal(size=s["c_out"])
    with torch.no_grad():
        theirs.weight.copy_(torch.from_numpy(ours.weights))
        if s["bias"]:
            theirs.bias.copy_(torch.from_numpy(ours.bias))
    x = generator.normal(size=(s["n"], s["c_in"], *s["size"]))
    y = ours(x)
    grad_output = generator.normal(size=y.shape)
    tx = torch.tensor(x, requires_grad=True)
    ty = theirs(tx)
    ty.backward(torch.from_numpy(grad_output))
    np.testing.assert_allclose(y, ty.detach().numpy(), atol=1e-10)
    np.testing.assert_allclose(ours.backward(grad_output), tx.grad.numpy(), atol=1e-10)
    np.testing.assert_allclose(ours.weights_gradient, theirs.weight.grad.numpy(), atol=1e-10)
    if s["bias"]:
        np.testing.assert_allclose(ours.bias_gradient, theirs.bias.grad.numpy(), atol=1e-10)
    else:
        assert ours.bias is None and theirs.bias is None and ours.bias_gradient is None
    assert ours.parameter_count() == sum(p.numel() for p in theirs.parameters())


@pytest.mark.parametrize("kernel, dilation", [((2, 2), 1), ((1, 4), (1, 1)), ((3, 2), (1, 3)), ((4, 1), 2)])
def test_same_padding_puts_the_odd_cell_bottom_right_like_pytorch(torch, rng, kernel, dilation):
    x = rng.normal(size=(2, 2, 6, 7))
    weights = rng.normal(size=(3, 2, *kernel))
    setting = {"stride": 1, "padding": "same", "dilation": dilation}
    y, cache = ce.conv2d_forward(x, weights, None, 1, "same", dilation)
    grad_output = rng.normal(size=y.shape)
    theirs = _torch_conv(torch, x, weights, None, setting, grad_output)
    assert y.shape == (2, 3, 6, 7)
    for a, b in zip((y, *ce.conv2d_backward(grad_output, cache)[:2]), theirs[:3], strict=True):
        np.testing.assert_allclose(a, b, atol=1e-10)


def test_same_padding_by_hand():
    """A 1x2 kernel [1, 10] on the row [1, 2, 3] with 'same': one zero, at the right."""
    y, _ = ce.conv2d_forward(np.array([[[[1.0, 2.0, 3.0]]]]), np.array([[[[1.0, 10.0]]]]), padding="same")
    np.testing.assert_array_equal(y[0, 0, 0], [1 + 20, 2 + 30, 3 + 0])
    assert conv.conv_padding("same", (4, 3), dilation=(1, 2)) == ((1, 2), (2, 2))
    assert conv.conv_padding("valid", 7) == ((0, 0), (0, 0))
    assert conv.conv_padding((2, 0), 3) == ((2, 2), (0, 0))


def test_dilation_by_hand():
    """Dilation 2 spreads a 2x2 kernel over the corners of 3x3 windows."""
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    y, _ = ce.conv2d_forward(x, np.array([[[[1.0, 2.0], [3.0, 4.0]]]]), dilation=2)
    corners = [
        [x[0, 0, r, c] + 2 * x[0, 0, r, c + 2] + 3 * x[0, 0, r + 2, c] + 4 * x[0, 0, r + 2, c + 2] for c in range(2)]
        for r in range(2)
    ]
    np.testing.assert_array_equal(y[0, 0], corners)


@pytest.mark.parametrize("stride, dilation", [(1, (2, 3)), ((2, 1), 2)])
def test_batches_with_dilation_equal_the_loop(rng, stride, dilation):
    x = rng.normal(size=(5, 2, 9, 10))
    weights = rng.normal(size=(3, 2, 3, 2))
    bias = rng.normal(size=3)
    y_loop, loop_cache = ce.conv2d_forward_loop(x, weights, bias, stride, (1, 2), dilation)
    grad_output = rng.normal(size=y_loop.shape)
    y, cache = ce.conv2d_forward(x, weights, bias, stride, (1, 2), dilation)
    np.testing.assert_allclose(y, y_loop, atol=1e-12)
    for fast, loop in zip(
        ce.conv2d_backward(grad_output, cache), ce.conv2d_backward_loop(grad_output, loop_cache), strict=True
    ):
        np.testing.assert_allclose(fast, loop, atol=1e-12)


def test_a_dilated_kernel_taller_than_the_output_equals_the_loop(rng):
    """dh*(kh - 1) > H_out: the windows overlap in few rows, and col2im still adds them right."""
    x = rng.normal(size=(2, 1, 9, 5))
    weights = rng.normal(size=(2, 1, 3, 2))
    y, cache = ce.conv2d_forward(x, weights, None, 1, 0, (3, 1))  # span 7 rows, H_out 3 < 6
    assert 3 * (3 - 1) > y.shape[2]
    grad_output = rng.normal(size=y.shape)
    _, loop_cache = ce.conv2d_forward_loop(x, weights, None, 1, 0, (3, 1))
    for fast, loop in zip(
        ce.conv2d_backward(grad_output, cache)[:2], ce.conv2d_backward_loop(grad_output, loop_cache)[:2], strict=True
    ):
        np.testing.assert_allclose(fast, loop, atol=1e-12)


@pytest.mark.parametrize("setting", [SETTINGS[k] for k in (0, 3, 5, 8, 13, 21)], ids=lambda s: repr(s)[:60])
def test_layer_gradients_match_central_differences(setting):
    """No PyTorch needed: every gradient of the layer against central differences."""
    s = setting
    generator = np.random.default_rng(5)
    layer = ce.Conv2d(
        s["c_in"],
        s["c_out"],
        s["kernel"],
        stride=s["stride"],
        padding=s["padding"],
        dilation=s["dilation"],
        bias=s["bias"],
        rng=6,
    )
    if s["bias"]:
        layer.bias = generator.normal(size=s["c_out"])
    x = generator.normal(size=(s["n"], s["c_in"], *s["size"]))
    grad_output = generator.normal(size=layer(x).shape)
    grad_x = layer.backward(grad_output)
    loss = lambda: float(np.sum(layer(x) * grad_output))  # noqa: E731
    assert ce.gradient_check(loss, x, grad_x) < 1e-6
    for name in layer.parameter_names:
        assert ce.gradient_check(loss, getattr(layer, name), getattr(layer, name + "_gradient").copy()) < 1e-6
    assert layer.parameter_names == (("weights", "bias") if s["bias"] else ("weights",))


# --- pooling ------------------------------------------------------------------


def _random_pool_setting(generator):
    window = tuple(int(k) for k in generator.integers(1, 5, size=2))
    stride = None if generator.random() < 0.3 else tuple(int(s) for s in generator.integers(1, 4, size=2))
    padding = tuple(int(generator.integers(0, k // 2 + 1)) for k in window)
    if window[0] == window[1] and generator.random() < 0.5:
        window = window[0]
    if padding[0] == padding[1] and generator.random() < 0.5:
        padding = padding[0]
    return window, stride, padding


POOL_SETTINGS = [_random_pool_setting(np.random.default_rng(100 + seed)) for seed in range(40)]


@pytest.mark.parametrize("window, stride, padding", POOL_SETTINGS)
def test_pooling_with_padding_matches_pytorch(torch, window, stride, padding):
    generator = np.random.default_rng(7)
    x = generator.normal(size=(2, 3, 7, 6)) - 3.0  # mostly negative: a zero from the padding would show
    for forward, backward, torch_pool in [
        (ce.max_pool2d_forward, ce.max_pool2d_backward, torch.nn.functional.max_pool2d),
        (ce.avg_pool2d_forward, ce.avg_pool2d_backward, torch.nn.functional.avg_pool2d),
    ]:
        y, cache = forward(x, window, stride, padding)
        grad_output = generator.normal(size=y.shape)
        tx = torch.tensor(x, requires_grad=True)
        ty = torch_pool(tx, window, stride, padding)
        ty.backward(torch.from_numpy(grad_output))
        np.testing.assert_allclose(y, ty.detach().numpy(), atol=1e-12)
        np.testing.assert_allclose(backward(grad_output, cache), tx.grad.numpy(), atol=1e-12)


def test_the_pool_settings_cover_padding_pairs_and_defaults():
    assert any(isinstance(p, tuple) and p[0] != p[1] for _, _, p in POOL_SETTINGS)
    assert any(s is None for _, s, p in POOL_SETTINGS if p not in (0, (0, 0)))
    assert any(isinstance(w, tuple) and w[0] != w[1] for w, _, _ in POOL_SETTINGS)


def test_pooling_layers_match_pytorch_layers(torch, rng):
    x = rng.normal(size=(2, 2, 8, 7))
    for ours, theirs in [
        (ce.MaxPool2d(3, stride=2, padding=1), torch.nn.MaxPool2d(3, stride=2, padding=1)),
        (
            ce.AvgPool2d((2, 4), stride=(1, 2), padding=(1, 2)),
            torch.nn.AvgPool2d((2, 4), stride=(1, 2), padding=(1, 2)),
        ),
    ]:
        y = ours(x)
        tx = torch.tensor(x, requires_grad=True)
        ty = theirs(tx)
        grad_output = rng.normal(size=y.shape)
        ty.backward(torch.from_numpy(grad_output))
        np.testing.assert_allclose(y, ty.detach().numpy(), atol=1e-12)
        np.testing.assert_allclose(ours.backward(grad_output), tx.grad.numpy(), atol=1e-12)


def test_max_pooling_padding_never_wins_even_against_minus_infinity(torch):
    """A window whose real cells are all -inf still gives its gradient to a real cell, as in PyTorch."""
    x = np.full((1, 1, 3, 3), -np.inf)
    x[0, 0, 2, 2] = 1.0
    y, cache = ce.max_pool2d_forward(x, 2, 2, 1)
    grad_output = np.arange(1.0, 5.0).reshape(1, 1, 2, 2)
    tx = torch.tensor(x, requires_grad=True)
    ty = torch.nn.functional.max_pool2d(tx, 2, 2, 1)
    ty.backward(torch.from_numpy(grad_output))
    np.testing.assert_array_equal(y, ty.detach().numpy())
    grad_x = ce.max_pool2d_backward(grad_output, cache)
    np.testing.assert_array_equal(grad_x, tx.grad.numpy())
    assert grad_x.sum() == grad_output.sum()  # no gradient lost in the padding


def test_pooling_padding_by_hand():
    """Max pooling pads with -inf, average pooling with zeros that count."""
    x = np.array([[-4.0, -2.0], [-6.0, -8.0]])
    np.testing.assert_array_equal(ce.max_pool2d(x, 2, padding=1), [[-4.0, -2.0], [-6.0, -8.0]])
    np.testing.assert_array_equal(ce.avg_pool2d(x, 2, padding=1), [[-1.0, -0.5], [-1.5, -2.0]])
    y, cache = ce.avg_pool2d_forward(x, 2, padding=1)
    np.testing.assert_array_equal(ce.avg_pool2d_backward(np.ones_like(y), cache), np.full((2, 2), 0.25))
    assert isinstance(cache, PoolCache) and len(cache) == 4 and cache.padding == (1, 1)


@pytest.mark.parametrize(
    "forward, backward",
    [
        (ce.max_pool2d_forward, ce.max_pool2d_backward),
        (ce.avg_pool2d_forward, ce.avg_pool2d_backward),
    ],
)
def test_pooling_with_padding_matches_central_differences(rng, forward, backward):
    x = rng.permutation(2 * 7 * 6).reshape(1, 2, 7, 6) / 5.0 - 4.1  # distinct values: no ties
    y, cache = forward(x, (3, 2), (2, 1), (1, 1))
    grad_output = rng.normal(size=y.shape)
    loss = lambda: float(np.sum(forward(x, (3, 2), (2, 1), (1, 1))[0] * grad_output))  # noqa: E731
    assert ce.gradient_check(loss, x, backward(grad_output, cache)) < 1e-6


def test_pool_cache_still_unpacks_into_four(rng):
    """Code written before padding (coverage.pool_winners, plotting) unpacks the cache into four."""
    x_shape, size, stride, winner = ce.max_pool2d_forward(rng.normal(size=(5, 5)), 3, 2, 1)[1]
    assert (x_shape, size, stride, winner.shape) == ((5, 5), 3, 2, (3, 3))
    x_shape, size, stride, winner = ce.max_pool2d_forward(rng.normal(size=(4, 4)), 2)[1]
    assert (size, stride) == (2, 2)


# --- layers: defaults, attributes, parameters ---------------------------------


def test_defaults_are_unchanged():
    """Same weights for the same seed as before (He normal, square kernel), same repr, same attributes."""
    layer = ce.Conv2d(3, 4, 3, padding=1, rng=0)
    expected = np.random.default_rng(0).standard_normal((4, 3, 3, 3)) * np.sqrt(2.0 / 27)
    np.testing.assert_array_equal(layer.weights, expected)
    assert (layer.kernel_size, layer.stride, layer.padding, layer.dilation) == (3, 1, 1, 1)
    assert repr(layer) == "Conv2d(3, 4, kernel_size=3, stride=1, padding=1)"
    assert repr(ce.MaxPool2d(2)) == "MaxPool2d(2, stride=2)"
    assert layer.parameter_names == ("weights", "bias")


def test_new_options_show_in_repr_and_attributes():
    layer = ce.Conv2d(2, 5, (3, 1), stride=(1, 2), padding=(1, 0), dilation=(2, 1), bias=False)
    assert repr(layer) == "Conv2d(2, 5, kernel_size=(3, 1), stride=(1, 2), padding=(1, 0), dilation=(2, 1), bias=False)"
    assert layer.weights.shape == (5, 2, 3, 1) and layer.bias is None and layer.parameter_count() == 30
    assert repr(ce.Conv2d(1, 1, 2, padding="same")) == "Conv2d(1, 1, kernel_size=2, stride=1, padding='same')"
    assert repr(ce.AvgPool2d([2, 3], padding=[1, 1])) == "AvgPool2d((2, 3), stride=(2, 3), padding=(1, 1))"
    fan_in = 2 * 3 * 1
    weights = ce.Conv2d(2, 500, (3, 1), rng=0).weights
    assert abs(weights.std() - np.sqrt(2.0 / fan_in)) < 0.05 * np.sqrt(2.0 / fan_in)


def test_pooling_layers_take_pytorchs_keyword_too():
    layer = ce.MaxPool2d(kernel_size=3, stride=2, padding=1)
    assert (layer.size, layer.kernel_size, layer.stride, layer.padding) == (3, 3, 2, 1)
    assert repr(layer) == "MaxPool2d(3, stride=2, padding=1)"
    np.testing.assert_array_equal(ce.AvgPool2d(kernel_size=2)(np.ones((1, 1, 4, 4))), np.ones((1, 1, 2, 2)))
    with pytest.raises(TypeError, match=r"needs the window size once: as size .* got size=2, kernel_size=2"):
        ce.MaxPool2d(2, kernel_size=2)
    with pytest.raises(TypeError, match=r"AvgPool2d needs the window size once"):
        ce.AvgPool2d()


def test_dilated_conv2d_equals_the_spread_out_kernel(rng):
    """Conv2d(dilation=2) and a 5x5 Conv2d whose kernel has zeros between the 3x3 taps: the same layer."""
    from cnnedu.effective_rf import dilate_kernel

    direct = ce.Conv2d(2, 3, 3, padding="same", dilation=2, rng=0)
    direct.bias = rng.normal(size=3)
    spread = ce.Conv2d(2, 3, 5, padding=2)
    spread.weights, spread.bias = dilate_kernel(direct.weights, 2), direct.bias.copy()
    x = rng.normal(size=(2, 2, 9, 8))
    y = direct(x)
    np.testing.assert_allclose(spread(x), y, atol=1e-12)
    grad_output = rng.normal(size=y.shape)
    np.testing.assert_allclose(spread.backward(grad_output), direct.backward(grad_output), atol=1e-12)
    np.testing.assert_allclose(spread.weights_gradient[..., ::2, ::2], direct.weights_gradient, atol=1e-12)
    np.testing.assert_allclose(spread.bias_gradient, direct.bias_gradient, atol=1e-12)


def test_training_a_layer_without_bias(rng):
    layer = ce.Conv2d(1, 2, 3, bias=False, rng=0)
    x = rng.normal(size=(2, 1, 5, 5))
    before = layer.weights.copy()
    layer(x)
    layer.backward(np.ones((2, 2, 3, 3)))
    ce.SGD([layer], learning_rate=0.1).step()
    np.testing.assert_allclose(layer.weights, before - 0.1 * layer.weights_gradient)
    assert layer.bias is None


def test_parameters_of_the_right_shape_are_accepted(rng):
    layer = ce.Conv2d(3, 4, 3)
    new_weights = rng.normal(size=(4, 3, 3, 3))
    layer.weights = new_weights
    assert layer.weights is new_weights  # kept, not copied: SGD updates it in place as before
    layer.weights = np.ones((4, 3, 3, 3), dtype=int)
    assert layer.weights.dtype == np.float64
    layer.bias = [1, 2, 3, 4]
    np.testing.assert_array_equal(layer.bias, [1.0, 2.0, 3.0, 4.0])
    layer.bias = None  # turns the bias off, as assigning None in PyTorch does
    assert layer.parameter_names == ("weights",) and layer(np.zeros((1, 3, 3, 3))).shape == (1, 4, 1, 1)


@pytest.mark.parametrize(
    "make, name, value, message",
    [
        (
            lambda: ce.Conv2d(3, 4, 3),
            "weights",
            np.zeros((4, 3, 5, 5)),
            r"Conv2d.weights must have shape \(4, 3, 3, 3\) for Conv2d\(3, 4, kernel_size=3.*got an array of "
            r"shape \(4, 3, 5, 5\)",
        ),
        (
            lambda: ce.Conv2d(3, 4, (1, 2)),
            "weights",
            np.zeros((4, 3, 2, 1)),
            r"must have shape \(4, 3, 1, 2\).*\(4, 3, 2, 1\)",
        ),
        (lambda: ce.Conv2d(3, 4, 3), "weights", np.zeros((3, 4, 3, 3)), r"must have shape \(4, 3, 3, 3\)"),
        (
            lambda: ce.Conv2d(3, 4, 3),
            "bias",
            np.zeros(3),
            r"Conv2d.bias must have shape \(4,\).*got an array of shape \(3,\)",
        ),
        (lambda: ce.Conv2d(3, 4, 3), "bias", np.zeros((4, 1)), r"Conv2d.bias must have shape \(4,\)"),
        (lambda: ce.Linear(5, 2), "weights", np.zeros((5, 2)), r"Linear.weights must have shape \(2, 5\).*\(5, 2\)"),
        (
            lambda: ce.Linear(5, 2),
            "bias",
            0.0,
            r"Linear.bias must have shape \(2,\) for Linear\(5, 2\); got an array of shape \(\)",
        ),
    ],
)
def test_parameters_of_the_wrong_shape_are_refused(make, name, value, message):
    layer = make()
    before = getattr(layer, name).copy()
    with pytest.raises(ValueError, match=message):
        setattr(layer, name, value)
    np.testing.assert_array_equal(getattr(layer, name), before)  # the old value is kept


def test_parameters_that_are_not_numbers_are_refused():
    layer = ce.Conv2d(1, 1, 2)
    with pytest.raises(TypeError, match="Conv2d.weights must be an array of numbers; got str"):
        layer.weights = "ones"
    with pytest.raises(TypeError, match="Linear.weights must be an array of numbers"):
        ce.Linear(2, 2).weights = None


# --- errors -------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, error, message",
    [
        (
            lambda: ce.Conv2d(1, 1, 3, stride=2, padding="same"),
            ValueError,
            r"padding='same' needs stride 1, as in PyTorch.*got stride=\(2, 2\)",
        ),
        (lambda: ce.Conv2d(1, 1, 3, stride=(1, 2), padding="same"), ValueError, r"padding='same' needs stride 1"),
        (
            lambda: ce.Conv2d(1, 1, 3, padding="full"),
            ValueError,
            r"padding must be an int, a pair \(rows, columns\), 'valid' or 'same'; got 'full'",
        ),
        (
            lambda: ce.Conv2d(1, 1, (3, 3, 3)),
            ValueError,
            r"kernel_size must be an integer or a pair \(rows, columns\); got \(3, 3, 3\) with 3 entries",
        ),
        (lambda: ce.Conv2d(1, 1, (3, 0)), ValueError, r"kernel_size\[1\] must be at least 1; got 0"),
        (lambda: ce.Conv2d(1, 1, 3, dilation=0), ValueError, r"dilation must be at least 1; got 0"),
        (
            lambda: ce.Conv2d(1, 1, 3, stride=(1, 1.5)),
            TypeError,
            r"stride\[1\] must be an integer .*got 1.5 of type float",
        ),
        (lambda: ce.Conv2d(1, 1, 3, padding=(-1, 0)), ValueError, r"padding\[0\] must not be negative; got -1"),
        (lambda: ce.Conv2d(1, 1, 3, bias=None), TypeError, r"bias must be True or False; got None"),
        (
            lambda: ce.Conv2d(1, 1, 3, dilation=3)(np.zeros((1, 1, 6, 6))),
            ValueError,
            r"kernel 3x3 \(with dilation \(3, 3\) it spans 7x7 cells\) does not fit in the padded input 6x6",
        ),
        (
            lambda: ce.conv2d_forward(np.zeros((1, 1, 5, 5)), np.zeros((1, 1, 3, 3)), stride=2, padding="same"),
            ValueError,
            r"padding='same' needs stride 1",
        ),
        (
            lambda: ce.conv2d_forward_loop(np.zeros((1, 1, 5, 5)), np.zeros((1, 1, 3, 3)), padding="Same"),
            ValueError,
            r"'valid' or 'same'; got 'Same'",
        ),
        (
            lambda: ce.MaxPool2d(2, padding=2),
            ValueError,
            r"padding must be at most half the window, as in PyTorch.*a 2x2 window allows padding up to \(1, "
            r"1\); got padding=2",
        ),
        (
            lambda: ce.AvgPool2d((4, 2), padding=(2, 2)),
            ValueError,
            r"a 4x2 window allows padding up to \(2, 1\); got padding=\(2, 2\)",
        ),
        (lambda: ce.max_pool2d(np.zeros((4, 4)), 3, padding=2), ValueError, r"padding must be at most half the window"),
        (lambda: ce.avg_pool2d(np.zeros((4, 4)), (2, 2, 2)), ValueError, r"size must be an integer or a pair"),
        (
            lambda: ce.max_pool2d(np.zeros((1, 4)), 4, padding=1),
            ValueError,
            r"pooling window size 4 does not fit in a 1x4 map \(padded to 3x6\)",
        ),
        (lambda: ce.MaxPool2d(2, padding=-1), ValueError, r"padding must not be negative; got -1"),
    ],
)
def test_bad_settings_get_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_pytorch_refuses_the_same_settings(torch):
    """The settings refused above are the ones PyTorch refuses too (not stricter, not looser)."""
    with pytest.raises(ValueError):
        torch.nn.Conv2d(1, 1, 3, stride=2, padding="same")
    with pytest.raises(RuntimeError):
        torch.nn.functional.max_pool2d(torch.zeros(1, 1, 4, 4), 2, padding=2)
    with pytest.raises(RuntimeError):
        torch.nn.functional.avg_pool2d(torch.zeros(1, 1, 4, 4), (4, 2), padding=(2, 2))
    torch.nn.functional.max_pool2d(torch.zeros(1, 1, 4, 4), 2, padding=1)  # half the window: allowed by both
    ce.max_pool2d(np.zeros((1, 1, 4, 4)), 2, padding=1)


@pytest.mark.parametrize("stride, padding, dilation", [(1, "same", (2, 1)), ((2, 3), (1, 0), 2)])
def test_float32_stays_float32_with_the_new_options(rng, stride, padding, dilation):
    layer = ce.Conv2d(2, 3, (3, 2), stride=stride, padding=padding, dilation=dilation, dtype=np.float32, rng=0)
    reference = ce.Conv2d(2, 3, (3, 2), stride=stride, padding=padding, dilation=dilation, rng=0)
    x = rng.normal(size=(2, 2, 9, 8))
    y = layer(x.astype(np.float32))
    grad_output = rng.normal(size=y.shape)
    grad_x = layer.backward(grad_output.astype(np.float32))
    assert y.dtype == grad_x.dtype == layer.weights_gradient.dtype == np.float32
    np.testing.assert_allclose(y, reference(x), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(grad_x, reference.backward(grad_output), rtol=1e-4, atol=1e-5)
