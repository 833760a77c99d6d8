# %% [markdown]
# # 03 - Padding and stride
# Predict the output size of any convolution from n, f, s, p and d, choose the padding that keeps a map's size, and tell which input cells a strided or dilated kernel never reads.

# %%
import matplotlib.pyplot as plt
import numpy as np
import scipy.signal

import cnnedu as ce
import cnnedu.widgets
from cnnedu import coverage
from cnnedu.exercises import lesson03 as ex
from cnnedu.kernels import get_kernel
from cnnedu.plotting import padding as pp

rng = np.random.default_rng(0)

# %% [markdown]
# ## Where this lesson fits
#
# In lesson 01 a 3x3 kernel slid over an image one cell at a time, and only to positions where it
# fitted completely. Two things followed quietly from that choice:
#
# 1. **The map shrinks.** A 3x3 kernel on a 32x32 image fits in 30 x 30 positions, so the output is
#    30x30. Stack fifteen such layers and only 2x2 is left: the depth of the network is limited by
#    the size of the image.
# 2. **The border is under-represented.** A corner pixel lies in exactly one window; a pixel in the
#    middle lies in nine. Whatever the border holds reaches the next layer through few outputs.
#
# Let us count both, then fix them with **padding**, and add the other two knobs of a convolution:
# **stride** (how far the kernel jumps) and **dilation** (how far apart its taps are).

# %%
size = 32
sizes = [size]
while size >= 3:
    size = ce.output_size(size, 3)  # a 3x3 kernel, no padding, stride 1
    sizes.append(size)
print("map size after each 3x3 layer without padding:", sizes)
assert sizes[:3] == [32, 30, 28] and sizes[-1] == 2 and len(sizes) == 16

# %% [markdown]
# How often does each cell of a row of 6 get read by a 3-wide kernel (stride 1, no padding)?
# Windows start at 0, 1, 2 and 3; cell 0 is only in the first one, cell 2 is in three of them.
# `coverage.axis_coverage` counts this; in 2-D the count of a cell is the row count times the
# column count, so a corner is read once and a centre cell nine times.

# %%
row_counts = coverage.axis_coverage(6, 3)
print("times each of 6 cells is read:", row_counts)
print(coverage.coverage_counts(6, 3))
assert row_counts.tolist() == [1, 2, 3, 3, 2, 1]
assert coverage.coverage_counts(6, 3)[0, 0] == 1 and coverage.coverage_counts(6, 3)[2, 2] == 9

# %% [markdown]
# ## The output-size formula
#
# Along one axis, call the input length **n**, the kernel size **f**, the stride **s**, the padding
# **p** (zeros added on *each* side) and the dilation **d** (the distance between neighbouring
# kernel taps; d = 1 is an ordinary kernel). The kernel then covers d(f - 1) + 1 cells, and the
# number of positions it can take is
#
# **o = floor((n + 2p - d(f - 1) - 1) / s) + 1**
#
# Read it from the inside out: the padded input has n + 2p cells; the first position uses up
# d(f - 1) + 1 of them, which leaves n + 2p - d(f - 1) - 1 cells to move into; every step moves s
# cells, so floor(... / s) further positions fit, plus the first one. With d = 1 it is the familiar
# floor((n + 2p - f) / s) + 1.
#
# **Predict first:** n = 7, f = 3, s = 2, p = 1, d = 1. How many positions does the kernel take
# along one axis, and at which padded indices do the windows start? Work it out by hand before you
# run the next cell, which asks the formula and an actual convolution of a padded 7x7 image.

# %%
image = rng.normal(size=(7, 7))
kernel = rng.normal(size=(3, 3))
result = ce.correlate2d(ce.pad2d(image, 1), kernel, stride=2)
print("formula:", ce.output_size(7, 3, stride=2, padding=1), "  computed shape:", result.shape)
print("window starts and taps along one axis:\n", coverage.window_positions(7, 3, stride=2, padding=1))
assert ce.output_size(7, 3, stride=2, padding=1) == 4 and result.shape == (4, 4)
assert coverage.window_positions(7, 3, stride=2, padding=1)[:, 0].tolist() == [0, 2, 4, 6]

# %% [markdown]
# By hand: floor((7 + 2 - 2 - 1) / 2) + 1 = floor(6 / 2) + 1 = **4**. The windows start at padded
# indices 0, 2, 4 and 6; the last one covers indices 6, 7 and 8, the last padded cell. The formula
# and the convolution agree: a 4x4 map.

# %% [markdown]
# ## Three padding modes, in one dimension
#
# Libraries name three standard choices. Take the input x = [1, 2, 3] and the kernel [1, 1, 1]
# (it adds up three neighbours), and work each one out by hand:
#
# | mode | padding | padded input | windows | output |
# |---|---|---|---|---|
# | **valid** | none | [1, 2, 3] | [1,2,3] | **[6]** |
# | **same** | (f - 1)/2 = 1 each side | [0, 1, 2, 3, 0] | [0,1,2] [1,2,3] [2,3,0] | **[3, 6, 5]** |
# | **full** | f - 1 = 2 each side | [0, 0, 1, 2, 3, 0, 0] | five windows | **[1, 3, 6, 5, 3]** |
#
# 'valid' keeps only windows that fit inside the input, 'same' pads just enough to keep the length,
# and 'full' pads so much that every position where kernel and input overlap at all is an output.
# In 'full' mode every input element meets every kernel entry exactly once (lesson 06 needs this:
# the gradient of a convolution with respect to its input is a full convolution).

# %%
x, box = [1, 2, 3], [1, 1, 1]
for mode in ("valid", "same", "full"):
    print(f"{mode:>5}: {ce.correlate1d(x, box, mode=mode)}")
assert ce.correlate1d(x, box, mode="valid").tolist() == [6]
assert ce.correlate1d(x, box, mode="same").tolist() == [3, 6, 5]
assert ce.correlate1d(x, box, mode="full").tolist() == [1, 3, 6, 5, 3]
# full mode: each of the 3 input cells is read by all 3 taps
full_before, full_after = coverage.mode_padding(3, "full")
assert coverage.axis_coverage(3, 3, padding=(full_before, full_after))[full_before : full_before + 3].tolist() == [
    3,
    3,
    3,
]

# %% [markdown]
# ## Even kernels make 'same' lopsided
#
# 'same' needs f - 1 zeros in total. For an odd kernel that is an even number, split equally. For an
# even kernel, say f = 2, there is one zero to place, and it has to go on one side. Libraries do not
# agree on which:
#
# * `scipy.signal.correlate2d` puts the extra zero **after** the input (PyTorch's `padding='same'`
#   does the same);
# * `scipy.signal.convolve2d`, `scipy.signal.correlate` and `scipy.signal.convolve` put it **before**.
#
# A kernel with unequal taps makes the placement visible. With x = [1, 2, 3, 4] and the kernel
# [1, 10]:
#
# * zero after, windows [1,2] [2,3] [3,4] [4,0]: 1 + 20 = 21, 32, 43, 4 + 0 = **[21, 32, 43, 4]**;
# * zero before, windows [0,1] [1,2] [2,3] [3,4]: **[10, 21, 32, 43]**;
# * `convolve2d` flips the kernel to [10, 1] and pads before: 0 + 1 = 1, 10 + 2 = 12, ...:
#   **[1, 12, 23, 34]**.
#
# cnnedu copies scipy's placement (`ce.correlate.same_padding`), and the cell below checks both
# against scipy.

# %%
row, taps = np.array([[1.0, 2, 3, 4]]), np.array([[1.0, 10]])
by_correlate2d = scipy.signal.correlate2d(row, taps, mode="same")
by_correlate = scipy.signal.correlate(row, taps, mode="same")
by_convolve2d = scipy.signal.convolve2d(row, taps, mode="same")
print("scipy correlate2d:", by_correlate2d, "  zeros (before, after):", ce.correlate.same_padding(2, "correlate2d"))
print("scipy correlate:  ", by_correlate, "  zeros (before, after):", ce.correlate.same_padding(2, "other"))
print("scipy convolve2d: ", by_convolve2d)
assert by_correlate2d.tolist() == [[21, 32, 43, 4]] and by_correlate.tolist() == [[10, 21, 32, 43]]
assert by_convolve2d.tolist() == [[1, 12, 23, 34]]
assert np.array_equal(ce.correlate2d(row, taps, mode="same"), by_correlate2d)
assert np.array_equal(ce.convolve2d(row, taps, mode="same"), by_convolve2d)

# %% [markdown]
# The practical lesson: a network trained with one library's even-kernel 'same' convolution and run
# with another's would see its feature maps shifted by one cell (each convention sits half a cell
# off-centre, in opposite directions: compare [21, 32, 43, 4] with [10, 21, 32, 43]). Most
# architectures sidestep the question by using odd kernels (3x3, 5x5, 7x7) with p = (f - 1) / 2.

# %% [markdown]
# ## Stride: jumping, and what the floor throws away
#
# With stride s the kernel moves s cells at a time, so the output is about s times smaller in each
# direction, which is a cheap way to shrink a map. The **floor** in the formula says what happens
# at the end: a window that would stick out of the (padded) input is not computed. Cells that only
# that window would have read are then **never read at all**.
#
# **Worked example:** n = 10, f = 3, s = 4, no padding. o = floor((10 - 3) / 4) + 1 = 2 positions:
# cells 0-2 and 4-6. Cell 3 falls in the gap between them, and cells 7, 8 and 9 come after the last
# window (a third one would need cells 8, 9 and 10). In 2-D, a whole band of the image is ignored.

# %%
geometry = coverage.padding_geometry(10, 3, stride=4)  # positions and counts, drawn below
fig, axes = plt.subplots(1, 2, figsize=(9, 4), layout="constrained")
pp.plot_positions_1d(geometry, ax=axes[0])
pp.plot_coverage(geometry, ax=axes[1])
plt.show()
print("output size:", geometry.output_size, "  never read along one axis:", coverage.never_visited(10, 3, stride=4))
assert geometry.output_size == 2 and coverage.never_visited(10, 3, stride=4).tolist() == [3, 7, 8, 9]
assert int((geometry.counts == 0).sum()) == 100 - 36  # only 6 x 6 of the 100 cells are read

# %% [markdown]
# *Figure: left, the two positions of the 3-wide kernel along a row of 10 cells; right, a 10x10 grid
# coloured by how often each cell is read, with crosses on the never-read column 3 and columns 7-9 (and the
# same rows).*

# %% [markdown]
# Losing a few border cells is usually harmless, but it is worth knowing when it happens: choose n,
# f, s and p so that (n + 2p - f) is a multiple of s, and no cell is skipped at the end. A gap
# *between* windows (s > f) loses information everywhere, which is why strides larger than the
# kernel are rare.

# %% [markdown]
# ## Dilation: spreading the taps
#
# A dilated kernel leaves d - 1 cells between its taps. A 3-tap kernel with d = 2 reads cells
# k, k + 2 and k + 4: it looks at a region 5 cells wide with only 3 weights. Dilation widens what a
# unit sees without adding parameters (lesson 07 returns to this); with padding d(f - 1) / 2 on
# each side the map keeps its size. In the formula it simply replaces f by the span d(f - 1) + 1.
#
# **Worked example:** n = 7, f = 3, d = 2, no padding: span 5, o = floor((7 - 4 - 1) / 1) + 1 = **3**.

# %%
print("taps of each position (n=7, f=3, d=2):\n", coverage.window_positions(7, 3, dilation=2))
dilated = ce.correlate2d(rng.normal(size=(7, 7)), np.ones((3, 3)), dilation=2)
print("output shape:", dilated.shape)
assert coverage.window_positions(7, 3, dilation=2)[0].tolist() == [0, 2, 4]
assert dilated.shape == (3, 3) == (ce.output_size(7, 3, dilation=2),) * 2

# %% [markdown]
# ## Try it: the padding explorer
#
# Every kernel position is drawn on the padded grid (left: a dot at each window's centre, the first
# window outlined by a solid red line and the last by a dashed blue one; middle: the positions along one
# axis, one per row),
# and the right panel counts how often each cell is read, with never-read input cells crossed out.
# Under the panels, the formula with your numbers stands next to the shape `ce.correlate2d` returns.
#
# Things to try:
# * n = 10, f = 3, s = 4, p = 0: the crosses of the worked example; now raise n to 11: which cells come back?
# * mode 'valid' vs 'same' vs 'full' with f = 5: how the coverage of the border changes.
# * f = 4 with the two 'same' modes: the extra zero moves from the end to the start.
# * n = 10, f = 3, s = 1, p = 0, dilation 3: the taps are 3 cells apart (the kernel spans 7), yet every
#   cell is still read, by a different tap of a different position. With n = 7 only one position fits,
#   and 40 of the 49 cells are skipped.
# * n = 3, f = 7, mode 'valid': the kernel does not fit; the demo tells you instead of failing.

# %%
# NBVAL_IGNORE_OUTPUT  (a live widget: its view cannot be compared as text)
cnnedu.widgets.padding_explorer()

# %% [markdown]
# ## On a real photograph
#
# We take Grace Hopper's portrait (shipped with matplotlib), in grey levels, shrunk from 600 x 512
# to 150 x 128 pixels (each new pixel is the mean of a 4x4 block), and run a vertical-edge detector (Sobel x)
# over it four ways.

# %%
photo = ce.load_image("grace_hopper", grayscale=True, size=150)  # (150, 128); the original is 600 x 512
sobel_x = get_kernel("Sobel x")  # [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], as in lesson 01
versions = {
    "valid, stride 1": ce.correlate2d(photo, sobel_x),
    "padding 1 (same), stride 1": ce.correlate2d(ce.pad2d(photo, 1), sobel_x),
    "padding 1, stride 2": ce.correlate2d(ce.pad2d(photo, 1), sobel_x, stride=2),
    "padding 1, stride 4": ce.correlate2d(ce.pad2d(photo, 1), sobel_x, stride=4),
}
limit = max(np.abs(v).max() for v in versions.values())
fig, axes = plt.subplots(1, 5, figsize=(15, 3.6), layout="constrained")
axes[0].imshow(photo, cmap="gray")
axes[0].set_title(f"photo {photo.shape[0]}x{photo.shape[1]}")
for ax, (name, response) in zip(axes[1:], versions.items(), strict=True):
    shown = ax.imshow(response, cmap="RdBu_r", vmin=-limit, vmax=limit)
    ax.set_title(f"{name}\n{response.shape[0]}x{response.shape[1]}")
for ax in axes:
    ax.set_xticks([])
    ax.set_yticks([])
fig.colorbar(shown, ax=axes, shrink=0.8, label="edge response")
plt.show()
for name, response in versions.items():
    print(f"{name:>27}: {response.shape}")
assert photo.shape == (150, 128)
assert versions["valid, stride 1"].shape == (148, 126)
assert versions["padding 1 (same), stride 1"].shape == (150, 128)
assert versions["padding 1, stride 2"].shape == (75, 64) == (ce.output_size(150, 3, 2, 1), ce.output_size(128, 3, 2, 1))
assert versions["padding 1, stride 4"].shape == (38, 32)

# %% [markdown]
# *Figure: the portrait in grey and its Sobel x response four ways (valid, padding 1, padding 1 with stride
# 2 and with stride 4), on one blue-white-red scale, each titled with its size.*

# %% [markdown]
# What to notice:
#
# * 'valid' loses one pixel on every side (148 x 126); padding 1 keeps 150 x 128.
# * Zero padding is not free: the photo is not black at its borders but the padding is, so the
#   padded version finds an "edge" all along the left and right borders that is not in the scene
#   (the thin coloured columns at the sides of the 150x128 map). Other padding modes
#   (`ce.pad2d(..., mode="replicate")` or `"reflect"`) avoid most of it, as the numbers below show.
# * Stride 2 gives a quarter of the outputs (75 x 64) and still shows the main edges; stride 4
#   (38 x 32) starts to miss thin ones, because the kernel (3 wide) is now smaller than its jump:
#   one column in four is never read.

# %%
border = np.abs(versions["padding 1 (same), stride 1"][:, 0]).mean()
inside = np.abs(versions["padding 1 (same), stride 1"][:, 1:-1]).mean()
replicated = ce.correlate2d(ce.pad2d(photo, 1, mode="replicate"), sobel_x)
print(
    f"mean |response| in the first column: {border:.2f} with zero padding, "
    f"{np.abs(replicated[:, 0]).mean():.2f} with replicate padding; inside the image: {inside:.2f}"
)
assert border > 3 * inside and np.abs(replicated[:, 0]).mean() < border / 3

# %% [markdown]
# The same numbers for every column, as a profile: the mean |response| of each column of the map
# (leaving out the top and bottom rows, which sit next to padding too). Inside the image the two
# paddings give the same values; only the first and last columns differ, where zero padding makes a
# spike that replicate padding does not.

# %%
fig, ax = plt.subplots(figsize=(10, 3.2), layout="constrained")
zero_profile = np.abs(versions["padding 1 (same), stride 1"][1:-1]).mean(axis=0)  # (128,): one value per column
replicate_profile = np.abs(replicated[1:-1]).mean(axis=0)
pp.plot_column_profile(
    {"zero padding": zero_profile, "replicate padding": replicate_profile},
    ax=ax,
    title="mean |Sobel x response| of each column: the border artefact",
)
plt.show()
assert np.allclose(zero_profile[1:-1], replicate_profile[1:-1])  # the padding only reaches the border columns
assert zero_profile[0] > 3 * zero_profile[1:-1].mean() and zero_profile[-1] > 3 * zero_profile[1:-1].mean()

# %% [markdown]
# *Figure: two lines over the 128 columns, solid for zero padding and dashed for replicate padding: they
# coincide inside the image, and only the solid line jumps up at the first and last column.*

# %% [markdown]
# ## Summary
#
# * Output size along one axis: **o = floor((n + 2p - d(f - 1) - 1) / s) + 1**; with d = 1,
#   floor((n + 2p - f) / s) + 1.
# * Without padding every layer shrinks the map by f - 1 and reads border cells less often.
# * 'valid' = no padding; 'same' = f - 1 zeros in total so the size is kept (p = (f - 1)/2 for odd
#   f); 'full' = f - 1 zeros on each side, so every input cell meets every tap. For even kernels
#   'same' must put the extra zero on one side, and libraries differ on which.
# * Stride s jumps s cells; the floor drops a window that would not fit, and the cells only it would
#   have read are never seen. Dilation d spreads the taps, so a kernel spans d(f - 1) + 1 cells.
# * Zero padding adds a dark frame that edge detectors respond to.

# %% [markdown]
# ## Exercises
#
# Replace each `...` with your answer and run the cell: the check says whether it is right, or gives
# a hint. Worked solutions are in the note after the exercises (`ex.solution_padded_size()` and so on).
#
# **1.** A 28x28 image, a 5x5 kernel, stride 1, padding 2 on each side. What is the output size?
# (The output is square: one number, its rows, is enough.)

# %%
answer = ...
ex.check_padded_size(answer)

# %% [markdown]
# **2.** A 28x28 image, a 3x3 kernel, stride 2, no padding. What is the output size (rows)?

# %%
answer = ...
ex.check_strided_size(answer)

# %% [markdown]
# **3.** A 5x5 kernel with dilation 2 and stride 1. How much padding p on each side keeps the output
# as large as the input?

# %%
answer = ...
ex.check_dilated_same_padding(answer)

# %% [markdown]
# **4.** The worked example on stride lost cells 3, 7, 8 and 9 of a row of 10 (kernel 3 wide,
# stride 4, no padding). Now pad the row with one zero on each side, same kernel, same stride.
# Which cells of the row (indices 0 to 9) are never read now? Give a list, e.g. `[1, 5]`.

# %%
answer = ...
ex.check_never_visited(answer)

# %% [markdown]
# **5.** Cross-correlate x = [1, 2, 3] with the kernel [1, 0, -1] in 'full' mode, by hand. Give the
# output as a list.

# %%
answer = ...
ex.check_full_mode(answer)

# %% [markdown]
# <details><summary>Worked solutions (open after trying)</summary>
#
# 1. floor((28 + 2*2 - 5) / 1) + 1 = 27 + 1 = **28**: padding 2 is exactly (f - 1)/2, the 'same'
#    padding of a 5x5 kernel.
# 2. floor((28 - 3) / 2) + 1 = floor(12.5) + 1 = **13**. The windows start at 0, 2, ..., 24; the
#    last covers 24-26, so column 27 is never read.
# 3. The dilated kernel spans 2*(5 - 1) + 1 = 9 cells; 'same' needs 9 - 1 = 8 zeros in total, so
#    **p = 4** on each side. Check: floor((n + 8 - 9) / 1) + 1 = n.
# 4. The padded row has 12 cells (padded index i + 1 holds cell i) and floor((10 + 2 - 3) / 4) + 1 = 3
#    windows fit, at padded 0-2, 4-6 and 8-10. Padded 3, 7 and 11 are never read; 11 is the padding
#    zero, 3 and 7 hold cells 2 and 6: **[2, 6]**. Padding moved every window one cell to the left
#    relative to the row: the end of the row is read now, but the gaps moved with the windows.
# 5. Padded input [0, 0, 1, 2, 3, 0, 0]; windows [0,0,1] -> 0 + 0 - 1 = -1, [0,1,2] -> -2,
#    [1,2,3] -> 1 - 3 = -2, [2,3,0] -> 2, [3,0,0] -> 3: **[-1, -2, -2, 2, 3]**.
#
# </details>

# %% [markdown]
# ## Write it yourself: `output_size`
#
# Complete `output_size(n, kernel_size, stride, padding, dilation)`: the number of positions of a
# kernel along one axis of length n, with `padding` cells added on each side, the window moving
# `stride` cells at a time and `dilation` cells between its taps. It must return one whole number
# (an `int`, or a float such as 15.0).
#
# Replace the `...` with your code and run the cell, then run the check below it. The check tries
# small inputs you can work out by hand first, then random ones; when an answer is off it shows the
# input, what was expected and what came back (shape first, then the cells that differ), and names
# the classic mistake when it recognises one. Any style is fine: loops, numpy tricks, scipy calls,
# lists of lists. Stuck? `cnnedu.exercises.code.solution("output_size")` prints a worked solution.


# %%
def output_size(n, kernel_size, stride=1, padding=0, dilation=1):
    # the lesson's formula, in code
    ...


# %%
from cnnedu.exercises import CODE_EXERCISES

CODE_EXERCISES["output_size"](output_size)
