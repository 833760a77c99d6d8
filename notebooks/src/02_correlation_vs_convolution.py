# %% [markdown]
# # 02 - Cross-correlation vs convolution
# Tell cross-correlation from convolution, flip a kernel by hand, explain why signal processing flips the kernel and CNNs do not, and predict when the two give the same result.

# %%
import matplotlib.pyplot as plt
import numpy as np
import scipy.signal

import cnnedu as ce
import cnnedu.widgets
from cnnedu.exercises import lesson02 as ex
from cnnedu.kernels import flip_kernel, get_kernel
from cnnedu.plotting import filters as fp
from cnnedu.plotting import flip as flp

rng = np.random.default_rng(0)

# %% [markdown]
# ## Two ways to slide a kernel
#
# In lesson 01 we laid the kernel on the image exactly as it is written and added up the products.
# That operation is called **cross-correlation**. For an image X and a kernel K:
#
# $$Y[r, c] = \sum_{i}\sum_{j} X[r + i,\; c + j]\; K[i, j]$$
#
# **Convolution**, the operation that gave convolutional networks their name, does one thing
# differently: it turns the kernel by 180 degrees first, that is, it reverses it left-right *and*
# up-down, and then slides it the same way:
#
# $$Y[r, c] = \sum_{i}\sum_{j} X[r - i,\; c - j]\; K[i, j]$$
#
# The minus signs walk through the image backwards while the kernel index walks forwards: the
# same as reading the kernel backwards. The 2x2 kernel `[[1, 2], [3, 4]]` is used by convolution as
# `[[4, 3], [2, 1]]`. (In this form (r, c) names a window by its bottom-right cell, so the top-left
# window of a 2x2 kernel is Y[1, 1]; libraries number the 'valid' outputs from 0, as for
# cross-correlation.)

# %%
kernel = np.array([[1, 2], [3, 4]])
flipped = flip_kernel(kernel)  # the same as kernel[::-1, ::-1]
print(flipped)
assert flipped.tolist() == [[4, 3], [2, 1]]
figure, axes = plt.subplots(1, 2, figsize=(5, 2.6), layout="constrained")
flp.plot_flip(kernel, flipped, axes=axes)
plt.show()

# %% [markdown]
# *Figure: the kernel [[1, 2], [3, 4]] and, next to it, the same kernel turned by 180 degrees, [[4, 3], [2,
# 1]], each weight written in its cell.*

# %% [markdown]
# So convolution **is** cross-correlation with the flipped kernel. On a 3x3 image you can check it
# by hand. The top-left window is `[[1, 2], [4, 5]]`: cross-correlation gives 1·1 + 2·2 + 4·3 + 5·4 =
# 37, convolution 1·4 + 2·3 + 4·2 + 5·1 = 23.

# %%
image = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
correlation = ce.correlate2d(image, kernel)
convolution = ce.convolve2d(image, kernel)
print("cross-correlation:\n", correlation)
print("convolution:\n", convolution)
assert correlation[0, 0] == 37 and convolution[0, 0] == 23
assert np.array_equal(convolution, ce.correlate2d(image, flipped))

# %% [markdown]
# ## Why signal processing flips: a system that answers in time
#
# Convolution comes from the study of systems that turn an input signal into an output signal over
# time: an echo in a room, a loudspeaker, a smoothing filter on a sensor. Many such systems are
# **linear** (twice the input gives twice the output, and two inputs give the sum of their
# outputs), **time-invariant** (the same input later gives the same output later) and **causal**
# (the output cannot react before the input arrives).
#
# Such a system is described completely by its **impulse response** h: what it outputs after a
# single tap of size 1 at time 0. Say h = [1, 2, 3]: the tap at t = 0 produces 1 at t = 0, 2 at t =
# 1 and 3 at t = 2. Feed it the impulse x = [1, 0, 0] and the output must be 1, 2, 3, in that
# order.
#
# At time t, the output collects the contributions of all earlier inputs: the input from k steps
# ago, x[t - k], contributes h[k] x[t - k]. The newest input meets h[0], the one before meets h[1],
# and so on:
#
# $$y[t] = \sum_k h[k]\; x[t - k]$$
#
# That is convolution. Drawn as a window over the input, the newest input (the right end of the
# window) meets h[0], so the response lies under the input **reversed**: [3, 2, 1]. Slide it as
# written instead (cross-correlation) and the impulse comes out backwards, 3, 2, 1.

# %%
impulse = [1, 0, 0]
response = [1, 2, 3]
output = ce.convolve1d(impulse, response, mode="full")  # t = 0, 1, 2, 3, 4
backwards = ce.correlate1d(impulse, response, mode="full")
print("convolution:      ", output)
print("cross-correlation:", backwards)
assert output.tolist() == [1, 2, 3, 0, 0]
assert backwards.tolist() == [3, 2, 1, 0, 0]

# %% [markdown]
# Step through it below. The table shows the input over time, the impulse response laid under it
# (ending at the current time), their products, and the output so far; the bars show the output.
# It opens at t = 2, when the tap from t = 0 meets h[2] = 3 and the whole answer 1, 2, 3 has come
# out. Drag **time t** back to 0 and press **play**; then untick **reverse h** and play again.
# Other inputs show that the outputs of several taps simply add up.

# %%
# NBVAL_IGNORE_OUTPUT  (a live widget: its view cannot be compared as text)
cnnedu.widgets.impulse_response_stepper()

# %% [markdown]
# Because the system is linear and time-invariant, an input made of several taps answers with the
# sum of shifted, scaled copies of h. For x = [1, 0, 2]: one copy of [1, 2, 3] from t = 0 plus two
# copies from t = 2.

# %%
two_taps = ce.convolve1d([1, 0, 2], response, mode="full")
by_hand = np.array([1, 2, 3, 0, 0]) + 2 * np.array([0, 0, 1, 2, 3])
print(two_taps, by_hand)
assert np.array_equal(two_taps, by_hand) and two_taps.tolist() == [1, 2, 5, 4, 6]

# %% [markdown]
# ## Why CNNs need no flip
#
# A CNN filter is not an impulse response: it is a **detector**, and we write (or the network
# learns) its weights in the orientation of the pattern it should find. Take the 1-D detector for a
# falling slope, k = [1, -1]: "this value minus the next one". Slide it over the falling ramp [3, 2,
# 1, 0].
#
# **Predict first:** what do cross-correlation and convolution give here? Write down both lists
# before you run the next cell.

# %%
ramp = [3, 2, 1, 0]
slope = [1, -1]
print("cross-correlation:", ce.correlate1d(ramp, slope))
print("convolution:      ", ce.convolve1d(ramp, slope))
assert ce.correlate1d(ramp, slope).tolist() == [1, 1, 1]
assert ce.convolve1d(ramp, slope).tolist() == [-1, -1, -1]

# %% [markdown]
# - cross-correlation: 3 - 2, 2 - 1, 1 - 0 = **[1, 1, 1]**, a positive answer everywhere: found it;
# - convolution uses the flipped kernel [-1, 1]: -3 + 2, -2 + 1, -1 + 0 = **[-1, -1, -1]**.
#
# The flip turned the falling-slope detector into a rising-slope detector: it now answers "the
# opposite of what I look for" on exactly the pattern it was written for.
#
# When can a flip make an answer *negative*? With k = [1, 0] ("just this value") the flip gives
# [0, 1] ("just the next value"): cross-correlation outputs [3, 2, 1] and convolution [2, 1, 0].
# Different numbers, but no change of sign: all weights are positive, and so is the ramp, so every
# product is. A negative answer needs **weights of both signs**; they need not add up to zero.
# Lesson 01's 45-degree kernel adds up to 6 and still answered the opposite patch with -3. In 1-D,
# k = [2, -1] adds up to 1: on the ramp, cross-correlation gives [4, 3, 2] and convolution, with the
# flipped kernel [-1, 2], gives [1, 0, -1].

# %%
print("cross-correlation with [1, 0]: ", ce.correlate1d(ramp, [1, 0]))
print("convolution with [1, 0]:       ", ce.convolve1d(ramp, [1, 0]))
print("cross-correlation with [2, -1]:", ce.correlate1d(ramp, [2, -1]))
print("convolution with [2, -1]:      ", ce.convolve1d(ramp, [2, -1]))
assert ce.correlate1d(ramp, [1, 0]).tolist() == [3, 2, 1]
assert ce.convolve1d(ramp, [1, 0]).tolist() == [2, 1, 0]
assert ce.correlate1d(ramp, [2, -1]).tolist() == [4, 3, 2]
assert ce.convolve1d(ramp, [2, -1]).tolist() == [1, 0, -1]  # a sum of 1, and a negative answer all the same
assert get_kernel("45-degree edge").sum() == 6

# %% [markdown]
# And a flip turns a detector into the detector of the *opposite* pattern only when the flipped
# kernel is minus the original, as for [1, -1] and the Sobel kernels. A zero sum is not enough: the
# Laplacian adds up to zero too, but turned by 180 degrees it is itself, so the flip changes nothing.

# %%
laplacian = get_kernel("Laplacian")
print("Laplacian adds up to", laplacian.sum(), " equals its flip:", np.array_equal(flip_kernel(laplacian), laplacian))
print("Sobel x flipped is -Sobel x:", np.array_equal(flip_kernel(get_kernel("Sobel x")), -get_kernel("Sobel x")))
assert laplacian.sum() == 0 and np.array_equal(flip_kernel(laplacian), laplacian)
assert np.array_equal(flip_kernel(get_kernel("Sobel x")), -get_kernel("Sobel x"))

# %% [markdown]
# In a network the weights are **learned**. Had we defined the layer with convolution, training
# would simply learn the flipped weights, and the network would compute exactly the same function.
# The flip buys nothing and costs a step, so deep-learning libraries compute cross-correlation and
# still call the layer "convolution". When a paper or a library says *convolution*, it almost
# always means cross-correlation.

# %% [markdown]
# ## Try it: flip explorer
#
# The third map is the cross-correlation of the image with the kernel, the fourth the convolution
# with the same kernel, on one colour scale centred on zero. Tick **flip the kernel before sliding
# it**: the kernel used by the cross-correlation is turned by 180 degrees and the two maps become
# identical. Try Sobel x (convolution gives the negative map), the 45-degree edge (convolution finds
# the *opposite* edge) and the Laplacian (no difference at all), on the shapes and on the photo.

# %%
# NBVAL_IGNORE_OUTPUT  (a live widget: its view cannot be compared as text)
cnnedu.widgets.flip_explorer()

# %% [markdown]
# ## What the libraries compute
#
# `scipy.signal` has both: `correlate2d` slides the kernel as written, `convolve2d` flips it. cnnedu
# follows the same conventions.

# %%
X = rng.integers(0, 10, size=(5, 6)).astype(float)
K = np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [0.0, 1.0, 0.0]])  # no symmetry
same_as_scipy_correlate = np.allclose(ce.correlate2d(X, K), scipy.signal.correlate2d(X, K, mode="valid"))
same_as_scipy_convolve = np.allclose(ce.convolve2d(X, K), scipy.signal.convolve2d(X, K, mode="valid"))
correlate_is_convolve = np.allclose(ce.correlate2d(X, K), ce.convolve2d(X, K))
print("cnnedu.correlate2d == scipy correlate2d:", same_as_scipy_correlate)
print("cnnedu.convolve2d  == scipy convolve2d: ", same_as_scipy_convolve)
print("correlate2d == convolve2d for this K:   ", correlate_is_convolve)
assert same_as_scipy_correlate and same_as_scipy_convolve and not correlate_is_convolve

# %% [markdown]
# PyTorch's layer is called `Conv2d`, but it computes cross-correlation. Where PyTorch is
# installed, the next cell checks it (the asserts fail if it were not so); without PyTorch it skips
# the check. It prints the same line either way.

# %%
try:
    import torch
except ImportError:
    torch = None  # the check needs PyTorch; the lesson does not
if torch is not None:
    torch_output = torch.nn.functional.conv2d(torch.tensor(X)[None, None], torch.tensor(K)[None, None])[
        0, 0
    ].numpy()  # (N, C, H, W) in and out: one image, one channel
    assert np.allclose(torch_output, ce.correlate2d(X, K))  # cross-correlation ...
    assert not np.allclose(torch_output, ce.convolve2d(X, K))  # ... not convolution
print("PyTorch's conv2d slides the kernel as written: cross-correlation (checked here when PyTorch is installed).")

# %% [markdown]
# ## What the flip is good for: algebra
#
# The flip is not pointless in mathematics: it makes convolution behave like multiplication.
# Convolution is **commutative** (x * h = h * x: signal and system can swap roles) and
# **associative** ((x * a) * b = x * (a * b): two filters in a row act like one filter, a * b).
# Cross-correlation is neither: swapping its arguments reverses the output, and chaining it does not
# regroup. We check with 'full' outputs of random signals.

# %%
a, b, c = rng.integers(-3, 4, size=(3, 5)).astype(float)
full = dict(mode="full")
print("convolution commutative:      ", np.allclose(ce.convolve1d(a, b, **full), ce.convolve1d(b, a, **full)))
print("cross-correlation commutative:", np.allclose(ce.correlate1d(a, b, **full), ce.correlate1d(b, a, **full)))
print("  ... it is reversed instead: ", np.allclose(ce.correlate1d(a, b, **full), ce.correlate1d(b, a, **full)[::-1]))
conv_left = ce.convolve1d(ce.convolve1d(a, b, **full), c, **full)
conv_right = ce.convolve1d(a, ce.convolve1d(b, c, **full), **full)
corr_left = ce.correlate1d(ce.correlate1d(a, b, **full), c, **full)
corr_right = ce.correlate1d(a, ce.correlate1d(b, c, **full), **full)
print("convolution associative:      ", np.allclose(conv_left, conv_right))
print("cross-correlation associative:", np.allclose(corr_left, corr_right))
assert np.allclose(ce.convolve1d(a, b, **full), ce.convolve1d(b, a, **full))
assert not np.allclose(ce.correlate1d(a, b, **full), ce.correlate1d(b, a, **full))
assert np.allclose(conv_left, conv_right) and not np.allclose(corr_left, corr_right)

# %% [markdown]
# The same holds in 2-D: blurring and then detecting edges by convolution is one convolution with
# the kernel blur * Sobel.

# %%
blur_then_edge = ce.convolve2d(
    ce.convolve2d(X, get_kernel("box blur"), mode="full"), get_kernel("Sobel x"), mode="full"
)
combined_kernel = ce.convolve2d(get_kernel("box blur"), get_kernel("Sobel x"), mode="full")  # 5x5
print("combined kernel shape:", combined_kernel.shape)
assert np.allclose(blur_then_edge, ce.convolve2d(X, combined_kernel, mode="full"))

# %% [markdown]
# ## When the two agree: symmetric kernels
#
# If a kernel looks the same after a half-turn, flipping changes nothing and cross-correlation and
# convolution give the same map. The Laplacian is such a kernel; Sobel x is not: its flip is minus
# itself, so convolution gives exactly the negative of cross-correlation. Here are both on the
# photograph.

# %%
photo = 2 * ce.load_image("grace_hopper", grayscale=True, size=150) - 1  # 150 x 128, black -1, white +1
laplacian = get_kernel("Laplacian")
sobel_x = get_kernel("Sobel x")
print("Laplacian equals its flip:", np.array_equal(laplacian, flip_kernel(laplacian)))
print("Sobel x flipped is -Sobel x:", np.array_equal(flip_kernel(sobel_x), -sobel_x))
sobel_correlation = ce.correlate2d(photo, sobel_x)
sobel_convolution = ce.convolve2d(photo, sobel_x)
assert np.allclose(ce.correlate2d(photo, laplacian), ce.convolve2d(photo, laplacian))
assert np.allclose(sobel_convolution, -sobel_correlation)

limit = np.percentile(np.abs(sobel_correlation), 99.5)
figure, axes = plt.subplots(1, 2, figsize=(8.5, 4.2), layout="constrained")
fp.plot_response(sobel_correlation, ax=axes[0], limit=limit, title="Sobel x, cross-correlation")
fp.plot_response(sobel_convolution, ax=axes[1], limit=limit, title="Sobel x, convolution")
for ax in axes:
    ax.set_xticks([])
    ax.set_yticks([])
plt.show()

# %% [markdown]
# *Figure: the Sobel x response of the portrait twice, by cross-correlation and by convolution: the same
# picture with red and blue swapped.*

# %% [markdown]
# The two maps are the same picture with red and blue swapped: every edge that cross-correlation
# calls "dark to bright going right", convolution calls the opposite. A network does not care, as
# long as it always uses the same one; you only need to know which one your library computes when you
# copy weights from one to another or read a kernel to see what it detects.

# %% [markdown]
# ## Summary
#
# - Cross-correlation slides the kernel as written; convolution flips it left-right and up-down
#   first (`[[1, 2], [3, 4]]` becomes `[[4, 3], [2, 1]]`).
# - Signal processing flips because a causal system's output at time t is the sum of h[k] times the
#   input k steps ago: under the input, the impulse response lies reversed. Only then does the
#   impulse [1, 0, 0] produce 1, 2, 3 in order.
# - CNN filters are detectors written (or learned) in the orientation of their pattern. Flipping a
#   kernel whose flip is minus itself ([1, -1], Sobel) turns it into a detector of the opposite
#   ([1, -1] on [3, 2, 1, 0] gives [1, 1, 1] vs [-1, -1, -1]); a kernel that equals its flip
#   (Laplacian) is unchanged. Negative answers need weights of both signs, not a zero sum. Learned
#   weights make the flip unnecessary, so libraries (PyTorch, TensorFlow) compute cross-correlation
#   and call it convolution.
# - Convolution is commutative and associative; cross-correlation is not commutative.
# - Kernels that equal their half-turn (Laplacian, blur, sharpen, identity) give the same result
#   both ways.

# %% [markdown]
# ## Exercises
#
# Replace `...` with your answer and run the cell; the check says whether it is right, and if not,
# what probably went wrong. Worked solutions are in the note after the exercises.
#
# **1.** Convolution lays the kernel `[[1, 2, 3], [4, 5, 6]]` down flipped. Write the flipped kernel.

# %%
answer = ...
ex.check_flip(answer)

# %% [markdown]
# **2.** Cross-correlate the signal [1, 3, 2, 0, 4] with the kernel [1, 2] ('valid': only positions
# where the kernel lies completely on the signal). Give the output as a list.

# %%
answer = ...
ex.check_correlation(answer)

# %% [markdown]
# **3.** A causal system answers a single tap with h = [1, 2, 3]. Its input is x = [2, 0, 1] (at t =
# 0, 1, 2). Give its output at t = 0, 1, 2, 3, 4.

# %%
answer = ...
ex.check_system_output(answer)

# %% [markdown]
# **4.** For which of the preset kernels (`cnnedu.kernels.kernel_names()`: '45-degree edge',
# 'Sobel x', 'Sobel y', 'Laplacian', 'box blur', 'sharpen', 'identity') do cross-correlation and
# convolution give the same map on every image? Answer a list of names.

# %%
answer = ...
ex.check_agreeing_kernels(answer)

# %% [markdown]
# <details><summary>Worked solutions (open after trying)</summary>
#
# 1. Reverse the order of the rows and the order within each row: **[[6, 5, 4], [3, 2, 1]]**.
# 2. Positions 0 to 3: 1·1 + 2·3 = 7, 1·3 + 2·2 = 7, 1·2 + 2·0 = 2, 1·0 + 2·4 = 8: **[7, 7, 2, 8]**.
#    (Flipping the kernel would give [5, 8, 4, 4]: that is convolution.)
# 3. The tap 2 at t = 0 gives 2·[1, 2, 3] = [2, 4, 6] from t = 0; the tap 1 at t = 2 gives [1, 2, 3]
#    from t = 2. Added: **[2, 4, 7, 2, 3]**, which is `convolve1d([2, 0, 1], [1, 2, 3], mode='full')`.
# 4. Those equal to their own half-turn: **Laplacian, box blur, sharpen, identity**. Sobel x and
#    Sobel y flip into their negatives; the 45-degree kernel flips into the detector of the opposite
#    edge, `[[1, 1, 2], [1, 2, -1], [2, -1, -1]]`.
#
# </details>

# %% [markdown]
# ## Write it yourself: `convolve2d`
#
# Complete `convolve2d(image, kernel)`, the valid convolution, in one or two lines: flip the kernel
# (both axes) and hand it to a cross-correlation. The cell imports cnnedu's `correlate2d`; if you
# wrote your own in lesson 01, paste it in its place and use yours.
#
# Replace the `...` with your code and run the cell, then run the check below it. The check tries
# small inputs you can work out by hand first, then random ones; when an answer is off it shows the
# input, what was expected and what came back (shape first, then the cells that differ), and names
# the classic mistake when it recognises one. Any style is fine: loops, numpy tricks, scipy calls,
# lists of lists. Stuck? `cnnedu.exercises.code.solution("convolve2d")` prints a worked solution.

# %%
from cnnedu import correlate2d  # noqa: F401 - or paste your own correlate2d from lesson 01 here


def convolve2d(image, kernel):
    # image: (H, W); kernel: (kh, kw) -> output: (H - kh + 1, W - kw + 1)
    ...


# %%
from cnnedu.exercises import CODE_EXERCISES

CODE_EXERCISES["convolve2d"](convolve2d)
