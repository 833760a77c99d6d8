"""Lesson 08 exercises: what each check recognises (typical mistakes and their hints,
the answer forms it accepts) and the solutions against an independent computation. What holds
for every exercise (the worked solution passes, unfilled is "not attempted", junk never raises)
is tested once, from the registry, in test_exercises_all.py."""

import numpy as np
import pytest

from cnnedu import training
from cnnedu.exercises import lesson08 as ex


def test_solutions_agree_with_the_package():
    assert ex.solution_parameter_count() == training.digits_network().parameter_count() == 9930
    assert ex.solution_unpadded_flatten_size() == 32
    x_train, _, _, _ = training.digits_dataset()
    assert ex.TRAINING_IMAGES == len(x_train)
    assert ex.solution_updates_per_epoch() == len(training.minibatches(len(x_train), ex.BATCH_SIZE))


@pytest.mark.parametrize(
    "answer, hint",
    [
        (9872, "forgot the biases"),
        (5610, "32 x 16 x 3 x 3"),
        (25290, "32 x 4 x 4 = 512"),
        (4800, "last, fully connected layer"),
        (1234, "is not it"),
    ],
)
def test_parameter_count_hints(answer, hint):
    feedback = ex.check_parameter_count(answer)
    assert feedback.status == "wrong" and hint in feedback.message


@pytest.mark.parametrize(
    "answer, hint",
    [
        (512, "that is the padded network"),
        (128, "removes 2 rows"),
        (128, "between the two convolutions"),
        (288, "comes after the pooling"),
        (144, "second convolution still follows"),
        (16, "32 output channels"),
        (1, "count every channel"),
    ],
)
def test_unpadded_flatten_size_hints(answer, hint):
    feedback = ex.check_unpadded_flatten_size(answer)
    assert feedback.status == "wrong" and hint in feedback.message


@pytest.mark.parametrize("answer", [1, "1", "first", "conv1", " First "])
def test_stroke_layer_accepts_the_first_layer(answer):
    assert ex.check_stroke_layer(answer).correct


@pytest.mark.parametrize("answer", [2, "second", "conv2"])
def test_stroke_layer_explains_why_not_the_second(answer):
    feedback = ex.check_stroke_layer(answer)
    assert feedback.status == "wrong" and "16 feature maps" in feedback.message


def test_stroke_layer_other_answers():
    assert "answer 1 or 2" in ex.check_stroke_layer(3).message


@pytest.mark.parametrize(
    "answer, hint",
    [
        (22, "shorter batch"),
        (1437 / 64, "whole number"),
        (1437, "one update per image"),
        (345, "all 15 epochs"),
        (np.int64(24), "is not it"),
    ],
)
def test_updates_per_epoch_hints(answer, hint):
    feedback = ex.check_updates_per_epoch(answer)
    assert feedback.status == "wrong" and hint in feedback.message
