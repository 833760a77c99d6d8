"""cnnedu.layer_stack: reading a stack of layers, the map size after every layer (against the forward pass and
output_size), and the stacks the lesson 05 and 07 demos build."""

import numpy as np
import pytest

import cnnedu as ce
from cnnedu.layer_stack import (
    builder_stack,
    explorer_stack,
    layer_list,
    map_shapes,
    relu_between,
    stack_text,
    window_output,
)


def test_layer_list_opens_sequentials():
    inner = ce.Sequential(ce.ReLU(), ce.MaxPool2d(2))
    conv = ce.Conv2d(1, 2, 3)
    assert layer_list(ce.Sequential(conv, inner)) == [conv, inner[0], inner[1]]
    assert layer_list((conv, inner)) == [conv, inner[0], inner[1]]


@pytest.mark.parametrize(
    "layers, error, match",
    [
        ([("conv", 4, 3)], TypeError, r"describe\(\) takes cnnedu layers such as .* got the tuple \('conv', 4, 3\)"),
        ([ce.ReLU(), (3, 1)], TypeError, r"got the tuple \(3, 1\) as layers\[1\]"),
        ([ce.ReLU(), "conv"], TypeError, r"got str 'conv' as layers\[1\]"),
        (ce.Conv2d(1, 1, 3), TypeError, r"takes a list of layers or a Sequential; got the single layer Conv2d"),
        ("conv", TypeError, r"takes a list of layers or a Sequential; got str"),
        (3, TypeError, r"takes a list of layers or a Sequential; got int"),
        ([], ValueError, r"describe\(\) needs at least one layer"),
        (ce.Sequential(), ValueError, "needs at least one layer"),
    ],
)
def test_layer_list_refuses_what_is_not_a_layer(layers, error, match):
    with pytest.raises(error, match=match):
        layer_list(layers, "describe()")


@pytest.mark.parametrize(
    "layer",
    [
        ce.Conv2d(1, 1, 3),
        ce.Conv2d(1, 1, (2, 5), stride=(2, 1), padding=(1, 2), dilation=(3, 1)),
        ce.Conv2d(1, 1, 4, padding="same", dilation=2),
        ce.MaxPool2d(3, stride=2, padding=1),
        ce.AvgPool2d((2, 3), stride=(1, 2)),
        ce.ReLU(),
    ],
)
@pytest.mark.parametrize("height, width", [(9, 9), (12, 7), (16, 21)])
def test_window_output_is_the_forward_pass_shape(layer, height, width):
    shape, unused = window_output(layer.geometry(), height, width)
    assert layer(np.zeros((1, 1, height, width))).shape[2:] == shape
    geometry = layer.geometry()
    for axis, n in enumerate((height, width)):
        if geometry.padding[axis][0] == geometry.padding[axis][1]:
            expected = ce.output_size(
                n, geometry.kernel_size[axis], geometry.stride[axis], geometry.padding[axis][0], geometry.dilation[axis]
            )
            assert shape[axis] == expected
        assert 0 <= unused[axis] < geometry.stride[axis] + geometry.dilation[axis] * geometry.kernel_size[axis]


def test_window_output_names_the_layer_that_does_not_fit():
    with pytest.raises(ValueError, match=r"layer 2 cannot fit: its 3x3 window \(dilation \(2, 2\): it spans 5x5\)"):
        window_output(ce.Conv2d(1, 1, 3, dilation=2).geometry(), 4, 9, where="layer 2")
    with pytest.raises(
        ValueError, match=r"4x1 pooling window is larger than its 1x5 input plus padding \(1, 0\) \(3x5\)"
    ):
        window_output(ce.MaxPool2d((4, 1), padding=(1, 0)).geometry(), 1, 5, what="pooling window")


def test_map_shapes_follow_the_forward_pass(rng):
    layers = [
        ce.Conv2d(1, 3, 5, stride=2, padding=2),
        ce.ReLU(),
        ce.AvgPool2d(3, stride=2, padding=1),
        ce.Conv2d(3, 2, (3, 1), dilation=2),
        ce.MaxPool2d(2),
    ]
    x = rng.standard_normal((1, 1, 40, 33))
    expected = []
    for layer in layers:
        x = layer(x)
        expected.append(x.shape[2:])
    assert map_shapes(layers, (40, 33)) == expected
    assert map_shapes(ce.Sequential(*layers), [40, 33]) == expected


def test_map_shapes_errors():
    with pytest.raises(ValueError, match=r"layer 3 \(Conv2d\(1, 1, kernel_size=5.*cannot fit: its 5x5 window"):
        map_shapes([ce.Conv2d(1, 1, 3), ce.MaxPool2d(2), ce.Conv2d(1, 1, 5)], (8, 8))
    with pytest.raises(ValueError, match=r"layer 2 \(Flatten\(\)\) mixes all positions; map_shapes\(\) takes"):
        map_shapes([ce.Conv2d(1, 1, 3), ce.Flatten()], (8, 8))
    with pytest.raises(ValueError, match=r"layer 1 \(ConvTranspose2d.* is not a window sliding over its input"):
        map_shapes([ce.ConvTranspose2d(1, 1, 2)], (8, 8))
    with pytest.raises(TypeError, match=r"input_shape must be a pair \(height, width\); got 8"):
        map_shapes([ce.ReLU()], 8)
    with pytest.raises(ValueError, match=r"input_shape\[1\] must be at least 1"):
        map_shapes([ce.ReLU()], (8, 0))


def test_relu_between():
    layers = [ce.Conv2d(1, 1, 3), ce.MaxPool2d(2), ce.Conv2d(1, 1, 3), ce.Conv2d(1, 1, 3)]
    result = relu_between(layers)
    assert [type(layer).__name__ for layer in result] == [
        "Conv2d",
        "ReLU",
        "MaxPool2d",
        "Conv2d",
        "ReLU",
        "Conv2d",
    ]
    assert [layer for layer in result if not isinstance(layer, ce.ReLU)] == layers  # the same objects
    assert relu_between([ce.MaxPool2d(2)])[0] is not None and len(relu_between([ce.MaxPool2d(2)])) == 1


def test_explorer_stack():
    stack = explorer_stack(5, 5, 2, 2, "avg", relu=False, channels=3)
    assert stack_text(stack) == "conv5(d2)/2 conv5(d2)/2 avg2 conv5(d2)/2 conv5(d2)/2 avg2 conv5(d2)/2"
    convs = [layer for layer in stack if isinstance(layer, ce.Conv2d)]
    assert [(c.in_channels, c.out_channels) for c in convs] == [(1, 3), (3, 3), (3, 3), (3, 3), (3, 1)]
    assert all(c.padding == 4 and c.dilation == 2 and c.stride == 2 for c in convs)  # span 9: (9 - 1) // 2
    assert stack_text(explorer_stack(2, 3, 1, 1, "max")) == "conv3 relu conv3"  # no pooling as the last layer
    assert stack_text(explorer_stack(4, 3, 1, 1, "none")) == "conv3 relu conv3 relu conv3 relu conv3"
    # stride 1 with "same"-style padding keeps the map size
    assert map_shapes(explorer_stack(6, 5, 1, 3, "none"), (64, 64))[-1] == (64, 64)
    with pytest.raises(ValueError, match="pooling must be 'none', 'max' or 'avg'; got 'min'"):
        explorer_stack(3, 3, 1, 1, "min")


def builder_settings(**changes):
    settings = dict(
        conv1_filters=2,
        conv1_kernel=3,
        conv1_stride=1,
        conv1_padding=0,
        pool_size=2,
        pool_stride=2,
        conv2_filters=4,
        conv2_kernel=3,
        conv2_stride=1,
        conv2_padding=1,
        extra_blocks=0,
        classes=10,
    )
    settings.update(changes)
    return settings


def test_builder_stack_is_the_worked_network_and_runs(rng):
    stack = builder_stack((1, 32, 32), **builder_settings())
    assert stack_text(stack) == "conv3 relu max2 conv3 relu flatten linear"
    assert stack[-1].in_features == 900
    assert ce.Sequential(*stack)(rng.standard_normal((2, 1, 32, 32))).shape == (2, 10)
    stack = builder_stack((3, 64, 64), **builder_settings(extra_blocks=2, pool_size=1, classes=4))
    assert [layer.out_channels for layer in stack if isinstance(layer, ce.Conv2d)] == [2, 4, 8, 16]
    assert ce.Sequential(*stack)(rng.standard_normal((1, 3, 64, 64))).shape == (1, 4)


def test_builder_stack_without_room_for_the_linear_layer():
    stack = builder_stack((1, 8, 8), **builder_settings(extra_blocks=3))  # 8 -> 6 -> 3 -> 3 -> 1 -> cannot pool 1
    assert isinstance(stack[-1], ce.Flatten)
    from cnnedu.architecture import describe_partial

    rows, error = describe_partial(stack, (1, 8, 8))
    assert error.startswith(f"layer {len(rows) + 1} (max pool 2x2, s2) cannot fit")
    with pytest.raises(TypeError, match=r"input_shape must be \(C, H, W\)"):
        builder_stack((8, 8), **builder_settings())


def test_stack_text_names_every_option():
    layers = [
        ce.Conv2d(1, 1, (1, 3), stride=(1, 2)),
        ce.Conv2d(1, 1, 3, dilation=(1, 2)),
        ce.MaxPool2d(3, stride=2),
        ce.AvgPool2d(2),
        ce.GlobalAvgPool(),
    ]
    assert stack_text(layers) == "conv1x3/1x2 conv3(d1x2) max3/2 avg2 globalavgpool"
