# %% [markdown]
# # 06 - Backpropagation through a convolution
# Derive the gradients of a convolution layer with respect to its kernel, bias and input, write them as a cross-correlation and a full convolution, handle padding and stride, and check every formula numerically, catching the two classic bugs.

# %%
import matplotlib.pyplot as plt
import numpy as np

import cnnedu as ce
import cnnedu.widgets
from cnnedu.backprop_paths import (
    dilate,
    input_gradient,
    input_pixel_paths,
    kernel_gradient,
    max_pool_routes,
    output_cell_window,
    relu_routes,
)
from cnnedu.exercises import lesson06 as ex
from cnnedu.kernels import get_kernel
from cnnedu.plotting import backprop as bp
from cnnedu.plotting.style import annotate_cells, show_map

rng = np.random.default_rng(0)

# %% [markdown]
# ## What backpropagation asks of a layer
#
# Training needs the gradient of the loss J with respect to every parameter. Backpropagation gets
# it layer by layer from the top: each layer receives **dJ/dY**, the gradient of the loss with
# respect to its own output, and must return two things:
#
# * the gradients of its **parameters** (here the kernel K and the bias b), for the update step;
# * **dJ/dX**, the gradient with respect to its input, which becomes the dJ/dY of the layer below.
#
# Everything follows from the chain rule: if the output cell y_ij depends on a number z, then z's
# gradient collects dJ/dy_ij times dy_ij/dz, summed over every output cell that z touches.
#
# ## The forward sums, written out
#
# Take one channel, a 3x3 input X, a 2x2 kernel K, bias b, stride 1, no padding. The output Y is
# 2x2, and each cell is a sum of four products plus the bias (indices count from 1):
#
# * y11 = x11 k11 + x12 k12 + x21 k21 + x22 k22 + b
# * y12 = x12 k11 + x13 k12 + x22 k21 + x23 k22 + b
# * y21 = x21 k11 + x22 k12 + x31 k21 + x32 k22 + b
# * y22 = x22 k11 + x23 k12 + x32 k21 + x33 k22 + b
#
# The next cell prints the same sums from `cnnedu.backprop_paths.output_cell_window`, which lists,
# for an output cell, the input cell each kernel entry meets.


# %%
def forward_sum(row, column, input_shape=(3, 3), kernel_shape=(2, 2), stride=1, padding=0):
    """The sum behind output cell (row, column), as text with 1-based indices."""
    terms = []
    for cell, (i, j) in output_cell_window(input_shape, kernel_shape, row, column, stride, padding):
        pixel = "0" if cell is None else f"x{cell[0] + 1}{cell[1] + 1}"  # None: a padding zero
        terms.append(f"{pixel} k{i + 1}{j + 1}")
    return f"y{row + 1}{column + 1} = " + " + ".join(terms) + " + b"


for row in range(2):
    for column in range(2):
        print(forward_sum(row, column))
assert forward_sum(0, 1) == "y12 = x12 k11 + x13 k12 + x22 k21 + x23 k22 + b"

# %% [markdown]
# ## The kernel gradient: a valid cross-correlation of X with dJ/dY
#
# k11 appears in all four sums, each time multiplied by a different pixel: x11 in y11, x12 in y12,
# x21 in y21, x22 in y22. So
#
# dJ/dk11 = dJ/dy11 x11 + dJ/dy12 x12 + dJ/dy21 x21 + dJ/dy22 x22 = sum over (i, j) of dJ/dy_ij x_ij
#
# and, shifting by one column, dJ/dk12 = dJ/dy11 x12 + dJ/dy12 x13 + dJ/dy21 x22 + dJ/dy22 x23.
# This is the 2x2 grid dJ/dY laid on X at every position, multiplied and summed: **dJ/dK is the
# valid cross-correlation of X with dJ/dY** (no flip). It has the shape of K.
#
# **Worked example.** X = [[1, 0, 2], [3, 1, 0], [0, 2, 1]], K = [[2, -1], [0, 1]], b = 0.5, and the
# layer above sends dJ/dY = [[1, 2], [-1, 0]].
#
# **Predict first:** compute dJ/dk11 by hand from the sum above before you run the next cell.

# %%
X = np.array([[1, 0, 2], [3, 1, 0], [0, 2, 1]], dtype=float)
K = np.array([[2, -1], [0, 1]], dtype=float)
b = 0.5
grad_Y = np.array([[1, 2], [-1, 0]], dtype=float)  # dJ/dY, given

grad_K = ce.correlate2d(X, grad_Y, mode="valid")  # the formula
print("dJ/dK =\n", grad_K)
assert grad_K[0, 0] == -2  # the hand computation above
assert grad_K[0, 1] == 1 * 0 + 2 * 2 + (-1) * 1 + 0 * 0  # dJ/dk12

# %% [markdown]
# By hand: dJ/dk11 = dJ/dy11 x11 + dJ/dy12 x12 + dJ/dy21 x21 + dJ/dy22 x22 = 1*1 + 2*0 + (-1)*3 + 0*1
# = **-2**, the top-left entry of the printed dJ/dK.

# %% [markdown]
# ## The bias gradient: a plain sum
#
# b appears once in every output cell with factor 1, so **dJ/db = the sum of all of dJ/dY**:
# 1 + 2 - 1 + 0 = 2 here. In a real layer there is one bias per output channel, and it is shared by
# every position *and every image of the batch*, so its gradient is dJ/dY of that channel summed over
# the batch and over all positions.

# %%
grad_b = grad_Y.sum()
print("dJ/db =", grad_b)
assert grad_b == 2

# %% [markdown]
# ## The input gradient: a full convolution of dJ/dY with K
#
# Now follow one pixel. x11 appears only in y11 (with k11); x12 appears in y11 (with k12) and in
# y12 (with k11); x22, in the middle, appears in all four sums:
#
# * dJ/dx11 = dJ/dy11 k11
# * dJ/dx12 = dJ/dy11 k12 + dJ/dy12 k11
# * dJ/dx13 = dJ/dy12 k12
# * dJ/dx22 = dJ/dy11 k22 + dJ/dy12 k21 + dJ/dy21 k12 + dJ/dy22 k11
#
# Read the kernel indices: as the output index goes up, the kernel index goes *down*. The kernel
# is met back to front, which is exactly a flipped kernel. Every pixel gets a share, including the
# border pixels that appear in only one sum, so dJ/dY must be padded with zeros all round first.
# Together: **dJ/dX is the full convolution of dJ/dY with K** (the same as the full
# cross-correlation with the kernel flipped both ways). With a 3-wide kernel the pattern continues:
# dJ/dx13 = dJ/dy11 k13 + dJ/dy12 k12 + dJ/dy13 k11.
#
# `input_pixel_paths` lists, for one pixel, the outputs it feeds and the kernel entry used for each;
# the next cell turns those lists into the formulas above.

# %%
for row, column in [(0, 0), (0, 1), (0, 2), (1, 1)]:
    paths = input_pixel_paths(X.shape, K.shape, row, column)
    terms = " + ".join(f"dJ/dy{r + 1}{c + 1} k{i + 1}{j + 1}" for (r, c), (i, j) in paths)
    print(f"dJ/dx{row + 1}{column + 1} = {terms}")

grad_X = ce.convolve2d(grad_Y, K, mode="full")  # the formula
print("dJ/dX =\n", grad_X)
assert grad_X[0, 1] == grad_Y[0, 0] * K[0, 1] + grad_Y[0, 1] * K[0, 0] == 3
assert np.allclose(grad_X, ce.correlate2d(grad_Y, K[::-1, ::-1], mode="full"))  # flip + cross-correlate

# %% [markdown]
# ## Do the formulas agree with the layer and with the definition?
#
# Two independent checks. First, the layer's own backward pass (`cnnedu.conv2d_backward`, the code
# inside `Conv2d.backward`). Second, **numerical gradients**: nudge one number by a tiny h each way
# and see how the loss moves, (J(z + h) - J(z - h)) / 2h. `ce.gradient_check` does this for every
# entry and compares the whole numerical gradient n with the analytic one a in one number, the
# relative error ||a - n|| / (||a|| + ||n||) (||.|| is the square root of the sum of squares). It
# lies between 0 and 1: in float64 a correct gradient gives about 1e-8 or less, a wrong one 1e-2
# or more (1 when the two point in opposite directions).
#
# To have a loss whose dJ/dY is the given grad_Y, we use J = sum(Y * grad_Y): it is linear in Y
# with exactly that gradient.


# %%
def loss():
    y, _ = ce.conv2d_forward(X[np.newaxis, np.newaxis], K[np.newaxis, np.newaxis], np.array([b]))
    return float(np.sum(y[0, 0] * grad_Y))


_, cache = ce.conv2d_forward(X[np.newaxis, np.newaxis], K[np.newaxis, np.newaxis], np.array([b]))
layer_grad_X, layer_grad_K, layer_grad_b = ce.conv2d_backward(grad_Y[np.newaxis, np.newaxis], cache)
assert np.allclose(layer_grad_X[0, 0], grad_X)
assert np.allclose(layer_grad_K[0, 0], grad_K)
assert np.allclose(layer_grad_b, grad_b)

bias = np.array([b])  # gradient_check nudges this array in place, so the loss must read it


def loss_with_bias():
    y, _ = ce.conv2d_forward(X[np.newaxis, np.newaxis], K[np.newaxis, np.newaxis], bias)
    return float(np.sum(y[0, 0] * grad_Y))


errors = {
    "dJ/dK": ce.gradient_check(loss, K, grad_K),
    "dJ/dX": ce.gradient_check(loss, X, grad_X),
    "dJ/db": ce.gradient_check(loss_with_bias, bias, np.array([grad_b])),
}
for name, error in errors.items():
    print(f"{name}: relative error below 1e-7? {error < 1e-7}")
assert max(errors.values()) < 1e-7

# %% [markdown]
# ## Padding and stride
#
# **Padding.** With padding p the layer works on the padded input, so the recipe above gives the
# gradient of the *padded* input. The padding zeros are not parameters and not inputs of the layer
# below, so their gradients are thrown away: **crop p cells from each side** of the full convolution.
#
# **Stride.** With stride s the layer computes only every s-th position of the stride-1 output.
# Think of it as the stride-1 output with the other cells dropped: dropped cells receive no
# gradient. So **spread dJ/dY with s - 1 zeros between neighbours** (dilate it), then use the
# stride-1 formulas: dJ/dX is the full convolution of the spread dJ/dY with K (cropped for padding),
# and dJ/dK the valid cross-correlation of the padded X with the spread dJ/dY (leaving out any last
# rows or columns that no window reached, because of the floor in the output size).
#
# Below, a 7x7 input, a 3x3 kernel, stride 2 and padding 1: the output is 4x4.

# %%
x7 = rng.integers(0, 4, size=(7, 7)).astype(float)
k3 = rng.integers(-2, 3, size=(3, 3)).astype(float)
grad_y4 = rng.integers(-2, 3, size=(4, 4)).astype(float)
stride, padding = 2, 1

spread = dilate(grad_y4, stride)  # (7, 7): zeros between the entries
full = ce.convolve2d(spread, k3, mode="full")  # (9, 9) = the padded input's size
cropped = full[padding:-padding, padding:-padding]  # (7, 7): padding gradients dropped
print("spread dJ/dY:\n", spread)
print("full convolution", full.shape, "-> cropped", cropped.shape)

_, cache = ce.conv2d_forward(x7[np.newaxis, np.newaxis], k3[np.newaxis, np.newaxis], None, stride, padding)
layer_grad_x, layer_grad_k, _ = ce.conv2d_backward(grad_y4[np.newaxis, np.newaxis], cache)
assert np.allclose(cropped, layer_grad_x[0, 0])
assert np.allclose(input_gradient(grad_y4, k3, x7.shape, stride, padding), layer_grad_x[0, 0])
assert np.allclose(kernel_gradient(x7, grad_y4, k3.shape, stride, padding), layer_grad_k[0, 0])

# %% [markdown]
# ## A whole layer: channels, batch, stride and padding, checked
#
# With several channels nothing new happens: each kernel weights[o, ci] sees input channel ci and
# feeds output channel o, so its gradient is the cross-correlation of channel ci with dJ/dY of
# channel o, summed over the batch; and input channel ci collects the full convolutions from every
# output channel o. The check below runs `Conv2d.backward` on a batch of 3 images with 2 input and
# 4 output channels, stride 2 and padding 1, and compares every gradient with central differences.

# %%
conv = ce.Conv2d(2, 4, kernel_size=3, stride=2, padding=1, rng=0)
conv.bias = rng.standard_normal(4)
batch = rng.standard_normal((3, 2, 9, 9))
weight_of_each_output = rng.standard_normal(conv(batch).shape)  # J = sum(Y * this): dJ/dY = this


def batch_loss():
    return float(np.sum(conv(batch) * weight_of_each_output))


conv(batch)
grad_batch = conv.backward(weight_of_each_output)
checks = {
    "weights": ce.gradient_check(batch_loss, conv.weights, conv.weights_gradient),
    "bias": ce.gradient_check(batch_loss, conv.bias, conv.bias_gradient),
    "input": ce.gradient_check(batch_loss, batch, grad_batch),
}
for name, error in checks.items():
    print(f"{name:<8} relative error below 1e-7? {error < 1e-7}")
assert max(checks.values()) < 1e-7
assert np.allclose(conv.bias_gradient, weight_of_each_output.sum(axis=(0, 2, 3)))  # batch and positions

# %% [markdown]
# ## Two classic bugs, and how the check catches them
#
# **Bug 1: overwriting the weight gradient per sample.** A loop over the batch that *assigns*
# `grad_w = ...` for each sample, instead of adding `grad_w += ...`, keeps only the last sample's
# contribution. Training may still make some progress, just worse, which is why this bug can go
# unnoticed for a long time.
#
# **Bug 2: forgetting the flip.** Computing dJ/dX as the full *cross-correlation* of dJ/dY with K
# meets the kernel front to back. With a kernel that looks the same when turned by 180 degrees you
# would never notice; with a learned kernel the gradient is simply wrong.
#
# Both buggy versions below are otherwise correct, and the gradient check flags both.


# %%
def weights_gradient_overwritten(x, grad_output, kernel_size):
    """Bug 1: one output channel, one input channel; the sum over the batch is missing."""
    for sample in range(x.shape[0]):
        grad_w = ce.correlate2d(x[sample, 0], grad_output[sample, 0])  # '=' where '+=' belongs
    return grad_w.reshape(1, 1, kernel_size, kernel_size)


def input_gradient_unflipped(grad_output, kernel):
    """Bug 2: full cross-correlation instead of full convolution."""
    return ce.correlate2d(grad_output, kernel, mode="full")


single = ce.Conv2d(1, 1, kernel_size=3, rng=1)
images = rng.standard_normal((4, 1, 6, 6))
weight_of_each_output = rng.standard_normal((4, 1, 4, 4))


def single_loss():
    return float(np.sum(single(images) * weight_of_each_output))


single(images)
correct_grad_x = single.backward(weight_of_each_output)
buggy_w = weights_gradient_overwritten(images, weight_of_each_output, 3)
buggy_x = np.stack([input_gradient_unflipped(g[0], single.weights[0, 0]) for g in weight_of_each_output])[:, None]

error_right_w = ce.gradient_check(single_loss, single.weights, single.weights_gradient)
error_bug_w = ce.gradient_check(single_loss, single.weights, buggy_w)
error_right_x = ce.gradient_check(single_loss, images, correct_grad_x)
error_bug_x = ce.gradient_check(single_loss, images, buggy_x)
print(f"weights: correct {error_right_w < 1e-7}, overwritten per sample: error {error_bug_w:.2f}")
print(f"input:   correct {error_right_x < 1e-7}, not flipped: error {error_bug_x:.2f}")
assert error_right_w < 1e-7 and error_right_x < 1e-7
assert error_bug_w > 0.1 and error_bug_x > 0.1

# %% [markdown]
# ## Demo: follow the gradient
#
# Five panels: the input X (the grey frame is zero padding), the kernel K, the gradient dJ/dY that
# arrives from above, and the two gradients the layer computes, dJ/dX and dJ/dK. Colours show the
# sign (red positive, blue negative, white zero), each panel on its own scale; the numbers written
# in the outlined cells are the values, and the two gradient panels write every value (small grey
# numbers), so nothing has to be read from a colour.
#
# * **pick: input pixel.** Orange boxes show the outputs the pixel feeds (in dJ/dY), the kernel
#   entries it meets (in K), its own gradient (in dJ/dX) and the entries of dJ/dK it adds to (its
#   value times each fed output's gradient); the line below spells out the sum for dJ/dX.
#   Walk the pixel along a row and watch the kernel indices run backwards: the flip.
# * **pick: output-gradient cell.** The dashed window is where this output came from. Its gradient g
#   lands on that window: g times K is added to dJ/dX, and g times the window of X is added to dJ/dK.
#   The two right panels show only this cell's share; adding the shares of all cells gives the full
#   gradients.
# * With **padding 1**, part of a window lies on the grey frame: the gradient that lands there is
#   cropped away. With **stride 2**, fewer outputs use each pixel: at most 4 paths instead of 9,
#   and many pixels get a single one. (Here every pixel still gets at least one; with a kernel
#   smaller than the stride some pixels would get none.)

# %%
# NBVAL_IGNORE_OUTPUT
# A live widget: its view cannot be compared between runs.
cnnedu.widgets.backprop_explorer()

# %% [markdown]
# ## Max pooling and ReLU backward
#
# Layers without weights only route the gradient.
#
# * **Max pooling** passes each window's gradient to the one cell that was the maximum, and gives
#   the others zero: changing a non-maximal cell a little does not change the output. If two cells
#   tie for the maximum, only one of them may receive it (PyTorch and `cnnedu` pick the first in
#   reading order); giving it to both would count the gradient twice.
# * **ReLU** passes the gradient where its input was positive and blocks it elsewhere.
#
# The example is the 4x4 map of lesson 04 with dJ/dY = [[1, 2], [3, 4]].

# %%
pool_input = np.array([[1, 3, 2, 4], [5, 6, 7, 8], [9, 2, 3, 1], [4, 0, 1, 5]], dtype=float)
pool_grad = np.array([[1, 2], [3, 4]], dtype=float)
pool_routes = max_pool_routes(pool_input, pool_grad, size=2)  # forward, backward, and each window's winner
routed = pool_routes.grad_x
assert routed[1, 1] == 1 and routed[1, 3] == 2 and routed[2, 0] == 3 and routed[3, 3] == 4
assert routed.sum() == pool_grad.sum()

# %%
fig, axes = plt.subplots(1, 4, figsize=(13, 3.4), layout="constrained")
bp.plot_max_pool_backward(pool_routes, axes=axes)
plt.show()

# %% [markdown]
# *Figure: four 4x4 or 2x2 grids with a number in every cell: the input with each window's maximum outlined,
# the pooled output, the incoming dJ/dY, and dJ/dX, zero everywhere except 1, 2, 3 and 4 on the four
# maxima.*

# %%
relu_input = np.array([[-2, 1, 0], [3, -1, 2]], dtype=float)
relu_grad = np.array([[5, 5, 5], [-1, -1, -1]], dtype=float)
fig, axes = plt.subplots(1, 3, figsize=(10, 2.8), layout="constrained")
bp.plot_relu_backward(relu_routes(relu_input, relu_grad), axes=axes)
plt.show()

# %% [markdown]
# *Figure: three 2x3 grids with their numbers: the ReLU's input, the incoming gradient, and the gradient
# passed back, equal to the incoming one where the input was positive and 0 elsewhere.*

# %%
relu = ce.ReLU()
relu(relu_input)
print("ReLU backward:\n", relu.backward(relu_grad) + 0.0)  # + 0.0 prints -0.0 as 0.0

# %% [markdown]
# Both are checked numerically like the convolution (on random inputs, so that no maximum is tied
# and no ReLU input sits exactly at 0, where the derivative is not defined).

# %%
maps = rng.standard_normal((2, 3, 6, 6))
pool_weights = rng.standard_normal((2, 3, 3, 3))
pool = ce.MaxPool2d(2)
pool(maps)
pool_error = ce.gradient_check(lambda: float(np.sum(pool(maps) * pool_weights)), maps, pool.backward(pool_weights))
relu_weights = rng.standard_normal(maps.shape)
relu(maps)
relu_error = ce.gradient_check(lambda: float(np.sum(relu(maps) * relu_weights)), maps, relu.backward(relu_weights))
print(f"max pool relative error below 1e-7? {pool_error < 1e-7};  ReLU: {relu_error < 1e-7}")
assert pool_error < 1e-7 and relu_error < 1e-7

# %% [markdown]
# ## On a real photo: learning an edge detector by gradient descent
#
# Backpropagation is what lets a network *learn* its kernels. Here is the smallest possible case on
# a real photograph: the target is the photo filtered with Sobel x (lesson 01's vertical-edge
# kernel, positive where brightness rises to the right), the model is a single 3x3 kernel that
# starts random, the loss is the mean squared difference, and each step moves the kernel against
# dJ/dK computed by `conv2d_backward` (with momentum, which keeps a running direction and speeds up
# the slow directions). dJ/dY of this loss is 2 (Y - target) / number of cells.

# %%
photo = ce.load_image("grace_hopper", grayscale=True, size=64)  # (64, 55) in [0, 1]
sobel = get_kernel("Sobel x")  # [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
target = ce.correlate2d(photo, sobel)  # what the kernel should produce
image_batch = photo[np.newaxis, np.newaxis]  # (1, 1, H, W)

kernel = rng.standard_normal((1, 1, 3, 3)) * 0.1
velocity = np.zeros_like(kernel)
losses = []
for _ in range(300):
    y, cache = ce.conv2d_forward(image_batch, kernel)
    difference = y[0, 0] - target
    losses.append(float(np.mean(difference**2)))
    _, grad_kernel, _ = ce.conv2d_backward((2 * difference / difference.size)[np.newaxis, np.newaxis], cache)
    velocity = 0.9 * velocity - 0.5 * grad_kernel  # gradient descent with momentum, as ce.SGD does
    kernel += velocity

print("learned kernel (rounded):\n", kernel[0, 0].round(1) + 0.0)  # + 0.0 turns -0.0 into 0.0
print(f"loss: start {losses[0]:.3f}, end below 1e-6? {losses[-1] < 1e-6}")
assert np.allclose(kernel[0, 0], sobel, atol=0.01)

fig, axes = plt.subplots(1, 4, figsize=(14, 3.3), layout="constrained")
axes[0].plot(losses)
axes[0].set_yscale("log")
axes[0].set_xlabel("step")
axes[0].set_title("mean squared error")
show_map(photo, ax=axes[1], title="photo")
learned, _ = ce.conv2d_forward(image_batch, kernel)
edge_image = show_map(learned[0, 0], ax=axes[2], diverging=True, limit=2, title="learned kernel's output")
kernel_image = show_map(kernel[0, 0], ax=axes[3], diverging=True, limit=2.5, title="learned kernel")
annotate_cells(kernel[0, 0].round(1) + 0.0, axes[3], fmt="{:.1f}")
for ax in axes[1:]:
    ax.set_xticks([])
    ax.set_yticks([])
fig.colorbar(edge_image, ax=axes[2], shrink=0.8, extend="both", label="output value (clipped at ±2)")
fig.colorbar(kernel_image, ax=axes[3], shrink=0.8, label="weight")
plt.show()

# %% [markdown]
# *Figure: the loss falling over 300 steps on a logarithmic axis to below one millionth; the photo; the
# learned kernel's output, a vertical-edge map; and the learned 3x3 kernel with its weights written in: -1,
# 0, 1 / -2, 0, 2 / -1, 0, 1, which is Sobel x.*

# %% [markdown]
# ## Summary
#
# For Y = X ⋆ K + b (cross-correlation, stride 1, no padding) and a given dJ/dY:
#
# * **dJ/dK** = valid cross-correlation of X with dJ/dY; summed over the batch.
# * **dJ/db** = dJ/dY summed over the batch and all positions (one bias per output channel).
# * **dJ/dX** = full convolution of dJ/dY with K (= full cross-correlation with the flipped K).
# * **Padding**: crop p cells from each side of dJ/dX. **Stride**: spread dJ/dY with s - 1 zeros
#   between neighbours first.
# * Check every backward pass numerically. The overwrite-per-sample bug and the missing flip both
#   give large relative errors (0.39 and 0.66 here) instead of about 1e-8.
# * Max pooling routes each window's gradient to one maximum; ReLU passes it where the input was
#   positive.

# %% [markdown]
# ## Exercises
#
# Exercises 1 and 2 use X = [[1, 2, 0], [0, 1, 3], [2, 1, 1]], K = [[1, 2], [3, 4]] (stride 1, no
# padding) and dJ/dY = [[1, 0], [2, -1]]; they are `ex.X`, `ex.K` and `ex.GRAD_OUTPUT`. Work them out
# by hand, then answer with a nested list or an array. Replace `...` and run the cell. Worked
# solutions: `ex.solution_input_gradient()` and so on, and the details below.
#
# **Exercise 1.** Compute dJ/dX (3x3).

# %%
answer = ...
ex.check_input_gradient(answer)

# %% [markdown]
# **Exercise 2.** Compute dJ/dK (2x2).

# %%
answer = ...
ex.check_kernel_gradient(answer)

# %% [markdown]
# **Exercise 3.** A layer with one output channel receives, for a batch of two images, dJ/dY =
# [[1, 0], [2, -1]] for the first image and [[0, 1], [1, 1]] for the second (`ex.BATCH_GRAD_OUTPUT`).
# What is dJ/db?

# %%
answer = ...
ex.check_bias_gradient(answer)

# %% [markdown]
# **Exercise 4.** A stride-2 layer receives dJ/dY = [[1, 2], [3, 4]]. Write the spread (dilated)
# dJ/dY that the stride-1 formulas need (3x3).

# %%
answer = ...
ex.check_spread_gradient(answer)

# %% [markdown]
# **Exercise 5.** A 2x2 max pooling sees the window [[1, 3], [3, 2]] and receives dJ/dy = 10. What is
# dJ/dx (2x2)?

# %%
answer = ...
ex.check_max_pool_gradient(answer)

# %% [markdown]
# <details><summary>Worked solutions (open after trying)</summary>
#
# 1. Pad dJ/dY with a ring of zeros and slide the flipped kernel [[4, 3], [2, 1]] over it, or add the
#    paths: dJ/dx11 = 1*1 = 1, dJ/dx12 = 1*2 + 0*1 = 2, dJ/dx21 = 1*3 + 2*1 = 5,
#    dJ/dx22 = 1*4 + 0*3 + 2*2 + (-1)*1 = 7, ... giving **[[1, 2, 0], [5, 7, -2], [6, 5, -4]]**.
# 2. dJ/dk11 = 1*1 + 0*2 + 2*0 + (-1)*1 = 0, dJ/dk12 = 1*2 + 0*0 + 2*1 + (-1)*3 = 1,
#    dJ/dk21 = 1*0 + 0*1 + 2*2 + (-1)*1 = 3, dJ/dk22 = 1*1 + 0*3 + 2*1 + (-1)*1 = 2:
#    **[[0, 1], [3, 2]]**.
# 3. (1 + 0 + 2 - 1) + (0 + 1 + 1 + 1) = 2 + 3 = **5**.
# 4. **[[1, 0, 2], [0, 0, 0], [3, 0, 4]]**.
# 5. Both 3s tie; only the first in reading order (top right) gets it: **[[0, 10], [0, 0]]**.
#
# </details>

# %% [markdown]
# ## Write it yourself: `conv_backward`
#
# Complete `conv_backward(x, weights, grad_output, stride, padding)` and return the three gradients
# `(dx, dweights, dbias)` of a convolution layer (forward as in lesson 05). Each output cell sends
# its gradient back to the window and the kernel that produced it: the window's cells get
# gradient x weights, the weights get gradient x window, **summed** over the batch, the bias gets the
# plain sum of `grad_output` over the batch and every position, and dx is cropped back to the size
# of x. The check also runs a numerical gradient check (lesson 06's central differences) on the
# input where your answer goes wrong.
#
# Replace the `...` with your code and run the cell, then run the check below it. The check tries
# small inputs you can work out by hand first, then random ones; when an answer is off it shows the
# input, what was expected and what came back (shape first, then the cells that differ), and names
# the classic mistake when it recognises one. Any style is fine: loops, numpy tricks, scipy calls,
# lists of lists. Stuck? `cnnedu.exercises.code.solution("conv_backward")` prints a worked solution.


# %%
def conv_backward(x, weights, grad_output, stride, padding):
    # x: (N, C_in, H, W); weights: (C_out, C_in, kh, kw); grad_output: (N, C_out, H_out, W_out)
    # -> dx: (N, C_in, H, W), dweights: (C_out, C_in, kh, kw), dbias: (C_out,)
    ...


# %%
from cnnedu.exercises import CODE_EXERCISES

CODE_EXERCISES["conv_backward"](conv_backward)
