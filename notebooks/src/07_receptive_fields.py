# %% [markdown]
# # 07 - Receptive fields
# Work out, for any stack of convolutions and pooling layers (dilated ones too), how many input pixels one unit can see, how far apart neighbouring units look, and exactly which pixels those are; and explain why the pixels in the middle of that region count the most.

# %%
import matplotlib.pyplot as plt
import numpy as np

import cnnedu as ce
import cnnedu.widgets
from cnnedu import effective_rf, networks
from cnnedu.exercises import lesson07 as ex
from cnnedu.layer_stack import relu_between
from cnnedu.plotting import receptive as rp
from cnnedu.receptive_field import field_cone

rng = np.random.default_rng(0)

# %% [markdown]
# ## What one unit can see
#
# A unit (one number in a feature map) of a 3x3 convolution is computed from a 3x3 patch of the
# layer's input. If that input is itself the output of a 3x3 convolution, each of those 9 cells was
# computed from its own 3x3 patch, and together the patches cover 5x5 pixels of the image.
#
# The **receptive field** of a unit is the region of the input image that can affect it: change a
# pixel inside and the unit may change; change a pixel outside and it cannot. Pixels outside are
# simply not wired to it.
#
# Rows and columns are handled the same way and independently, so we count along one dimension and
# square the result: a field of size r is r x r pixels. The picture below shows one row of cells
# for the input and for each of three 3x3 layers (stride 1). Orange cells are the ones the
# highlighted top unit depends on.
#
# A network is written down as a list of cnnedu layers, the same `ce.Conv2d`, `ce.MaxPool2d`, ...
# that lesson 08 trains. Only each layer's kernel size, stride, padding and dilation matter for the
# field (`layer.geometry()` gives them), not its channels, so one-channel layers will do here.
# `field_cone` works out which cells of every level the unit depends on; the diagram draws them.

# %%
three_convs = [ce.Conv2d(1, 1, kernel_size=3) for _ in range(3)]
fig, ax = plt.subplots(figsize=(8, 2.8))
drawn = rp.receptive_field_diagram(field_cone(three_convs, unit=2, input_size=11), ax=ax)
plt.show()
print("cells seen at each level, input first:", drawn["highlighted"])

# %% [markdown]
# *Figure: four rows of cells, the input at the bottom and three 3x3 layers above it; the top unit's cell
# and the cells it depends on are orange: 1, 3, 5 and 7 cells from top to bottom.*

# %% [markdown]
# ## Going down one layer at a time
#
# Start at the unit itself: at its own layer L it covers r_L = 1 cell. Now step down through layer l,
# which has kernel size k_l and stride s_l. If r_l neighbouring cells of layer l are needed, their
# windows on layer l's input start s_l cells apart. The first window starts at the left; the last
# one starts (r_l - 1) s_l cells later and is k_l cells wide. So the cells needed one level down are
#
# **r_{l-1} = (r_l - 1) s_l + k_l = s_l r_l + k_l - s_l**
#
# Repeat until you reach the input: r_0 is the receptive field. A pooling layer is a layer like any
# other here (a 2x2 pooling with stride 2 has k = 2, s = 2), and a ReLU has k = 1, s = 1, so it
# changes nothing.
#
# **Worked example 1 (by hand):** three 3x3 convolutions, stride 1. **Predict first:** apply the
# recursion three times and write down r_0 before you run the next cell, which prints every step.


# %%
def receptive_field_by_recursion(layers, verbose=True):
    """r_0 from r_L = 1 with r_{l-1} = s_l * r_l + k_l - s_l, walking from the top layer down."""
    r = 1
    for position in range(len(layers), 0, -1):
        kernel_size, stride = layers[position - 1].kernel_size, layers[position - 1].stride
        new_r = stride * r + kernel_size - stride
        if verbose:
            print(
                f"layer {position} (k={kernel_size}, s={stride}): r_{position - 1} = {stride}*{r} + {kernel_size} - {stride} = {new_r}"
            )
        r = new_r
    return r


r = receptive_field_by_recursion(three_convs)
assert r == 7
assert ce.receptive_field(three_convs).size == 7

# %% [markdown]
# From the top: r_3 = 1, r_2 = 1 * 1 + 3 - 1 = 3, r_1 = 3 + 2 = 5, r_0 = 5 + 2 = **7**, the 7 cells of
# the picture above.

# %% [markdown]
# **Worked example 2 (by hand):** a 3x3 convolution, a 2x2 pooling with stride 2, another 3x3
# convolution. From the top: r_3 = 1; through the last convolution r_2 = 1 * 1 + 3 - 1 = 3; through
# the pooling r_1 = 2 * 3 + 2 - 2 = 6; through the first convolution r_0 = 1 * 6 + 3 - 1 = **8**.
# The second convolution's 3 cells sit on a map that was halved, so they cost more input pixels
# than the first convolution's.

# %%
conv_pool_conv = [ce.Conv2d(1, 1, kernel_size=3), ce.MaxPool2d(2, stride=2), ce.Conv2d(1, 1, kernel_size=3)]
r = receptive_field_by_recursion(conv_pool_conv)
assert r == 8
assert ce.receptive_field(conv_pool_conv).size == 8

fig, ax = plt.subplots(figsize=(8, 2.8))
cone = field_cone(conv_pool_conv, unit=2, input_size=14)
rp.receptive_field_diagram(cone, ax=ax, names=["conv 3x3", "pool 2x2/2", "conv 3x3"])
plt.show()

# %% [markdown]
# *Figure: the same kind of diagram for conv 3x3, pool 2x2 with stride 2, conv 3x3: the pooling row has
# cells twice as wide, and the top unit's orange cone covers 8 input cells.*

# %% [markdown]
# ## The closed form
#
# Unrolling the recursion (Araujo, Norris and Sim, Distill 2019, do it step by step) gives
#
# **r_0 = 1 + sum over l of (k_l - 1) * (s_1 s_2 ... s_{l-1})**
#
# Read it from the input upwards: layer l widens the field by k_l - 1 cells *of its own input*, and
# one cell of its input is as wide as the product of the strides of the layers before it. In example
# 2: r_0 = 1 + 2 * 1 + 1 * 1 + 2 * (1 * 2) = 8. The usual mistake is to forget that product.
#
# Two more numbers describe where the fields sit:
#
# * **effective stride** S_0 = s_1 s_2 ... s_L: neighbouring units of the top layer look S_0 input
#   pixels apart;
# * **effective padding** P_0 = sum over l of p_l * (s_1 ... s_{l-1}): how far the first unit's field
#   sticks out past the left edge of the image, into the zero padding.
#
# Let us check that the recursion, the closed form and `cnnedu.receptive_field` agree on 300
# random stacks.


# %%
def receptive_field_closed_form(layers):
    size, stride_product = 1, 1
    for layer in layers:
        size += (layer.kernel_size - 1) * stride_product
        stride_product *= layer.stride
    return size


for _ in range(300):
    depth = rng.integers(1, 8)
    stack = [ce.Conv2d(1, 1, int(rng.integers(1, 8)), stride=int(rng.integers(1, 4))) for _ in range(depth)]
    by_recursion = receptive_field_by_recursion(stack, verbose=False)
    assert by_recursion == receptive_field_closed_form(stack) == ce.receptive_field(stack).size, stack
print("recursion, closed form and cnnedu agree on 300 random stacks")

# %% [markdown]
# ## Three 3x3 layers or one 7x7?
#
# Worked example 1 showed that three stacked 3x3 convolutions (stride 1) see 7 x 7 pixels, as much
# as a single 7x7 convolution. **Predict first:** with C channels in and out (biases left out),
# which of the two has more weights, and by how much?
#
# One 7x7 layer has 7 x 7 x C x C = 49 C^2 weights; three 3x3 layers have 3 x (3 x 3 x C x C) =
# 27 C^2, about half. And the stack puts a ReLU after each layer: three non-linearities instead of
# one, so it can compute more complicated functions of the same pixels. This is why VGG (Simonyan
# and Zisserman, 2015) uses nothing but 3x3 kernels. The price is depth: three layers to run and to
# train instead of one.

# %%
channels = 64
stack_weights = sum(ce.Conv2d(channels, channels, kernel_size=3, rng=0).weights.size for _ in range(3))
single_weights = ce.Conv2d(channels, channels, kernel_size=7, rng=0).weights.size
one_seven = [ce.Conv2d(1, 1, kernel_size=7)]
print(f"field: three 3x3 -> {ce.receptive_field(three_convs).size}, one 7x7 -> {ce.receptive_field(one_seven).size}")
print(f"weights with C = {channels}: three 3x3 -> {stack_weights:,} (27 C^2), one 7x7 -> {single_weights:,} (49 C^2)")
assert ce.receptive_field(three_convs).size == ce.receptive_field(one_seven).size == 7
assert stack_weights == 27 * channels**2 and single_weights == 49 * channels**2

# %% [markdown]
# ## Which pixels exactly: the region of a unit
#
# With zero-based indices, unit u of the top layer sees input cells
#
# **u * S_0 - P_0  up to  u * S_0 - P_0 + r_0 - 1**
#
# Indices below 0 or past the end of the image fall in the padding: the unit sees zeros there.
# `ReceptiveField.region(u)` computes this. Take example 2 again, now with padding 1 in both
# convolutions (so they keep the map size): r = 8, S = 1 * 2 * 1 = 2 and
# P = 1 + 0 * 1 + 1 * (1 * 2) = 3. Unit 0 sees cells -3..4 (three of them padding); unit 1 sees
# 2 * 1 - 3 = -1 .. 6.

# %%
padded = [ce.Conv2d(1, 1, 3, padding=1), ce.MaxPool2d(2, stride=2), ce.Conv2d(1, 1, 3, padding=1)]
field = ce.receptive_field(padded)
print(field)
for unit in range(4):
    print(f"unit {unit} sees input cells {field.region(unit)}")
assert (field.size, field.stride, field.padding) == (8, 2, 3)
assert field.region(0) == (-3, 4) and field.region(1) == (-1, 6)

# %% [markdown]
# Is that really what the network does? Build it from cnnedu layers with random weights, put a
# gradient of 1 on one output unit, back-propagate with the layers' own `backward`, and look at
# which input pixels receive a non-zero gradient. (Without ReLUs and with average pooling the network
# is linear, so the gradient is the same for every input. That every pixel of the field gets a
# *non-zero* share is not a consequence of linearity: the paths from a pixel to the unit could cancel,
# or a kernel entry could be zero, and dilated stacks leave pixels with no gradient at all (the demo
# below shows such holes). With random weights, exact cancellation has probability zero, so here every
# pixel of the field gets some gradient.) On a 16 x 16 input the output map is 8 x 8; for unit
# (row 0, column 5) the formula says rows -3..4 (clipped to 0..4) and columns 7..14.

# %%
layers = [ce.Conv2d(1, 1, 3, padding=1), ce.AvgPool2d(2, stride=2), ce.Conv2d(1, 1, 3, padding=1)]  # no ReLU
model = effective_rf.EffectiveReceptiveField(layers, (16, 16), samples=1, networks=1, seed=0, dtype=np.float64)
gradient = model.gradient(0, 5)
rows_hit = np.nonzero(gradient.any(axis=1))[0]
columns_hit = np.nonzero(gradient.any(axis=0))[0]
print("output map:", model.output_shape)
print("rows with a gradient:   ", rows_hit.min(), "..", rows_hit.max())
print("columns with a gradient:", columns_hit.min(), "..", columns_hit.max())
assert (rows_hit.min(), rows_hit.max()) == (0, model.field.region(0)[1]) == (0, 4)
assert (columns_hit.min(), columns_hit.max()) == model.field.region(5) == (7, 14)

# %% [markdown]
# ## Dilation: wide kernels with few weights
#
# A dilated convolution spreads its k taps d cells apart (d - 1 skipped cells between taps). The
# kernel still has k x k weights, but it spans **d (k - 1) + 1** cells, and that span is what goes
# into every formula above in place of k. A 3x3 kernel with d = 2 spans 5 cells: it is a 5x5 kernel
# with zeros between its taps. Stacking 3x3 layers with dilations 1, 2, 3 gives spans 3, 5, 7 and
# r = 1 + 2 + 4 + 6 = 13, with 27 weights per channel pair; three plain 3x3 layers reach only 7.

# %%
kernel = np.arange(1.0, 10.0).reshape(3, 3)
spread = effective_rf.dilate_kernel(kernel[np.newaxis, np.newaxis], 2)[0, 0]
print(spread)
image = rng.standard_normal((12, 12))
assert np.allclose(ce.correlate2d(image, kernel, dilation=2), ce.correlate2d(image, spread))

dilated_stack = [ce.Conv2d(1, 1, kernel_size=3, dilation=d) for d in (1, 2, 3)]
assert ce.receptive_field(dilated_stack).size == 13
print("dilations 1, 2, 3: r =", ce.receptive_field(dilated_stack).size)

# %% [markdown]
# ## Real networks: AlexNet and VGG-16
#
# `cnnedu.networks` holds the convolution and pooling layers of AlexNet and VGG-16 as cnnedu layers
# (kernel k, stride s, padding p and the real channel counts; random weights), as used by Araujo, Norris and Sim in "Computing Receptive
# Fields of Convolutional Neural Networks" (Distill, 2019). Their table comes from the TF-Slim models
# `alexnet_v2` (whose first 11x11 convolution has no padding) and `vgg_16` (thirteen 3x3
# convolutions with padding 1, five 2x2 poolings with stride 2), up to the last pooling layer,
# `pool5`. Columns: r = receptive field, S = effective stride, P = effective padding, all in pixels.

# %%
for name, layer in networks.alexnet().items():  # the same description as every stack above
    print(f"{name:6} {layer}")

# %%
alexnet = networks.receptive_field_table("alexnet")
vgg16 = networks.receptive_field_table("vgg16")
print("AlexNet")
print(networks.format_table(alexnet))
print()
print("VGG-16")
print(networks.format_table(vgg16))

# %% [markdown]
# Now compare with the published numbers, typed in here from the sources (not read from cnnedu), as
# (r, S, P) per layer.

# %%
# Araujo, Norris and Sim (Distill, 2019), summary table: alexnet_v2 (pool5) 195 / 32 / 64 and
# vgg_16 (pool5) 212 / 32 / 90. Intermediate layers: the per-layer table their article links to
# (RECEPTIVE_FIELD_TABLE.md of TensorFlow's receptive_field library, 224-pixel input).
published_alexnet = {
    "conv1": (11, 4, 0),
    "pool1": (19, 8, 0),
    "conv2": (51, 8, 16),
    "conv3": (99, 16, 32),
    "conv4": (131, 16, 48),
    "conv5": (163, 16, 64),
    "pool5": (195, 32, 64),
}
published_vgg16 = {
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
for table, published in [(alexnet, published_alexnet), (vgg16, published_vgg16)]:
    computed = {row["name"]: (row["size"], row["effective_stride"], row["effective_padding"]) for row in table}
    for name, numbers in published.items():
        assert computed[name] == numbers, (name, computed[name], numbers)
# Two layers the published table leaves out, checked by hand with the closed form:
# AlexNet pool2 = 51 + (3 - 1) * 8 = 67; VGG-16 conv5_3 = 164 + (3 - 1) * 16 = 196.
assert alexnet[3]["name"] == "pool2" and alexnet[3]["size"] == 67
assert vgg16[16]["name"] == "conv5_3" and vgg16[16]["size"] == 196
print("all", len(published_alexnet) + len(published_vgg16), "published (r, S, P) triples reproduced")

# %% [markdown]
# VGG-16 uses only 3x3 kernels, yet its last layer sees 212 pixels: every 2x2 pooling doubles what
# one more 3x3 layer adds. In the first block a 3x3 layer adds 2 pixels, in the last block
# 2 * 16 = 32 pixels. AlexNet gets there sooner with big kernels and early strides (its first layer
# alone has stride 4).

# %%
fig, ax = plt.subplots(figsize=(8, 4))
rp.plot_field_growth({"AlexNet": alexnet, "VGG-16": vgg16}, ax=ax)
ax.set_title("receptive field after each layer")
plt.show()

# %% [markdown]
# *Figure: receptive field size after each layer, AlexNet as a solid line with round markers reaching 195
# after 8 layers, VGG-16 as a dashed line with square markers reaching 212 after 18.*

# %% [markdown]
# ## On a real photograph
#
# On a 224 x 224 image (the input size of both networks) a unit of VGG-16's `conv3_3` (a 56 x 56
# map, r = 40, S = 4, P = 18) sees a patch about the size of an eye and its surroundings; a unit of
# `pool5` (a 7 x 7 map, r = 212, S = 32, P = 90) sees almost the whole picture. The dashed outline is
# the whole field, the filled part is what lies inside the image; the grey frame stands for the
# padding.

# %%
photo = ce.load_image("grace_hopper", grayscale=True)  # 600 x 512
photo = ce.resize(photo[76:524, 32:480], (224, 224))  # a 448 x 448 crop around the face, halved
by_name = {
    row["name"]: ce.ReceptiveField(row["size"], row["effective_stride"], row["effective_padding"]) for row in vgg16
}

fig, axes = plt.subplots(1, 2, figsize=(10, 5), layout="constrained")
for ax, (name, unit) in zip(axes, [("conv3_3", (15, 25)), ("pool5", (3, 3))], strict=True):
    rf = by_name[name]
    rows, columns = rf.region(unit[0]), rf.region(unit[1])
    rp.show_field_on_image(photo, rows, columns, ax=ax, margin=40, title=f"VGG-16 {name}, unit {unit}: r = {rf.size}")
    print(f"{name} unit {unit}: rows {rows[0]}..{rows[1]}, columns {columns[0]}..{columns[1]}")
plt.show()
assert by_name["pool5"].region(3) == (6, 217)  # 3 * 32 - 90 = 6, 6 + 212 - 1 = 217

# %% [markdown]
# *Figure: the portrait twice: left, a small orange square around one eye, the field of a conv3_3 unit;
# right, an orange square covering almost the whole picture (rows and columns 6 to 217 of 0 to 223), the
# field of a pool5 unit.*

# %% [markdown]
# ## The effective receptive field
#
# The theoretical field is an upper bound: pixels outside it *cannot* matter. Inside it, not all
# pixels matter equally. A centre pixel reaches the unit along many paths through the layers (for
# three 3x3 layers: through many different cells of every intermediate map); a corner pixel only
# along a single chain of cells, one corner after another. Luo, Li, Urtasun and Zemel
# ("Understanding the Effective Receptive Field in Deep Convolutional Neural Networks", NIPS 2016)
# measure the effect directly: put a gradient of 1 on the unit, back-propagate to the input, and
# average |dJ/dX| over random inputs and random weights.
# The result, the **effective receptive field**, looks like a Gaussian bump in the middle of the
# theoretical square.
#
# Here: 8 layers of 3x3 convolutions (theoretical r = 17), built from cnnedu layers with random
# weights, averaged over 16 networks x 4 inputs.

# %%
eight_convs = [ce.Conv2d(1, 1, 3, padding=1) for _ in range(8)]
options = dict(channels=4, samples=4, networks=16, seed=0, dtype=np.float64)
linear = effective_rf.effective_receptive_field(eight_convs, (33, 33), **options)
# relu_between puts a ReLU after every convolution but the last
with_relu = effective_rf.effective_receptive_field(relu_between(eight_convs), (33, 33), **options)
region = ce.receptive_field(eight_convs).region(16)  # centre unit (16, 16)
print("theoretical field of unit 16:", region)

fig, axes = plt.subplots(1, 3, figsize=(14, 3.8), layout="constrained")
rp.show_effective_field(linear, region, region, ax=axes[0], margin=2, title="no ReLU")
rp.show_effective_field(with_relu, region, region, ax=axes[1], margin=2, title="with ReLU")
rp.plot_profile(linear, region, ax=axes[2], label="no ReLU")
rp.plot_profile(with_relu, region, ax=axes[2], label="with ReLU", linestyle="--", marker="s")
axes[2].legend()
axes[2].set_title("row 16; shaded: theoretical field")
plt.show()

for name, magnitude in [("no ReLU", linear), ("with ReLU", with_relu)]:
    share = magnitude / magnitude.sum()
    middle = share[12:21, 12:21].sum()  # the middle 9 x 9 cells: 28 % of the 17 x 17 field
    outside = share.sum() - share[region[0] : region[1] + 1, region[0] : region[1] + 1].sum()
    print(f"{name}: middle 9x9 holds {middle:.0%} of |dJ/dX|; outside the field: {outside:.0%}")
    assert middle > 0.6 and outside == 0

# %% [markdown]
# *Figure: two black-to-yellow maps of |dJ/dX|, without and with ReLU, each a bright blob in the middle of
# the dashed 17x17 square of the theoretical field; right, the middle row of both as a solid and a dashed
# line, a bump that falls to zero well inside the shaded field.*

# %% [markdown]
# Nothing leaks outside the theoretical field (that is a hard limit), but most of the weight sits in
# the middle. How wide is the bump? Measure its standard deviation along a row and compare with the
# theoretical size as layers are added: the theoretical field grows like L (r = 2L + 1), the
# effective one only like the square root of L. Luo et al. explain why with the central limit
# theorem: the path from a pixel to the unit is like a random walk of L steps, and the spread of a
# random walk grows like the square root of the number of steps. In the table below, from L = 4
# to L = 16 the depth and r grow about four times, the spread only a little more than twice. A
# deep stack of small kernels uses much less of its field than r suggests; strides, pooling and
# dilation are the ways to grow it faster.

# %%
print(" L    r   spread (std, pixels)   spread / r")
spreads = []
for depth in (2, 4, 8, 16):
    size = 2 * depth + 1
    magnitude = effective_rf.effective_receptive_field(
        [ce.Conv2d(1, 1, 3, padding=1)] * depth, (41, 41), channels=4, samples=2, networks=8, seed=1, dtype=np.float64
    )
    column_share = magnitude.sum(axis=0) / magnitude.sum()
    spread = float(np.sqrt((column_share * (np.arange(41) - 20) ** 2).sum()))
    spreads.append(spread)
    print(f"{depth:2d} {size:4d} {spread:12.1f} {spread / size:18.2f}")
assert spreads[0] < spreads[1] < spreads[2] < spreads[3]
assert spreads[3] / 33 < spreads[0] / 5  # the share of the field in use shrinks as L grows
assert 2 < spreads[3] / spreads[1] < 2.5  # depth x 4: spread x about 2 (square root), not x 4

# %% [markdown]
# ## Demo: explore a stack
#
# Build a stack with the sliders (number of 3x3 or 5x5 convolutions, their stride and dilation,
# optional 2x2 pooling after convolutions 2 and 4) and pick a unit of the last layer with the row and
# column sliders. Left: the theoretical field of that unit on a 64 x 64 photo, clipped at the border
# (the grey frame is the zero padding). Right: its effective field, measured by back-propagating
# from that unit through random-weight networks of cnnedu layers.
#
# Things to try:
# * The demo starts with max pooling after convolutions 2 and 4 (r = 32). Choose "no pooling": the
#   square shrinks to r = 13. Then set the stride to 2 instead: the field jumps again. What
#   happens to the output map (the line above the figure gives its size)?
# * Without pooling, add or remove layers: the square grows by k - 1 per layer, the bright bump
#   much more slowly.
# * Dilation 2 or 3: a large field from few weights, but look closely at the right panel: with
#   several dilated layers some pixels get no gradient at all (a grid of holes, clearest with no
#   pooling).
# * Move the unit to a corner: part of its field is padding, and its effective field is cut off.
# * Untick ReLU: no ReLU blocks a path any more (max pooling still passes one cell per window),
#   yet nothing lands outside the square: it is a hard limit, whatever the weights and activations.

# %%
# NBVAL_IGNORE_OUTPUT
# A live widget: its view cannot be compared between runs.
cnnedu.widgets.receptive_field_explorer()

# %% [markdown]
# ## Summary
#
# * The receptive field of a unit is the part of the input that can affect it; rows and columns
#   are counted separately.
# * Going down from the unit: r_L = 1 and r_{l-1} = s_l r_l + k_l - s_l. In closed form,
#   r_0 = 1 + sum (k_l - 1) * (product of the earlier strides).
# * Effective stride S = product of all strides; effective padding P = sum of p_l times the earlier
#   strides; unit u sees input cells u S - P to u S - P + r - 1 (negative: padding).
# * Dilation d turns k into d (k - 1) + 1 in every formula.
# * AlexNet's pool5 sees 195 pixels, VGG-16's 212 (Araujo, Norris and Sim, 2019): reproduced here.
# * The effective receptive field (Luo et al., 2016) is a bump in the middle of the theoretical one,
#   and grows only like the square root of the depth.

# %% [markdown]
# ## Exercises
#
# Replace `...` with your answer and run the cell. Each check says whether you are right, or gives
# a hint about the usual mistake. Work them out with the formulas first; then you may check with
# `ce.receptive_field`. Worked solutions: `ex.solution_stack_size()` and so on, and the details below.
#
# **Exercise 1.** A stack: a 5x5 convolution (stride 1), a 3x3 convolution with stride 2, a 2x2 max
# pooling with stride 2, and a 3x3 convolution (stride 1). What is the receptive field size r of a
# unit of the last layer?

# %%
answer = ...
ex.check_stack_size(answer)

# %% [markdown]
# **Exercise 2.** In the same stack, how many input pixels apart do two neighbouring units of the
# last layer look (the effective stride)?

# %%
answer = ...
ex.check_effective_stride(answer)

# %% [markdown]
# **Exercise 3.** Three 3x3 convolutions with stride 1 and dilations 1, 2 and 4. What is r?

# %%
answer = ...
ex.check_dilated_size(answer)

# %% [markdown]
# **Exercise 4.** A 5x5 convolution with padding 2, a 2x2 max pooling with stride 2, and a 3x3
# convolution with padding 1 (both convolutions stride 1). Which input cells does unit 4 of the last
# layer see? Answer `(first, last)`, counting the first real input cell as 0 (padding cells have
# negative indices).

# %%
answer = ...
ex.check_region(answer)

# %% [markdown]
# **Exercise 5.** How many 3x3 convolutions with stride 1 do you need before one unit sees at least
# 30 input pixels (in one direction)?

# %%
answer = ...
ex.check_layers_needed(answer)

# %% [markdown]
# <details><summary>Worked solutions (open after trying)</summary>
#
# 1. r = 1 + (5 - 1) * 1 + (3 - 1) * 1 + (2 - 1) * (1 * 2) + (3 - 1) * (1 * 2 * 2) = 1 + 4 + 2 + 2 + 8 = **17**.
# 2. S = 1 * 2 * 2 * 1 = **4**.
# 3. Spans 3, 5 and 9; r = 1 + 2 + 4 + 8 = **15**.
# 4. r = 1 + 4 + 1 + 2 * 2 = 10, S = 2, P = 2 + 0 + 1 * 2 = 4; unit 4 starts at 4 * 2 - 4 = 4 and
#    ends at 4 + 10 - 1 = 13: **(4, 13)**.
# 5. r = 1 + 2L >= 30 gives L = **15** (r = 31; 14 layers give 29).
#
# </details>
