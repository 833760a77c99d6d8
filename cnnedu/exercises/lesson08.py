"""Exercises of lesson 08 (training a small CNN on digits).

Each ``check_<name>(answer)`` returns a :class:`~cnnedu.exercises.feedback.Feedback`
and never raises; ``solution_<name>()`` returns a right answer, computed with
cnnedu where it can be, so that answers and lesson cannot drift apart.

>>> check_parameter_count(9930)
Correct: 160 + 4640 + 5130 = 9930 numbers are learned.
"""

import math

import numpy as np

from cnnedu.exercises.feedback import Feedback, check_number, not_attempted
from cnnedu.layers import Conv2d, Flatten, MaxPool2d, ReLU, Sequential
from cnnedu.training import digits_network

TRAINING_IMAGES = 1437  # 80% of scikit-learn's 1797 digits
BATCH_SIZE = 64


def solution_parameter_count():
    """Trainable numbers of the lesson's network (weights and biases).

    Examples
    --------
    >>> solution_parameter_count()
    9930
    """
    return digits_network().parameter_count()


def check_parameter_count(answer):
    """Exercise 1: how many numbers does training adjust in the lesson's network?

    Examples
    --------
    >>> check_parameter_count(9872)  # doctest: +ELLIPSIS
    Not yet: ... biases ...
    >>> check_parameter_count(...)
    Not attempted yet: replace ... with your answer and run the cell again.
    """
    return check_number(
        answer,
        solution_parameter_count(),
        wrong_answers=[
            (
                144 + 4608 + 5120,
                "close: you counted the weights but forgot the biases (one per output channel or unit).",
            ),
            (
                160 + 320 + 5130,
                "the second convolution has one 3x3 kernel per input channel for each of its 32 "
                "outputs: 32 x 16 x 3 x 3 weights, not 32 x 3 x 3.",
            ),
            (
                160 + 4640 + 20490,
                "the maps are pooled to 4x4 before the second convolution, which keeps them "
                "4x4 (padding 1): the linear layer sees 32 x 4 x 4 = 512 numbers, not 32 x 8 x 8.",
            ),
            (160 + 4640, "do not forget the last, fully connected layer: 512 x 10 weights and 10 biases."),
        ],
        success="160 + 4640 + 5130 = 9930 numbers are learned.",
    )


def _unpadded_network():
    return Sequential(Conv2d(1, 16, 3, rng=0), ReLU(), MaxPool2d(2), Conv2d(16, 32, 3, rng=0), ReLU(), Flatten())


def solution_unpadded_flatten_size():
    """Length of the flattened vector if both convolutions had padding 0.

    Examples
    --------
    >>> solution_unpadded_flatten_size()
    32
    """
    return int(_unpadded_network()(np.zeros((1, 1, 8, 8))).shape[1])


def check_unpadded_flatten_size(answer):
    """Exercise 2: with ``padding=0`` in both convolutions, how long is the
    vector that reaches the linear layer?

    Examples
    --------
    >>> check_unpadded_flatten_size(512)  # doctest: +ELLIPSIS
    Not yet: that is the padded network...
    """
    return check_number(
        answer,
        solution_unpadded_flatten_size(),
        wrong_answers=[
            (
                512,
                "that is the padded network. Without padding every 3x3 convolution shrinks the map by 2: "
                "8 -> 6, pooled to 3, then the second convolution.",
            ),
            (
                32 * 2 * 2,
                "check two things: a 3x3 kernel without padding removes 2 rows and 2 columns (one on "
                "each side), not 1; and the pooling sits between the two convolutions, not at the end: "
                "8 -> 6, pooled to 3, and 3 -> 1.",
            ),
            (32 * 3 * 3, "the second convolution comes after the pooling and shrinks the 3x3 maps too: 3 -> 1."),
            (
                16 * 3 * 3,
                "that is what the pooling hands on (16 maps of 3x3); the second convolution still "
                "follows: 32 channels, and 3 -> 1.",
            ),
            (16, "the last convolution has 32 output channels, not 16."),
            (1, "count every channel: the flattened vector has channels x rows x columns entries."),
        ],
        success="8 -> 6 (3x3 convolution without padding), pooled to 3, -> 1 (second convolution): "
        "one 1x1 map per channel, 32 numbers.",
    )


def solution_stroke_layer():
    """Which convolution layer's kernels can be read as small pictures of strokes?

    Examples
    --------
    >>> solution_stroke_layer()
    1
    """
    return 1


def check_stroke_layer(answer):
    """Exercise 3: answer 1 (first convolution) or 2 (second convolution).

    Examples
    --------
    >>> check_stroke_layer(2)  # doctest: +ELLIPSIS
    Not yet: the second layer's kernels ...
    >>> check_stroke_layer("first")  # doctest: +ELLIPSIS
    Correct: Only the first layer's kernels touch pixels...
    """
    if not_attempted(answer):
        return Feedback("not attempted", "replace ... with 1 or 2 and run the cell again.")
    text = str(answer).strip().lower()
    if text in ("1", "first", "conv1", "layer 1", "the first"):
        return Feedback(
            "correct",
            "Only the first layer's kernels touch pixels, so only they can be read as pictures: many are "
            "small edge or bar detectors (a bright line next to a dark one) at some angle, the pieces of "
            "a pen stroke.",
        )
    if text in ("2", "second", "conv2", "layer 2", "the second"):
        return Feedback(
            "wrong",
            "the second layer's kernels are applied to the 16 feature maps of the first layer, not to "
            "pixels: a 3x3 slice of them weighs the responses of one first-layer filter, so it does not "
            "look like a stroke even when the unit responds to one.",
        )
    return Feedback("wrong", f"answer 1 or 2; got {answer!r}.")


def solution_updates_per_epoch():
    """Parameter updates in one epoch: one per mini-batch, the last one short.

    Examples
    --------
    >>> solution_updates_per_epoch()
    23
    """
    return math.ceil(TRAINING_IMAGES / BATCH_SIZE)


def check_updates_per_epoch(answer):
    """Exercise 4: how many SGD steps are in one epoch of 1437 images in
    mini-batches of 64?

    Examples
    --------
    >>> check_updates_per_epoch(22)  # doctest: +ELLIPSIS
    Not yet: 22 full batches hold 1408 images...
    """
    exact = TRAINING_IMAGES / BATCH_SIZE
    return check_number(
        answer,
        solution_updates_per_epoch(),
        wrong_answers=[
            (
                math.floor(exact),
                "22 full batches hold 1408 images; the last 29 images form a 23rd, shorter "
                "batch, and it gets its own update.",
            ),
            (exact, "a number of steps is a whole number: the leftover images form one more, shorter batch."),
            (
                TRAINING_IMAGES,
                "that would be one update per image (batch size 1); here each step averages the "
                "gradient over 64 images.",
            ),
            (15 * math.ceil(exact), "that is the number of steps in all 15 epochs; the question asks for one epoch."),
        ],
        success="ceil(1437 / 64) = 23: 22 full batches of 64 and one of 29.",
    )
