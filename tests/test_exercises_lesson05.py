"""Lesson 05 exercises: what each check recognises (typical mistakes and their hints,
the answer forms it accepts) and the solutions against an independent computation. What holds
for every exercise (the worked solution passes, unfilled is "not attempted", junk never raises)
is tested once, from the registry, in test_exercises_all.py."""

import pytest

from cnnedu.exercises import lesson05 as ex


def test_solution_values():
    assert ex.solution_kernel_count() == 8 * 16
    assert ex.solution_conv_parameters() == 16 * (8 * 5 * 5 + 1) == 3216
    assert ex.solution_pool_stride_one() == 29
    assert ex.solution_padding_two() == 17
    assert ex.solution_dense_parameters() == 450 * 900 + 900 == 405_900


def test_exercises_1_2_5_are_not_the_worked_examples():
    # the lesson works out 3 -> 4 channels (12 kernels, 112 parameters) and the dense layer for the first
    # convolution (1,845,000): the exercises must ask for something else
    assert ex.solution_kernel_count() != 12
    assert ex.solution_conv_parameters() != 112
    assert ex.solution_dense_parameters() != 1_845_000
    assert "lesson's example" in ex.check_dense_parameters(1_845_000).message


@pytest.mark.parametrize(
    "name, answer, hint",
    [
        ("kernel_count", 16, "one per output channel"),
        ("kernel_count", 8, "one per input channel"),
        ("kernel_count", 24, "multiply, they do not add"),
        ("kernel_count", 3200, "number of weights"),
        ("conv_parameters", 3200, "each output channel also has one bias"),
        ("conv_parameters", 3208, "not per input channel"),
        ("conv_parameters", 3328, "not one per kernel"),
        ("conv_parameters", 416, "one kernel per input channel"),
        ("conv_parameters", 400, "and no bias"),
        ("conv_parameters", 656, "25 weights, not 5"),
        ("pool_stride_one", 15, "what stride 2 gives"),
        ("pool_stride_one", 28, r"\+ 1"),
        ("padding_two", 15, "what padding 1 gives"),
        ("padding_two", 13, "without padding"),
        ("padding_two", 16, r"without the \+ 1"),  # 15 + 4 - 3: the + 1 forgotten (not one-sided padding)
        ("padding_two", 19, r"fits 19 - 3 \+ 1 positions"),
        ("dense_parameters", 76, "76 is the convolution layer"),
        ("dense_parameters", 405000, "add one bias per output value"),
        ("dense_parameters", 405004, "not one per map"),
        ("dense_parameters", 1804, "does not share weights"),
    ],
)
def test_typical_mistakes_get_specific_hints(name, answer, hint):
    import re

    feedback = getattr(ex, f"check_{name}")(answer)
    assert feedback.status == "wrong"
    assert re.search(hint, feedback.message), feedback.message
