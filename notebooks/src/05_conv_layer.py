# %% [markdown]
# # 05 - The convolutional layer
# Explain how a convolution layer turns a stack of input channels into a stack of feature maps, give the shapes of its input, weights, bias and output, count its parameters, compare that count with a dense layer, and trace a small CNN shape by shape.

# %%
import matplotlib.pyplot as plt
import numpy as np

import cnnedu as ce
import cnnedu.widgets
from cnnedu.architecture import conv_parameter_count, dense_parameter_count, describe, summary_table
from cnnedu.exercises import lesson05 as ex
from cnnedu.plotting import layer as lp
from cnnedu.rgb_layer import RGB_PRESETS

rng = np.random.default_rng(0)

# %% [markdown]
# ## From one channel to many
#
# So far a filter was a small 2-D grid slid over a 2-D image. Real inputs have several **channels**:
# a colour photo has three (red, green, blue), and the output of a convolution layer has one channel
# per filter, which the next layer reads as its input channels.
#
# A convolution layer handles this in the simplest way possible. To make **one output channel** it
# holds **one kernel for every input channel**. Each kernel is slid over its own input channel, which
# gives one response map per input channel; the maps are **added** cell by cell and then a single
# number, the channel's **bias**, is added to every cell. To make more output channels the layer
# simply holds more such sets of kernels, each with its own bias.
#
# In the notation of PyTorch and of `cnnedu`:
#
# | array | shape | meaning |
# |---|---|---|
# | input `x` | (N, C_in, H, W) | N images, C_in channels each |
# | weights | (C_out, C_in, kh, kw) | a kh x kw kernel for every (output, input) channel pair |
# | bias | (C_out,) | one number per output channel |
# | output `y` | (N, C_out, H_out, W_out) | C_out feature maps per image |
#
# and one output value is
#
# y[n, o, r, c] = bias[o] + sum over input channels ci and kernel cells (i, j) of x[n, ci, r s + i, c s + j] * weights[o, ci, i, j]
#
# with stride s (and the input padded first when there is padding). H_out and W_out follow the
# output-size formula of lesson 03, exactly as for one channel: the channels do not change the
# geometry.

# %% [markdown]
# ## A worked example you can check by hand
#
# Two input channels of 3x3, one output channel, 2x2 kernels, bias 0.5, stride 1, no padding.
#
# **Predict first:** from the arrays in the next cell, work out the top-left output value by hand
# (channel 0's response, plus channel 1's, plus the bias) before you run it.

# %%
x = np.array(
    [
        [[1, 2, 0], [0, 1, 3], [2, 1, 1]],  # channel 0
        [[0, 1, 1], [1, 0, 2], [1, 1, 0]],  # channel 1
    ],
    dtype=float,
)  # (C_in=2, 3, 3)
weights = np.array(
    [
        [
            [[1, 0], [0, -1]],  # kernel for channel 0
            [[2, 1], [0, 1]],  # kernel for channel 1
        ]
    ],
    dtype=float,
)  # (C_out=1, C_in=2, 2, 2)
bias = np.array([0.5])

response_0 = ce.correlate2d(x[0], weights[0, 0])  # channel 0 with its kernel
response_1 = ce.correlate2d(x[1], weights[0, 1])  # channel 1 with its kernel
print("channel 0 response:\n", response_0)
print("channel 1 response:\n", response_1)
print("sum + bias:\n", response_0 + response_1 + bias[0])

# %% [markdown]
# Check the top-left value yourself. Channel 0: 1*1 + 2*0 + 0*0 + 1*(-1) = 0. Channel 1:
# 0*2 + 1*1 + 1*0 + 0*1 = 1. Sum 0 + 1 = 1, plus the bias 0.5: **1.5**. The layer computes the same
# in one call (the batch axis N = 1 comes first):

# %%
y, _ = ce.conv2d_forward(x[np.newaxis], weights, bias)  # (N=1, C_out=1, 2, 2)
print(y[0, 0])
assert y.shape == (1, 1, 2, 2)
assert y[0, 0, 0, 0] == 1.5
assert np.allclose(y[0, 0], response_0 + response_1 + 0.5)
assert np.allclose(y, ce.conv2d_forward_loop(x[np.newaxis], weights, bias)[0])

# %% [markdown]
# ## 3 input channels, 4 output channels: 12 kernels
#
# A layer from an RGB image (C_in = 3) to 4 feature maps (C_out = 4) with 3x3 kernels holds
# 3 x 4 = **12 kernels**, stored as weights of shape (4, 3, 3, 3): 4 x 27 = 108 weights, plus
# 4 biases, **112 parameters**. The 3 kernels of one output channel are often drawn together as one
# 3x3x3 block and called one **filter**: a filter spans all input channels, and each filter makes one
# output channel.

# %%
layer = ce.Conv2d(in_channels=3, out_channels=4, kernel_size=3, rng=0)
print("weights", layer.weights.shape, " bias", layer.bias.shape, " parameters", layer.parameter_count())
images = rng.random((2, 3, 32, 32))  # a batch of 2 RGB images, 32x32
print("input", images.shape, "-> output", layer(images).shape)
assert layer.weights.shape == (4, 3, 3, 3)
assert layer.parameter_count() == 112 == conv_parameter_count(3, 4, 3)
assert layer(images).shape == (2, 4, 30, 30)

# %% [markdown]
# ## A filter is one neuron, reused everywhere
#
# Look at one output value: it is a weighted sum of the 27 numbers in a 3x3x3 window plus a bias,
# exactly what one neuron of a dense network computes from its 27 inputs. What is special is that the
# **same 27 weights and the same bias** are used at every position of the image (**weight sharing**),
# and that the neuron looks only at its small window, not at the whole image (**sparse
# connections**). The next cell checks that one output value is this neuron's dot product.

# %%
r, c = 5, 7  # an output position
window = images[0, :, r : r + 3, c : c + 3]  # (3, 3, 3): every channel, 3x3
neuron = window.ravel() @ layer.weights[2].ravel() + layer.bias[2]  # output channel 2
print(round(float(neuron), 6), round(float(layer(images)[0, 2, r, c]), 6))
assert np.isclose(neuron, layer(images)[0, 2, r, c])

# %% [markdown]
# ## Where convolution comes from: a dense layer, made local and shared
#
# Start from the most general layer there is, a **dense** layer from an image to an image of the
# same size: output pixel (i, j) = sum over every input pixel (k, l) of W[i, j, k, l] x[k, l], plus a
# bias. For 32x32 images that is 32^4 = 1,048,576 weights. Two assumptions about images cut it down
# (Dive into Deep Learning, chapter 7, takes this route):
#
# 1. **Translation invariance**: a pattern means the same wherever it appears, so the weight may
#    depend only on the *offset* between output and input pixel, W[i, j, i + a, j + b] = V[a, b],
#    and the bias is one number. The sum becomes sum over (a, b) of V[a, b] x[i + a, j + b]: a
#    cross-correlation, still with a kernel V as large as the image.
# 2. **Locality**: to say what is at (i, j), only nearby pixels matter, so V[a, b] = 0 beyond a small
#    offset. What is left is a small kernel, here 3x3: 9 weights instead of a million.
#
# The next cell builds such a dense layer for a 6x6 image and a 3x3 kernel explicitly: its weight
# matrix has one row per output pixel (16) and one column per input pixel (36), and each row holds
# the same 9 kernel weights, shifted, and zeros elsewhere. Multiplying it with the flattened image is
# the convolution. And because the weights are shared, shifting the image shifts the response by the
# same amount (away from the border).

# %%
small_kernel = rng.integers(-2, 3, size=(3, 3)).astype(float)
small_image = rng.integers(0, 5, size=(6, 6)).astype(float)
dense_weights = np.zeros((4 * 4, 6 * 6))  # (outputs, inputs)
for row in range(4):
    for column in range(4):
        placed = np.zeros((6, 6))
        placed[row : row + 3, column : column + 3] = small_kernel  # this output's weights: the kernel, shifted
        dense_weights[row * 4 + column] = placed.ravel()
as_dense = (dense_weights @ small_image.ravel()).reshape(4, 4)
print("dense layer == convolution:", np.allclose(as_dense, ce.correlate2d(small_image, small_kernel)))
print(
    "weight matrix",
    dense_weights.shape,
    "with",
    np.count_nonzero(dense_weights),
    "non-zero entries, all copies of",
    small_kernel.size,
    "numbers",
)
shifted = np.roll(small_image, 1, axis=1)  # the picture moves one pixel right
assert np.allclose(as_dense, ce.correlate2d(small_image, small_kernel))
assert np.allclose(ce.correlate2d(shifted, small_kernel)[:, 1:], ce.correlate2d(small_image, small_kernel)[:, :-1])
assert set(np.unique(dense_weights)) <= set(np.unique(small_kernel)) | {0.0}

# %% [markdown]
# ## Why convolution layers: parameters and sparse connections
#
# Suppose a dense (fully connected) layer had to produce the same 30x30x2 outputs from a 32x32x1
# image. Each of the 1800 outputs would have its own weight for each of the 1024 input pixels, plus
# a bias: 1024 x 1800 + 1800 = **1,845,000** parameters. The convolution needs **20**
# (2 filters x 9 weights + 2 biases). Fewer parameters mean a model that overfits less and needs
# fewer training images to pin its weights down; and what a filter learns at one place it knows
# everywhere, which suits images, where an edge is an edge wherever it appears.
#
# The second gain is **sparse connections**: an output depends only on a small window of the input,
# so the layer only wires together pixels that are close, which are also the pixels most likely to
# belong to the same edge or texture. Szegedy et al. (2015, *Going Deeper with Convolutions*, the
# Inception paper) argue for sparse connections with Hebb's rule, "neurons that fire together wire
# together": units whose activity is strongly correlated should be connected, and the rest need not be.

# %%
cases = [
    ("32x32x1 -> 2 maps, 3x3", (1, 32, 32), (2, 30, 30), conv_parameter_count(1, 2, 3)),
    ("64x64x3 -> 16 maps, 3x3", (3, 64, 64), (16, 62, 62), conv_parameter_count(3, 16, 3)),
    ("224x224x3 -> 64 maps, 3x3", (3, 224, 224), (64, 222, 222), conv_parameter_count(3, 64, 3)),
]
dense = [dense_parameter_count(shape_in, shape_out) for _, shape_in, shape_out, _ in cases]
for (label, _, _, conv), count in zip(cases, dense, strict=True):
    print(f"{label:<28} conv {conv:>6,}   dense {count:>18,}   ratio {count // conv:,}")
assert dense[0] == 1_845_000 and cases[0][3] == 20

fig, ax = plt.subplots(figsize=(9, 4), layout="constrained")
lp.plot_parameter_comparison([case[0] for case in cases], [case[3] for case in cases], dense, ax=ax)
ax.set_title("Parameters for the same outputs: convolution against dense")
plt.show()

# %% [markdown]
# *Figure: paired bars for the three layers, convolution against dense, on a logarithmic axis: 20 against
# 1,845,000 for the smallest, and the gap grows with the image.*

# %% [markdown]
# ## 1x1 convolutions: a dense layer at every pixel
#
# A kernel of size 1x1 sees a single pixel, so it finds no spatial pattern at all. It still does
# something useful: at each pixel it takes the C_in numbers of that pixel (one per channel) and
# mixes them into C_out new ones,
#
# y[n, o, i, j] = sum over c of W[o, c] x[n, c, i, j] + b[o],
#
# which is a **dense layer from C_in to C_out, applied at every pixel with the same weights**. It has
# C_out C_in + C_out parameters, whatever the image size. Networks use it to change the number of
# channels cheaply (Inception reduces 256 channels to 64 this way before its expensive 3x3 and 5x5
# convolutions; ResNet's bottleneck blocks do the same). The check: a `Conv2d(3, 2, kernel_size=1)`
# gives exactly the matrix product of its 2x3 weights with each pixel's 3 channel values.

# %%
mixer = ce.Conv2d(3, 2, kernel_size=1, rng=3)
mixer.bias = np.array([0.5, -1.0])
pixels = rng.random((1, 3, 4, 5))  # (N, C_in, H, W)
by_convolution = mixer(pixels)  # (1, 2, 4, 5)
matrix = mixer.weights[:, :, 0, 0]  # (C_out, C_in) = (2, 3): a dense layer's weights
by_dense_layer = (matrix @ pixels[0].reshape(3, -1) + mixer.bias[:, None]).reshape(2, 4, 5)  # every pixel at once
print("1x1 convolution == dense layer at every pixel:", np.allclose(by_convolution[0], by_dense_layer))
print("parameters:", mixer.parameter_count(), "= 2 x 3 weights + 2 biases")
assert np.allclose(by_convolution[0], by_dense_layer) and mixer.parameter_count() == 2 * 3 + 2

# %% [markdown]
# ## Why the starting weights are scaled by sqrt(2 / fan_in)
#
# `ce.Conv2d` does not start from weights of any size: it draws them from a normal distribution with
# standard deviation **sqrt(2 / fan_in)**, where fan_in = C_in x kh x kw is the number of inputs of one
# neuron (27 for the `Conv2d(3, 4, 3)` above). This is **He initialisation** (He, Zhang, Ren and Sun, 2015). The
# reason: an output is a sum of fan_in products, so its variance is about fan_in x Var(w) x (the mean
# square of the inputs), and a ReLU then keeps half of it. With Var(w) = 2 / fan_in the two factors
# cancel and every layer hands on signals of the same size. Larger weights make the activations
# grow layer after layer, smaller ones make them die out, and then so do the gradients.
#
# **Predict first:** ten 3x3 convolutions with 32 channels and a ReLU after each, started with weight
# standard deviations 0.01, sqrt(2 / 288) = 0.083 and 1. Roughly how large (root mean square) is the
# output of the last layer, for an input of size 1? Guess each before you run the cell.

# %%
fan_in = 32 * 3 * 3  # C_in x kh x kw
print(
    "Conv2d(3, 4, 3) starts with weight std",
    round(float(layer.weights.std()), 3),
    " sqrt(2 / 27) =",
    round(float(np.sqrt(2 / 27)), 3),
)
signal = rng.standard_normal((4, 32, 12, 12))  # (N, C, H, W), root mean square about 1
sizes = {}
for label, std in [("std 0.01", 0.01), ("He: sqrt(2 / fan_in)", np.sqrt(2 / fan_in)), ("std 1", 1.0)]:
    weight_rng = np.random.default_rng(8)
    activations = signal
    for _ in range(10):
        conv = ce.Conv2d(32, 32, kernel_size=3, padding=1, rng=weight_rng)
        conv.weights = weight_rng.standard_normal(conv.weights.shape) * std
        activations = ce.ReLU()(conv(activations))
    sizes[label] = float(np.sqrt(np.mean(activations**2)))
    print(f"{label:<22} root mean square after 10 layers: {sizes[label]:.2g}")
assert sizes["std 0.01"] < 1e-6 and sizes["std 1"] > 1e8 and 0.4 < sizes["He: sqrt(2 / fan_in)"] < 2
assert abs(float(layer.weights.std()) - np.sqrt(2 / 27)) < 0.05  # cnnedu's own layer uses He's scale

# %% [markdown]
# ## Demo: a colour photo through one output channel
#
# The demo below takes a real photo (shrunk to 96 pixels on its longer side so it stays fast) through one output
# channel of a 3-channel layer. Top row: the photo and each colour channel cross-correlated with its
# own kernel. Bottom row: the three kernels (each weight is the number shown times the factor in
# the title: 1 with "x1/9" is a weight of 1/9), the sum of the three responses, the sum plus the
# bias, and the feature map after the activation. Every response panel uses the same fixed colour scale (red positive, blue negative,
# white zero).
#
# The photos come with the packages: Grace Hopper's portrait with matplotlib (a US Navy photograph);
# `china` and `flower` with scikit-learn (`sklearn/datasets/images`). Per scikit-learn's README there,
# both are released under CC BY 2.0 (creativecommons.org/licenses/by/2.0): china.jpg by danielbuechele
# on Flickr (flickr.com/photos/danielbuechele), flower.jpg from Flickr user vultilion
# (flickr.com/photos/vultilion), both retrieved by Robert Layton in 2011.
#
# Things to try:
# * **red minus blue**: the red kernel adds up red, the blue kernel subtracts blue. Where is the sum
#   positive? Move the bias down until only the reddest regions survive the ReLU.
# * **vertical edges, all channels**: every channel gets the same edge kernel at a third of the
#   strength, so each response is weak and the sum is the edge map of the grey image (the plain
#   average of R, G and B).
# * **red-green colour edges**: the same edge kernel with opposite signs on red and green. A
#   black-to-white edge changes red and green equally and cancels; only edges between colours remain.
# * Switch the activation off: the feature map is then just sum + bias, negative values included.

# %%
# NBVAL_IGNORE_OUTPUT
# A live widget: its view cannot be compared between runs.
cnnedu.widgets.rgb_layer_demo()

# %% [markdown]
# ## Four output channels on a real photo
#
# A layer makes all its output channels at once. Here a `Conv2d(3, 4, 3)` gets the four preset
# filters of the demo as its weights (shape (4, 3, 3, 3)) and zero biases; after a ReLU each output
# channel is a feature map that lights up where its own pattern occurs. (Photo: china.jpg from
# scikit-learn, by danielbuechele on Flickr, CC BY 2.0.)

# %%
photo = ce.load_image("china", size=96)  # (64, 96, 3) in [0, 1]
layer = ce.Conv2d(3, 4, kernel_size=3, rng=0)
layer.weights = np.stack([RGB_PRESETS[name] for name in RGB_PRESETS])  # (4, 3, 3, 3)
feature_maps = ce.ReLU()(layer(photo.transpose(2, 0, 1)[np.newaxis]))  # (1, 4, H-2, W-2)
print("photo", photo.shape, "-> feature maps", feature_maps.shape)
assert feature_maps.shape == (1, 4, photo.shape[0] - 2, photo.shape[1] - 2)

# After the ReLU nothing is negative: a sequential scale from 0 (black) to the largest value of
# the four maps, shared by all of them, shows where each filter responds and how strongly.
top = float(feature_maps.max())
fig, axes = plt.subplots(1, 5, figsize=(15, 3), layout="constrained")
axes[0].imshow(photo)
axes[0].set_title("input (3 channels)")
for channel, (name, ax) in enumerate(zip(RGB_PRESETS, axes[1:], strict=True)):
    image = ax.imshow(feature_maps[0, channel], cmap="magma", vmin=0, vmax=top, interpolation="nearest")
    ax.set_title(name)
for ax in axes:
    ax.set_axis_off()
fig.colorbar(image, ax=axes, shrink=0.8, label="ReLU output (same scale)")
plt.show()
assert feature_maps.min() == 0  # the ReLU leaves nothing negative, so the scale starts at 0

# %% [markdown]
# *Figure: the colour photo of a Chinese pagoda among trees and the four feature maps of the layer, each titled with its
# preset, on one black-to-yellow scale: bright where that filter's pattern occurs.*

# %% [markdown]
# ## A small network, shape by shape and parameter by parameter
#
# Here is a small CNN for a 32x32 grey image (one channel), traced by hand with the output-size
# formula o = (n + 2p - f) / s + 1 (rounded down) and the parameter count C_out (C_in k k + 1):
#
# 1. **Input** 32x32x1.
# 2. **Convolution**, 2 filters of 3x3, stride 1, no padding: (32 - 3) / 1 + 1 = 30, so **30x30x2**.
#    Parameters: 2 x (1 x 3 x 3 + 1) = **20**.
# 3. **Activation** (ReLU): shape unchanged, no parameters.
# 4. **Max pooling** 2x2, stride 2: (30 - 2) / 2 + 1 = 15, so **15x15x2**. No parameters.
# 5. **Convolution**, 4 filters of 3x3, stride 1, padding 1: (15 + 2 - 3) / 1 + 1 = 15, so
#    **15x15x4**. Parameters: 4 x (2 x 3 x 3 + 1) = **76**. Padding 1 is what keeps 15x15 for a
#    3x3 kernel; padding 2 would grow the map.
# 6. **Activation**: unchanged.
# 7. **Flatten**: 15 x 15 x 4 = **900** numbers in one vector.
# 8. **Fully connected** layer, say to 10 classes: 900 x 10 + 10 = 9,010 parameters, far more than
#    both convolutions together.
#
# The figure draws each array as a block of C sheets of H x W, to scale, so the depth (the channels)
# is seen next to height and width.
#
# `cnnedu.architecture.describe` does the same bookkeeping (and adds each layer's receptive field,
# the subject of lesson 07); a forward pass through real `cnnedu` layers confirms every shape.

# %%
network = ce.Sequential(
    ce.Conv2d(1, 2, kernel_size=3, stride=1, padding=0, rng=0),
    ce.ReLU(),
    ce.MaxPool2d(2, stride=2),
    ce.Conv2d(2, 4, kernel_size=3, stride=1, padding=1, rng=1),
    ce.ReLU(),
    ce.Flatten(),
    ce.Linear(900, 10, rng=2),
)
rows = describe(network, (1, 32, 32))
print(summary_table(rows, (1, 32, 32)))

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

activations = rng.random((1, 1, 32, 32))
for layer, row in zip(network, rows, strict=True):
    activations = layer(activations)
    assert activations.shape[1:] == row.output_shape  # the real forward pass agrees
print("forward pass output:", activations.shape)

fig, ax = plt.subplots(figsize=(12, 3.4), layout="constrained")
names = ["input", "conv 3x3, 2 filters", "ReLU", "max pool 2x2", "conv 3x3, 4 filters,\npadding 1", "ReLU", "flatten"]
lp.plot_volumes([(1, 32, 32)] + [row.output_shape for row in rows[:6]], names, ax=ax)
plt.show()

# %% [markdown]
# *Figure: the network's arrays as blue blocks of stacked sheets, left to right: one 32x32 sheet, two 30x30
# sheets after the first convolution and after its ReLU, two 15x15 after pooling, four 15x15 after the
# second convolution and after its ReLU, and a thin orange bar of 900 values.*

# %% [markdown]
# **One pooling fewer than the original.** The example network this lesson is drawn from pools a
# second time, after the second convolution and its activation (2x2, stride 2: 15 -> 7), and still
# says "flatten -> 900". With that pooling the flattened vector has 7 x 7 x 4 = **196** values (and
# the fully connected layer 196 x 10 + 10 = 1,970 parameters); 900 holds only without it, as traced
# above. **Predict first:** why 7 and not 7.5? Then check it.

# %%
with_second_pool = ce.Sequential(
    ce.Conv2d(1, 2, kernel_size=3, rng=0),
    ce.ReLU(),
    ce.MaxPool2d(2, stride=2),
    ce.Conv2d(2, 4, kernel_size=3, padding=1, rng=1),
    ce.ReLU(),
    ce.MaxPool2d(2, stride=2),
    ce.Flatten(),
    ce.Linear(196, 10, rng=2),
)
seed_rows = describe(with_second_pool, (1, 32, 32))
print("shapes:", [row.output_shape for row in seed_rows])
assert seed_rows[5].output_shape == (4, 7, 7) and seed_rows[6].output_shape == (196,)  # floor((15 - 2) / 2) + 1 = 7
assert seed_rows[7].parameter_count == 196 * 10 + 10
assert with_second_pool(rng.random((1, 1, 32, 32))).shape == (1, 10)

# %% [markdown]
# ## Demo: build your own stack
#
# The builder starts from the network above. Change the input size, the filters, kernel sizes,
# strides, paddings and the pooling. Under each block of the diagram you read the layer's output
# shape, its parameters and the receptive field of its units; the table below adds the total.
# When a layer cannot fit (a kernel larger than its padded input), the diagram stops there and the
# message names the layer.
#
# Things to try:
# * Set the pool stride to 1 (exercise 3 asks for the new map size: predict it first): the linear
#   layer's parameters nearly quadruple (9,010 -> 33,650).
# * Predict the size of conv2's output with padding 0 and with padding 2 (exercise 4), then set them.
# * Add all three extra pool + conv blocks: the maps shrink to 1x1 while the receptive field grows
#   to 78x78, wider than the 32x32 input. Then lower the input size to 16: the last pooling layer
#   no longer fits.
# * Compare the parameters of conv1 with 16 filters against those of the final linear layer.

# %%
# NBVAL_IGNORE_OUTPUT
# A live widget: its view cannot be compared between runs.
cnnedu.widgets.layer_stack_builder()

# %% [markdown]
# ## Summary
#
# * A convolution layer maps (N, C_in, H, W) to (N, C_out, H_out, W_out) with weights
#   (C_out, C_in, kh, kw) and bias (C_out,).
# * Each output channel has one kernel per input channel; the per-channel responses are summed and
#   one bias is added. 3 input and 4 output channels need 3 x 4 = 12 kernels.
# * A filter is one neuron with a small window, whose weights are shared by every position.
# * Parameters: C_out (C_in k k + 1), independent of the image size; a dense layer producing the same
#   outputs needs (inputs x outputs + outputs), millions for even a small image.
# * Sparse connections (Hebb's "fire together, wire together", as argued by Szegedy et al. 2015):
#   each output depends on a small neighbourhood.
# * The worked network: 32x32x1 -> 30x30x2 (20 parameters) -> pool 15x15x2 -> 15x15x4
#   (76 parameters, padding 1) -> flatten 900 -> fully connected. Pooling again after the second
#   convolution (as the original example does) gives 7x7x4 -> flatten **196**.
# * Convolution is a dense layer restricted by translation invariance (shared weights) and locality
#   (a small kernel). A 1x1 convolution is a dense layer from C_in to C_out at every pixel.
# * Start the weights with standard deviation sqrt(2 / fan_in) (He): a ReLU stack then keeps its
#   activations' scale.

# %% [markdown]
# ## Exercises
#
# Replace `...` with your answer and run the cell. Each check says whether you are right, or gives a
# hint about the usual mistake. Worked solutions: `ex.solution_kernel_count()` and so on, and the
# details below.
#
# **Exercise 1.** A layer maps 8 feature maps (its input channels) to 16 feature maps with 5x5
# kernels. How many 5x5 kernels does it hold?

# %%
answer = ...
ex.check_kernel_count(answer)

# %% [markdown]
# **Exercise 2.** How many trainable parameters (weights and biases) does that layer have?

# %%
answer = ...
ex.check_conv_parameters(answer)

# %% [markdown]
# **Exercise 3.** In the worked network, the 2x2 max pooling is given stride 1 instead of 2 by
# mistake. What is the height (= width) of the pooled maps?

# %%
answer = ...
ex.check_pool_stride_one(answer)

# %% [markdown]
# **Exercise 4.** Back to stride 2. Now the second convolution (3x3, stride 1) gets padding 2 instead
# of 1. What is the height (= width) of its output?

# %%
answer = ...
ex.check_padding_two(answer)

# %% [markdown]
# **Exercise 5.** In the worked network, how many parameters would a dense layer need (with biases)
# to do the job of the second convolution: map the 15x15x2 pooled maps to 15x15x4 outputs?

# %%
answer = ...
ex.check_dense_parameters(answer)

# %% [markdown]
# <details><summary>Worked solutions (open after trying)</summary>
#
# 1. One kernel per (input, output) channel pair: 8 x 16 = **128**.
# 2. 128 kernels x 25 weights = 3,200, plus one bias per output channel: 3,200 + 16 = **3,216**.
# 3. (30 - 2) / 1 + 1 = **29**.
# 4. (15 + 2 x 2 - 3) / 1 + 1 = **17**.
# 5. 15 x 15 x 2 = 450 inputs, 15 x 15 x 4 = 900 outputs: 450 x 900 weights + 900 biases =
#    **405,900**, against 76 for the convolution.
#
# </details>

# %% [markdown]
# ## Write it yourself: `conv_forward`
#
# Complete the forward pass of a convolution layer, `conv_forward(x, weights, bias, stride,
# padding)`: pad every image with `padding` zeros on each side, then for every output channel o and
# every position, sum window x weights[o] over all input channels and the kernel, and add bias[o]
# once. This is a cross-correlation, as in every deep-learning library: no flip.
#
# Replace the `...` with your code and run the cell, then run the check below it. The check tries
# small inputs you can work out by hand first, then random ones; when an answer is off it shows the
# input, what was expected and what came back (shape first, then the cells that differ), and names
# the classic mistake when it recognises one. Any style is fine: loops, numpy tricks, scipy calls,
# lists of lists. Stuck? `cnnedu.exercises.code.solution("conv_forward")` prints a worked solution.


# %%
def conv_forward(x, weights, bias, stride, padding):
    # x: (N, C_in, H, W); weights: (C_out, C_in, kh, kw); bias: (C_out,)
    # -> (N, C_out, H_out, W_out) with H_out = floor((H + 2 * padding - kh) / stride) + 1
    ...


# %%
from cnnedu.exercises import CODE_EXERCISES

CODE_EXERCISES["conv_forward"](conv_forward)
