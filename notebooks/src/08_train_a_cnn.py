# %% [markdown]
# # 08 - Train a small CNN on real digits
# Build a small convolutional network from the layers of the earlier lessons, train it with mini-batch SGD on real handwritten digits until it recognises more than 98% of digits it has never seen, and look inside it: the filters it learned, what each layer makes of a digit, and the mistakes it still makes.

# %%
import matplotlib.pyplot as plt
import numpy as np

import cnnedu as ce
import cnnedu.widgets
from cnnedu import training
from cnnedu.exercises import lesson08 as ex
from cnnedu.plotting import training as tp
from cnnedu.widgets.training import EpochProgressBar

rng = np.random.default_rng(0)

# %% [markdown]
# ## The data: 1797 handwritten digits
#
# scikit-learn ships a small set of handwritten digits, scanned from forms filled in by 43 people and
# reduced to 8 x 8 pixels with 17 grey levels. `ce.load_digits()` returns them as floats in [0, 1]
# (1 is full ink) with their labels 0 to 9. No download: the file is part of scikit-learn.

# %%
images, labels = ce.load_digits()
print("images:", images.shape, " labels:", labels.shape, " digits:", np.unique(labels).tolist())
tp.plot_digits(images[:10], titles=[f"label {label}" for label in labels[:10]], columns=10)
plt.show()

# %% [markdown]
# *Figure: the first ten digits of the set, 0 to 9, as blocky 8x8 grey images, each titled with its label.*

# %% [markdown]
# We keep 20% of the digits aside as a **held-out test set**. The network never trains on them, so
# its accuracy on them tells us how well it does on digits it has not seen: the only accuracy that
# matters. The split is *stratified* (each digit makes up the same share of both sets) and *seeded*
# (the same split every time, on every computer). The images get one channel axis, as a
# convolution layer expects: (N, C, H, W) = (N, 1, 8, 8). We use float32, which halves the memory
# traffic and is what deep-learning libraries use by default.

# %%
x_train, x_test, y_train, y_test = training.digits_dataset(test_fraction=0.2, seed=0)
print("training:", x_train.shape, x_train.dtype, " held-out:", x_test.shape)
print("held-out digits per class:", np.bincount(y_test).tolist())
assert (len(x_train), len(x_test)) == (1437, 360)

# %% [markdown]
# ## The network
#
# A small network in the spirit of LeNet (LeCun et al., 1998): a convolution that detects local
# patterns, a pooling layer that halves the height and width of the maps and makes the answer care
# less about the exact position, a second convolution that combines those patterns into larger
# ones, and a fully connected layer that turns the last feature maps into ten scores, one per digit.
# Every layer is one of cnnedu's own, the ones from lessons 04 to 06.
#
# | layer | output for one digit | parameters |
# |---|---|---|
# | input | 1 x 8 x 8 | |
# | conv 1 -> 16, 3x3, padding 1 | 16 x 8 x 8 | 16 x (1 x 3 x 3) + 16 = 160 |
# | ReLU | 16 x 8 x 8 | |
# | max pool 2x2, stride 2 | 16 x 4 x 4 | |
# | conv 16 -> 32, 3x3, padding 1 | 32 x 4 x 4 | 32 x (16 x 3 x 3) + 32 = 4640 |
# | ReLU | 32 x 4 x 4 | |
# | flatten | 512 | |
# | linear 512 -> 10 | 10 | 512 x 10 + 10 = 5130 |
#
# Padding 1 keeps a 3x3 convolution's output as large as its input (lesson 03:
# (8 + 2 - 3) / 1 + 1 = 8). Pooling first makes the second convolution work on 4x4 maps, a quarter
# of the arithmetic it would do on 8x8 ones, and widens what each of its units sees. This is
# example 2 of lesson 07: a receptive field of 1 + 2 x 1 + 1 x 1 + 2 x (1 x 2) = 8 pixels, so one
# unit of the second convolution looks at an 8 x 8 patch of the padded input (rows -3 to 4 for the
# first unit, -1 to 6 for the next: each patch sticks out past the 8 x 8 digit into the zero
# padding). The whole network learns 160 + 4640 + 5130 = **9930** numbers. Check the table against
# the real thing:

# %%
model = training.digits_network(rng=0)
print(model)
shapes = [output.shape[1:] for _, output in training.layer_outputs(model, x_train[:1])]
print("output shapes:", shapes)
assert shapes == [(16, 8, 8), (16, 8, 8), (16, 4, 4), (32, 4, 4), (32, 4, 4), (512,), (10,)]
field = ce.receptive_field(model.layers[:4])  # from the input to conv 2
assert field.size == 8 and field.region(0) == (-3, 4) and field.region(1) == (-1, 6)
assert model.parameter_count() == 160 + 4640 + 5130 == 9930

# %% [markdown]
# ## Scores, loss and one step downhill
#
# The last layer gives ten scores (logits). **Softmax** turns them into probabilities,
# p_k = exp(z_k) / sum_j exp(z_j), and the **cross-entropy loss** of an example is -log p of its true
# class: 0 when the network is sure and right, large when it is sure and wrong.
#
# **Worked example (by hand):** a network that knows nothing gives every digit the same score, so
# p = 1/10 for each and the loss is -log(1/10) = log 10 = 2.3026, whatever the label.

# %%
loss_function = ce.SoftmaxCrossEntropy()
uniform_loss = loss_function(np.zeros((4, 10)), np.array([0, 3, 5, 9]))
print(f"loss of equal scores: {uniform_loss:.4f}   log(10) = {np.log(10):.4f}")
assert np.isclose(uniform_loss, np.log(10))

# %% [markdown]
# ## The gradient the backward pass starts from: p - y
#
# Backpropagation (lesson 06) needs dJ/dz, the gradient of the loss with respect to the ten scores.
# Write the loss of one example with true class t as J = -log p_t = -z_t + log(sum_j exp(z_j)).
# Differentiate with respect to score z_k: the first term gives -1 if k = t and 0 otherwise; the
# second gives exp(z_k) / sum_j exp(z_j) = p_k. So
#
# **dJ/dz_k = p_k - y_k**, with y the one-hot target (1 at the true class, 0 elsewhere):
#
# the probabilities minus the answer. The true class gets p_t - 1 < 0 (raising its score lowers the
# loss), every other class p_k > 0. With the mean loss over a batch of N examples, each row is
# divided by N. **Predict first:** for the four equal-score examples above (p = 0.1 everywhere),
# what is dJ/dz of the first example's true class, 0?

# %%
probabilities = np.full((4, 10), 0.1)  # softmax of equal scores
one_hot = np.eye(10)[[0, 3, 5, 9]]  # (N, 10) targets
by_formula = (probabilities - one_hot) / 4  # mean over N = 4 examples
print("dJ/dz of example 0, classes 0-3:", loss_function.backward()[0, :4])
assert np.allclose(loss_function.backward(), by_formula)  # the loss's own backward pass
assert np.isclose(loss_function.backward()[0, 0], (0.1 - 1) / 4)

logits = rng.standard_normal((5, 10))  # random scores: check p - y against central differences
targets = rng.integers(0, 10, size=5)
loss_function(logits, targets)
analytic = loss_function.backward()
error = ce.gradient_check(lambda: loss_function(logits, targets), logits, analytic)
print("softmax + cross-entropy: relative error below 1e-7?", error < 1e-7)
assert error < 1e-7

# %% [markdown]
# ## The linear layer's backward pass
#
# The last layer is linear: for a batch x of shape (N, 512), weights W of shape (10, 512) and bias b,
# **z = x W^T + b**, that is z[n, k] = sum_i x[n, i] W[k, i] + b[k]. Given g = dJ/dz (N, 10), the
# chain rule gives, entry by entry:
#
# * W[k, i] meets x[n, i] in score z[n, k] of every example, so **dJ/dW = g^T x** (10, 512), summed
#   over the batch like a convolution's weight gradient;
# * b[k] is added once to z[n, k] of every example, so **dJ/db = g summed over the batch** (10,);
# * x[n, i] meets W[k, i] in all ten scores of its example, so **dJ/dx = g W** (N, 512), which
#   flows on to the flatten layer and the convolutions below.
#
# `ce.Linear.backward` computes exactly these; central differences agree.

# %%
dense = ce.Linear(6, 3, rng=4)
dense.bias = rng.standard_normal(3)
inputs = rng.standard_normal((5, 6))  # (N, in_features)
upstream = rng.standard_normal((5, 3))  # g = dJ/dz, given: J = sum(z * g)
dense(inputs)
grad_inputs = dense.backward(upstream)
assert np.allclose(dense.weights_gradient, upstream.T @ inputs)  # g^T x
assert np.allclose(dense.bias_gradient, upstream.sum(axis=0))  # summed over the batch
assert np.allclose(grad_inputs, upstream @ dense.weights)  # g W


def dense_loss():
    return float(np.sum(dense(inputs) * upstream))


formulas = [
    (dense.weights, upstream.T @ inputs),
    (dense.bias, upstream.sum(axis=0)),
    (inputs, upstream @ dense.weights),
]
errors = [ce.gradient_check(dense_loss, array, gradient) for array, gradient in formulas]
print("dJ/dW, dJ/db, dJ/dx: relative errors below 1e-7?", [error < 1e-7 for error in errors])
assert max(errors) < 1e-7

# %% [markdown]
# One training step is the loop of every deep-learning framework, in four lines: forward pass,
# loss, backward pass (each layer stores the gradient of its weights, lesson 06), and an SGD update
# that moves every weight a little against its gradient. Repeat the step a few times on the same
# 64 digits and the loss on them falls:

# %%
demo_model = training.digits_network(rng=0)
optimizer = ce.SGD(demo_model, learning_rate=0.1, momentum=0.9)
batch_x, batch_y = x_train[:64], y_train[:64]
losses = []
for _ in range(10):
    logits = demo_model(batch_x)  # forward: (64, 10) scores
    losses.append(loss_function(logits, batch_y))  # how wrong, on average
    demo_model.backward(loss_function.backward())  # gradients of all 9930 parameters
    optimizer.step()  # parameter -= learning rate * gradient (with momentum)
print("loss falls over 10 steps on one batch:", losses[-1] < 0.5 * losses[0])
assert losses[-1] < 0.5 * losses[0]

# %% [markdown]
# ## Training for real
#
# `training.train` runs that step over **mini-batches**: each **epoch** shuffles the 1437 training
# digits and cuts them into batches of 64, so one epoch is ceil(1437 / 64) = 23 updates. Three
# choices make this small network reach high accuracy in about a second:
#
# * **Momentum 0.9**: each update keeps 90% of the previous one, so steps that agree add up and
#   noisy ones cancel.
# * **A falling learning rate** (half a cosine from 0.1 to almost 0): big steps early, small careful
#   steps at the end.
# * **Data augmentation**: every epoch each training digit is shifted by up to one pixel in a random
#   direction. The network never sees exactly the same picture twice, so it cannot just memorise
#   the training set; it has to learn what a 3 looks like wherever it sits.
#
# `train` reports each finished epoch to the function given as `on_epoch`; here that is a progress
# bar (tqdm, the usual tool) showing the loss and held-out accuracy after each epoch.
# 15 epochs, 345 updates, take about a second on a laptop: each convolution runs as one matrix
# product for a whole batch (im2col), which `benchmarks/bench_conv.py` compares with PyTorch.

# %%
# NBVAL_IGNORE_OUTPUT
# The progress bar prints timings, which differ from run to run, so this cell's output is not
# compared by the notebook tests; the results are printed and checked in the next cells.
history = training.train(
    model,
    x_train,
    y_train,
    epochs=15,
    batch_size=64,
    learning_rate=0.1,
    momentum=0.9,
    augment=True,
    x_test=x_test,
    labels_test=y_test,
    seed=0,
    on_epoch=EpochProgressBar(15),
)
print(f"trained in {history.seconds:.1f} s; held-out accuracy {history.test_accuracy[-1]:.1%}")

# %% [markdown]
# Why is the accuracy not printed exactly below? Training does millions of float32 multiplications,
# and a different processor may add them in a different order, which changes the last digit of a
# few numbers. Over 345 updates such tiny differences can move the final weights enough to flip the
# answer for a digit or two. So the stable facts are printed and asserted: the accuracy clears 98%
# (at most 7 of the 360 held-out digits wrong). That holds **for this split** (seed 0). When this
# lesson was written, the same recipe on the splits with seeds 1 to 5 gave between 97.8% and 99.4%,
# and other runs have seen 97.5%: on 360 digits one digit is 0.28%, so 98% is this split's result,
# not a promise for every split.

# %%
test_accuracy = training.accuracy(model, x_test, y_test)
print("held-out accuracy >= 98%:", test_accuracy >= 0.98)
print("training loss fell below a tenth of its start:", history.loss[-1] < 0.1 * history.loss[0])
assert test_accuracy >= 0.98
assert history.loss[-1] < 0.1 * history.loss[0]

# %% [markdown]
# The curves: the loss falls steeply for a few epochs and then slowly; accuracy climbs to the high
# nineties. The training accuracy is measured on shifted digits while the weights are still moving,
# which is why it sits a little *below* the held-out accuracy for most of the run.

# %%
tp.plot_history(history)
plt.show()

# %% [markdown]
# *Figure: left, the training loss per epoch falling steeply and then slowly; right, training accuracy
# (round markers) and held-out accuracy (square markers) per epoch, both climbing into the high nineties.*

# %% [markdown]
# ## What did the first layer learn?
#
# Each first-layer kernel is a 3x3 picture: the pattern that makes its feature map light up
# (red weights reward ink, blue weights punish it). Before training they were random noise. After
# training, many have a red side and a blue side: **edge and bar detectors** at various angles, the
# pieces of a pen stroke (lesson 01's hand-made edge detectors, found here by gradient descent).
# Same colour scale, centred on zero, for both rows.

# %%
initial = training.digits_network(rng=0)[0].weights  # the same random start as `model`
limit = float(np.abs(model[0].weights).max())
fig, axes = plt.subplots(1, 2, figsize=(12, 5.6), layout="constrained")
tp.plot_filters(
    initial, ax=axes[0], columns=4, limit=limit, colorbar=False, title="16 first-layer kernels before training"
)
drawn = tp.plot_filters(model[0].weights, ax=axes[1], columns=4, limit=limit, colorbar=False, title="after training")
fig.colorbar(drawn, ax=axes, shrink=0.9, label="weight")
plt.show()

# %% [markdown]
# *Figure: two 4x4 grids of 3x3 kernels on one blue-white-red scale: before training, pale random patterns;
# after training, stronger kernels, many with a red side and a blue side like small edge detectors.*

# %% [markdown]
# ## A digit, layer by layer
#
# Below, one held-out digit of each of three classes, and what every layer makes of it. The first
# convolution's maps still look like the digit, each one stressing edges of one direction (blue is
# negative). ReLU keeps only the positive part, and max pooling keeps the strongest response of
# each 2x2 block: coarser 4x4 maps that still say roughly *where* each edge is. The second
# convolution combines the 16 pooled maps into 32 new ones that respond to larger pieces (a stroke
# end, a curve). Only the first 8 maps of each layer are shown, large enough to read; the explorer
# below shows them all.

# %%
examples = [int(np.flatnonzero(y_test == digit)[0]) for digit in (0, 4, 7)]
stages = [(0, "conv 1", True), (1, "ReLU 1", False), (2, "max pool", False), (3, "conv 2", True), (4, "ReLU 2", False)]
fig, axes = plt.subplots(
    len(examples),
    1 + len(stages),
    figsize=(16, 5.4),
    layout="constrained",
    gridspec_kw={"width_ratios": [1] + [2] * len(stages)},
)
for row, index in enumerate(examples):
    outputs = training.layer_outputs(model, x_test[index : index + 1])
    axes[row, 0].imshow(x_test[index, 0], cmap="gray_r", vmin=0, vmax=1)
    axes[row, 0].set_title(f"label {y_test[index]}")
    axes[row, 0].set_xticks([])
    axes[row, 0].set_yticks([])
    for column, (position, name, signed) in enumerate(stages, start=1):
        maps = outputs[position][1][0][:8]
        tp.plot_feature_maps(
            maps, ax=axes[row, column], columns=4, diverging=signed, colorbar=False, title=name if row == 0 else None
        )
plt.show()

# %% [markdown]
# *Figure: three rows, one per digit (0, 4 and 7): the digit, then 8 maps of each stage as a 2x4 tile: the
# convolutions in blue and red, ReLU and pooling in grey from black (0) to white; the maps shrink from 8x8
# to 4x4 after pooling.*

# %% [markdown]
# ## Try it: draw a digit, or follow any digit through the network
#
# The pad on the left holds the 8x8 input the network reads: click a cell to ink it (click again
# for half ink, a third time to empty it). The slider puts a held-out digit on the pad, "load test
# digit" puts it back after you changed it, "clear" empties the pad. At every click the figure
# shows the input, all the feature maps of the layer chosen with the buttons (centred colour
# scale: blue negative, white zero, red positive) and the probability the network gives each
# digit (a held-out digit's answer is green and labelled "right", or vermillion and labelled
# "wrong"; a drawing's answer is blue). Things to try:
# * Draw a 7 and a 1 that differ by one cell. Which cell tips the answer?
# * Load a held-out digit and erase cells until the network changes its mind. How much can you take away?
# * Compare "conv 1" and "ReLU 1" for the same digit: what does ReLU throw away?
# * Look for a digit where the network hesitates (two tall bars). Does it look ambiguous to you too?

# %%
# NBVAL_IGNORE_OUTPUT
# A live widget: its view cannot be compared between runs.
cnnedu.widgets.digit_explorer(model, x_test, y_test)

# %% [markdown]
# ## Where does it still go wrong?
#
# The **confusion matrix** counts, for every true digit (row), how often each digit was predicted
# (column). Right answers sit on the diagonal; the few red numbers off it are the mistakes. Below
# it, the held-out digits the network got wrong: several are hard for a person too.

# %%
predicted = training.predict(model, x_test)
matrix = training.confusion_matrix(y_test, predicted)
assert matrix.sum() == 360 and np.trace(matrix) >= 353  # at most 7 mistakes = at least 98%
tp.plot_confusion_matrix(matrix)
plt.show()

# %% [markdown]
# *Figure: a 10x10 table of counts, true digit by row and predicted digit by column, every count written in
# its cell: large numbers on the diagonal, a few small ones off it.*

# %%
fig, axes = plt.subplots(1, 8, figsize=(12, 1.9), layout="constrained")
tp.plot_misclassified(x_test, y_test, predicted, axes=axes, count=8)
plt.show()

# %% [markdown]
# *Figure: the held-out digits the network got wrong, each titled with its true and its predicted digit.*

# %% [markdown]
# ## The learned filters on a real photograph
#
# A first-layer kernel is just a 3x3 filter, so we can slide it over any image, as in lesson 01.
# Here are four of the learned kernels (the ones with the largest weights) applied to Grace
# Hopper's portrait: each picks out edges of its own direction, even though it only ever saw
# 8 x 8 digits. Flat areas get a colour too: as with the first kernel of lesson 01, the weights of
# these kernels do not add up to zero, so they also respond to plain brightness.

# %%
photo = ce.load_image("grace_hopper", grayscale=True, size=128)
strongest = np.argsort(-np.abs(model[0].weights).reshape(16, -1).max(axis=1))[:4]
fig, axes = plt.subplots(1, 5, figsize=(14, 3.2), layout="constrained")
axes[0].imshow(photo, cmap="gray")
axes[0].set_title("photo")
axes[0].axis("off")
responses = [ce.correlate2d(photo, model[0].weights[channel, 0], mode="same") for channel in strongest]
response_limit = max(float(np.abs(response).max()) for response in responses)  # one scale for all four
for ax, channel, response in zip(axes[1:], strongest, responses, strict=True):
    drawn = ax.imshow(response, cmap="RdBu_r", vmin=-response_limit, vmax=response_limit)
    ax.set_title(f"learned kernel {channel}")
    ax.axis("off")
fig.colorbar(drawn, ax=axes[1:], shrink=0.8, label="response")
plt.show()

# %% [markdown]
# *Figure: the portrait in grey and its response to four learned kernels on one blue-white-red scale, each
# picking out edges of its own direction.*

# %% [markdown]
# ## Fast and correct
#
# The convolutions ran as im2col plus one matrix product per batch. The slow loop version
# (`ce.conv2d_forward_loop`) spells out the sum of lesson 05 one output at a time; both give the
# same numbers, here on a batch of digits through the trained second layer:

# %%
hidden = training.layer_outputs(model, x_test[:8])[2][1]  # after conv 1, ReLU and pooling: (8, 16, 4, 4)
fast, _ = ce.conv2d_forward(hidden, model[3].weights, model[3].bias, stride=1, padding=1)
loop, _ = ce.conv2d_forward_loop(hidden, model[3].weights, model[3].bias, stride=1, padding=1)
print("fast == loop (float32 rounding):", np.allclose(fast, loop, rtol=1e-4, atol=1e-4))
assert np.allclose(fast, loop, rtol=1e-4, atol=1e-4)

# %% [markdown]
# ## Summary
#
# * A CNN is the layers of the earlier lessons in a row: convolutions and ReLU find local patterns,
#   pooling summarises where they are (and makes the next layer cheaper), a linear layer turns that
#   into one score per class.
# * Softmax turns scores into probabilities; the cross-entropy loss is -log p(true class), log 10 =
#   2.30 for a clueless network. Its gradient with respect to the scores is p - y (divided by N for
#   the batch mean); a linear layer z = x W^T + b sends back dJ/dW = g^T x, dJ/db = sum of g over the
#   batch and dJ/dx = g W.
# * Training = forward, loss, backward, SGD step, over shuffled mini-batches, epoch after epoch.
#   Momentum, a falling learning rate and one-pixel shifts take this 9930-parameter network past
#   98% on this split's held-out digits in 15 epochs (97.5-99.4% on other splits).
# * Judge a network only on data it never trained on; the confusion matrix shows which classes it
#   mixes up.
# * First-layer kernels become edge and bar detectors; deeper maps respond to larger parts.

# %% [markdown]
# ## Exercises
#
# Replace `...` with your answer and run the cell. Each check says whether you are right, or gives
# a hint about the usual mistake. Worked solutions: `ex.solution_parameter_count()` and so on, and
# the details below.
#
# **Exercise 1.** How many numbers does training adjust in the lesson's network (all weights and
# biases)? Work it out from the layer sizes before checking with `model.parameter_count()`.

# %%
answer = ...
ex.check_parameter_count(answer)

# %% [markdown]
# **Exercise 2.** Suppose both convolutions had `padding=0` (everything else the same). How many
# numbers would reach the linear layer after flattening? (The linear layer would then need that
# many inputs instead of 512.)

# %%
answer = ...
ex.check_unpadded_flatten_size(answer)

# %% [markdown]
# **Exercise 3.** Whose kernels look like little pen strokes, edges and bars: those of the first
# convolution (answer `1`) or of the second (answer `2`)? Why can you only read one of them as a
# picture?

# %%
answer = ...
ex.check_stroke_layer(answer)

# %% [markdown]
# **Exercise 4.** How many SGD updates happen in one epoch of 1437 training digits with mini-batches
# of 64?

# %%
answer = ...
ex.check_updates_per_epoch(answer)

# %% [markdown]
# <details><summary>Worked solutions (open after trying)</summary>
#
# 1. conv 1: 16 x 1 x 3 x 3 + 16 = 160; conv 2: 32 x 16 x 3 x 3 + 32 = 4640; linear: 512 x 10 + 10 =
#    5130; total **9930**.
# 2. Without padding a 3x3 convolution removes 2 rows and 2 columns: 8 -> 6; pooling 6 -> 3; the
#    second convolution 3 -> 1. One number per channel: 32 x 1 x 1 = **32**.
# 3. **1**: the first layer's kernels multiply pixels, so they are pictures of the pattern they
#    detect. A second-layer kernel weighs the 16 maps of the first layer, so its 3x3 slices are not
#    in pixel space.
# 4. 1437 / 64 = 22.45: 22 full batches and one of 29 digits, **23** updates.
#
# </details>

# %% [markdown]
# ## Write it yourself: your own `Conv2d`, trained
#
# The last step: a convolution layer of your own, in the shape of cnnedu's. Complete the class:
#
# * `Conv2d(in_channels, out_channels, kernel_size, stride=1, padding=0)` creates `.weights` of shape
#   (out_channels, in_channels, kernel_size, kernel_size) (small random numbers, e.g. He
#   initialisation) and `.bias` of shape (out_channels,) (zeros);
# * calling the layer, `layer(x)`, runs the forward pass (lesson 05's `conv_forward`) and keeps what
#   the backward pass needs;
# * `layer.backward(grad_output)` returns dJ/dx and stores `.weights_gradient` and `.bias_gradient`
#   (lesson 06's `conv_backward`).
#
# Paste your `conv_forward` and `conv_backward` from lessons 05 and 06 into the cell and call them.
# The check sets the weights and bias to known values, then compares the output and all three
# gradients with cnnedu's layer. Stuck? `cnnedu.exercises.code.solution("Conv2d")` prints a worked
# solution.


# %%
class Conv2d:
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0): ...

    def __call__(self, x):
        # x: (N, C_in, H, W) -> (N, C_out, H_out, W_out)
        ...

    def backward(self, grad_output):
        # grad_output: (N, C_out, H_out, W_out) -> dJ/dx; also sets self.weights_gradient, self.bias_gradient
        ...


# %%
from cnnedu.exercises import CODE_EXERCISES

conv2d_feedback = CODE_EXERCISES["Conv2d"](Conv2d)
conv2d_feedback

# %% [markdown]
# Once your class passes, it goes to work: the cell below builds the lesson's network again, puts
# **your** `Conv2d` in place of the first convolution (starting from the same random weights), and
# trains it for 5 epochs. SGD updates your `.weights` and `.bias` arrays in place, using the
# gradients your `backward` stored. While your class does not pass its check yet, the run uses
# cnnedu's layer instead, and says so.
#
# How long it takes depends on your loops. A layer that loops only over the output positions,
# handling the whole batch and every channel at once with `np.tensordot`, took about
# twice as long as cnnedu's layer when we measured it (about 2 s per epoch against 1 s, on a busy
# 2-core machine). A layer with a Python loop over every image, channel and output cell is about a
# hundred times slower (about 45 s per epoch there): fine for the check, too slow to train; vectorise
# the inner loops first.

# %%
# NBVAL_IGNORE_OUTPUT
# (prints the time, which differs from run to run; the results are checked in the next cell)
from cnnedu.exercises.code import as_layer

student_model = training.digits_network(rng=0)
if conv2d_feedback.correct:
    student_model.layers[0] = as_layer(Conv2d(1, 16, 3, padding=1), start_from=student_model[0])
    print("The first layer is your Conv2d.")
else:
    print("Your Conv2d does not pass its check yet, so this run uses cnnedu's Conv2d instead.")
student_history = training.train(
    student_model,
    x_train,
    y_train,
    epochs=5,
    batch_size=64,
    learning_rate=0.1,
    momentum=0.9,
    augment=True,
    x_test=x_test,
    labels_test=y_test,
    seed=0,
)
print(f"5 epochs in {student_history.seconds:.1f} s; held-out accuracy {student_history.test_accuracy[-1]:.1%}")

# %%
print("first layer:", "your Conv2d" if conv2d_feedback.correct else "cnnedu's Conv2d (yours is not finished yet)")
print("held-out accuracy after 5 epochs >= 90%:", student_history.test_accuracy[-1] >= 0.9)
assert student_history.test_accuracy[-1] >= 0.9
