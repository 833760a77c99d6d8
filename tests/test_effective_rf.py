"""cnnedu.effective_rf: the random copies keep the layers' geometry, dilated layers equal their dense twins,
the gradient equals finite differences, and it lives inside the theoretical field."""

import numpy as np
import pytest

import cnnedu as ce
from cnnedu import effective_rf as erf
from cnnedu.layer_stack import map_shapes, relu_between
from cnnedu.layers import Conv2d, ReLU


def conv(kernel_size, stride=1, padding=0, dilation=1):
    return Conv2d(1, 1, kernel_size, stride=stride, padding=padding, dilation=dilation)


@pytest.mark.parametrize(
    "layers",
    [
        [conv(3, padding=1)] * 3,
        [conv(5, stride=2, padding=2), ce.MaxPool2d(2), conv(3, dilation=2)],
        [conv(3, padding=2, dilation=2), ce.AvgPool2d(3, stride=2), conv(3, stride=2, padding=1)],
        [conv(7, stride=3)],
        [Conv2d(1, 1, (3, 1), padding="same", dilation=(1, 2)), ReLU(), ce.MaxPool2d((2, 3), padding=(1, 1))],
    ],
)
def test_output_shape_matches_the_network(layers):
    network = erf.build_network(layers, rng=0, dtype=np.float64)
    y = network(np.zeros((1, 1, 23, 19)))
    assert y.shape == (1, 1) + map_shapes(layers, (23, 19))[-1]
    model = erf.EffectiveReceptiveField(layers, (23, 19), samples=1, networks=1)
    assert model.output_shape == y.shape[2:]


def test_output_shape_names_the_layer_that_does_not_fit():
    with pytest.raises(ValueError, match=r"layer 3 \(Conv2d\(1, 1, kernel_size=5.*cannot fit: its 5x5 window"):
        erf.EffectiveReceptiveField([conv(3), ce.MaxPool2d(2), conv(5)], (8, 8))


def test_dilate_kernel():
    kernel = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
    spread = erf.dilate_kernel(kernel, 3)
    assert spread.shape == (1, 1, 7, 7)
    np.testing.assert_array_equal(spread[0, 0, ::3, ::3], kernel[0, 0])
    assert spread.sum() == kernel.sum()
    np.testing.assert_array_equal(erf.dilate_kernel(kernel, 1), kernel)


@pytest.mark.parametrize(
    "kernel_size, dilation, height, width", [(3, 2, 8, 8), (3, 3, 10, 7), (5, 2, 9, 12), (3, 4, 5, 5)]
)
def test_a_dilated_conv2d_equals_the_dense_spread_kernel(kernel_size, dilation, height, width, rng):
    """Conv2d(dilation=d) and a Conv2d whose kernel is the dilate_kernel spread: the same layer, both ways."""
    layer = Conv2d(2, 3, kernel_size, padding="same", dilation=dilation, rng=1)
    layer.bias = rng.standard_normal(3)
    span = dilation * (kernel_size - 1) + 1
    dense = Conv2d(2, 3, span, padding=(span - 1) // 2)
    dense.weights = erf.dilate_kernel(layer.weights, dilation)
    dense.bias = layer.bias.copy()
    x = rng.standard_normal((2, 2, height, width))
    y = layer(x)
    np.testing.assert_allclose(y, dense(x), atol=1e-12)
    grad = rng.standard_normal(y.shape)
    np.testing.assert_allclose(layer.backward(grad), dense.backward(grad), atol=1e-12)
    np.testing.assert_allclose(layer.weights_gradient, dense.weights_gradient[..., ::dilation, ::dilation], atol=1e-10)
    np.testing.assert_allclose(layer.bias_gradient, dense.bias_gradient, atol=1e-10)


def test_build_network_copies_the_geometry_with_new_channels():
    layers = [
        Conv2d(3, 8, 3, padding=2, dilation=2, bias=False),
        ReLU(),
        ce.MaxPool2d(2),
        Conv2d(8, 8, 3, stride=2, padding=1),
        ReLU(),
        ce.AvgPool2d(3, stride=1, padding=1),
        Conv2d(8, 16, 3, padding="same"),
    ]
    network = erf.build_network(layers, channels=5, rng=0)
    assert [type(layer).__name__ for layer in network] == [type(layer).__name__ for layer in layers]
    assert [layer.geometry() for layer in network] == [layer.geometry() for layer in layers]
    assert network[0].in_channels == 1 and network[0].out_channels == 5 and network[0].bias is None
    assert network[3].in_channels == 5 and network[-1].out_channels == 1 and network[-1].bias is not None
    assert all(copy is not layer for copy, layer in zip(network, layers, strict=True))  # caches are not shared
    assert erf.build_network(ce.Sequential(*layers), channels=5, rng=0)[3].weights.shape == (5, 5, 3, 3)
    with pytest.raises(ValueError, match="at least one Conv2d"):
        erf.build_network([ce.MaxPool2d(2)])
    with pytest.raises(TypeError, match=r"measured on Conv2d, MaxPool2d, AvgPool2d and ReLU layers; layers\[1\]"):
        erf.build_network([conv(3), ce.Flatten()])


def test_dilated_network_matches_correlate2d(rng):
    network = erf.build_network([conv(3, dilation=3)], rng=0, dtype=np.float64)
    assert network[0].weights.shape == (1, 1, 3, 3)  # the taps alone: no zeros stored
    x = rng.standard_normal((1, 1, 12, 12))
    taps = network[0].weights[0, 0]
    np.testing.assert_allclose(network(x)[0, 0], ce.correlate2d(x[0, 0], taps, dilation=3), atol=1e-12)


def central_difference(network, x, row, column, epsilon=1e-6):
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[index] += epsilon
        minus[index] -= epsilon
        grad[index] = (network(plus)[0, 0, row, column] - network(minus)[0, 0, row, column]) / (2 * epsilon)
    return grad


@pytest.mark.parametrize(
    "layers, unit",
    [
        ([conv(3, padding=1), ReLU(), conv(3, padding=1)], (0, 4)),
        ([conv(3, padding=1), ReLU(), ce.AvgPool2d(2), conv(3, padding=1, dilation=2)], (1, 0)),
        ([conv(3, stride=2, padding=1), ReLU(), ce.MaxPool2d(2, stride=1), conv(2)], (1, 1)),
        ([Conv2d(1, 1, (1, 3), padding="same", dilation=(1, 2)), ReLU(), Conv2d(1, 1, (2, 1))], (2, 3)),
    ],
)
def test_gradient_equals_finite_differences(layers, unit):
    model = erf.EffectiveReceptiveField(layers, (9, 9), channels=2, samples=1, networks=1, seed=3, dtype=np.float64)
    x = model.inputs[0].copy()
    network = erf.build_network(layers, channels=2, rng=np.random.default_rng(3), dtype=np.float64)
    # the same seed draws the same weights first; check that the copy really is the same network
    np.testing.assert_allclose(network(x), model.networks[0](x))
    expected = np.abs(central_difference(network, x, *unit))[0, 0]
    model.networks[0](x)  # restore the caches of the stored forward pass
    np.testing.assert_allclose(model.gradient(*unit), expected, atol=1e-6)


def test_average_over_samples_and_networks():
    layers = [conv(3, padding=1), ReLU(), conv(3, padding=1)]
    model = erf.EffectiveReceptiveField(layers, (8, 8), samples=3, networks=2, seed=0, dtype=np.float64)
    total = np.zeros((8, 8))
    for network in model.networks:
        grad_output = np.zeros((3, 1, 8, 8))
        grad_output[:, :, 2, 5] = 1
        total += np.abs(network.backward(grad_output)[:, 0]).sum(axis=0)
    np.testing.assert_allclose(model.gradient(2, 5), total / 6)


SUPPORT_CASES = [
    ([conv(3, padding=1)] * 4, (16, 16), [(0, 0), (7, 7), (15, 3)]),
    ([conv(5, stride=2, padding=2), ce.AvgPool2d(2), conv(3, padding=1)], (32, 32), [(0, 7), (4, 4)]),
    ([conv(3, padding=2, dilation=2), conv(3, padding=3, dilation=3)], (20, 20), [(0, 0), (10, 10), (19, 5)]),
]


@pytest.mark.parametrize("layers, shape, units", SUPPORT_CASES)
def test_effective_field_fills_exactly_the_clipped_theoretical_field_of_a_linear_net(layers, shape, units):
    model = erf.EffectiveReceptiveField(layers, shape, samples=1, networks=1, seed=0, dtype=np.float64)
    for row, column in units:
        magnitude = model.gradient(row, column)
        rows, columns = model.field.region(row), model.field.region(column)
        inside = np.zeros(shape, dtype=bool)
        inside[max(rows[0], 0) : rows[1] + 1, max(columns[0], 0) : columns[1] + 1] = True
        assert not magnitude[~inside].any(), "gradient outside the theoretical field"
        hit_rows, hit_columns = np.nonzero(magnitude > 1e-12)
        assert (hit_rows.min(), hit_rows.max()) == (max(rows[0], 0), min(rows[1], shape[0] - 1))
        assert (hit_columns.min(), hit_columns.max()) == (max(columns[0], 0), min(columns[1], shape[1] - 1))


@pytest.mark.parametrize("pooling", ["max", "avg"])
def test_with_relu_and_pooling_the_gradient_stays_inside(pooling):
    pool = ce.MaxPool2d if pooling == "max" else ce.AvgPool2d
    layers = relu_between([conv(3, padding=1), pool(2), conv(3, padding=1), pool(2), conv(3, padding=1)])
    assert sum(isinstance(layer, ReLU) for layer in layers) == 2
    model = erf.EffectiveReceptiveField(layers, (32, 32), seed=1)
    field = model.field
    assert field.size == 1 + 2 + 1 + 2 * 2 + 1 * 2 + 2 * 4  # 18, by the closed form
    magnitude = model.gradient(3, 4)
    (r0, r1), (c0, c1) = field.region(3), field.region(4)
    outside = magnitude.copy()
    outside[max(r0, 0) : r1 + 1, max(c0, 0) : c1 + 1] = 0
    assert magnitude.sum() > 0 and not outside.any()


def test_effective_field_is_concentrated_in_the_centre():
    # Luo et al. 2016: the effective field is much narrower than the theoretical one
    magnitude = erf.effective_receptive_field(
        [conv(3, padding=1)] * 8, (33, 33), channels=4, samples=4, networks=8, seed=0
    )
    r = 17  # 1 + 8 * 2
    assert np.nonzero(magnitude.any(axis=0))[0].tolist() == list(range(16 - 8, 16 + 9))
    weights = magnitude / magnitude.sum()
    middle = weights[12:21, 12:21].sum()  # the middle 9 x 9: 28 % of the 17 x 17 field's area
    assert middle > 0.6, middle
    # its spread (standard deviation) is well below that of a uniform field of r cells
    columns = np.arange(33)
    spread = np.sqrt((weights.sum(axis=0) * (columns - 16) ** 2).sum())
    assert spread < 0.75 * np.sqrt((r**2 - 1) / 12)  # about 3.1 against 4.9


def test_seed_makes_it_reproducible():
    layers = [conv(3, padding=1), ReLU(), conv(3, padding=1)]
    first = erf.effective_receptive_field(layers, (10, 10), seed=4)
    assert np.array_equal(first, erf.effective_receptive_field(layers, (10, 10), seed=4))
    assert not np.array_equal(first, erf.effective_receptive_field(layers, (10, 10), seed=5))


def test_gradient_writes_into_out():
    model = erf.EffectiveReceptiveField([conv(3, padding=1)], (6, 6), seed=0)
    buffer = np.full((6, 6), 7.0)
    result = model.gradient(0, 0, out=buffer)
    assert result is buffer and buffer[3:, 3:].sum() == 0 and buffer[:2, :2].sum() > 0
    # the output gradient buffer is left clean for the next call
    assert not model._grad_output.any()


def test_bad_units_and_shapes():
    model = erf.EffectiveReceptiveField([conv(3, padding=1)], (6, 6), seed=0)
    with pytest.raises(ValueError, match=r"row must be between 0 and 5; got 6"):
        model.gradient(6, 0)
    with pytest.raises(TypeError, match="column must be an integer"):
        model.gradient(0, 1.5)
    with pytest.raises(TypeError, match="input_shape must be a pair"):
        erf.EffectiveReceptiveField([conv(3)], 6)
    with pytest.raises(TypeError, match="unit must be a pair"):
        erf.effective_receptive_field([conv(3)], (6, 6), unit=3)


@pytest.mark.parametrize("old", [("conv", 3), ("conv", 3, 1, 1, 2), ("max", 2), ("avg", 2, 2)])
def test_the_old_tuples_get_a_message_saying_what_to_pass(old):
    with pytest.raises(TypeError, match=r"EffectiveReceptiveField\(\) takes cnnedu layers such as Conv2d\(") as info:
        erf.EffectiveReceptiveField([conv(3), old], (8, 8))
    assert f"got the tuple {old!r} as layers[1]" in str(info.value)
    with pytest.raises(TypeError, match=r"effective_receptive_field\(\)|EffectiveReceptiveField\(\) takes"):
        erf.effective_receptive_field([old], (8, 8))
    with pytest.raises(TypeError, match=r"build_network\(\) takes cnnedu layers"):
        erf.build_network([old])
