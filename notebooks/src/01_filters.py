# %% [markdown]
# # 01 - Filters are pattern detectors
# Compute a filter's response by hand, read a response map drawn in colours centred on zero, and say which pattern a kernel is looking for.

# %%
import matplotlib.pyplot as plt
import numpy as np
import scipy.signal

import cnnedu as ce
import cnnedu.widgets
from cnnedu.exercises import lesson01 as ex
from cnnedu.kernels import filter_bank, get_kernel, kernel_names, response_range, window_products
from cnnedu.plotting import filters as fp
from cnnedu.plotting import show_map

rng = np.random.default_rng(0)

# %% [markdown]
# ## The idea in one sentence
#
# A **filter** (also called a **kernel**) is a small grid of numbers, the **weights**. We lay it on
# the image, multiply every pixel under it by the weight on top of it, and add the products up. That
# sum is the filter's **response** at this position. Then we shift the filter by one pixel and do it
# again, until every position is done. The responses form a new image, the **response map** (or
# feature map).
#
# Why would that be useful? Because the sum is largest where the pixels *look like the weights*:
# bright where the weights are positive and dark where they are negative. A filter is a small
# picture of the pattern it is looking for, and the response map says where that pattern occurs.
#
# Our first kernel is a detector for a diagonal edge:

# %%
kernel = get_kernel("45-degree edge")
print(kernel)
figure, ax = plt.subplots(figsize=(2.8, 2.8))
fp.plot_kernel(kernel, ax=ax, title="45-degree edge kernel")
plt.show()

# %% [markdown]
# *Figure: the 3x3 kernel as a grid of coloured cells, each with its weight written in it: -1 (blue) in the
# top-left corner, 2 (dark red) on the rising diagonal, 1 (light red) below it.*

# %% [markdown]
# Read it as a picture. The negative weights (blue) sit in the top-left corner, the positive ones
# (red) on the diagonal from bottom-left to top-right and below it. So it asks for **dark above the
# diagonal and bright on and below it**: an edge at 45 degrees, bright side down and to the right.

# %% [markdown]
# ## A worked example you can check by hand
#
# Take pixels between 0 (black) and 1 (white). Here is a patch that has exactly the kernel's
# pattern, and the same patch with black and white swapped:
#
# ```
# patch (like the kernel)     opposite patch
#   0 0 1                        1 1 0
#   0 1 1                        1 0 0
#   1 1 1                        0 0 0
# ```
#
# **Predict first.** Before you run the next cell, work out both responses (or at least their
# signs): which patch scores higher, and is the other one positive, zero or negative?

# %%
patch = np.array([[0, 0, 1], [0, 1, 1], [1, 1, 1]], dtype=float)
opposite = 1 - patch
products = patch * kernel  # element-wise: each pixel times the weight on top of it
print(products.astype(int))
print("response to the patch:   ", products.sum())
print("response to its opposite:", (opposite * kernel).sum())
assert products.sum() == 9 and (opposite * kernel).sum() == -3

# %% [markdown]
# For the first patch, only the white pixels count (black ones multiply to 0), and they sit under
# the weights 2; 2, 1; 2, 1, 1. The response is 2 + 3 + 4 = **9**. For the opposite patch the white
# pixels sit under the three -1 weights: the response is **-3**.
#
# No patch of pixels between 0 and 1 can score more than 9: that needs white under every positive
# weight and black under every negative one, which is exactly the first patch. And none can score
# less than -3, which is the opposite patch. So the response ranks patches by how much they look
# like the kernel.
#
# Two more patches show a quirk of this particular kernel: an all-white patch scores 6 (the sum of
# all weights) and an all-black patch 0. Its weights do not add up to zero, so it also likes plain
# brightness a little.

# %%
print("largest and smallest possible response:", response_range(kernel, 0, 1))
print("all white:", (np.ones((3, 3)) * kernel).sum(), " all black:", (np.zeros((3, 3)) * kernel).sum())
assert response_range(kernel, 0, 1) == (-3.0, 9.0) and kernel.sum() == 6

# %% [markdown]
# ### Centred pixels: opposite patterns, opposite signs
#
# Networks are usually fed pixels centred on zero. Write black as -1 and white as +1 (that is
# `2 * pixel - 1`). Now the patch that looks like the kernel scores **+12** and its opposite
# **-12**: exactly the same size, opposite sign. From here on, our images use -1 for black and +1
# for white.

# %%
centred = 2 * patch - 1
print(centred)
print("like the kernel:", (centred * kernel).sum(), "  opposite:", (-centred * kernel).sum())
assert (centred * kernel).sum() == 12 and (-centred * kernel).sum() == -12

# %% [markdown]
# ## Sliding the kernel over an image
#
# Now a small 6x6 image with a diagonal edge, bright side down and to the right. A 3x3 kernel fits
# into it at 4 x 4 positions, so the response map is 4x4. `ce.correlate2d` does the sliding;
# `window_products` shows what happens at one position. (The name *correlate* is explained in
# lesson 02.)

# %%
image = 2 * ce.edge_image(6, angle=45) - 1  # black -1, white +1
response = ce.correlate2d(image, kernel)
print(image)
print(response)
window, products = window_products(image, kernel, 1, 3)  # row 1, column 3: the window sits on the edge
print("window at row 1, column 3:\n", window, "\nsum of products:", products.sum())
assert response.shape == (4, 4)
assert products.sum() == response[1, 3] == 12
assert np.array_equal(response, ce.correlate2d_loop(image, kernel))  # the readable loop gives the same

# %% [markdown]
# Where the window sits right on the edge, the pixels look exactly like the kernel and the response
# reaches its maximum, 12. Far above the edge everything is black and the response is -6 (black
# everywhere is -1 times the weight sum); below, where it is mostly white, the response is positive
# but smaller than on the edge.
#
# We draw response maps in a **diverging** colour scale: white is zero, red positive, blue
# negative, and the scale is symmetric around zero, with a colour bar that says what the colours
# mean. Then the sign of a response is visible at a glance.

# %%
figure, axes = plt.subplots(1, 3, figsize=(10, 3.2), layout="constrained")
show_map(image, ax=axes[0], title="image (black -1, white +1)")
fp.plot_kernel(kernel, ax=axes[1], title="kernel")
fp.plot_response(response, ax=axes[2], limit=12, title="response map")
for row_index, row in enumerate(response):
    for column_index, value in enumerate(row):
        color = "white" if abs(value) > 7 else "black"
        axes[2].text(column_index, row_index, f"{value:g}", ha="center", va="center", color=color)
plt.show()

# %% [markdown]
# *Figure: left, the 6x6 image, black above a 45-degree staircase edge and white below; middle, the kernel;
# right, the 4x4 response map with its value in every cell: -6 in the black corner, 12 on the edge.*

# %% [markdown]
# ## Try it: the kernel scanner
#
# Move the **row** and **column** sliders, or press **play** to scan every position in reading
# order. Read the picture from left to right: the image with the window under the kernel; the
# window's pixels times the weights give the products, and their sum is written above them; on the
# right, the response map fills in, one sum per position, on a fixed colour scale.
#
# Things to try:
# - Find where the 45-degree kernel gives its largest response, +12, and where it gives its most
#   negative one. What do the windows look like? (The most negative here is -10: no window of this
#   picture is the exact opposite of the kernel.)
# - Choose **Sobel x**. Where is the response positive, where negative?
# - Type your own weights into the text box (a list of three rows), for example a kernel that only
#   looks for bright dots.

# %%
# NBVAL_IGNORE_OUTPUT  (a live widget: its view cannot be compared as text)
cnnedu.widgets.kernel_scanner()

# %% [markdown]
# ## A family of kernels
#
# Each kernel below is a picture of what it looks for (all are used without flipping, as in the
# scanner):
#
# | kernel | weights | looks for |
# |---|---|---|
# | Sobel x | `[[-1,0,1],[-2,0,2],[-1,0,1]]` | brightness rising from left to right (a vertical edge) |
# | Sobel y | `[[-1,-2,-1],[0,0,0],[1,2,1]]` | brightness rising from top to bottom (a horizontal edge) |
# | Laplacian | `[[0,1,0],[1,-4,1],[0,1,0]]` | a pixel that differs from its four neighbours (spots, thin lines); flat regions give 0 |
# | box blur | all weights 1/9 | nothing in particular: it averages, which smooths the image |
# | sharpen | `[[0,-1,0],[-1,5,-1],[0,-1,0]]` | the pixel plus its difference from the neighbours: edges get stronger |
# | identity | a single 1 in the middle | the pixel itself: the output is the input without its outer ring of pixels |
#
# The edge detectors and the Laplacian have weights that add up to **zero**, so a flat region
# answers 0 whatever its brightness; box blur, sharpen and identity add up to **one**, so a flat
# region keeps its brightness. Their outputs are **pictures** (a blurred, a sharpened, an unchanged
# image), not signed answers to "is my pattern here?", so they are drawn in grey on the input's own
# scale (the pointed ends of sharpen's colour bar: it overshoots black and white at edges). Here
# they are on a picture of simple shapes:

# %%
shapes = 2 * ce.shapes_image(28) - 1
bank = {name: get_kernel(name) for name in kernel_names()}
for name, weights in bank.items():
    print(f"{name:15s} weights add up to {weights.sum():5.2f}")
shapes_bank = filter_bank(shapes, bank)  # every response map; the sum-to-one kernels give pictures
assert shapes_bank.pictures == {"box blur", "sharpen", "identity"}

# %%
figure, axes = plt.subplots(2, 4, figsize=(13, 6.4), layout="constrained")
fp.plot_filter_bank(shapes_bank, axes=axes.ravel(), image_title="shapes (black -1, white +1)")
plt.show()

# %% [markdown]
# *Figure: the shapes picture (a square, a disk, a triangle and a thin diagonal line) and its seven filtered
# versions; the four edge and spot detectors in blue and red around white, blur, sharpen and identity in
# grey.*

# %% [markdown]
# Look at the disk (top right): Sobel x paints its left side red (dark to bright going right) and
# its right side blue; Sobel y does the same for top and bottom. The 45-degree kernel is strongest
# on the disk's upper-left arc, where the boundary runs at 45 degrees with the bright side below,
# and most negative on the lower-right arc, where the pattern is reversed. (The most negative value
# there is -10, not -12: a disk this small is not a perfect 45-degree staircase.)

# %%
disk = ce.correlate2d(shapes, get_kernel("45-degree edge"))[0:12, 13:26]  # the part of the map around the disk
strongest, weakest = np.unravel_index(disk.argmax(), disk.shape), np.unravel_index(disk.argmin(), disk.shape)
print("strongest response on the disk:", disk.max(), "at", [int(i) for i in strongest])
print("most negative response:        ", disk.min(), "at", [int(i) for i in weakest])
assert disk.max() == 12 and disk.min() == -10
assert strongest[0] < 6 and strongest[1] < 6 and weakest[0] > 5 and weakest[1] > 6  # upper left vs lower right

# %% [markdown]
# ## On a real photograph
#
# The same kernels on a photograph of Grace Hopper (shipped with matplotlib), in grey levels and
# shrunk from 600 x 512 to 150 x 128 pixels (`size=150` sets the longer side; each new pixel is the
# mean of the 4x4 pixels it replaces), centred like before. Each response map has its own scale,
# always symmetric around zero, so white always means "no response". The scale ends at the value
# that only 0.5% of the pixels exceed (the pointed ends of the colour bar), so that a few extreme
# pixels do not wash out the rest. Blur, sharpen and identity are again drawn as grey pictures.

# %%
photo = 2 * ce.load_image("grace_hopper", grayscale=True, size=150) - 1  # black -1, white +1
print("photo:", photo.shape)
photo_bank = filter_bank(photo, bank)
sobel_x = photo_bank.responses["Sobel x"]
assert photo.shape == (150, 128) and sobel_x.shape == (148, 126)
assert np.allclose(sobel_x, scipy.signal.correlate2d(photo, get_kernel("Sobel x"), mode="valid"))

# %%
figure, axes = plt.subplots(2, 4, figsize=(13, 7.6), layout="constrained")
fp.plot_filter_bank(photo_bank, axes=axes.ravel(), image_title="photo", percentile=99.5)
plt.show()

# %% [markdown]
# *Figure: Grace Hopper's portrait and its seven filtered versions: four signed edge and spot maps in blue
# and red, and the blurred, sharpened and unchanged portrait in grey.*

# %% [markdown]
# Sobel x picks out the vertical outlines (the flag's stripes, the edges of the collar and the tie),
# Sobel y the horizontal ones (the cap, the glasses, the rows of ribbons on the jacket). The Laplacian
# answers to fine detail and noise alike. Box blur gives a smoother copy, sharpen a crisper, grainier
# one. None of these maps says "face": each filter only knows its own little 3x3 pattern.

# %% [markdown]
# ## From edges to parts: what deeper layers do
#
# A convolutional network stacks filters. The second layer does not see pixels: it sees the response
# maps of the first. So its filters look for *patterns of edges*. A toy version: take the positive
# parts of the Sobel x and Sobel y maps (a vertical edge dark-to-bright going right, a horizontal
# edge dark-to-bright going down), add them and subtract 8. The sum only stays positive where
# **both** edges are present at once: at the square's top-left corner, and along the upper-left
# parts of the disk and the triangle, whose outline there is both. That unit is a corner detector
# built from two edge detectors. After a ReLU nothing is negative, so these maps use a
# **sequential** colour scale from black (0) to light yellow instead of the diverging one.
#
# **Predict first:** which of the square's four corners will the "both at once" unit find? Decide
# before you look at the picture.


# %%
def relu(x):
    return np.maximum(x, 0)


vertical_edges = relu(ce.correlate2d(shapes, get_kernel("Sobel x")))
horizontal_edges = relu(ce.correlate2d(shapes, get_kernel("Sobel y")))
corners = relu(vertical_edges + horizontal_edges - 8)
figure, axes = plt.subplots(1, 3, figsize=(11, 3.4), layout="constrained")
fp.plot_activation(vertical_edges, ax=axes[0], title="layer 1: Sobel x, positive part")
fp.plot_activation(horizontal_edges, ax=axes[1], title="layer 1: Sobel y, positive part")
fp.plot_activation(corners, ax=axes[2], title="layer 2: both at once")
plt.show()
print("square's top-left corner:", corners[2, 2], "  its left side:", corners[5, 1], "  its top side:", corners[1, 5])
assert corners[2, 2] == 4 and corners[5, 1] == 0 and corners[1, 5] == 0

# %% [markdown]
# *Figure: three maps of the shapes picture on a black-to-yellow scale: the vertical edges, the horizontal
# edges, and their combination, bright only at the square's top-left corner and the upper-left arcs of the
# disk and the triangle.*

# %% [markdown]
# Real networks learn such combinations instead of having them written by hand: layer by layer,
# edges become corners and curves, those become textures and simple shapes, and those become parts
# of objects (an eye, a wheel). The operation at every layer is the one from this lesson.

# %% [markdown]
# ## Summary
#
# - A filter is a small grid of weights. At each position: multiply the pixels under it by the
#   weights, add up. Slide it to get the response map.
# - The response is largest where the patch looks like the kernel (bright under positive weights,
#   dark under negative ones) and most negative where it looks like the opposite. With centred
#   pixels (-1 to +1) the two are equal and opposite (+12 and -12 for the 45-degree kernel).
# - Show responses in a diverging colour scale centred on zero, with a colour bar.
# - Edge detectors (Sobel) and the Laplacian add up to 0 and ignore flat regions; blur, sharpen and
#   identity add up to 1 and keep the brightness.
# - Deeper layers filter the maps of earlier ones and so detect combinations: corners, textures,
#   object parts.

# %% [markdown]
# ## Exercises
#
# Replace `...` with your answer and run the cell; the check tells you whether it is right, and if
# not, what probably went wrong. Worked solutions are in the note after the exercises.
#
# **1.** Lay the 45-degree kernel on the patch of grey levels below (exactly as written, no
# flipping). What is the response?
#
# ```
# 1 2 3
# 4 5 6
# 7 8 9
# ```

# %%
print(ex.PATCH)
answer = ...
ex.check_patch_response(answer)

# %% [markdown]
# **2.** Pixels between 0 (black) and 1 (white): what is the largest response the 45-degree kernel
# can give?

# %%
answer = ...
ex.check_largest_response(answer)

# %% [markdown]
# **3.** Design a 3x3 kernel (a list of three rows) that detects a horizontal edge that is **dark
# above and bright below**: positive there, negative for the opposite edge, and 0 on flat patches
# and on vertical edges.

# %%
answer = ...
ex.check_horizontal_edge_kernel(answer)

# %% [markdown]
# **4.** Every pixel of a patch is 0.4. What does the sharpen kernel `[[0,-1,0],[-1,5,-1],[0,-1,0]]`
# give there?

# %%
answer = ...
ex.check_flat_sharpen(answer)

# %% [markdown]
# <details><summary>Worked solutions (open after trying)</summary>
#
# 1. Row by row: 1(-1) + 2(-1) + 3(2) = 3; 4(-1) + 5(2) + 6(1) = 12; 7(2) + 8(1) + 9(1) = 31.
#    Total **46**. (Flipping the kernel first would give 14: that is convolution, lesson 02.)
# 2. Put 1 under every positive weight and 0 under every negative one: 2 + 2 + 1 + 2 + 1 + 1 = **9**.
# 3. For example Sobel y, **[[-1, -2, -1], [0, 0, 0], [1, 2, 1]]**: the top row looks for dark, the
#    bottom row for bright; the weights add up to 0 (flat patches give 0) and every column adds up
#    to 0 (a vertical edge gives 0). `[[-1, -1, -1], [0, 0, 0], [1, 1, 1]]` works too.
# 4. 5(0.4) - 4(0.4) = **0.4**: the weights add up to 1, so a flat patch keeps its value.
#
# </details>

# %% [markdown]
# ## Write it yourself: `correlate2d`
#
# Now in code. Complete `correlate2d(image, kernel)`: the *valid* cross-correlation of a 2-D image
# with a 2-D kernel, exactly what you did by hand above: for every position where the kernel fits
# inside the image, multiply the overlapping pixels by the kernel entries and add them up. An H x W
# image and a kh x kw kernel give an output of (H - kh + 1) x (W - kw + 1). Two loops over the output
# positions are enough (with `np.sum` of the products), or four if you also loop over the kernel.
#
# Replace the `...` with your code and run the cell, then run the check below it. The check tries
# small inputs you can work out by hand first, then random ones; when an answer is off it shows the
# input, what was expected and what came back (shape first, then the cells that differ), and names
# the classic mistake when it recognises one. Any style is fine: loops, numpy tricks, scipy calls,
# lists of lists. Stuck? `cnnedu.exercises.code.solution("correlate2d")` prints a worked solution.


# %%
def correlate2d(image, kernel):
    # image: (H, W); kernel: (kh, kw) -> output: (H - kh + 1, W - kw + 1)
    ...


# %%
from cnnedu.exercises import CODE_EXERCISES

CODE_EXERCISES["correlate2d"](correlate2d)
