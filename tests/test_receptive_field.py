"""Receptive fields: the closed form against the definition (follow the
input indices a unit depends on, layer by layer, down to the input), against
back-propagation through real layers, and against published numbers."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import cnnedu as ce


def _indices_seen(layers, unit):
    """Input indices (padding included, so possibly negative) that output ``unit`` depends on, following the
    definition: every tap of every window, from the top layer down, read from the layers' own attributes."""
    indices = {unit}
    for layer in reversed(layers):
        if isinstance(layer, ce.ReLU):
            continue  # a cell depends on the same cell below it
        kernel_size, stride = layer.kernel_size, layer.stride
        padding = layer.padding
        dilation = layer.dilation if isinstance(layer, ce.Conv2d) else 1
        if padding == "same":
            padding = dilation * (kernel_size - 1) // 2  # the cells before the first one
        indices = {i * stride - padding + j * dilation for i in indices for j in range(kernel_size)}
    return min(indices), max(indices)


@st.composite
def layer_strategy(draw):
    """A random square layer: a convolution (any stride, padding, 'same', dilation), a pooling layer or a ReLU."""
    kind = draw(st.sampled_from(["conv", "conv", "max", "avg", "relu"]))
    kernel_size = draw(st.integers(1, 5))
    if kind == "relu":
        return ce.ReLU()
    if kind == "conv":
        stride, dilation = draw(st.integers(1, 3)), draw(st.integers(1, 3))
        padding = draw(st.integers(0, 2) | st.just("same")) if stride == 1 else draw(st.integers(0, 2))
        return ce.Conv2d(1, 1, kernel_size, stride=stride, padding=padding, dilation=dilation, rng=0)
    pool = ce.MaxPool2d if kind == "max" else ce.AvgPool2d
    return pool(kernel_size, stride=draw(st.integers(1, 3)), padding=draw(st.integers(0, kernel_size // 2)))


@given(layers=st.lists(layer_strategy(), min_size=1, max_size=5), unit=st.integers(0, 4))
def test_closed_form_matches_the_definition(layers, unit):
    field = ce.receptive_field(layers)
    assert field.region(unit) == _indices_seen(layers, unit)
    assert field.stride == int(np.prod([1 if isinstance(layer, ce.ReLU) else layer.stride for layer in layers]))


def conv(kernel_size, stride=1, padding=0, dilation=1):
    return ce.Conv2d(1, 1, kernel_size, stride=stride, padding=padding, dilation=dilation)


def test_recursion_from_the_top_layer():
    layers = [conv(3), ce.MaxPool2d(2), conv(3), conv(5, stride=2)]
    r = 1
    for layer in reversed(layers):
        k, s = layer.kernel_size, layer.stride
        r = s * r + k - s  # r_{l-1} = s_l * r_l + (k_l - s_l)
    assert ce.receptive_field(layers).size == r == 1 + 2 + 1 * 1 + 2 * 2 + 4 * 2


def test_small_worked_examples():
    assert ce.receptive_field([conv(3)] * 3).size == 7
    assert ce.receptive_field([conv(3), ce.MaxPool2d(2), conv(3)]).size == 8
    assert [f.size for f in ce.receptive_fields([conv(3), ce.AvgPool2d(2), conv(3)])] == [3, 4, 8]
    assert ce.receptive_field([conv(3, dilation=2)]).size == 5  # dilation 2 spreads 3 taps over 5 cells


def test_alexnet_published_values():
    # Araujo, Norris and Sim (Distill 2019), AlexNet as in torchvision (conv1 padded by 2): conv1 ... pool5
    alexnet = [conv(11, 4, 2), ce.MaxPool2d(3, stride=2), conv(5, 1, 2), ce.MaxPool2d(3, stride=2)]
    alexnet += [conv(3, 1, 1)] * 3 + [ce.MaxPool2d(3, stride=2)]
    fields = ce.receptive_fields(alexnet)
    assert [f.size for f in fields] == [11, 19, 51, 67, 99, 131, 163, 195]
    assert fields[-1].stride == 32


def test_layer_objects_and_sequential():
    layers = [ce.Conv2d(1, 2, 3, padding=1), ce.ReLU(), ce.MaxPool2d(2), ce.Conv2d(2, 2, 5, stride=2, padding=2)]
    net = ce.Sequential(*layers)
    assert (
        ce.receptive_field(net)
        == ce.receptive_field(layers)
        == ce.receptive_field([ce.Sequential(*layers[:2]), *layers[2:]])
    )
    assert ce.receptive_field(net.layers).size == 3 + 1 + 4 * 2
    assert ce.receptive_field(net) == ce.ReceptiveField(size=12, stride=4, padding=1 + 0 + 2 * 2)


@pytest.mark.parametrize("unit", [(0, 0), (3, 2), (6, 6)])
def test_backpropagation_reaches_exactly_the_receptive_field(rng, unit):
    net = ce.Sequential(
        ce.Conv2d(1, 1, 3, padding=1, rng=0), ce.ReLU(), ce.MaxPool2d(2), ce.Conv2d(1, 1, 3, stride=2, padding=1, rng=1)
    )
    for layer in (net[0], net[3]):
        layer.weights[:] = np.abs(layer.weights) + 0.1  # positive: no cancellation
    x = rng.uniform(1, 2, size=(1, 1, 28, 28))  # positive: ReLU passes everything
    y = net(x)
    grad = np.zeros_like(y)
    grad[0, 0][unit] = 1.0
    reached = np.argwhere(net.backward(grad)[0, 0] != 0)
    field = ce.receptive_field(net)
    (top, bottom), (left, right) = field.region(unit[0]), field.region(unit[1])
    # max pooling passes the gradient to one cell per window, so the reached cells lie inside the field
    assert reached[:, 0].min() >= max(top, 0) and reached[:, 0].max() <= min(bottom, 27)
    assert reached[:, 1].min() >= max(left, 0) and reached[:, 1].max() <= min(right, 27)
    net2 = ce.Sequential(net[0], ce.AvgPool2d(2), net[3])  # average pooling reaches every cell of the field
    y = net2(x)
    grad = np.zeros_like(y)
    grad[0, 0][unit] = 1.0
    reached = np.argwhere(net2.backward(grad)[0, 0] != 0)
    assert (reached[:, 0].min(), reached[:, 0].max()) == (max(top, 0), min(bottom, 27))
    assert (reached[:, 1].min(), reached[:, 1].max()) == (max(left, 0), min(right, 27))


@pytest.mark.parametrize(
    "layers, error, message",
    [
        ([], ValueError, r"receptive_field\(\) needs at least one layer"),
        ([(3, 1)], TypeError, r"receptive_field\(\) takes cnnedu layers such as Conv2d.* got the tuple \(3, 1\)"),
        ([(3, 1, 1), (2, 2)], TypeError, r"got the tuple \(3, 1, 1\) as layers\[0\]"),
        ([ce.Conv2d(1, 1, 3), ce.Flatten()], ValueError, r"layer 1 \(Flatten\) mixes all positions"),
        ([ce.Linear(4, 2)], ValueError, r"layer 0 \(Linear\) mixes all positions"),
        ([ce.ConvTranspose2d(1, 1, 2)], ValueError, r"layer 0 \(ConvTranspose2d\) is not a window sliding"),
        (["conv"], TypeError, r"got str 'conv' as layers\[0\]"),
        (ce.Conv2d(1, 1, 3), TypeError, r"got the single layer Conv2d"),
    ],
)
def test_bad_input_gets_a_clear_error(layers, error, message):
    with pytest.raises(error, match=message):
        ce.receptive_field(layers)


def test_layer_dilation_and_padding_count():
    """Conv2d's dilation and 'same' padding, and pooling padding, enter the field as in the tuple spec."""
    net = [
        ce.Conv2d(1, 1, 3, dilation=2, padding="same"),
        ce.MaxPool2d(3, stride=2, padding=1),
        ce.Conv2d(1, 1, 4, padding="same"),
    ]
    same_as = [conv(3, padding=2, dilation=2), ce.MaxPool2d(3, stride=2, padding=1), conv(4, padding=1)]
    assert ce.receptive_field(net) == ce.receptive_field(same_as)  # 'same' 4: 1 before, 2 after


@pytest.mark.parametrize("unit", [(0, 0), (2, 5), (7, 3)])
def test_backpropagation_reaches_the_field_of_a_rectangular_stack(rng, unit):
    """Non-square kernels, a pair stride, dilation, 'same' and padded average pooling: the field of each
    axis is exactly what the gradient of one output unit reaches (positive weights: nothing cancels)."""
    net = ce.Sequential(
        ce.Conv2d(1, 1, (1, 4), padding="same", rng=0),
        ce.AvgPool2d((3, 2), stride=(2, 1), padding=(1, 0)),
        ce.Conv2d(1, 1, (3, 2), stride=(1, 2), dilation=(2, 1), padding=(2, 1), rng=1),
    )
    for layer in (net[0], net[2]):
        layer.weights = np.abs(layer.weights) + 0.1
    x = rng.uniform(1, 2, size=(1, 1, 20, 24))
    y = net(x)
    grad = np.zeros_like(y)
    grad[0, 0][unit] = 1.0
    reached = np.argwhere(net.backward(grad)[0, 0] != 0)
    rows, columns = ce.receptive_field(net, axis="rows"), ce.receptive_field(net, axis="columns")
    (top, bottom), (left, right) = rows.region(unit[0]), columns.region(unit[1])
    assert (reached[:, 0].min(), reached[:, 0].max()) == (max(top, 0), min(bottom, 19))
    assert (reached[:, 1].min(), reached[:, 1].max()) == (max(left, 0), min(right, 23))
    assert rows.size != columns.size  # really a rectangle


def test_a_rectangular_layer_needs_an_axis():
    with pytest.raises(
        ValueError, match=r"layer 0 \(Conv2d\(1, 1, kernel_size=\(1, 3\).*pass axis='rows' or axis='columns'"
    ):
        ce.receptive_field([ce.Conv2d(1, 1, (1, 3))])
    with pytest.raises(ValueError, match=r"axis must be 'rows' or 'columns'; got 0"):
        ce.receptive_field([conv(3)], axis=0)
    assert ce.receptive_field([ce.Conv2d(1, 1, (3, 3), stride=[2, 2])]) == ce.receptive_field([conv(3, stride=2)])


def test_layer_geometry():
    geometry = ce.Conv2d(1, 1, (1, 4), stride=1, padding="same", dilation=(1, 2)).geometry()
    assert geometry.kernel_size == (1, 4) and geometry.stride == (1, 1) and geometry.dilation == (1, 2)
    assert geometry.padding == ((0, 0), (3, 3))  # span 7 along the columns: 3 cells each side
    assert ce.Conv2d(1, 1, 2, padding="same").geometry().padding == ((0, 1), (0, 1))  # the odd cell after
    assert ce.Conv2d(1, 1, 3, padding="valid").geometry().padding == ((0, 0), (0, 0))
    pool = ce.AvgPool2d((3, 2), stride=(2, 1), padding=(1, 0)).geometry()
    assert (pool.kernel_size, pool.stride, pool.padding, pool.dilation) == ((3, 2), (2, 1), ((1, 1), (0, 0)), (1, 1))
    assert ce.MaxPool2d(2).geometry().stride == (2, 2)
    relu = ce.ReLU().geometry()
    assert (relu.kernel_size, relu.stride, relu.padding, relu.dilation) == ((1, 1), (1, 1), ((0, 0), (0, 0)), (1, 1))
    for mixer in (ce.Flatten(), ce.Linear(3, 2), ce.GlobalAvgPool(), ce.Sequential(ce.ReLU())):
        assert mixer.geometry() is None


@pytest.mark.parametrize("unit", [0, 3])
def test_field_cone_follows_the_definition(unit):
    from cnnedu.receptive_field import field_cone

    layers = [conv(3, padding=1), ce.MaxPool2d(2), conv(3, stride=2, padding=1, dilation=2)]
    cone = field_cone(layers, unit=unit, input_size=24)
    assert cone.sizes == (24, 24, 12, 5)
    for level in range(len(layers)):
        assert cone.cones[level] == _indices_seen(layers[level:], unit)
    assert cone.cones[-1] == (unit, unit) and cone.fields[0] == ce.ReceptiveField(1, 1, 0)
    with pytest.raises(ValueError, match=r"unit must be an integer in 0\.\.4; got 5"):
        field_cone(layers, unit=5, input_size=24)
    with pytest.raises(ValueError, match="layer 3 .* does not fit in its 2 cells"):
        field_cone(layers, input_size=4)


def random_linear_stack(generator):
    """Convolutions (rectangular kernels, pair strides, padding, dilation) and average pooling: a linear network
    whose gradient, with positive weights, reaches the ends of every unit's field."""
    layers = []
    for _ in range(int(generator.integers(1, 5))):
        kernel = tuple(int(k) for k in generator.integers(1, 4, size=2))
        stride = tuple(int(s) for s in generator.integers(1, 3, size=2))
        if generator.random() < 0.7:
            dilation = tuple(int(d) for d in generator.integers(1, 3, size=2))
            padding = tuple(int(p) for p in generator.integers(0, 3, size=2))
            layer = ce.Conv2d(1, 1, kernel, stride=stride, padding=padding, dilation=dilation, rng=0)
            layer.weights = np.abs(layer.weights) + 0.1
        else:
            padding = tuple(int(generator.integers(0, k // 2 + 1)) for k in kernel)
            layer = ce.AvgPool2d(kernel, stride=stride, padding=padding)
        layers.append(layer)
    return layers


def _reached(gradient):
    """(first, last) row and (first, last) column with a non-zero gradient."""
    rows, columns = np.nonzero(gradient)
    return (rows.min(), rows.max()), (columns.min(), columns.max())


def _unit_inside(layers, size):
    """A top-layer unit whose whole field lies inside a size x size input, found with the forward pass."""
    out = ce.Sequential(*layers)(np.zeros((1, 1, size, size))).shape[2:]
    unit = (out[0] // 2, out[1] // 2)
    rows = ce.receptive_field(layers, axis="rows").region(unit[0])
    columns = ce.receptive_field(layers, axis="columns").region(unit[1])
    assert rows[0] >= 0 and columns[0] >= 0 and rows[1] < size and columns[1] < size, "input too small for the test"
    return out, unit, rows, columns


@pytest.mark.parametrize("seed", range(25))
def test_random_rectangular_stacks_match_back_propagation(seed):
    generator = np.random.default_rng(seed)
    layers = random_linear_stack(generator)
    size = 4 * ce.receptive_field(layers, axis="rows").size + 4 * ce.receptive_field(layers, axis="columns").size
    out, unit, rows, columns = _unit_inside(layers, size)
    net = ce.Sequential(*layers)
    net(np.ones((1, 1, size, size)))
    grad_output = np.zeros((1, 1, *out))
    grad_output[0, 0][unit] = 1.0
    assert _reached(net.backward(grad_output)[0, 0]) == (rows, columns)


@pytest.mark.parametrize("seed", range(25, 40))
def test_random_rectangular_stacks_match_pytorch_autograd(torch, seed):
    generator = np.random.default_rng(seed)
    layers = random_linear_stack(generator)
    size = 4 * ce.receptive_field(layers, axis="rows").size + 4 * ce.receptive_field(layers, axis="columns").size
    out, unit, rows, columns = _unit_inside(layers, size)
    twins = []
    for layer in layers:
        if isinstance(layer, ce.Conv2d):
            twin = torch.nn.Conv2d(
                1, 1, layer.kernel_size, stride=layer.stride, padding=layer.padding, dilation=layer.dilation
            )
            with torch.no_grad():
                twin.weight.copy_(torch.from_numpy(layer.weights))
        else:
            twin = torch.nn.AvgPool2d(layer.size, stride=layer.stride, padding=layer.padding)
        twins.append(twin)
    x = torch.ones((1, 1, size, size), dtype=torch.float64, requires_grad=True)
    torch.nn.Sequential(*twins).double()(x)[0, 0][unit].backward()
    assert _reached(x.grad[0, 0].numpy()) == (rows, columns)
