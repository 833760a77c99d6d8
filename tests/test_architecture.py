"""Tests of cnnedu.architecture: shapes, parameter counts and receptive fields of a stack of layers,
against the real forward pass, the layers' own parameter arrays and PyTorch."""

import numpy as np
import pytest

import cnnedu as ce
from cnnedu.architecture import (
    conv_parameter_count,
    dense_parameter_count,
    describe,
    describe_partial,
    layer_name,
    summary_table,
)


def worked_network():
    """Lesson 05's worked network: 32x32x1 -> conv 2@3x3 -> ReLU -> pool 2 -> conv 4@3x3 p1 -> ReLU -> flatten -> 10."""
    return ce.Sequential(
        ce.Conv2d(1, 2, 3, rng=0),
        ce.ReLU(),
        ce.MaxPool2d(2),
        ce.Conv2d(2, 4, 3, padding=1, rng=1),
        ce.ReLU(),
        ce.Flatten(),
        ce.Linear(900, 10, rng=2),
    )


def test_worked_network_of_the_curriculum():
    rows = describe(worked_network(), (1, 32, 32))
    assert [row.output_shape for row in rows] == [
        (2, 30, 30),
        (2, 30, 30),
        (2, 15, 15),
        (4, 15, 15),
        (4, 15, 15),
        (900,),
        (10,),
    ]
    assert [row.parameter_count for row in rows] == [20, 0, 0, 76, 0, 0, 9010]
    sizes = [None if row.receptive_field is None else row.receptive_field.size for row in rows]
    assert sizes == [3, 3, 4, 8, 8, None, None]
    assert [row.name for row in rows[:4]] == [
        "conv 3x3, 2 filters, s1 p0",
        "ReLU",
        "max pool 2x2, s2",
        "conv 3x3, 4 filters, s1 p1",
    ]


def test_a_list_and_a_sequential_give_the_same_summary():
    net = worked_network()
    assert describe(net, (1, 32, 32)) == describe(list(net), (1, 32, 32))
    assert describe(ce.Sequential(net[0], ce.Sequential(*net.layers[1:])), (1, 32, 32)) == describe(net, (1, 32, 32))


def test_wrong_stride_and_padding_exercise():
    assert describe([ce.Conv2d(1, 2, 3), ce.MaxPool2d(2, stride=1)], (1, 32, 32))[1].output_shape == (2, 29, 29)
    assert describe([ce.Conv2d(2, 4, 3, padding=2)], (2, 15, 15))[0].output_shape == (4, 17, 17)


@pytest.mark.parametrize("size, kernel, stride, padding", [(32, 3, 1, 0), (15, 3, 1, 1), (28, 5, 2, 2), (7, 3, 3, 0)])
def test_shape_follows_output_size(size, kernel, stride, padding):
    row = describe([ce.Conv2d(2, 3, kernel, stride=stride, padding=padding)], (2, size, size))[0]
    n = ce.output_size(size, kernel, stride, padding)
    assert row.output_shape == (3, n, n)
    assert row.parameter_count == conv_parameter_count(2, 3, kernel) == 3 * 2 * kernel**2 + 3


def test_unused_border_cells():
    assert describe([ce.MaxPool2d(2)], (1, 5, 5))[0].unused == 1
    assert describe([ce.MaxPool2d(2)], (1, 4, 4))[0].unused == 0
    assert describe([ce.Conv2d(1, 1, 3, stride=2)], (1, 6, 6))[0].unused == 1
    row = describe([ce.Conv2d(1, 1, (3, 2), stride=(2, 3))], (1, 6, 7))[0]
    assert (row.unused, row.unused_columns) == (1, 2)  # rows 0..4 and columns 0..4 are reached


def test_global_pool_and_table():
    rows = describe([ce.Conv2d(3, 8, 3, padding=1), ce.GlobalAvgPool(), ce.Linear(8, 3)], (3, 8, 8))
    assert rows[1].output_shape == (8,)
    assert rows[2].parameter_count == 27
    table = summary_table(rows, (3, 8, 8))
    assert "conv 3x3, 8 filters, s1 p1" in table
    assert "whole input" in table
    assert table.splitlines()[-1].split()[-1] == str(8 * 27 + 8 + 27)


def test_dense_parameter_count():
    assert dense_parameter_count((1, 32, 32), (2, 30, 30)) == 1024 * 1800 + 1800
    assert dense_parameter_count((1, 32, 32), (2, 30, 30), bias=False) == 1024 * 1800
    assert dense_parameter_count(900, 10) == ce.Linear(900, 10, rng=0).parameter_count()


def test_conv_parameter_count_takes_a_pair():
    layer = ce.Conv2d(3, 5, (1, 4), bias=False)
    assert conv_parameter_count(3, 5, (1, 4), bias=False) == layer.weights.size == 60


@pytest.mark.parametrize(
    "layers, shape, error, match",
    [
        (
            [ce.Conv2d(1, 2, 3), ce.MaxPool2d(2), ce.Conv2d(2, 4, 9)],
            (1, 16, 16),
            ValueError,
            r"layer 3 \(conv 9x9, 4 filters, s1 p0\) cannot fit: its 9x9 kernel is larger than its 7x7 input",
        ),
        ([ce.MaxPool2d(4)], (1, 3, 3), ValueError, r"layer 1 \(max pool 4x4, s4\) cannot fit: its 4x4 pooling window"),
        ([ce.Conv2d(1, 1, 5, padding=1)], (1, 2, 2), ValueError, r"plus padding 1 \(4x4\)"),
        (
            [ce.Conv2d(1, 1, 3, dilation=3)],
            (1, 6, 6),
            ValueError,
            r"its 3x3 kernel \(dilation \(3, 3\): it spans 7x7\) is larger than its 6x6 input",
        ),
        ([ce.Flatten(), ce.Conv2d(64, 1, 3)], (1, 8, 8), ValueError, "layer 2 .* flat vector of 64 values"),
        ([ce.Conv2d(1, 1, 3), ce.Linear(36, 4)], (1, 8, 8), ValueError, "add a flatten layer first"),
        ([ce.Conv2d(3, 2, 3, rng=0)], (1, 8, 8), ValueError, "expects 3 input channels but receives 1"),
        ([ce.Flatten(), ce.Linear(10, 2, rng=0)], (1, 8, 8), ValueError, "expects 10 input features but receives 64"),
        ([], (1, 8, 8), ValueError, "at least one layer"),
        ([ce.ReLU()], (8, 8), ValueError, r"input_shape must be \(C, H, W\)"),
        ([object()], (1, 8, 8), TypeError, r"describe\(\) takes cnnedu layers .* got object"),
        ([ce.ConvTranspose2d(1, 1, 2)], (1, 8, 8), TypeError, "describe.. handles Conv2d, .* got ConvTranspose2d"),
        ("conv", (1, 8, 8), TypeError, r"describe\(\) takes a list of layers or a Sequential"),
        (ce.Conv2d(1, 1, 3), (1, 8, 8), TypeError, r"got the single layer Conv2d.*write \[Conv2d"),
    ],
)
def test_errors_name_the_layer(layers, shape, error, match):
    with pytest.raises(error, match=match):
        describe(layers, shape)


@pytest.mark.parametrize(
    "old",
    [("conv", 4, 3), ("conv", 4, 3, 1, 1), ("maxpool", 2), ("relu",), ("linear", 10), (3, 1)],
)
def test_the_old_tuples_get_a_message_saying_what_to_pass(old):
    with pytest.raises(
        TypeError, match=r"describe\(\) takes cnnedu layers such as Conv2d\(1, 4, kernel_size=3"
    ) as info:
        describe([ce.Conv2d(1, 2, 3), old], (1, 8, 8))
    assert f"got the tuple {old!r} as layers[1]" in str(info.value)
    with pytest.raises(TypeError, match=r"describe_partial\(\) takes cnnedu layers"):
        describe_partial([old], (1, 8, 8))


def test_describe_partial_stops_before_the_failing_layer():
    layers = [ce.Conv2d(1, 2, 3), ce.MaxPool2d(2), ce.Conv2d(2, 4, 9), ce.Flatten()]
    rows, error = describe_partial(layers, (1, 16, 16))
    assert [row.output_shape for row in rows] == [(2, 14, 14), (2, 7, 7)]
    assert error.startswith("layer 3 (conv 9x9, 4 filters, s1 p0) cannot fit")
    rows, error = describe_partial(layers[:2], (1, 16, 16))
    assert len(rows) == 2 and error is None
    rows, error = describe_partial([ce.MaxPool2d(5)], (1, 4, 4))
    assert rows == [] and "layer 1" in error
    with pytest.raises(ValueError, match=r"input_shape must be \(C, H, W\)"):
        describe_partial(layers, (16, 16))


def test_summary_table_columns_line_up():
    rows = describe(worked_network(), (1, 32, 32))
    lines = summary_table(rows, (1, 32, 32)).splitlines()
    assert len(lines) == 1 + 1 + len(rows) + 1  # header, input, layers, total
    start = lines[0].index("output shape")
    assert all(
        line[start:].startswith(" x ".join(map(str, row.output_shape)))
        for line, row in zip(lines[2:-1], rows, strict=True)
    )
    assert lines[-1].split() == ["total", str(sum(row.parameter_count for row in rows))]


@pytest.mark.parametrize(
    "layer, name",
    [
        (ce.Conv2d(1, 2, 3, dilation=2), "conv 3x3, 2 filters, s1 p0 d2"),
        (ce.Conv2d(1, 2, (3, 1)), "conv 3x1, 2 filters, s1 p0"),
        (ce.Conv2d(1, 2, 3, stride=(1, 2), padding=(0, 1)), "conv 3x3, 2 filters, s1x2 p0x1"),
        (ce.Conv2d(1, 1, 4, padding="same"), "conv 4x4, 1 filter, s1 same"),
        (ce.Conv2d(1, 2, 3, padding="valid", bias=False), "conv 3x3, 2 filters, s1 p0 no bias"),
        (ce.MaxPool2d(3, stride=2, padding=1), "max pool 3x3, s2 p1"),
        (ce.AvgPool2d((2, 1)), "avg pool 2x1, s2x1"),
        (ce.GlobalAvgPool(), "global avg pool"),
    ],
)
def test_every_option_is_named(layer, name):
    assert layer_name(layer) == name


@pytest.mark.parametrize(
    "layer, input_shape, output_shape, parameters",
    [
        # the options describe() used to refuse, now worked out by hand
        (ce.Conv2d(1, 2, 3, dilation=2), (1, 8, 8), (2, 4, 4), 2 * 9 + 2),  # span 5: 8 - 5 + 1
        (ce.Conv2d(1, 2, (3, 1)), (1, 8, 8), (2, 6, 8), 2 * 3 + 2),
        (ce.Conv2d(1, 2, 3, stride=(1, 2)), (1, 8, 8), (2, 6, 3), 20),
        (ce.Conv2d(1, 2, 4, padding="same"), (1, 8, 7), (2, 8, 7), 2 * 16 + 2),  # 1 cell before, 2 after
        (ce.Conv2d(1, 2, 3, bias=False), (1, 8, 8), (2, 6, 6), 18),
        (ce.MaxPool2d(2, padding=1), (1, 8, 8), (1, 5, 5), 0),  # (8 + 2 - 2) / 2 + 1
        (ce.AvgPool2d((2, 1)), (3, 8, 8), (3, 4, 8), 0),
    ],
)
def test_options_describe_used_to_refuse(layer, input_shape, output_shape, parameters):
    row = describe([layer], input_shape)[0]
    assert (row.output_shape, row.parameter_count) == (output_shape, parameters)
    assert layer(np.zeros((1, *input_shape))).shape[1:] == output_shape


def test_a_rectangular_stack_has_a_rectangular_field():
    rows = describe([ce.Conv2d(1, 1, (1, 3)), ce.Conv2d(1, 1, (5, 1))], (1, 9, 9))
    assert (rows[-1].receptive_field.size, rows[-1].receptive_field_columns.size) == (5, 3)
    assert summary_table(rows).splitlines()[-2].endswith("5 x 3")


# ---------------------------------------------------------------- random stacks


def random_stack(generator, in_channels, height, width):
    """A random valid stack of convolutions (any option), pooling and ReLUs, ending flat or not, with its forward pass.

    Options are drawn freely and a layer that would not fit is drawn again, so the stack is valid by construction
    (checked with the real forward pass, not with describe)."""
    layers, x = [], np.zeros((1, in_channels, height, width))
    channels = in_channels
    for _ in range(int(generator.integers(1, 6))):
        for _attempt in range(20):
            kind = generator.choice(["conv", "conv", "max", "avg", "relu"])
            kernel = tuple(int(k) for k in generator.integers(1, 5, size=2))
            if kind == "conv":
                stride = tuple(int(s) for s in generator.integers(1, 3, size=2))
                dilation = tuple(int(d) for d in generator.integers(1, 3, size=2))
                options = ["pair", "int", "valid"] + (["same"] if stride == (1, 1) else [])
                padding = generator.choice(options)
                padding = {
                    "pair": tuple(int(p) for p in generator.integers(0, 3, size=2)),
                    "int": int(generator.integers(0, 3)),
                }.get(padding, str(padding))
                out = int(generator.integers(1, 4))
                layer = ce.Conv2d(
                    channels,
                    out,
                    kernel if generator.random() < 0.5 else kernel[0],
                    stride=stride,
                    padding=padding,
                    dilation=dilation if generator.random() < 0.5 else dilation[0],
                    bias=bool(generator.random() < 0.7),
                    rng=generator,
                )
            elif kind in ("max", "avg"):
                padding = tuple(int(generator.integers(0, k // 2 + 1)) for k in kernel)
                stride = tuple(int(s) for s in generator.integers(1, 4, size=2))
                pool = ce.MaxPool2d if kind == "max" else ce.AvgPool2d
                layer = pool(kernel, stride=stride, padding=padding)
            else:
                layer = ce.ReLU()
            try:
                y = layer(x)
            except ValueError:  # does not fit: draw another layer
                continue
            layers.append(layer)
            x = y
            channels = x.shape[1]
            break
    ending = generator.choice(["map", "flat", "global"])
    if ending == "flat":
        layers += [ce.Flatten(), ce.Linear(int(np.prod(x.shape[1:])), 3, rng=generator)]
    elif ending == "global":
        layers += [ce.GlobalAvgPool(), ce.Linear(channels, 2, rng=generator)]
    return layers


@pytest.mark.parametrize("seed", range(40))
def test_random_stacks_match_the_forward_pass_and_the_parameter_arrays(seed):
    generator = np.random.default_rng(seed)
    input_shape = (int(generator.integers(1, 4)), int(generator.integers(6, 20)), int(generator.integers(6, 20)))
    layers = random_stack(generator, *input_shape)
    rows = describe(layers, input_shape)
    x = generator.standard_normal((2, *input_shape))
    for layer, row in zip(layers, rows, strict=True):
        x = layer(x)
        assert x.shape[1:] == row.output_shape, (layer, row)
        arrays = [getattr(layer, name) for name in ("weights", "bias") if getattr(layer, name, None) is not None]
        assert row.parameter_count == sum(array.size for array in arrays), layer
        if row.receptive_field is not None:
            assert row.receptive_field == ce.receptive_field(layers[: row.index + 1], axis="rows")
            assert row.receptive_field_columns == ce.receptive_field(layers[: row.index + 1], axis="columns")


@pytest.mark.parametrize("seed", range(40, 50))
def test_unused_cells_follow_the_definition(seed):
    """Unused rows: those past the last input row any window touches (a loop over the windows' taps)."""
    generator = np.random.default_rng(seed)
    input_shape = (1, int(generator.integers(6, 20)), int(generator.integers(6, 20)))
    layers = [layer for layer in random_stack(generator, *input_shape) if layer.geometry() is not None]
    assert layers  # a stack always starts with at least one windowed layer
    rows = describe(layers, input_shape)
    shapes = [input_shape] + [row.output_shape for row in rows]
    for layer, row, before, after in zip(layers, rows, shapes[:-1], shapes[1:], strict=True):
        geometry = layer.geometry()
        for axis, unused in enumerate((row.unused, row.unused_columns)):
            reached = {
                i * geometry.stride[axis] - geometry.padding[axis][0] + j * geometry.dilation[axis]
                for i in range(after[1 + axis])
                for j in range(geometry.kernel_size[axis])
            }
            assert unused == max(before[1 + axis] - 1 - max(reached), 0), (layer, axis)


def _torch_layer(torch, layer):
    """The PyTorch twin of a cnnedu layer (same geometry and options)."""
    nn = torch.nn
    if isinstance(layer, ce.Conv2d):
        return nn.Conv2d(
            layer.in_channels,
            layer.out_channels,
            layer.kernel_size,
            stride=layer.stride,
            padding=layer.padding,
            dilation=layer.dilation,
            bias=layer.bias is not None,
        )
    if isinstance(layer, ce.MaxPool2d):
        return nn.MaxPool2d(layer.size, stride=layer.stride, padding=layer.padding)
    if isinstance(layer, ce.AvgPool2d):
        return nn.AvgPool2d(layer.size, stride=layer.stride, padding=layer.padding)
    if isinstance(layer, ce.ReLU):
        return nn.ReLU()
    if isinstance(layer, ce.Flatten):
        return nn.Flatten()
    if isinstance(layer, ce.GlobalAvgPool):
        return nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten())
    return nn.Linear(layer.in_features, layer.out_features)


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel lengths")
@pytest.mark.parametrize("seed", range(20))
def test_random_stacks_match_pytorch(torch, seed):
    generator = np.random.default_rng(100 + seed)
    input_shape = (int(generator.integers(1, 4)), int(generator.integers(6, 20)), int(generator.integers(6, 20)))
    layers = random_stack(generator, *input_shape)
    x = torch.zeros((1, *input_shape))
    for layer, row in zip(layers, describe(layers, input_shape), strict=True):
        twin = _torch_layer(torch, layer)
        x = twin(x)
        assert tuple(x.shape[1:]) == row.output_shape, (layer, row)
        assert sum(p.numel() for p in twin.parameters()) == row.parameter_count, layer
