"""cnnedu.networks: the AlexNet and VGG-16 geometry reproduces the receptive
fields published by Araujo, Norris and Sim (Distill, 2019)."""

import pytest

import cnnedu as ce
from cnnedu import networks

# The summary table of the Distill article (end point pool5 of the TF-Slim
# models alexnet_v2 and vgg_16): receptive field r, effective stride S,
# effective padding P.
DISTILL_SUMMARY = {"alexnet": (195, 32, 64), "vgg16": (212, 32, 90)}


@pytest.mark.parametrize("name", ["alexnet", "vgg16"])
def test_last_layer_matches_the_distill_summary_table(name):
    field = ce.receptive_field([row[1:] for row in networks.network_layers(name)])
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
        rows = networks.network_layers(name)
        size, stride_product = 1, 1
        for _, kernel_size, stride, _ in rows:
            size += (kernel_size - 1) * stride_product
            stride_product *= stride
        assert size == networks.receptive_field_table(name)[-1]["size"]


def test_vgg16_has_thirteen_convolutions_and_five_pools():
    names = [row[0] for row in networks.VGG16]
    assert sum(name.startswith("conv") for name in names) == 13
    assert sum(name.startswith("pool") for name in names) == 5


def test_format_table_lines():
    text = networks.format_table(networks.receptive_field_table("vgg16"))
    lines = text.splitlines()
    assert len(lines) == 19
    assert lines[-1].split() == ["pool5", "2", "2", "0", "212", "32", "90"]


def test_bad_input():
    with pytest.raises(ValueError, match="name must be one of"):
        networks.network_layers("resnet")
    with pytest.raises(TypeError, match=r"layers\[0\] must be \(name, kernel_size, stride, padding\)"):
        networks.receptive_field_table([(3, 1, 1)])
