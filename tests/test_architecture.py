"""Tests of cnnedu.architecture: shapes, parameter counts, receptive fields."""

import re

import numpy as np
import pytest

import cnnedu as ce
from cnnedu.architecture import (
    conv_parameter_count,
    dense_parameter_count,
    describe,
    summary_table,
)

WORKED = [("conv", 2, 3), ("relu",), ("maxpool", 2), ("conv", 4, 3, 1, 1), ("relu",), ("flatten",), ("linear", 10)]


def test_worked_network_of_the_curriculum():
    rows = describe(WORKED, (1, 32, 32))
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
    assert [None if row.receptive_field is None else row.receptive_field.size for row in rows] == [
        3,
        3,
        4,
        8,
        8,
        None,
        None,
    ]


def test_layer_objects_give_the_same_summary_and_match_forward_pass():
    net = ce.Sequential(
        ce.Conv2d(1, 2, 3, rng=0),
        ce.ReLU(),
        ce.MaxPool2d(2),
        ce.Conv2d(2, 4, 3, padding=1, rng=1),
        ce.ReLU(),
        ce.Flatten(),
        ce.Linear(900, 10, rng=2),
    )
    from_objects = describe(net, (1, 32, 32))
    from_specs = describe(WORKED, (1, 32, 32))
    assert [r.output_shape for r in from_objects] == [r.output_shape for r in from_specs]
    assert [r.parameter_count for r in from_objects] == [layer.parameter_count() for layer in net]
    x = np.zeros((1, 1, 32, 32))
    for layer, row in zip(net, from_objects, strict=True):
        x = layer(x)
        assert x.shape[1:] == row.output_shape
    assert [r.receptive_field for r in from_objects[:5]] == ce.receptive_fields(list(net)[:5])


def test_wrong_stride_and_padding_exercise():
    assert describe([("conv", 2, 3), ("maxpool", 2, 1)], (1, 32, 32))[1].output_shape == (2, 29, 29)
    assert describe([("conv", 4, 3, 1, 2)], (2, 15, 15))[0].output_shape == (4, 17, 17)


@pytest.mark.parametrize("size, kernel, stride, padding", [(32, 3, 1, 0), (15, 3, 1, 1), (28, 5, 2, 2), (7, 3, 3, 0)])
def test_shape_follows_output_size(size, kernel, stride, padding):
    row = describe([("conv", 3, kernel, stride, padding)], (2, size, size))[0]
    n = ce.output_size(size, kernel, stride, padding)
    assert row.output_shape == (3, n, n)
    assert row.parameter_count == conv_parameter_count(2, 3, kernel) == 3 * 2 * kernel**2 + 3


def test_unused_border_cells():
    assert describe([("maxpool", 2)], (1, 5, 5))[0].unused == 1
    assert describe([("maxpool", 2)], (1, 4, 4))[0].unused == 0
    assert describe([("conv", 1, 3, 2, 0)], (1, 6, 6))[0].unused == 1


def test_global_pool_and_table():
    rows = describe([("conv", 8, 3, 1, 1), ("globalavgpool",), ("linear", 3)], (3, 8, 8))
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


@pytest.mark.parametrize(
    "layers, shape, error, match",
    [
        (
            [("conv", 2, 3), ("maxpool", 2), ("conv", 4, 9)],
            (1, 16, 16),
            ValueError,
            r"layer 3 \(conv 9x9, 4 filters, s1 p0\) cannot fit: its 9x9 kernel is larger than its 7x7 input",
        ),
        ([("maxpool", 4)], (1, 3, 3), ValueError, r"layer 1 \(max pool 4x4, s4\) cannot fit: its 4x4 pooling window"),
        ([("conv", 1, 5, 1, 1)], (1, 2, 2), ValueError, r"plus padding 1 \(4x4\)"),
        ([("flatten",), ("conv", 1, 3)], (1, 8, 8), ValueError, "layer 2 .* flat vector of 64 values"),
        ([("conv", 1, 3), ("linear", 4)], (1, 8, 8), ValueError, "add a flatten layer first"),
        ([ce.Conv2d(3, 2, 3, rng=0)], (1, 8, 8), ValueError, "expects 3 input channels but receives 1"),
        ([ce.Flatten(), ce.Linear(10, 2, rng=0)], (1, 8, 8), ValueError, "expects 10 input features but receives 64"),
        ([("dense", 3)], (1, 8, 8), ValueError, "spec must start with one of"),
        ([("conv", 0, 3)], (1, 8, 8), ValueError, "out_channels must be at least 1"),
        ([], (1, 8, 8), ValueError, "at least one layer"),
        ([("relu",)], (8, 8), ValueError, r"input_shape must be \(C, H, W\)"),
        ([object()], (1, 8, 8), TypeError, "must be a cnnedu layer"),
        ("conv", (1, 8, 8), TypeError, "layers must be a list"),
    ],
)
def test_errors_name_the_layer(layers, shape, error, match):
    with pytest.raises(error, match=match):
        describe(layers, shape)


def test_describe_partial_stops_before_the_failing_layer():
    from cnnedu.architecture import describe_partial

    layers = [("conv", 2, 3), ("maxpool", 2), ("conv", 4, 9), ("flatten",)]
    rows, error = describe_partial(layers, (1, 16, 16))
    assert [row.output_shape for row in rows] == [(2, 14, 14), (2, 7, 7)]
    assert error.startswith("layer 3 (conv 9x9, 4 filters, s1 p0) cannot fit")
    rows, error = describe_partial(layers[:2], (1, 16, 16))
    assert len(rows) == 2 and error is None
    rows, error = describe_partial([("maxpool", 5)], (1, 4, 4))
    assert rows == [] and "layer 1" in error
    with pytest.raises(ValueError, match=r"input_shape must be \(C, H, W\)"):
        describe_partial(layers, (16, 16))


def test_summary_table_columns_line_up():
    rows = describe(WORKED, (1, 32, 32))
    lines = summary_table(rows, (1, 32, 32)).splitlines()
    assert len(lines) == 1 + 1 + len(WORKED) + 1  # header, input, layers, total
    start = lines[0].index("output shape")
    assert all(
        line[start:].startswith(" x ".join(map(str, row.output_shape)))
        for line, row in zip(lines[2:-1], rows, strict=True)
    )
    assert lines[-1].split() == ["total", str(sum(row.parameter_count for row in rows))]


@pytest.mark.parametrize(
    "layer, named",
    [
        (ce.Conv2d(1, 2, 3, dilation=2), "dilation=2"),
        (ce.Conv2d(1, 2, (3, 1)), "kernel_size=(3, 1)"),
        (ce.Conv2d(1, 2, 3, stride=(1, 2)), "stride=(1, 2)"),
        (ce.Conv2d(1, 2, 3, padding="same"), "padding='same'"),
        (ce.Conv2d(1, 2, 3, bias=False), "bias=False"),
        (ce.MaxPool2d(2, padding=1), "padding=1"),
        (ce.AvgPool2d((2, 1)), "size=(2, 1)"),
    ],
)
def test_options_describe_cannot_show_are_refused_not_misread(layer, named):
    with pytest.raises(ValueError, match=re.escape(named)):
        describe([layer], (1, 8, 8))
