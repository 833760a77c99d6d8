# %% [markdown]
# # 04 - Pooling
# Compute max and average pooling by hand, give the size of a pooled map, use global pooling to turn feature maps into one number each, send a max-pooling gradient to the right cell even when values tie, and measure how much pooling tolerates a small shift of the image.

# %%
import matplotlib.pyplot as plt
import numpy as np

import cnnedu as ce
import cnnedu.widgets
from cnnedu import coverage, invariance
from cnnedu.exercises import lesson04 as ex
from cnnedu.plotting import pooling as pl

rng = np.random.default_rng(0)

# %% [markdown]
# ## Why pool?
#
# A convolution layer produces a feature map as large as its input (with 'same' padding): one
# number per position, saying how strongly the filter's pattern is present there. Often we do not
# need to know *exactly* where an edge is, only that it is there, roughly here. **Pooling** keeps
# that and throws the rest away: it cuts the map into small windows and replaces each window by one
# number.
#
# * **Max pooling** keeps the largest value of the window: the strongest response of the filter in
#   that neighbourhood. It is by far the most used.
# * **Average pooling** keeps the mean of the window.
#
# Pooling has no weights to learn. It makes the maps smaller (fewer computations in later layers),
# lets the next layer's kernels see a larger part of the image, and makes the output less sensitive
# to small shifts of the input.

# %% [markdown]
# ## A worked example
#
# A 2x2 window with stride 2 cuts this 4x4 map into four blocks:
#
# ```
#  1  3 | 2  4
#  5  6 | 7  8
# ------+------
#  9  2 | 3  1
#  4  0 | 1  5
# ```
#
# **Predict first:** write down the 2x2 result of max pooling and of average pooling before you run
# the next cell.

# %%
x = np.array([[1, 3, 2, 4], [5, 6, 7, 8], [9, 2, 3, 1], [4, 0, 1, 5]], dtype=float)
max_pooled, average_pooled = ce.max_pool2d(x, 2), ce.avg_pool2d(x, 2)
print("max:\n", max_pooled, "\naverage:\n", average_pooled)
assert max_pooled.tolist() == [[6, 8], [9, 5]]
assert average_pooled.tolist() == [[3.75, 5.25], [3.75, 2.5]]

# %% [markdown]
# By hand:
#
# * max pooling: max(1, 3, 5, 6) = 6, max(2, 4, 7, 8) = 8, max(9, 2, 4, 0) = 9, max(3, 1, 1, 5) = 5,
#   so **[[6, 8], [9, 5]]**;
# * average pooling: (1 + 3 + 5 + 6) / 4 = 15 / 4 = 3.75, then 21 / 4 = 5.25, 15 / 4 = 3.75 and
#   10 / 4 = 2.5, so **[[3.75, 5.25], [3.75, 2.5]]**.
#
# In the picture each window has its own frame (colour and line style), the circled cell is the one
# max pooling keeps, and each output cell is framed like its window.

# %%
fig, axes = plt.subplots(1, 4, figsize=(15, 4), layout="constrained")
pl.plot_pooling(coverage.pooling_geometry(x, 2, kind="max"), axes=axes[:2])
pl.plot_pooling(coverage.pooling_geometry(x, 2, kind="average"), axes=axes[2:])
plt.show()

# %% [markdown]
# *Figure: the 4x4 map twice with its four 2x2 windows framed (solid, dashed, dotted, dash-dotted), the
# maximum of each circled on the left; next to each, the 2x2 output with its value in every cell and each
# cell framed like its window.*

# %% [markdown]
# ## The size of a pooled map, and overlapping windows
#
# A pooling window slides like a kernel, so the output-size formula of lesson 03 applies, with the
# window size f, the stride s and (almost always) no padding: **o = floor((n - f) / s) + 1**. As
# there, the floor means that a window which would stick out of the map is dropped.
#
# The usual choice is stride = size (windows that tile the map). With a smaller stride the windows
# **overlap**; AlexNet, for instance, pooled 3x3 windows with stride 2. On our map, 2x2 windows with
# stride 1 give floor((4 - 2) / 1) + 1 = 3 rows and columns. Work out the top row by hand:
# max(1, 3, 5, 6) = 6, max(3, 2, 6, 7) = 7, max(2, 4, 7, 8) = 8. The 9 in the third row, first
# column, is the maximum of two overlapping windows, so it appears twice in the output.

# %%
overlapping = ce.max_pool2d(x, 2, stride=1)
print(overlapping)
assert overlapping.tolist() == [[6, 7, 8], [9, 7, 8], [9, 3, 5]]
assert overlapping.shape[0] == ce.output_size(4, 2, stride=1)
assert ce.max_pool2d(np.zeros((7, 7)), 2).shape == (3, 3)  # floor((7 - 2) / 2) + 1: the last row and column are dropped

# %% [markdown]
# ## Try it: the pooling explorer
#
# Change the window size, the stride and the kind of pooling. With max pooling, the circles show
# which cell each window keeps; hatched cells are never inside any window (the floor again). Switch
# to the random 6x6 map for more windows. Things to try:
#
# * window 2, stride 1: overlapping windows, and the same large value picked several times;
# * window 3, stride 2 on the 4x4 example: one window, and seven cells that no window reaches;
# * window 1: pooling that changes nothing.

# %%
# NBVAL_IGNORE_OUTPUT  (a live widget: its view cannot be compared as text)
cnnedu.widgets.pooling_explorer()

# %% [markdown]
# ## Global pooling: one number per feature map
#
# **Global** pooling uses a window as large as the whole map, so a batch of feature maps of shape
# (N, C, H, W) becomes (N, C): one number per map. Global max pooling answers "is this feature
# present anywhere in the image?", global average pooling "how much of it is there overall?".
#
# Many modern networks end with global average pooling instead of flattening the last maps into a
# large dense layer. The saving in weights is large: 512 maps of 7x7 flattened give 25,088 inputs,
# and a dense layer to 1000 classes needs 25,088 x 1000 weights; after global pooling it needs
# 512 x 1000. Fewer parameters means less room to overfit, and the network also accepts images of
# any size.

# %%
maps = np.zeros((1, 2, 5, 5))  # (N, C, H, W)
maps[0, 0, 1, 3] = 8.0  # feature 0: one strong spot
maps[0, 1] = 1.0  # feature 1: weak, everywhere
print("global max:", ce.global_max_pool(maps), "  global average:", ce.global_avg_pool(maps))
assert ce.global_max_pool(maps).tolist() == [[8.0, 1.0]]
assert np.allclose(ce.global_avg_pool(maps), [[8 / 25, 1.0]])
print("dense weights after flattening 512 maps of 7x7:", 512 * 7 * 7 * 1000, "  after global pooling:", 512 * 1000)

# %% [markdown]
# The two answers differ in an instructive way: the max says feature 0 is present (8) and feature 1
# only weakly (1); the average says feature 1 is the more common one (1 against 0.32).

# %% [markdown]
# ## The gradient of max pooling, and ties
#
# **A primer on gradients** (lesson 06 treats them in full). Training asks, for every number in the
# network: if it grew by a tiny eps, how much would the loss J change? The answer, per unit of eps,
# is the gradient, written dJ/dx for an input cell x. Backpropagation gets it one layer at a time,
# from the top: the layer above hands each layer **dJ/dY**, one number per output cell of this layer,
# and the layer turns it into dJ/dX by the chain rule, dJ/dx = sum over its outputs y of
# dJ/dy * (how much y moves when x moves). For now dJ/dY simply arrives from above.
#
# For max pooling that last factor is simple: y is a copy of its window's maximum, so it moves 1 for
# 1 with the maximum and not at all with any other cell. One window [[1, 3], [2, 0]] with y = 3 and
# dJ/dy = 5 from above: the 3 gets dJ/dx = 5 * 1 = 5, the others 5 * 0 = 0. Nudging each cell by eps
# and watching J = 5 y confirms it.

# %%
window = np.array([[1.0, 3.0], [2.0, 0.0]])
output, cache = ce.max_pool2d_forward(window, 2)
gradient = ce.max_pool2d_backward(np.array([[5.0]]), cache)  # dJ/dY = 5 arrives from above
eps = 1e-6
nudged = np.zeros_like(window)
for cell in np.ndindex(window.shape):  # J = 5 * y: raise one cell by eps, see how much J moves per eps
    bumped = window.copy()
    bumped[cell] += eps
    nudged[cell] = 5 * (ce.max_pool2d(bumped, 2) - output).item() / eps
print("dJ/dX from max_pool2d_backward:\n", gradient, "\nmeasured by nudging:\n", nudged.round(6) + 0.0)
assert gradient.tolist() == [[0, 5], [0, 0]] and np.allclose(nudged, gradient)

# %% [markdown]
# In the backward pass, then, each output of max pooling is just a copy of one input cell, its
# window's maximum. So the gradient of that output goes to that one cell, and every other cell of the
# window gets zero: moving a non-maximum a little does not change the maximum at all.
#
# What if two cells of a window tie for the maximum? This is common: after a ReLU, a whole window
# may be zeros, and integer images tie all the time. Only **one** of the tied cells may receive the
# gradient. PyTorch (and cnnedu) give it to the first maximum in reading order.
#
# A tempting shortcut is the mask `window == window.max()`, which marks *every* tied maximum, and
# passing the gradient through it. Here is why that is wrong. Take one window [[2, 2], [1, 0]],
# whose max is y = 2. Raise both tied cells by a small eps: y becomes 2 + eps, so y grew by eps,
# once. A gradient [[1, 1], [0, 0]] from the mask predicts a change of 1 * eps + 1 * eps = 2 eps:
# the gradient has been counted twice. With [[1, 0], [0, 0]] the prediction is eps, which is right.

# %%
window = np.array([[2.0, 2.0], [1.0, 0.0]])
output, cache = ce.max_pool2d_forward(window, 2)
gradient = ce.max_pool2d_backward(np.ones_like(output), cache)  # dJ/dY = 1
tie_mask = (window == window.max()).astype(float)  # the buggy version: every tied maximum
print("cnnedu's gradient:\n", gradient, "\nall-ties mask:\n", tie_mask)

eps = 1e-6
direction = np.array([[1.0, 1.0], [0.0, 0.0]])  # raise both tied cells
measured = (ce.max_pool2d(window + eps * direction, 2) - output).item() / eps
print(
    f"measured change per eps: {measured:.3f}, predicted by cnnedu: {np.sum(gradient * direction):.0f}, "
    f"by the all-ties mask: {np.sum(tie_mask * direction):.0f}"
)
assert gradient.tolist() == [[1, 0], [0, 0]] and tie_mask.sum() == 2
assert abs(measured - np.sum(gradient * direction)) < 1e-6
assert abs(measured - np.sum(tie_mask * direction)) > 0.9

# %% [markdown]
# The same on a bigger map: with the all-ties mask, the total gradient that flows back is larger
# than what came in. cnnedu's `max_pool2d_backward` passes back exactly what it received; the count
# of tied windows comes from `coverage.tied_maxima`.

# %%
relu_map = np.maximum(rng.integers(-3, 3, size=(8, 8)), 0).astype(float)  # many zeros, like after a ReLU
pooled, cache = ce.max_pool2d_forward(relu_map, 2)
incoming = np.ones_like(pooled)  # dJ/dY = 1 for each of the 16 outputs
right = ce.max_pool2d_backward(incoming, cache)
ties = coverage.tied_maxima(relu_map, 2)
buggy_total = float(np.sum(ties * incoming))  # the mask sends the window's gradient to every tied cell
print("windows with a tie:", int(np.sum(ties > 1)), "of", ties.size)
print("gradient in:", incoming.sum(), " out (cnnedu):", right.sum(), " out (all-ties mask):", buggy_total)
assert right.sum() == incoming.sum() == 16
assert buggy_total > incoming.sum()

# %% [markdown]
# ## Shifting the image by a pixel
#
# If the picture moves by one pixel, every edge in the feature map moves by one pixel too. Compared
# cell by cell, a thin edge map changes completely: the old edge cells lose their response and the
# new ones gain it. After 2x2 max pooling, an edge that moved within its window still produces the
# same maximum in the same output cell, so the pooled map changes less.
#
# We measure change as **sum |after - before| / sum |before|**
# (`coverage.relative_change`): 0 means unchanged, 1 means the change is as large as the map itself.
# It can exceed 1: when an edge moves off its cells completely, the response that disappears and
# the response that appears both count.
#
# The feature map is the positive part of a vertical-edge filter (Sobel x, then ReLU) on a 64x64
# crop of Grace Hopper's portrait; the shifted version is the same filter on the crop taken one
# pixel further left, so the picture inside moves one pixel right.

# %%
photo = invariance.shift_source()  # (150, 128): the portrait in grey, averaged over 4x4 blocks
print("shift | edge map | 2x2 max-pooled | 2x2 average-pooled | 4x4 max-pooled")
changes = {}
for shift in range(5):
    by_max = invariance.shift_maps(photo, shift, size=2, kind="max")
    by_average = invariance.shift_maps(photo, shift, size=2, kind="average")
    by_max4 = invariance.shift_maps(photo, shift, size=4, kind="max")
    changes[shift] = (by_max.feature_change, by_max.pooled_change, by_average.pooled_change, by_max4.pooled_change)
    feature, *pooled = (f"{100 * value:.0f}%" for value in changes[shift])
    print(f"{shift:>5} | {feature:>8} | {pooled[0]:>14} | {pooled[1]:>18} | {pooled[2]:>14}")
edge, max2, average2, max4 = changes[1]
assert changes[0] == (0, 0, 0, 0)
assert max2 < 0.7 * edge and max4 < max2 and max2 < average2

# %% [markdown]
# Reading the table:
#
# * A one-pixel shift changes the edge map by about 100%, the 2x2 max-pooled map by about 60% and
#   the 4x4 max-pooled map by about 20%: larger windows tolerate larger shifts.
# * Max pooling tolerates shifts better than average pooling, whose output still follows every
#   small movement inside the window.
# * Pooling gives tolerance, not invariance: a shift of 2 pixels, the full stride of a 2x2 pool,
#   moves every pooled value into the next cell, and the change is large again. (Zhang, 2019,
#   "Making Convolutional Networks Shift-Invariant Again", studies exactly this weakness.)
#
# The demo shows the maps themselves. Move the shift slider and watch the difference maps on the
# right (blue: response lost, red: response gained, on the same scale).

# %%
# NBVAL_IGNORE_OUTPUT  (a live widget: its view cannot be compared as text)
cnnedu.widgets.shift_demo()

# %% [markdown]
# ## On a real photograph: max versus average
#
# Pooling the photo itself is just shrinking it (average pooling is the usual way to make a
# thumbnail). Pooling a *feature map* is different: max pooling keeps the strongest edge response
# of each window, average pooling mixes it with the empty cells around it. Below, the vertical-edge
# map of the whole portrait and its 4x4 pooled versions on one colour scale.

# %%
edges = np.maximum(ce.correlate2d(photo, np.array([[-1.0, 0, 1], [-2, 0, 2], [-1, 0, 1]])), 0)  # (148, 126)
pooled_max, pooled_average = ce.max_pool2d(edges, 4), ce.avg_pool2d(edges, 4)
top = edges.max()
fig, axes = plt.subplots(1, 4, figsize=(15, 4), layout="constrained")
axes[0].imshow(photo, cmap="gray")
axes[0].set_title(f"photo {photo.shape[0]}x{photo.shape[1]}")
for ax, values, name in zip(
    axes[1:],
    (edges, pooled_max, pooled_average),
    ("vertical edges (ReLU)", "4x4 max pooling", "4x4 average pooling"),
    strict=True,
):
    shown = ax.imshow(values, cmap="magma", vmin=0, vmax=top)
    ax.set_title(f"{name}\n{values.shape[0]}x{values.shape[1]}, strongest {values.max():.2f}")
for ax in axes:
    ax.set_xticks([])
    ax.set_yticks([])
fig.colorbar(shown, ax=axes[1:], shrink=0.8, label="edge response")
plt.show()
assert edges.shape == (148, 126) and pooled_max.shape == pooled_average.shape == (37, 31)
assert pooled_max.max() == edges.max() and pooled_average.max() < 0.8 * edges.max()
print(f"share of 2x2 windows of the edge map with a tie: {np.mean(coverage.tied_maxima(edges, 2) > 1):.2f}")

# %% [markdown]
# *Figure: the portrait in grey, its vertical-edge map after a ReLU, and the map's 4x4 max-pooled and
# average-pooled versions, all three on one black-to-yellow scale: the max-pooled edges stay bright, the
# averaged ones fade.*

# %% [markdown]
# The max-pooled map is a sixteenth of the size and still shows every strong edge at full strength;
# the average-pooled one fades the thin edges. The last line shows why ties matter in practice:
# about a quarter of the 2x2 windows of this ReLU edge map have a tied maximum (mostly windows of
# zeros).

# %% [markdown]
# ## Summary
#
# * Pooling replaces each window of a map by one number: the **maximum** (the strongest response
#   nearby) or the **average**. It has no weights.
# * Output size: floor((n - f) / s) + 1, as for a convolution without padding; usually s = f, and
#   s < f gives overlapping windows.
# * **Global** pooling reduces each feature map to one number, (N, C, H, W) -> (N, C), and replaces
#   a large dense layer with far fewer parameters.
# * The gradient of max pooling goes to **one** cell per window. With ties, exactly one tied cell
#   (the first, in PyTorch and cnnedu) receives it; marking every tied maximum counts the gradient
#   several times.
# * Max pooling makes a map tolerant to shifts smaller than its window, not invariant: a shift by
#   the stride moves everything by one pooled cell.

# %% [markdown]
# ## Exercises
#
# Replace each `...` with your answer and run the cell. Worked solutions are in the note after the
# exercises (`ex.solution_max_pool()` and so on).
#
# For exercises 1 and 2, use this map (also available as `ex.MAP`):
#
# ```
# 2 0 1 5
# 4 3 8 1
# 0 7 2 2
# 6 1 3 9
# ```
#
# **1.** 2x2 max pooling with stride 2. Give the 2x2 result as a list of rows.

# %%
answer = ...
ex.check_max_pool(answer)

# %% [markdown]
# **2.** 2x2 average pooling with stride 2 of the same map.

# %%
answer = ...
ex.check_avg_pool(answer)

# %% [markdown]
# **3.** A 14x14 feature map goes through 3x3 max pooling with stride 2. How many rows does the
# output have?

# %%
answer = ...
ex.check_pooled_size(answer)

# %% [markdown]
# **4.** 2x2 max pooling with stride 2 of `ex.TIES` (below). The gradient arriving at the output
# is `ex.TIES_GRADIENT` = [[1, 2], [3, 4]]. What is the gradient with respect to the input (4x4)?
# Where a window has a tie, follow the rule of this lesson (PyTorch's).
#
# ```
# 1 3 3 0
# 2 3 0 0
# 5 1 4 4
# 5 0 4 1
# ```

# %%
answer = ...
ex.check_max_pool_gradient(answer)

# %% [markdown]
# **5.** Global average pooling of the batch `ex.FEATURE_MAPS`, one image with two 3x3 maps
# (below). Give the two numbers (rounded to two decimals is fine).
#
# ```
# map 0:  0 1 0     map 1:  2 2 2
#         1 4 1             2 2 2
#         0 1 0             2 2 11
# ```

# %%
answer = ...
ex.check_global_pool(answer)

# %% [markdown]
# <details><summary>Worked solutions (open after trying)</summary>
#
# 1. Blocks: max(2, 0, 4, 3) = 4, max(1, 5, 8, 1) = 8, max(0, 7, 6, 1) = 7, max(2, 2, 3, 9) = 9:
#    **[[4, 8], [7, 9]]**.
# 2. Sums 9, 15, 14, 16, each divided by 4: **[[2.25, 3.75], [3.5, 4]]**.
# 3. floor((14 - 3) / 2) + 1 = floor(5.5) + 1 = **6** (the last row, index 13, is never pooled).
# 4. Top left window (1, 3, 2, 3): a tie of 3s; the first in reading order, row 0 column 1, gets 1.
#    Top right (3, 0, 0, 0): row 0 column 2 gets 2. Bottom left (5, 1, 5, 0): a tie; row 2 column 0
#    gets 3. Bottom right (4, 4, 4, 1): a three-way tie; row 2 column 2 gets 4. Everything else is 0:
#    **[[0, 1, 2, 0], [0, 0, 0, 0], [3, 0, 4, 0], [0, 0, 0, 0]]**.
# 5. Map 0: 8 / 9 = **0.89**; map 1: (8 * 2 + 11) / 9 = 27 / 9 = **3**.
#
# </details>

# %% [markdown]
# ## Write it yourself: max pooling, forward and backward
#
# Complete `max_pool2d(x, size, stride)` for one 2-D map: the largest value of each `size` x `size`
# window, the windows starting every `stride` cells. Then `max_pool2d_backward(x, grad_output, size,
# stride)`: dJ/dx, where each window hands its entry of `grad_output` to the cell that won it. On a
# tie only the **first** maximum in reading order gets it (as in PyTorch and cnnedu), and where
# windows overlap a cell collects the gradients of every window it won.
#
# Replace the `...` with your code and run the cell, then run the check below it. The check tries
# small inputs you can work out by hand first, then random ones; when an answer is off it shows the
# input, what was expected and what came back (shape first, then the cells that differ), and names
# the classic mistake when it recognises one. Any style is fine: loops, numpy tricks, scipy calls,
# lists of lists. Stuck? `cnnedu.exercises.code.solution("max_pool2d")` (or `"max_pool2d_backward"`) prints a
# worked solution.


# %%
def max_pool2d(x, size, stride):
    # x: (H, W) -> (floor((H - size) / stride) + 1, floor((W - size) / stride) + 1)
    ...


# %%
from cnnedu.exercises import CODE_EXERCISES

CODE_EXERCISES["max_pool2d"](max_pool2d)


# %%
def max_pool2d_backward(x, grad_output, size, stride):
    # x: (H, W); grad_output: the shape of max_pool2d's output -> dJ/dx: (H, W)
    ...


# %%
CODE_EXERCISES["max_pool2d_backward"](max_pool2d_backward)
