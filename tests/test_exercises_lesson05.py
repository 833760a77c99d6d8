"""Exercise checks of lesson 05: right answers pass, typical mistakes get their hint."""

import pytest

from cnnedu.exercises import lesson05 as ex

NAMES = ["kernel_count", "conv_parameters", "pool_stride_one", "padding_two", "dense_parameters"]


@pytest.mark.parametrize("name", NAMES)
def test_solution_passes_its_check(name):
    feedback = getattr(ex, f"check_{name}")(getattr(ex, f"solution_{name}")())
    assert feedback.status == "correct", feedback.message


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("answer", [..., None])
def test_not_attempted(name, answer):
    assert getattr(ex, f"check_{name}")(answer).status == "not attempted"


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("answer", ["twelve", [1, 2], {"a": 1}, -1])
def test_odd_answers_never_raise(name, answer):
    assert getattr(ex, f"check_{name}")(answer).status == "wrong"


def test_solution_values():
    assert ex.solution_kernel_count() == 12
    assert ex.solution_conv_parameters() == 112
    assert ex.solution_pool_stride_one() == 29
    assert ex.solution_padding_two() == 17
    assert ex.solution_dense_parameters() == 1024 * 1800 + 1800


@pytest.mark.parametrize(
    "name, answer, hint",
    [
        ("kernel_count", 4, "one per output channel"),
        ("kernel_count", 7, "multiply, they do not add"),
        ("kernel_count", 108, "number of weights"),
        ("conv_parameters", 108, "each output channel also has one bias"),
        ("conv_parameters", 120, "not one per kernel"),
        ("conv_parameters", 40, "one kernel per input channel"),
        ("pool_stride_one", 15, "what stride 2 gives"),
        ("pool_stride_one", 28, r"\+ 1"),
        ("padding_two", 15, "what padding 1 gives"),
        ("padding_two", 13, "without padding"),
        ("padding_two", 16, r"without the \+ 1"),  # 15 + 4 - 3: the + 1 forgotten (not one-sided padding)
        ("padding_two", 19, r"fits 19 - 3 \+ 1 positions"),
        ("dense_parameters", 20, "20 is the convolution layer"),
        ("dense_parameters", 1843200, "add one bias per output value"),
    ],
)
def test_typical_mistakes_get_specific_hints(name, answer, hint):
    import re

    feedback = getattr(ex, f"check_{name}")(answer)
    assert feedback.status == "wrong"
    assert re.search(hint, feedback.message), feedback.message
