"""Training a small CNN: data split, mini-batches, the SGD loop, predictions.

Everything is seeded, so a run repeats exactly on the same machine:

>>> x_train, x_test, y_train, y_test = digits_dataset()
>>> model = digits_network(rng=0)
>>> history = train(model, x_train[:256], y_train[:256], epochs=1)
>>> len(history.loss), history.loss[0] > 0
(1, True)

Progress is reported through a callback, ``train(..., on_epoch=f)``: ``f(epoch,
stats)`` after every epoch (:class:`EpochStats`). Nothing is printed or drawn
here; a progress bar for notebooks is
:class:`cnnedu.widgets.training.EpochProgressBar`.

The loop is the one every framework runs (PyTorch names):

.. code-block:: python

    for epoch in range(epochs):
        for batch in minibatches(len(x), batch_size, rng):
            logits = model(x[batch])                  # forward
            loss = loss_function(logits, labels[batch])
            model.backward(loss_function.backward(), input_gradient=False)  # backward: store gradients
            optimizer.step()                           # update the parameters
"""

import time
from typing import NamedTuple

import numpy as np

from cnnedu._checks import as_array, as_generator, positive_int
from cnnedu.images import load_digits
from cnnedu.layers import SGD, Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential, SoftmaxCrossEntropy


def digits_dataset(test_fraction=0.2, seed=0, dtype=np.float32):
    """scikit-learn's 8x8 digits as network input, split 80/20 (stratified).

    The split is scikit-learn's ``train_test_split`` with ``stratify=labels``
    and ``random_state=seed``: the same split on every machine.

    Returns
    -------
    x_train, x_test : ndarray, shape (N, 1, 8, 8), values in [0, 1]
    y_train, y_test : ndarray of int, shape (N,)

    Examples
    --------
    >>> x_train, x_test, y_train, y_test = digits_dataset()
    >>> x_train.shape, x_test.shape, x_train.dtype
    ((1437, 1, 8, 8), (360, 1, 8, 8), dtype('float32'))
    """
    from sklearn.model_selection import train_test_split

    images, labels = load_digits()
    x = images[:, np.newaxis].astype(dtype)  # (N, 1, 8, 8): one input channel
    # stratify: every digit is 20% of its examples in the test set, as in the whole data
    return train_test_split(x, labels, test_size=test_fraction, stratify=labels, random_state=seed)


def digits_network(rng=0, dtype=np.float32):
    """The lesson's network for 8x8 digits, built from cnnedu layers.

    conv 1->16 (3x3, padding 1), ReLU, 2x2 max pooling, conv 16->32 (3x3,
    padding 1), ReLU, flatten, linear 512->10. float32 by default (fast).
    Pooling after the first convolution (as in LeNet) lets the second one
    work on 4x4 maps: a quarter of the arithmetic of 8x8 ones.

    Examples
    --------
    >>> model = digits_network()
    >>> model(np.zeros((2, 1, 8, 8), np.float32)).shape, model.parameter_count()
    ((2, 10), 9930)
    """
    rng = as_generator("rng", rng)
    return Sequential(
        Conv2d(1, 16, 3, padding=1, rng=rng, dtype=dtype),  # (N, 16, 8, 8)
        ReLU(),
        MaxPool2d(2),  # (N, 16, 4, 4)
        Conv2d(16, 32, 3, padding=1, rng=rng, dtype=dtype),  # (N, 32, 4, 4)
        ReLU(),
        Flatten(),  # (N, 512)
        Linear(32 * 4 * 4, 10, rng=rng, dtype=dtype),  # (N, 10): one score per digit
    )


def shift_images(images, rng=None, max_shift=1):
    """Move every image by a random whole number of pixels (data augmentation).

    Each image of (N, C, H, W) moves by its own ``(dy, dx)``, both drawn from
    ``-max_shift..max_shift``; cells that come in from the border are 0.

    Examples
    --------
    >>> image = np.zeros((1, 1, 3, 3)); image[0, 0, 1, 1] = 1
    >>> shifted = shift_images(image, rng=0)
    >>> float(shifted.sum())  # the bright pixel is still inside a 3x3 image
    1.0
    """
    images = as_array("images", images, ndim=4)
    if isinstance(max_shift, bool) or not isinstance(max_shift, (int, np.integer)) or max_shift < 0:
        raise ValueError(f"max_shift must be a whole number >= 0; got {max_shift!r}")
    rng = as_generator("rng", rng)
    n, _, height, width = images.shape
    m = int(max_shift)
    dy = rng.integers(-m, m + 1, size=n)
    dx = rng.integers(-m, m + 1, size=n)
    padded = np.pad(images, ((0, 0), (0, 0), (m, m), (m, m)))
    shifted = np.empty_like(images)
    for a in range(-m, m + 1):
        for b in range(-m, m + 1):
            chosen = (dy == a) & (dx == b)
            # content moves down by a and right by b: read from (row - a, column - b)
            shifted[chosen] = padded[chosen, :, m - a : m - a + height, m - b : m - b + width]
    return shifted


def minibatches(count, batch_size, rng=None):
    """Shuffled index arrays that cover ``range(count)`` once (the last may be short).

    Examples
    --------
    >>> [batch.tolist() for batch in minibatches(5, 2, rng=0)]
    [[2, 4], [3, 0], [1]]
    """
    count = positive_int("count", count)
    batch_size = positive_int("batch_size", batch_size)
    order = as_generator("rng", rng).permutation(count)
    return [order[start : start + batch_size] for start in range(0, count, batch_size)]


def cosine_learning_rate(learning_rate, epoch, epochs):
    """Learning rate of ``epoch`` (0-based): starts at ``learning_rate`` and
    falls along half a cosine towards 0, so the last epochs take small steps.

    Examples
    --------
    >>> [round(cosine_learning_rate(0.1, epoch, 4), 4) for epoch in range(4)]
    [0.1, 0.0854, 0.05, 0.0146]
    """
    return float(learning_rate) * 0.5 * (1.0 + float(np.cos(np.pi * epoch / epochs)))


def predict_scores(model, x, batch_size=512):
    """The model's output scores (logits), computed in batches: (N, classes).

    Examples
    --------
    >>> predict_scores(digits_network(), np.zeros((3, 1, 8, 8), np.float32)).shape
    (3, 10)
    """
    x = as_array("x", x)
    batch_size = positive_int("batch_size", batch_size)
    return np.concatenate([model(x[start : start + batch_size]) for start in range(0, len(x), batch_size)])


def predict(model, x, batch_size=512):
    """Predicted class of every input: the index of the largest score.

    Examples
    --------
    >>> predict(digits_network(), np.zeros((3, 1, 8, 8), np.float32)).shape
    (3,)
    """
    return predict_scores(model, x, batch_size).argmax(axis=1)


def probabilities(model, x, batch_size=512):
    """Softmax of the model's scores: how sure the network is of each class.

    Examples
    --------
    >>> p = probabilities(digits_network(), np.zeros((2, 1, 8, 8), np.float32))
    >>> p.shape, bool(np.allclose(p.sum(axis=1), 1))
    ((2, 10), True)
    """
    scores = predict_scores(model, x, batch_size).astype(np.float64)
    scores -= scores.max(axis=1, keepdims=True)  # same result, no overflow
    exponentials = np.exp(scores)
    return exponentials / exponentials.sum(axis=1, keepdims=True)


def accuracy(model, x, labels, batch_size=512):
    """Fraction of inputs whose predicted class equals the label.

    Examples
    --------
    >>> x_train, x_test, y_train, y_test = digits_dataset()
    >>> 0 <= accuracy(digits_network(), x_test, y_test) <= 1
    True
    """
    labels = np.asarray(labels)
    if labels.shape != (len(x),):
        raise ValueError(f"labels must have shape ({len(x)},), one per input; got {labels.shape}")
    return float(np.mean(predict(model, x, batch_size) == labels))


def layer_outputs(model, x):
    """Run ``x`` through the model layer by layer and keep every output.

    Returns
    -------
    list of (str, ndarray): the layer's description and its output, in order.

    Examples
    --------
    >>> outputs = layer_outputs(digits_network(), np.zeros((1, 1, 8, 8), np.float32))
    >>> [(name.split("(")[0], out.shape) for name, out in outputs][:3]
    [('Conv2d', (1, 16, 8, 8)), ('ReLU', (1, 16, 8, 8)), ('MaxPool2d', (1, 16, 4, 4))]
    """
    x = as_array("x", x)
    outputs = []
    for layer in model:
        x = layer(x)
        outputs.append((repr(layer), x))
    return outputs


def confusion_matrix(labels, predicted, classes=10):
    """``matrix[true, predicted]`` counts: row = the true digit, column = the guess.

    Examples
    --------
    >>> confusion_matrix([0, 1, 1], [0, 1, 0], classes=2)
    array([[1, 0],
           [1, 1]])
    """
    labels = np.asarray(labels, dtype=int)
    predicted = np.asarray(predicted, dtype=int)
    if labels.shape != predicted.shape:
        raise ValueError(f"labels and predicted must have the same shape; got {labels.shape} and {predicted.shape}")
    matrix = np.zeros((classes, classes), dtype=int)
    np.add.at(matrix, (labels, predicted), 1)
    return matrix


class EpochStats(NamedTuple):
    """The numbers of one finished epoch, as :func:`train` hands them to its
    ``on_epoch`` callback.

    Attributes
    ----------
    loss : float
        Mean training loss of the epoch's mini-batches.
    train_accuracy : float
        Fraction of the epoch's training batches classified correctly.
    test_accuracy : float or None
        Accuracy on the held-out set after the epoch; None without one.
    learning_rate : float
        The learning rate the epoch used.
    seconds : float
        Wall time since training started.
    """

    loss: float
    train_accuracy: float
    test_accuracy: float | None
    learning_rate: float
    seconds: float


class History:
    """What happened during training, one entry per epoch.

    Attributes
    ----------
    loss : list of float
        Mean training loss of the epoch's mini-batches.
    train_accuracy : list of float
        Fraction of the epoch's training batches classified correctly
        (measured on the fly, before each update).
    test_accuracy : list of float
        Accuracy on the held-out set after the epoch (empty without one).
    learning_rate : list of float
    seconds : float
        Wall time of the whole training.
    """

    def __init__(self):
        self.loss = []
        self.train_accuracy = []
        self.test_accuracy = []
        self.learning_rate = []
        self.seconds = 0.0

    @property
    def epochs(self):
        return len(self.loss)

    def __repr__(self):
        return f"History(epochs={self.epochs}, final loss={self.loss[-1]:.4f})" if self.loss else "History(epochs=0)"


def train(
    model,
    x,
    labels,
    epochs=15,
    batch_size=64,
    learning_rate=0.1,
    momentum=0.9,
    schedule="cosine",
    augment=True,
    x_test=None,
    labels_test=None,
    seed=0,
    on_epoch=None,
):
    """Train ``model`` with mini-batch SGD on softmax cross-entropy.

    Parameters
    ----------
    model : Sequential
        Changed in place.
    x : ndarray, shape (N, C, H, W)
    labels : ndarray of int, shape (N,)
    epochs, batch_size : int
    learning_rate, momentum : float
        Passed to :class:`cnnedu.SGD`.
    schedule : 'cosine' or 'constant'
        'cosine' lowers the learning rate epoch by epoch
        (:func:`cosine_learning_rate`).
    augment : bool
        Shift every training image by up to one pixel, anew each epoch
        (:func:`shift_images`): the network sees slightly different digits
        every time and learns that position does not matter.
    x_test, labels_test : optional held-out set, scored after every epoch.
    seed : int
        Seeds the shuffling and the shifts: the same seed repeats the run.
    on_epoch : callable, optional
        Called after every epoch as ``on_epoch(epoch, stats)``: ``epoch`` is
        the number of epochs done (1 after the first, ``epochs`` after the
        last) and ``stats`` an :class:`EpochStats`. For a progress bar, a log
        line, or to record more than :class:`History` keeps. Its return value
        is ignored.

    Returns
    -------
    History

    Examples
    --------
    >>> x_train, x_test, y_train, y_test = digits_dataset()
    >>> seen = []
    >>> history = train(digits_network(), x_train[:128], y_train[:128], epochs=2,
    ...                 on_epoch=lambda epoch, stats: seen.append((epoch, stats.loss)))
    >>> [epoch for epoch, _ in seen], [loss for _, loss in seen] == history.loss
    ([1, 2], True)
    """
    x = as_array("x", x, ndim=4)
    labels = np.asarray(labels)
    if labels.shape != (len(x),) or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(
            f"labels must be integers of shape ({len(x)},); got dtype {labels.dtype}, shape {labels.shape}"
        )
    epochs = positive_int("epochs", epochs)
    batch_size = positive_int("batch_size", batch_size)
    if schedule not in ("cosine", "constant"):
        raise ValueError(f"schedule must be 'cosine' or 'constant'; got {schedule!r}")
    if (x_test is None) != (labels_test is None):
        raise ValueError("give both x_test and labels_test, or neither")
    if on_epoch is not None and not callable(on_epoch):
        raise TypeError(
            f"on_epoch must be a function called as on_epoch(epoch, stats), or None; got {type(on_epoch).__name__}"
        )

    rng = np.random.default_rng(seed)
    loss_function = SoftmaxCrossEntropy()
    optimizer = SGD(model, learning_rate=learning_rate, momentum=momentum)
    history = History()
    start = time.perf_counter()
    for epoch in range(epochs):
        if schedule == "cosine":
            optimizer.learning_rate = cosine_learning_rate(learning_rate, epoch, epochs)
        inputs = shift_images(x, rng) if augment else x
        losses, correct = [], 0
        for batch in minibatches(len(x), batch_size, rng):
            logits = model(inputs[batch])  # forward: (batch, classes)
            losses.append(loss_function(logits, labels[batch]) * len(batch))
            correct += int(np.sum(logits.argmax(axis=1) == labels[batch]))
            model.backward(loss_function.backward(), input_gradient=False)  # gradients of every parameter
            optimizer.step()  # parameters -= learning rate * gradient (with momentum)
        history.loss.append(float(np.sum(losses) / len(x)))
        history.train_accuracy.append(correct / len(x))
        history.learning_rate.append(optimizer.learning_rate)
        if x_test is not None:
            history.test_accuracy.append(accuracy(model, x_test, labels_test))
        if on_epoch is not None:
            stats = EpochStats(
                loss=history.loss[-1],
                train_accuracy=history.train_accuracy[-1],
                test_accuracy=history.test_accuracy[-1] if x_test is not None else None,
                learning_rate=history.learning_rate[-1],
                seconds=time.perf_counter() - start,
            )
            on_epoch(epoch + 1, stats)
    history.seconds = time.perf_counter() - start
    return history
