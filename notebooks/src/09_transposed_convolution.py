# %% [markdown]
# # 09 - Transposed convolution
# Run the backward pass of a convolution forwards as an upsampling layer, compute its output by stamping the kernel by hand, predict its output size (and choose output_padding), explain where checkerboard artifacts come from and how to avoid them, and use it in a small encoder-decoder.

# %%
import matplotlib.pyplot as plt
import numpy as np

import cnnedu as ce
import cnnedu.widgets
from cnnedu import training
from cnnedu.backprop_paths import dilate
from cnnedu.exercises import lesson09 as ex
from cnnedu.plotting import transpose as tp
from cnnedu.transpose import convolution_matrix, stamp_layout

rng = np.random.default_rng(0)

# %% [markdown]
# ## Networks that have to grow an image
#
# A classifier shrinks: 28x28 pixels become ten scores. Many networks must also go the other way. A
# segmentation network labels *every pixel*, so after shrinking the image to coarse feature maps it
# must bring them back to full size; an autoencoder's decoder rebuilds an image from a short code; a
# GAN's generator paints an image from a handful of random numbers. They need a layer that upsamples
# and that can *learn* how.
#
# Lesson 06 already built one without naming it. The input gradient of a convolution, dJ/dX, has the
# shape of the convolution's *input*: a stride-2 convolution turns 8x8 into 4x4, and its backward pass
# turns a 4x4 dJ/dY into an 8x8 dJ/dX. Run that computation as a layer in the forward direction and
# you have the **transposed convolution** (PyTorch: `ConvTranspose2d`; sometimes, misleadingly, called
# "deconvolution": it does not undo a convolution).
#
# ## From lesson 06's dJ/dX to a layer: the same numbers
#
# Lesson 06's worked example: X is 3x3, K = [[2, -1], [0, 1]], and the layer above sends
# dJ/dY = [[1, 2], [-1, 0]]. Then dJ/dX is the full convolution of dJ/dY with K. `ce.conv_transpose2d`
# takes dJ/dY as its *input* and K as its weights and gives the same 3x3 array. Its weights have the
# shape (C_in, C_out, kh, kw), input channels first, exactly the weight array of the convolution it
# comes from: (C_out, C_in, kh, kw) seen from the other side.

# %%
K = np.array([[2, -1], [0, 1]], dtype=float)
grad_Y = np.array([[1, 2], [-1, 0]], dtype=float)

grad_X = ce.convolve2d(grad_Y, K, mode="full")  # lesson 06's formula
upsampled = ce.conv_transpose2d(grad_Y[np.newaxis, np.newaxis], K[np.newaxis, np.newaxis])  # (1, 1, 3, 3)
print("dJ/dX of lesson 06:\n", grad_X)
print("conv_transpose2d(dJ/dY, K):\n", upsampled[0, 0])
assert np.array_equal(upsampled[0, 0], grad_X)

# %% [markdown]
# The same holds for a whole layer with channels, stride and padding: a batch of 7x7 images with 2
# channels through a 3x3 convolution with 4 output channels, stride 2 and padding 1 (7x7 -> 4x4).
# Its backward pass and the transposed convolution with the *same* weights, stride and padding agree
# to the last bit of rounding.

# %%
x = rng.standard_normal((3, 2, 7, 7))
weights = rng.standard_normal((4, 2, 3, 3))  # conv: (C_out, C_in, k, k)
y, cache = ce.conv2d_forward(x, weights, None, stride=2, padding=1)
grad_y = rng.standard_normal(y.shape)  # (3, 4, 4, 4)
grad_x, _, _ = ce.conv2d_backward(grad_y, cache)  # (3, 2, 7, 7)

upsampled = ce.conv_transpose2d(grad_y, weights, stride=2, padding=1)  # the transpose reads them as (C_in=4, C_out=2)
print("conv2d:", x.shape, "->", y.shape, "  conv_transpose2d:", grad_y.shape, "->", upsampled.shape)
assert np.allclose(upsampled, grad_x, atol=1e-12)

# %% [markdown]
# ## The stamp picture
#
# Lesson 06 reads the formula one *output* cell at a time: which dJ/dY entries reach dJ/dx_ij? Read it
# one *input* cell at a time and it becomes very simple:
#
# **every input cell adds a copy of the kernel, scaled by its own value, into the output. The copies
# (stamps) of neighbouring cells start `stride` cells apart, and where they overlap they add up.**
#
# In one dimension, with input [1, 10], kernel [1, 2, 3] and stride 2: the 1 stamps 1, 2, 3 into
# cells 1 to 3; the 10 stamps 10, 20, 30 into cells 3 to 5; cell 3 gets both: 3 + 10 = 13. Output:
# [1, 2, 13, 20, 30]. `ce.conv_transpose2d_loop` is written exactly like this sentence, one stamp at a
# time; `ce.conv_transpose2d` computes the same with one matrix product and k x k shifted additions.


# %%
def as_row(values):
    """A 1-D signal as a (1, 1, 1, L) batch, the shape conv_transpose2d takes."""
    return np.asarray(values, dtype=float)[np.newaxis, np.newaxis, np.newaxis]


stamped = ce.conv_transpose2d_loop(as_row([1, 10]), as_row([1, 2, 3]), stride=2)[0, 0, 0]
print("stamps of [1, 10] with [1, 2, 3], stride 2:", stamped)
assert stamped.tolist() == [1, 2, 13, 20, 30]
assert np.allclose(
    ce.conv_transpose2d(x, np.ones((2, 3, 3, 3)), stride=2),
    ce.conv_transpose2d_loop(x, np.ones((2, 3, 3, 3)), stride=2),
)  # the fast one, the same

# %% [markdown]
# **Predict first.** A 4x4 input of ones, a 3x3 kernel of ones, stride 2, padding 1. The stamps are 3
# cells wide but only 2 apart. How many stamps land on each output cell? Write down the first row of
# the output before you run the next cell. (Padding in a transposed convolution *removes* p cells
# from each border of the output: it undoes the padding of the convolution it comes from.)

# %%
layout = stamp_layout(4, 3, stride=2, padding=1)
fig, axes = plt.subplots(1, 2, figsize=(12, 4.3), layout="constrained")
tp.plot_stamps_1d(layout, ax=axes[0])
tp.plot_overlap_counts(layout, ax=axes[1])
plt.show()
print("first row of the counts:", layout.counts[0].tolist())
assert layout.counts[0].tolist() == [1, 2, 1, 2, 1, 2, 1]
assert layout.counts.max() == 4 and layout.counts.min() == 1

# %% [markdown]
# *Figure: left, the stamps of four input cells along one axis (stride 2, 3-wide kernel), the padded ends shaded and the overlap count under each position; right, the 7x7 output's overlap counts, a checkerboard of 1, 2 and 4.*

# %% [markdown]
# Left: along one axis, each row is one input cell's stamp; the shaded columns are cut away by the
# padding; the numbers underneath count the stamp entries on each position. Right: the 2-D counts
# are the products of the row and column counts, so the pattern 1, 2, 1, 2 becomes a **checkerboard**
# of 1, 2 and 4. Where stamps overlap, the output gets more of the input. Nothing learned has
# happened yet: the unevenness comes from the geometry alone.

# %% [markdown]
# ## Checkerboard artifacts on a real photo
#
# Odena, Dumoulin and Olah ("Deconvolution and Checkerboard Artifacts", Distill, 2016) traced the
# grid-like patterns in images made by GANs to exactly this uneven overlap. Upsample a 32 x 27 photo
# to 64 x 54 three ways, each with a kernel that *averages* (all weights equal, scaled so that a
# cell covered by the average number of stamps keeps its brightness):
#
# 1. **transposed convolution, 3x3, stride 2** (padding 1, output_padding 1 for exactly 2x):
#    the overlap counts 1, 2, 4 print a checkerboard onto the face;
# 2. **transposed convolution, 4x4, stride 2** (padding 1): a kernel size divisible by the stride,
#    so every interior cell gets 4 / 2 = 2 stamps per axis: no checkerboard;
# 3. **resize, then convolve**: repeat every pixel 2x2 (nearest neighbour) and run an ordinary 3x3
#    convolution: every cell is computed the same way, so no checkerboard can arise.
#
# **Predict first:** which of the three pictures will look like it was printed on a grid?

# %%
photo = ce.load_image("grace_hopper", grayscale=True, size=64)  # (64, 55) in [0, 1]
small = ce.resize(photo, (32, 27))  # the low-resolution input
batch = small[np.newaxis, np.newaxis]  # (1, 1, 32, 27)
odd = ce.conv_transpose2d(batch, np.full((1, 1, 3, 3), 4 / 9), stride=2, padding=1, output_padding=1)[0, 0]
even = ce.conv_transpose2d(batch, np.full((1, 1, 4, 4), 1 / 4), stride=2, padding=1)[0, 0]
resized = ce.correlate2d(ce.resize(small, (64, 54)), np.full((3, 3), 1 / 9), mode="same")
pictures = [small, odd, even, resized]
titles = ["input, 32 x 27", "transposed 3x3, stride 2", "transposed 4x4, stride 2", "resize, then 3x3 conv"]
fig, axes = plt.subplots(1, 4, figsize=(14, 4.4), layout="constrained")
tp.plot_images(pictures, titles, axes=axes, limits=(0, 1))
plt.show()
print("shapes:", [picture.shape for picture in pictures])
assert odd.shape == even.shape == resized.shape == (64, 54)

# %% [markdown]
# *Figure: a 32x27 photo of Grace Hopper upsampled to 64x54 three ways: a 3x3 stride-2 transposed convolution covers it in a grid of bright dots, a 4x4 one and resize-then-convolve look smooth. Photo: official U.S. Navy portrait, public domain, from matplotlib's sample data.*

# %% [markdown]
# The grey scale is clipped at 1, so the cells that got four stamps glow white. (The thin dark frame of
# the other two has a duller cause: the outermost cells get fewer stamps, or see the zero padding.) A number makes it
# exact: away from the borders, compare the mean of the output cells at odd rows and odd columns
# (four stamps) with those at even rows and even columns (one stamp).


# %%
def grid_ratio(picture):
    """Mean of the (odd, odd) cells over the mean of the (even, even) cells, borders left out."""
    inner = picture[2:-2, 2:-2]
    return inner[1::2, 1::2].mean() / inner[::2, ::2].mean()


ratios = {title: round(float(grid_ratio(picture)), 2) for title, picture in zip(titles[1:], pictures[1:], strict=True)}
print(ratios)
assert 3.9 < ratios["transposed 3x3, stride 2"] < 4.1  # 4 stamps against 1
assert all(0.95 < ratios[title] < 1.05 for title in titles[2:])

# %% [markdown]
# A learned kernel is not a box, and training could in principle learn to even out the overlap, but
# Odena et al. report that networks rarely manage it completely, and that a kernel size divisible by
# the stride helps without guaranteeing it. One way to see why: with k = 4 and s = 2 the output
# cells of the four phases (even or odd row, even or odd column) each use a different 2x2 part of
# the kernel, and nothing forces the four parts to have the same sum. Resize then convolve avoids
# the problem by construction, which is why they recommend it.

# %% [markdown]
# ## The output size, and why output_padding exists
#
# n input cells give stamps that start at 0, s, 2s, ..., (n - 1)s, each d(k - 1) + 1 long (dilation
# d spreads the taps, as in lesson 03). They cover (n - 1)s + d(k - 1) + 1 cells; padding cuts p from
# each side; output_padding adds cells at the end:
#
# **o = (n - 1)s - 2p + d(k - 1) + output_padding + 1**
#
# Why the extra knob? A convolution's output size has a floor in it (lesson 03):
# o = floor((n + 2p - k) / s) + 1. With k = 3, s = 2, p = 1 **both 7 and 8** give 4. Going back from
# 4, the transposed convolution cannot know which one you came from; without output_padding it gives
# 7, and output_padding = 1 gives 8. It must be smaller than the stride (or the dilation): larger
# values would reach sizes no convolution maps to 4. **Predict first:** a 3x3 convolution with stride 3
# and padding 1 turns 8 into 3. Which output_padding takes 3 back to 8? (It is the table's last row.)

# %%
print(" n  conv: o   remainder a = (n + 2p - k) mod s   transposed(o, output_padding=a)")
for n_in, k, s, p in [(7, 3, 2, 1), (8, 3, 2, 1), (9, 3, 2, 1), (10, 3, 2, 1), (10, 3, 3, 1), (8, 3, 3, 1)]:
    o = ce.output_size(n_in, k, stride=s, padding=p)
    a = (n_in + 2 * p - k) % s
    back = ce.transposed_output_size(o, k, stride=s, padding=p, output_padding=a)
    print(f"{n_in:2d}  {o:4d}   {a:^34d}   {back:2d}   (k={k}, s={s}, p={p})")
    assert back == n_in
try:
    ce.transposed_output_size(4, 3, stride=2, padding=1, output_padding=2)
except ValueError as error:
    print("output_padding=2 at stride 2:", error)

# %% [markdown]
# The remainder a = (n + 2p - k) mod s is the number of rows the convolution's floor dropped, and
# output_padding = a puts them back. This is the relationship Dumoulin and Visin give in "A guide to
# convolution arithmetic for deep learning" (2016) for a convolution with input i, kernel k, stride s,
# padding p: the associated transposed convolution maps i' = o back to **o' = s(i' - 1) + a + k - 2p**,
# our formula with d = 1. They also describe how to compute it with an ordinary convolution: put
# s - 1 zeros between the input cells, pad k - p - 1 zeros all round (plus a on the bottom and
# right), and convolve with stride 1. That is lesson 06's recipe "spread dJ/dY, then full
# convolution, then crop" once more, and it gives the same numbers:

# %%
small_input = rng.integers(-2, 3, size=(4, 4)).astype(float)
kernel3 = rng.integers(-2, 3, size=(3, 3)).astype(float)
s, p, a = 2, 1, 1
spread = dilate(small_input, s)  # (7, 7): s - 1 zeros between neighbours
framed = np.pad(spread, ((3 - p - 1, 3 - p - 1 + a), (3 - p - 1, 3 - p - 1 + a)))  # k - p - 1 all round, a more
by_convolution = ce.convolve2d(framed, kernel3, mode="valid")  # stride 1
direct = ce.conv_transpose2d(
    small_input[np.newaxis, np.newaxis], kernel3[np.newaxis, np.newaxis], stride=s, padding=p, output_padding=a
)[0, 0]
print("spread, padded, convolved:", by_convolution.shape, "  conv_transpose2d:", direct.shape)
assert np.array_equal(by_convolution, direct)
assert direct.shape[0] == s * (4 - 1) + a + 3 - 2 * p == 8

# %% [markdown]
# ## Why "transposed": the matrix of a convolution
#
# A convolution is linear, so it is a matrix: for a length-5 input, the kernel [1, 2, 3] and stride 2,
# y = C x with C of shape 2 x 5, each row the kernel shifted by the stride. The transposed
# convolution multiplies by **C transposed**, a 5 x 2 matrix: column j of it is the stamp of y_j. That
# is where the name comes from, and why it maps shapes back but not values: C^T is not the inverse of
# C (a 2 x 5 matrix has none), so a transposed convolution does not undo a convolution.

# %%
C = convolution_matrix(5, [1, 2, 3], stride=2)
print("C =\n", C)
signal = np.array([1.0, -1.0, 2.0, 0.0, 3.0])
code = C @ signal
print("C x =", code, "  C^T (C x) =", C.T @ code, "  x was", signal)
assert np.allclose(code, ce.conv2d_forward(as_row(signal), as_row([1, 2, 3]), stride=2)[0].ravel())
assert np.allclose(C.T @ code, ce.conv_transpose2d(as_row(code), as_row([1, 2, 3]), stride=2).ravel())
assert not np.allclose(C.T @ code, signal)  # shape back, values not

fig, axes = plt.subplots(1, 2, figsize=(8, 3), layout="constrained", gridspec_kw={"width_ratios": [5, 2.6]})
tp.plot_matrix(C, ax=axes[0], title="C: convolution, 5 -> 2", row_label="output", column_label="input")
tp.plot_matrix(C.T, ax=axes[1], title="C^T: transposed, 2 -> 5", row_label="output", column_label="input")
plt.show()

# %% [markdown]
# *Figure: the 2x5 matrix C of a stride-2 convolution with kernel [1, 2, 3], each row the kernel shifted by two, beside its 5x2 transpose, whose columns are the same kernel copies stamped into the output.*

# %% [markdown]
# ## Upsampling in a tiny encoder-decoder
#
# An **autoencoder** squeezes an image through a short code and learns to rebuild it. The encoder
# below takes an 8x8 digit down to a code of 4 channels x 2 x 2 = **16 numbers** with two stride-2
# convolutions; the decoder grows it back with two stride-2 transposed convolutions, each 4x4 with
# padding 1, which double the size exactly ((2 - 1) * 2 - 2 + 4 = 4, then 8) and, with a kernel
# divisible by the stride, overlap evenly. The loss is the mean squared difference between the
# output and the input: the digit is its own target. `ce.ConvTranspose2d` has the same contract as
# `ce.Conv2d` (forward, backward, `weights_gradient`), so `ce.Sequential` and `ce.SGD` train it.

# %%
x_train, x_test, _, _ = training.digits_dataset(test_fraction=0.2, seed=0)  # (1437, 1, 8, 8), (360, 1, 8, 8)
autoencoder = ce.Sequential(
    ce.Conv2d(1, 16, kernel_size=3, stride=2, padding=1, rng=0, dtype=np.float32),  # 16 x 4 x 4
    ce.ReLU(),
    ce.Conv2d(16, 4, kernel_size=3, stride=2, padding=1, rng=1, dtype=np.float32),  # the code: 4 x 2 x 2
    ce.ConvTranspose2d(4, 16, kernel_size=4, stride=2, padding=1, rng=2, dtype=np.float32),  # 16 x 4 x 4
    ce.ReLU(),
    ce.ConvTranspose2d(16, 1, kernel_size=4, stride=2, padding=1, rng=3, dtype=np.float32),  # 1 x 8 x 8
)
shapes = [tuple(out.shape[1:]) for _, out in training.layer_outputs(autoencoder, x_train[:1])]
print("shapes:", shapes)
assert shapes[2] == (4, 2, 2) and shapes[-1] == (1, 8, 8)

# %%
optimizer = ce.SGD(autoencoder, learning_rate=0.1, momentum=0.9)
order_rng = np.random.default_rng(0)
for _ in range(10):
    order = order_rng.permutation(len(x_train))
    for start in range(0, len(order), 32):
        batch = x_train[order[start : start + 32]]
        difference = autoencoder(batch) - batch  # the input is the target
        autoencoder.backward(2 * difference / difference.size, input_gradient=False)  # dJ/dY of the mean square
        optimizer.step()

reconstructed = autoencoder(x_test)
error = float(np.mean((reconstructed - x_test) ** 2))
mean_digit_error = float(np.mean((x_test - x_train.mean(axis=0)) ** 2))  # a decoder that always draws the mean
print(f"held-out error below half that of drawing the mean digit? {error < 0.5 * mean_digit_error}")
assert error < 0.5 * mean_digit_error

# %%
fig, axes = plt.subplots(2, 1, figsize=(10, 3.4), layout="constrained")
gap = np.full((8, 1), np.nan)  # a blank column between neighbouring digits
rows = [np.hstack([part for digit in digits[:8, 0] for part in (digit, gap)]) for digits in (x_test, reconstructed)]
tp.plot_images(rows, ["eight held-out digits", "rebuilt from 16 numbers each"], axes=axes, limits=(0, 1))
plt.show()

# %% [markdown]
# *Figure: eight held-out digits (top) and the autoencoder's reconstructions from 16 numbers each (bottom): the same digits, slightly blurred.*

# %% [markdown]
# Sixteen numbers are enough to rebuild recognisable digits the network never saw. A segmentation
# network or a generator uses the same layer the same way, with more channels and larger images.

# %% [markdown]
# ## Demo: stamps, overlaps and the output size
#
# Move the sliders: input size n, kernel k, stride s, padding p and output_padding. Left: each input
# cell's stamp along one axis, the part cut away by the padding shaded, and the count of stamp
# entries on every position. Right: the counts on the whole output, one stamp outlined. Underneath:
# the output size by the formula and the shape `ce.conv_transpose2d` actually returns.
#
# * At stride 2, step k from 2 to 5: the checkerboard appears for odd k and disappears for even k.
# * Make the stride larger than the kernel: gaps of count 0 appear, cells no stamp reaches.
# * Raise output_padding to the stride: the demo refuses and says why.

# %%
# NBVAL_IGNORE_OUTPUT  (a live widget: its view cannot be compared as text)
cnnedu.widgets.transpose_explorer()

# %% [markdown]
# ## Summary
#
# * A transposed convolution is the input gradient of a convolution, run forwards: same weights
#   array, same stride and padding. Its own backward pass is an ordinary convolution.
# * Every input cell stamps the kernel, scaled by its value, into the output, stride cells apart;
#   overlapping stamps add up.
# * o = (n - 1)s - 2p + d(k - 1) + output_padding + 1; output_padding (smaller than s or d) picks one
#   of the s input sizes that a convolution maps to the same output size.
# * With a kernel size not divisible by the stride the stamps overlap unevenly: checkerboard
#   artifacts. Remedies: k divisible by s, or resize then convolve.
# * It multiplies by the transpose of the convolution's matrix: shapes go back, values do not.

# %% [markdown]
# ## Exercises
#
# Work them out by hand first; the demo and the cells above may help you check. Replace `...` and run
# the cell. Worked solutions: `ex.solution_output_size()` and so on, and the note below.
#
# **Exercise 1.** A transposed convolution with a 3x3 kernel, stride 2 and padding 1 (output_padding
# 0) gets a 5x5 input. How many rows has its output?

# %%
answer = ...
ex.check_output_size(answer)

# %% [markdown]
# **Exercise 2.** A convolution with a 3x3 kernel, stride 2 and padding 1 turns a 10x10 image into
# 5x5. Which output_padding makes the transposed convolution with the same settings turn 5x5 back
# into 10x10?

# %%
answer = ...
ex.check_output_padding(answer)

# %% [markdown]
# **Exercise 3.** Stamp by hand: the 1-D transposed convolution of [1, 2, 3] with the kernel
# [1, -1, 2], stride 2, no padding. Give all 7 numbers as a list.

# %%
answer = ...
ex.check_stamps(answer)

# %% [markdown]
# **Exercise 4.** At stride 2, which kernel sizes from 2 to 6 give every output cell away from the
# borders the same number of stamps (no checkerboard)? Answer with a list such as [2, 3].

# %%
answer = ...
ex.check_even_kernels(answer)

# %% [markdown]
# **Exercise 5.** Write the 5 x 2 matrix M for which M @ y is the stride-2 transposed convolution of a
# length-2 signal y with the kernel [1, 2, 3] (a nested list of 5 rows).

# %%
answer = ...
ex.check_transposed_matrix(answer)

# %% [markdown]
# <details><summary>Worked solutions (open after trying)</summary>
#
# 1. (5 - 1) * 2 - 2 * 1 + (3 - 1) + 0 + 1 = 8 - 2 + 2 + 1 = **9**.
# 2. Without output_padding: (5 - 1) * 2 - 2 + 2 + 1 = 9. The convolution dropped
#    (10 + 2 - 3) mod 2 = 1 row to its floor, so **output_padding = 1** gives 10.
# 3. 1 stamps [1, -1, 2] at cells 1-3, 2 stamps [2, -2, 4] at cells 3-5, 3 stamps [3, -3, 6] at
#    cells 5-7; cells 3 and 5 add two stamps: **[1, -1, 4, -2, 7, -3, 6]**.
# 4. **[2, 4, 6]**: k divisible by s gives every interior cell k / s stamps per axis.
# 5. The transpose of C = [[1, 2, 3, 0, 0], [0, 0, 1, 2, 3]]:
#    **[[1, 0], [2, 0], [3, 1], [0, 2], [0, 3]]**.
#
# </details>
