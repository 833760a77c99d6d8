"""Layers: forward equals the functional math, backward equals central
differences and PyTorch, the call/backward contract, and clear errors."""

import numpy as np
import pytest

import cnnedu as ce


def _check_layer_gradients(layer, x, rng, tolerance=1e-6):
    """J = sum(G * layer(x)) for a random G; compare every analytic gradient with central differences."""
    y = layer(x)
    grad_output = rng.normal(size=y.shape)
    grad_x = layer.backward(grad_output)
    loss = lambda: float(np.sum(layer(x) * grad_output))  # noqa: E731
    errors = {"x": ce.gradient_check(loss, x, grad_x)}
    for name in layer.parameter_names:
        analytic = getattr(layer, name + "_gradient").copy()
        errors[name] = ce.gradient_check(loss, getattr(layer, name), analytic)
    for name, error in errors.items():
        assert error < tolerance, f"{type(layer).__name__} gradient of {name}: relative error {error:.2e}"


@pytest.mark.parametrize("stride, padding", [(1, 0), (1, 1), (2, 1), (3, 2)])
def test_conv2d_gradients(rng, stride, padding):
    layer = ce.Conv2d(2, 3, kernel_size=3, stride=stride, padding=padding, rng=1)
    layer.bias[:] = rng.normal(size=3)
    _check_layer_gradients(layer, rng.normal(size=(3, 2, 7, 6)), rng)


def test_pooling_relu_flatten_linear_gradients(rng):
    x = (
        rng.permutation(2 * 2 * 6 * 6).reshape(2, 2, 6, 6) / 7.0 - 5.05
    )  # distinct values, some negative, none at the ReLU kink
    for layer in [
        ce.MaxPool2d(2),
        ce.MaxPool2d(3, stride=1),
        ce.AvgPool2d(2),
        ce.AvgPool2d(3, stride=2),
        ce.ReLU(),
        ce.Flatten(),
        ce.GlobalAvgPool(),
    ]:
        _check_layer_gradients(layer, x.copy(), rng)
    linear = ce.Linear(5, 4, rng=2)
    linear.bias[:] = rng.normal(size=4)
    _check_layer_gradients(linear, rng.normal(size=(3, 5)), rng)


def test_softmax_cross_entropy_value_and_gradient(rng):
    logits = rng.normal(size=(4, 3))
    labels = np.array([0, 2, 1, 2])
    loss = ce.SoftmaxCrossEntropy()
    value = loss(logits, labels)
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    assert value == pytest.approx(-np.mean(np.log(probabilities[np.arange(4), labels])))
    assert ce.gradient_check(lambda: loss(logits, labels), logits, loss.backward()) < 1e-7


def test_softmax_cross_entropy_is_stable_for_huge_logits():
    loss = ce.SoftmaxCrossEntropy()
    assert np.isfinite(loss(np.array([[1000.0, -1000.0]]), np.array([1])))


def test_sequential_network_gradient_and_pytorch_parity(torch, rng):
    net = ce.Sequential(
        ce.Conv2d(1, 3, 3, padding=1, rng=3),
        ce.ReLU(),
        ce.MaxPool2d(2),
        ce.Conv2d(3, 4, 3, rng=4),
        ce.ReLU(),
        ce.Flatten(),
        ce.Linear(4 * 2 * 2, 5, rng=5),
    )
    x = rng.normal(size=(2, 1, 8, 8))
    labels = np.array([1, 4])
    loss = ce.SoftmaxCrossEntropy()
    value = loss(net(x), labels)
    net.backward(loss.backward())

    tnet = torch.nn.Sequential(
        torch.nn.Conv2d(1, 3, 3, padding=1),
        torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(3, 4, 3),
        torch.nn.ReLU(),
        torch.nn.Flatten(),
        torch.nn.Linear(16, 5),
    ).double()
    for ours, theirs in [(net[0], tnet[0]), (net[3], tnet[3]), (net[6], tnet[6])]:
        theirs.weight.data = torch.from_numpy(ours.weights.copy())
        theirs.bias.data = torch.from_numpy(ours.bias.copy())
    tvalue = torch.nn.functional.cross_entropy(tnet(torch.from_numpy(x)), torch.from_numpy(labels))
    tvalue.backward()
    assert value == pytest.approx(tvalue.item(), rel=1e-12)
    for ours, theirs in [(net[0], tnet[0]), (net[3], tnet[3]), (net[6], tnet[6])]:
        np.testing.assert_allclose(ours.weights_gradient, theirs.weight.grad.numpy(), atol=1e-12)
        np.testing.assert_allclose(ours.bias_gradient, theirs.bias.grad.numpy(), atol=1e-12)


def test_worked_network_shapes_and_parameter_counts():
    """CURRICULUM 05: 32x32x1 -> 30x30x2 -> 15x15x2 -> 15x15x4 -> 900."""
    conv1, pool, conv2 = ce.Conv2d(1, 2, 3, rng=0), ce.MaxPool2d(2), ce.Conv2d(2, 4, 3, padding=1, rng=0)
    x = np.zeros((1, 1, 32, 32))
    shapes = []
    for layer in [conv1, ce.ReLU(), pool, conv2, ce.ReLU(), ce.Flatten()]:
        x = layer(x)
        shapes.append(x.shape)
    assert shapes == [(1, 2, 30, 30), (1, 2, 30, 30), (1, 2, 15, 15), (1, 4, 15, 15), (1, 4, 15, 15), (1, 900)]
    assert conv1.parameter_count() == 2 * (1 * 3 * 3) + 2 == 20
    assert conv2.parameter_count() == 4 * (2 * 3 * 3) + 4 == 76
    assert ce.MaxPool2d(2, stride=1)(np.zeros((1, 2, 30, 30))).shape == (1, 2, 29, 29)
    assert ce.Conv2d(2, 4, 3, padding=2)(np.zeros((1, 2, 15, 15))).shape == (1, 4, 17, 17)
    assert ce.Conv2d(3, 4, 3).weights.shape == (4, 3, 3, 3)  # 3 x 4 = 12 kernels of 3x3


def test_he_initialisation_scale():
    layer = ce.Conv2d(16, 64, 3, rng=0)
    assert layer.weights.std() == pytest.approx(np.sqrt(2 / (16 * 9)), rel=0.05)
    assert np.all(layer.bias == 0)
    np.testing.assert_array_equal(layer.weights, ce.Conv2d(16, 64, 3, rng=0).weights)  # seeded


def test_weight_gradient_is_replaced_not_accumulated(rng):
    layer = ce.Conv2d(1, 1, 3, rng=0)
    x = rng.normal(size=(2, 1, 5, 5))
    grad = rng.normal(size=(2, 1, 3, 3))
    layer(x)
    layer.backward(grad)
    first = layer.weights_gradient.copy()
    layer(x)
    layer.backward(grad)
    np.testing.assert_allclose(layer.weights_gradient, first)


def test_sgd_with_momentum_by_hand():
    layer = ce.Linear(1, 1, rng=0)
    layer.weights[:] = 1.0
    optimizer = ce.SGD([layer], learning_rate=0.5, momentum=0.9)
    for _ in range(2):
        layer.weights_gradient = np.array([[1.0]])
        layer.bias_gradient = np.array([0.0])
        optimizer.step()
    # v1 = -0.5, w1 = 0.5; v2 = 0.9 * -0.5 - 0.5 = -0.95, w2 = -0.45
    assert layer.weights[0, 0] == pytest.approx(-0.45)


def test_sgd_training_reduces_the_loss(rng):
    net = ce.Sequential(ce.Conv2d(1, 4, 3, padding=1, rng=0), ce.ReLU(), ce.GlobalAvgPool(), ce.Linear(4, 2, rng=1))
    x = rng.normal(size=(16, 1, 6, 6))
    labels = (x.mean(axis=(1, 2, 3)) > 0).astype(int)
    loss = ce.SoftmaxCrossEntropy()
    optimizer = ce.SGD(net, learning_rate=0.5, momentum=0.5)
    first = loss(net(x), labels)
    for _ in range(50):
        loss(net(x), labels)
        net.backward(loss.backward())
        optimizer.step()
    assert loss(net(x), labels) < 0.5 * first


@pytest.mark.parametrize(
    "layer",
    [
        ce.Conv2d(1, 1, 3),
        ce.MaxPool2d(2),
        ce.AvgPool2d(2),
        ce.ReLU(),
        ce.Flatten(),
        ce.Linear(2, 2),
        ce.GlobalAvgPool(),
        ce.SoftmaxCrossEntropy(),
    ],
)
def test_backward_before_forward_raises(layer):
    with pytest.raises(RuntimeError, match=r"backward was called before forward"):
        layer.backward(np.ones((1, 1)))


@pytest.mark.parametrize(
    "call, error, message",
    [
        (
            lambda: ce.Conv2d(3, 4, 3)(np.ones((1, 1, 8, 8))),
            ValueError,
            r"Conv2d expects x with 3 channels, shape \(N, 3, H, W\); got shape \(1, 1, 8, 8\)",
        ),
        (lambda: ce.Conv2d(1, 4, 3)(np.ones((8, 8))), ValueError, r"x must be 4-D; got ndim=2"),
        (lambda: ce.Conv2d(0, 4, 3), ValueError, r"in_channels must be at least 1; got 0"),
        (lambda: ce.Conv2d(1, 0, 3), ValueError, r"out_channels must be at least 1; got 0"),
        (lambda: ce.Conv2d(1, 1, 0), ValueError, r"kernel_size must be at least 1; got 0"),
        (lambda: ce.Conv2d(1, 1, 3, padding=-1), ValueError, r"padding must not be negative"),
        (lambda: ce.Conv2d(1, 1, 3, rng="seed"), TypeError, r"rng must be None, an int seed or a numpy Generator"),
        (lambda: ce.Conv2d(1, 1, 5)(np.ones((1, 1, 3, 3))), ValueError, r"kernel 5x5 does not fit"),
        (lambda: ce.MaxPool2d(0), ValueError, r"size must be at least 1"),
        (lambda: ce.MaxPool2d(2)(np.ones((4, 4))), ValueError, r"x must be 4-D; got ndim=2"),
        (
            lambda: ce.Linear(3, 2)(np.ones((1, 4))),
            ValueError,
            r"Linear expects x of shape \(N, 3\); got shape \(1, 4\)",
        ),
        (lambda: ce.SoftmaxCrossEntropy()(np.ones((2, 3)), np.array([0, 3])), ValueError, r"labels must lie in 0..2"),
        (
            lambda: ce.SoftmaxCrossEntropy()(np.ones((2, 3)), np.array([0.0, 1.0])),
            ValueError,
            r"labels must be integers of shape \(N,\) = \(2,\)",
        ),
        (lambda: ce.Sequential(ce.ReLU(), "relu"), TypeError, r"layer 1 must be a cnnedu layer; got str"),
        (lambda: ce.SGD([ce.ReLU()], learning_rate=0), ValueError, r"learning_rate must be positive"),
        (lambda: ce.SGD([ce.ReLU()], learning_rate=0.1, momentum=1.0), ValueError, r"momentum must be in \[0, 1\)"),
    ],
)
def test_bad_input_gets_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_gradient_of_wrong_shape_is_rejected_by_every_layer():
    for layer, x, bad in [
        (ce.Conv2d(1, 2, 3, rng=0), np.ones((1, 1, 5, 5)), np.ones((1, 2, 2, 2))),
        (ce.MaxPool2d(2), np.ones((1, 1, 4, 4)), np.ones((1, 1, 3, 2))),
        (ce.AvgPool2d(2), np.ones((1, 1, 4, 4)), np.ones((1, 1, 3, 2))),
        (ce.ReLU(), np.ones((2, 3)), np.ones((3, 2))),
        (ce.Flatten(), np.ones((2, 3, 2, 2)), np.ones((2, 11))),
        (ce.Linear(3, 2), np.ones((4, 3)), np.ones((4, 3))),
        (ce.GlobalAvgPool(), np.ones((2, 3, 2, 2)), np.ones((2, 4))),
    ]:
        layer(x)
        with pytest.raises(ValueError, match=r"grad_output must"):
            layer.backward(bad)


def _layers_with_parameters(model):
    for layer in model:
        if isinstance(layer, ce.Sequential):
            yield from _layers_with_parameters(layer)
        elif layer.parameter_names:
            yield layer


def _parameter_gradients(model):
    gradients = []
    for layer in model:
        if isinstance(layer, ce.Sequential):
            gradients += _parameter_gradients(layer)
        gradients += [getattr(layer, name + "_gradient").copy() for name in layer.parameter_names]
    return gradients


@pytest.mark.parametrize("stride", [1, 2])
def test_conv2d_backward_without_the_input_gradient(rng, stride):
    x = rng.standard_normal((3, 2, 7, 6))
    weights = rng.standard_normal((4, 2, 3, 3))
    y, cache = ce.conv2d_forward(x, weights, np.zeros(4), stride, 1)
    grad_output = rng.standard_normal(y.shape)
    full = ce.conv2d_backward(grad_output, cache)
    grad_x, grad_weights, grad_bias = ce.conv2d_backward(grad_output, cache, input_gradient=False)
    assert grad_x is None and full[0] is not None
    np.testing.assert_array_equal(grad_weights, full[1])
    np.testing.assert_array_equal(grad_bias, full[2])


def _network(rng, leading_relu=False, nested=False):
    body = [ce.Conv2d(1, 3, 3, padding=1, rng=rng), ce.ReLU(), ce.MaxPool2d(2), ce.Flatten(), ce.Linear(12, 5, rng=rng)]
    if leading_relu:
        body = [ce.ReLU()] + body
    if nested:
        body = [ce.Sequential(*body[:2]), *body[2:]]
    return ce.Sequential(*body)


@pytest.mark.parametrize("leading_relu, nested", [(False, False), (True, False), (False, True)])
def test_sequential_backward_without_the_input_gradient(rng, leading_relu, nested):
    """Training asks for parameter gradients only: they must be exactly those of
    the full backward pass; the input gradient is not computed at all."""
    model = _network(np.random.default_rng(1), leading_relu, nested)
    x = rng.standard_normal((4, 1, 4, 4))
    grad_scores = rng.standard_normal((4, 5))
    model(x)
    grad_x = model.backward(grad_scores)
    assert grad_x.shape == x.shape
    expected = _parameter_gradients(model)
    for layer in _layers_with_parameters(model):  # stale gradients must not pass for new ones
        layer.weights_gradient = np.full_like(layer.weights_gradient, np.nan)
        layer.bias_gradient = np.full_like(layer.bias_gradient, np.nan)
    model(x)
    assert model.backward(grad_scores, input_gradient=False) is None
    got = _parameter_gradients(model)
    assert len(got) == len(expected) == 4
    for a, b in zip(got, expected, strict=True):
        np.testing.assert_array_equal(a, b)


def test_the_first_layer_skips_its_input_gradient(rng, monkeypatch):
    model = _network(np.random.default_rng(1))
    calls = []
    original = ce.conv2d_backward

    def spy(grad_output, cache, input_gradient=True):
        calls.append(input_gradient)
        return original(grad_output, cache, input_gradient)

    monkeypatch.setattr(ce.layers, "conv2d_backward", spy)
    model(rng.standard_normal((2, 1, 4, 4)))
    model.backward(np.ones((2, 5)), input_gradient=False)
    assert calls == [False]
    model.backward(np.ones((2, 5)))
    assert calls == [False, True]


def test_a_linear_first_layer_skips_its_input_gradient(rng):
    model = ce.Sequential(ce.Linear(6, 4, rng=0), ce.ReLU(), ce.Linear(4, 3, rng=1))
    x = rng.standard_normal((5, 6))
    grad_scores = rng.standard_normal((5, 3))
    model(x)
    assert model.backward(grad_scores).shape == x.shape
    expected = _parameter_gradients(model)
    first = model[0]
    first.weights_gradient = np.full_like(first.weights_gradient, np.nan)
    model(x)
    assert model.backward(grad_scores, input_gradient=False) is None
    for a, b in zip(_parameter_gradients(model), expected, strict=True):
        np.testing.assert_array_equal(a, b)
    assert first.backward(rng.standard_normal((5, 4)), input_gradient=False) is None
