"""cnnedu.networks: the AlexNet and VGG-16 layers reproduce the receptive
fields published by Araujo, Norris and Sim (Distill, 2019), and run."""

import numpy as np
import pytest

import cnnedu as ce
from cnnedu import networks

# The summary table of the Distill article (end point pool5 of the TF-Slim
# models alexnet_v2 and vgg_16): receptive field r, effective stride S,
# effective padding P.
DISTILL_SUMMARY = {"alexnet": (195, 32, 64), "vgg16": (212, 32, 90)}


@pytest.mark.parametrize("name", ["alexnet", "vgg16"])
def test_last_layer_matches_the_distill_summary_table(name):
    field = ce.receptive_field(list(networks.network_layers(name).values()))
    assert (field.size, field.stride, field.padding) == DISTILL_SUMMARY[name]


def test_alexnet_every_published_layer():
    table = {row["name"]: row for row in networks.receptive_field_table("alexnet")}
    # RECEPTIVE_FIELD_TABLE.md (TensorFlow receptive_field library, linked from the article)
    published = {
        "conv1": (11, 4, 0),
        "pool1": (19, 8, 0),
        "conv2": (51, 8, 16),
        "conv3": (99, 16, 32),
        "conv4": (131, 16, 48),
        "conv5": (163, 16, 64),
        "pool5": (195, 32, 64),
    }
    for name, expected in published.items():
        row = table[name]
        assert (row["size"], row["effective_stride"], row["effective_padding"]) == expected, name
    # not in the published table; by hand: 51 + (3 - 1) * 8 = 67, stride 8 * 2 = 16, padding 16
    assert (table["pool2"]["size"], table["pool2"]["effective_stride"], table["pool2"]["effective_padding"]) == (
        67,
        16,
        16,
    )


def test_vgg16_every_published_layer():
    table = {row["name"]: row for row in networks.receptive_field_table("vgg16")}
    published = {
        "conv1_1": (3, 1, 1),
        "pool1": (6, 2, 2),
        "conv2_1": (10, 2, 4),
        "pool2": (16, 4, 6),
        "conv3_1": (24, 4, 10),
        "conv3_2": (32, 4, 14),
        "pool3": (44, 8, 18),
        "conv4_1": (60, 8, 26),
        "conv4_2": (76, 8, 34),
        "pool4": (100, 16, 42),
        "conv5_1": (132, 16, 58),
        "conv5_2": (164, 16, 74),
        "pool5": (212, 32, 90),
    }
    for name, expected in published.items():
        row = table[name]
        assert (row["size"], row["effective_stride"], row["effective_padding"]) == expected, name
    # by hand, the last convolution before pool5: 164 + 2 * 16 = 196
    assert table["conv5_3"]["size"] == 196


@pytest.mark.parametrize("name", ["alexnet", "vgg16"])
def test_published_dictionary_agrees_with_the_tables(name):
    table = {row["name"]: row for row in networks.receptive_field_table(name)}
    for layer, expected in networks.PUBLISHED[name].items():
        row = table[layer]
        assert (row["size"], row["effective_stride"], row["effective_padding"]) == expected


def test_closed_form_gives_the_same_sizes():
    for name in ("alexnet", "vgg16"):
        size, stride_product = 1, 1
        for layer in networks.network_layers(name).values():
            size += (layer.kernel_size - 1) * stride_product
            stride_product *= layer.stride
        assert size == networks.receptive_field_table(name)[-1]["size"]


def test_vgg16_has_thirteen_convolutions_and_five_pools():
    layers = networks.vgg16()
    convs = [name for name, layer in layers.items() if isinstance(layer, ce.Conv2d)]
    pools = [name for name, layer in layers.items() if isinstance(layer, ce.MaxPool2d)]
    assert len(convs) == 13 and all(name.startswith("conv") for name in convs)
    assert len(pools) == 5 and all(name.startswith("pool") for name in pools)


@pytest.mark.parametrize(
    "name, last_shape, parameters",
    [
        # AlexNet v2 (TF-Slim, VALID conv1): 224 -> 54 -> 26 -> 26 -> 12 -> 12 -> 5; VGG-16: 224 / 32 = 7
        (
            "alexnet",
            (256, 5, 5),
            64 * 3 * 121 + 64 + 192 * 64 * 25 + 192 + 384 * 192 * 9 + 384 + 384 * 384 * 9 + 384 + 256 * 384 * 9 + 256,
        ),
        ("vgg16", (512, 7, 7), 14_714_688),  # the convolutions of VGG-16 (Simonyan and Zisserman, table 2: 138M in all)
    ],
)
def test_the_networks_describe_and_run(name, last_shape, parameters):
    from cnnedu.architecture import describe

    layers = networks.network_layers(name)
    rows = describe(list(layers.values()), networks.INPUT_SHAPE)
    assert rows[-1].output_shape == last_shape
    assert sum(row.parameter_count for row in rows) == parameters
    assert rows[-1].receptive_field.size == networks.PUBLISHED[name]["pool5"][0]
    if name == "alexnet":  # small enough to run here: the forward pass agrees with the table
        x = np.zeros((1, *networks.INPUT_SHAPE), dtype=np.float32)
        for layer, row in zip(layers.values(), rows, strict=True):
            x = layer(x)
            assert x.shape[1:] == row.output_shape


def test_a_table_of_plain_layers_or_a_dict():
    layers = [ce.Conv2d(1, 1, 3), ce.MaxPool2d(2), ce.Conv2d(1, 1, (3, 5), padding=(1, 2))]
    table = networks.receptive_field_table(layers, axis="columns")
    assert [row["name"] for row in table] == ["layer 1", "layer 2", "layer 3"]
    assert [(row["kernel_size"], row["padding"], row["size"]) for row in table] == [(3, 0, 3), (2, 0, 4), (5, 2, 12)]
    named = networks.receptive_field_table({"a": layers[0], "b": layers[1]})
    assert [row["name"] for row in named] == ["a", "b"]
    assert networks.receptive_field_table(ce.Sequential(*layers[:2])) == networks.receptive_field_table(layers[:2])


def test_format_table_lines():
    text = networks.format_table(networks.receptive_field_table("vgg16"))
    lines = text.splitlines()
    assert len(lines) == 19
    assert lines[-1].split() == ["pool5", "2", "2", "0", "212", "32", "90"]


def test_bad_input():
    with pytest.raises(ValueError, match="name must be one of"):
        networks.network_layers("resnet")
    with pytest.raises(TypeError, match=r"receptive_field_table\(\) takes cnnedu layers .* got the tuple \(3, 1, 1\)"):
        networks.receptive_field_table([(3, 1, 1)])
    with pytest.raises(TypeError, match=r"got the tuple \(11, 4, 0\) as layers\[0\]"):
        networks.receptive_field_table({"conv1": (11, 4, 0)})
    with pytest.raises(TypeError, match="layer names must be strings; got 1"):
        networks.receptive_field_table({1: ce.ReLU()})
