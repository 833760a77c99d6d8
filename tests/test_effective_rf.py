"""cnnedu.effective_rf: dilated layers equal their dense twins, the gradient
equals finite differences, and it lives inside the theoretical field."""

import numpy as np
import pytest

import cnnedu as ce
from cnnedu import effective_rf as erf
from cnnedu.layers import Conv2d


def test_parse_layer_fills_defaults():
    assert erf.parse_layer(("conv", 5)) == ("conv", 5, 1, 0, 1)
    assert erf.parse_layer(("conv", 3, 2, 1)) == ("conv", 3, 2, 1, 1)
    assert erf.parse_layer(("avg", 3)) == ("avg", 3, 3)
    assert erf.parse_layer(["max", 3, 2]) == ("max", 3, 2)


@pytest.mark.parametrize(
    "spec, error, match",
    [
        (("pool", 2), TypeError, r"layers\[0\] must be a tuple"),
        ((3, 1), TypeError, r"layers\[0\] must be a tuple"),
        (("conv",), ValueError, "kernel_size"),
        (("conv", 0), ValueError, "kernel_size must be at least 1"),
        (("conv", 3, 1, -1), ValueError, "padding must not be negative"),
        (("max", 2, 2, 2), ValueError, r"must be \('max', size\[, stride\]\)"),
    ],
)
def test_parse_layer_rejects_bad_tuples(spec, error, match):
    with pytest.raises(error, match=match):
        erf.parse_layer(spec)


def test_geometry_uses_the_dilated_span():
    assert erf.geometry([("conv", 3, 1, 2, 2), ("conv", 5, 1, 0, 3), ("avg", 2)]) == [(5, 1, 2), (13, 1, 0), (2, 2, 0)]


def test_single_tuple_is_rejected():
    with pytest.raises(TypeError, match="sequence of layer tuples"):
        erf.geometry(("conv", 3))
    with pytest.raises(ValueError, match="at least one layer"):
        erf.geometry([])


@pytest.mark.parametrize(
    "layers",
    [
        [("conv", 3, 1, 1)] * 3,
        [("conv", 5, 2, 2), ("max", 2), ("conv", 3, 1, 0, 2)],
        [("conv", 3, 1, 2, 2), ("avg", 3, 2), ("conv", 3, 2, 1)],
        [("conv", 7, 3, 0)],
    ],
)
def test_output_shape_matches_the_network(layers):
    network = erf.build_network(layers, rng=0, dtype=np.float64)
    y = network(np.zeros((1, 1, 23, 19)))
    assert y.shape == (1, 1) + erf.output_shape(layers, (23, 19))


def test_output_shape_names_the_layer_that_does_not_fit():
    with pytest.raises(ValueError, match="layer 3"):
        erf.output_shape([("conv", 3), ("max", 2), ("conv", 5)], (8, 8))


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
def test_dilated_conv_equals_the_dense_spread_kernel(kernel_size, dilation, height, width, rng):
    conv = Conv2d(2, 3, kernel_size, padding=(kernel_size - 1) // 2, rng=1)
    conv.bias = rng.standard_normal(3)
    layer = erf.DilatedConv2d(conv, dilation)
    span = dilation * (kernel_size - 1) + 1
    dense = Conv2d(2, 3, span, padding=(span - 1) // 2)
    dense.weights = erf.dilate_kernel(conv.weights, dilation)
    dense.bias = conv.bias.copy()
    x = rng.standard_normal((2, 2, height, width))
    y = layer(x)
    np.testing.assert_allclose(y, dense(x), atol=1e-12)
    grad = rng.standard_normal(y.shape)
    np.testing.assert_allclose(layer.backward(grad), dense.backward(grad), atol=1e-12)
    np.testing.assert_allclose(
        layer.weights_gradient,
        dense.weights_gradient * (erf.dilate_kernel(np.ones_like(conv.weights), dilation)),
        atol=1e-10,
    )
    np.testing.assert_allclose(layer.bias_gradient, dense.bias_gradient, atol=1e-10)


def test_dilated_conv_equals_correlate2d_with_dilation(rng):
    conv = Conv2d(1, 1, 3, padding=1, rng=2)
    x = rng.standard_normal((1, 1, 11, 11))
    expected = ce.correlate2d(ce.pad2d(x[0, 0], 2), conv.weights[0, 0], dilation=2)
    np.testing.assert_allclose(erf.DilatedConv2d(conv, 2)(x)[0, 0], expected, atol=1e-12)


def test_dilated_conv_rejects_other_convolutions():
    with pytest.raises(ValueError, match="odd kernel_size, stride 1"):
        erf.DilatedConv2d(Conv2d(1, 1, 3, stride=2, padding=1), 2)
    with pytest.raises(TypeError, match="conv must be a cnnedu Conv2d"):
        erf.DilatedConv2d("conv", 2)


def test_build_network_structure():
    network = erf.build_network(
        [("conv", 3, 1, 2, 2), ("max", 2), ("conv", 3, 2, 1), ("conv", 3, 1, 1)], channels=5, rng=0
    )
    kinds = [type(layer).__name__ for layer in network]
    assert kinds == ["DilatedConv2d", "ReLU", "MaxPool2d", "Conv2d", "ReLU", "Conv2d"]
    assert network[0].conv.out_channels == 5 and network[-1].out_channels == 1
    linear = erf.build_network([("conv", 3), ("conv", 3)], relu=False, rng=0)
    assert [type(layer).__name__ for layer in linear] == ["Conv2d", "Conv2d"]
    with pytest.raises(ValueError, match="at least one"):
        erf.build_network([("max", 2)])


def test_dense_dilated_path_matches_correlate2d(rng):
    # padding 0 is not "same", so this dilated layer is a Conv2d with a spread-out kernel
    network = erf.build_network([("conv", 3, 1, 0, 3)], rng=0, dtype=np.float64)
    assert network[0].kernel_size == 7
    x = rng.standard_normal((1, 1, 12, 12))
    taps = network[0].weights[0, 0, ::3, ::3]
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
        ([("conv", 3, 1, 1), ("conv", 3, 1, 1)], (0, 4)),
        ([("conv", 3, 1, 1), ("avg", 2), ("conv", 3, 1, 1, 2)], (1, 0)),
        ([("conv", 3, 2, 1), ("max", 2, 1), ("conv", 2, 1, 0)], (1, 1)),
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
    layers = [("conv", 3, 1, 1), ("conv", 3, 1, 1)]
    model = erf.EffectiveReceptiveField(layers, (8, 8), samples=3, networks=2, seed=0, dtype=np.float64)
    total = np.zeros((8, 8))
    for network in model.networks:
        grad_output = np.zeros((3, 1, 8, 8))
        grad_output[:, :, 2, 5] = 1
        total += np.abs(network.backward(grad_output)[:, 0]).sum(axis=0)
    np.testing.assert_allclose(model.gradient(2, 5), total / 6)


SUPPORT_CASES = [
    ([("conv", 3, 1, 1)] * 4, (16, 16), [(0, 0), (7, 7), (15, 3)]),
    ([("conv", 5, 2, 2), ("avg", 2), ("conv", 3, 1, 1)], (32, 32), [(0, 7), (4, 4)]),
    ([("conv", 3, 1, 2, 2), ("conv", 3, 1, 3, 3)], (20, 20), [(0, 0), (10, 10), (19, 5)]),
]


@pytest.mark.parametrize("layers, shape, units", SUPPORT_CASES)
def test_effective_field_fills_exactly_the_clipped_theoretical_field_of_a_linear_net(layers, shape, units):
    model = erf.EffectiveReceptiveField(layers, shape, relu=False, samples=1, networks=1, seed=0, dtype=np.float64)
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
    layers = [("conv", 3, 1, 1), (pooling, 2), ("conv", 3, 1, 1), (pooling, 2), ("conv", 3, 1, 1)]
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
        [("conv", 3, 1, 1)] * 8, (33, 33), relu=False, channels=4, samples=4, networks=8, seed=0
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
    layers = [("conv", 3, 1, 1)] * 2
    first = erf.effective_receptive_field(layers, (10, 10), seed=4)
    assert np.array_equal(first, erf.effective_receptive_field(layers, (10, 10), seed=4))
    assert not np.array_equal(first, erf.effective_receptive_field(layers, (10, 10), seed=5))


def test_gradient_writes_into_out():
    model = erf.EffectiveReceptiveField([("conv", 3, 1, 1)], (6, 6), seed=0)
    buffer = np.full((6, 6), 7.0)
    result = model.gradient(0, 0, out=buffer)
    assert result is buffer and buffer[3:, 3:].sum() == 0 and buffer[:2, :2].sum() > 0
    # the output gradient buffer is left clean for the next call
    assert not model._grad_output.any()


def test_bad_units_and_shapes():
    model = erf.EffectiveReceptiveField([("conv", 3, 1, 1)], (6, 6), seed=0)
    with pytest.raises(ValueError, match=r"row must be in 0\.\.5"):
        model.gradient(6, 0)
    with pytest.raises(TypeError, match="column must be an integer"):
        model.gradient(0, 1.5)
    with pytest.raises(TypeError, match="input_shape must be a pair"):
        erf.EffectiveReceptiveField([("conv", 3)], 6)
    with pytest.raises(TypeError, match="unit must be a pair"):
        erf.effective_receptive_field([("conv", 3)], (6, 6), unit=3)
