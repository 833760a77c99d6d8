"""Lesson 07 exercises: what each check recognises (typical mistakes and their hints,
the answer forms it accepts) and the solutions against an independent computation. What holds
for every exercise (the worked solution passes, unfilled is "not attempted", junk never raises)
is tested once, from the registry, in test_exercises_all.py."""

import pytest

import cnnedu as ce
from cnnedu.exercises import lesson07 as ex


def test_solutions_by_hand():
    # r = 1 + (5-1)*1 + (3-1)*1 + (2-1)*2 + (3-1)*4 = 17; S = 1*2*2*1 = 4
    assert ex.solution_stack_size() == 17
    assert ex.solution_effective_stride() == 4
    # spans 3, 5, 9: r = 1 + 2 + 4 + 8 = 15
    assert ex.solution_dilated_size() == 15
    # r = 1 + 4 + 1 + 2*2 = 10, S = 2, P = 2 + 0 + 1*2 = 4: unit 4 sees 4*2 - 4 = 4 .. 4 + 9 = 13
    assert ex.solution_region() == (4, 13)
    assert ex.solution_layers_needed() == 15
    assert ce.receptive_field([ce.Conv2d(1, 1, 3)] * 15).size == 31


@pytest.mark.parametrize(
    "check, answer, hint",
    [
        (ex.check_stack_size, 10, "did not multiply it by the product of the strides"),
        (ex.check_stack_size, 21, "up to and including layer l"),
        (ex.check_stack_size, 13, "adding the kernel sizes"),
        (ex.check_stack_size, 16, "starts from 1"),
        (ex.check_effective_stride, 6, "strides multiply"),
        (ex.check_effective_stride, 1, "last layer alone"),
        (ex.check_effective_stride, 2, "one strided layer is missing"),
        (ex.check_effective_stride, 17, "receptive field size"),
        (ex.check_dilated_size, 7, "d * (k - 1) + 1"),
        (ex.check_dilated_size, 19, "you used d * k"),
        (ex.check_dilated_size, 17, "adding the spans"),
        (ex.check_region, (8, 17), "you left out the padding"),
        (ex.check_region, [5, 14], "counts twice"),
        (ex.check_region, (4, 11), "times the stride 2 before it"),
        (ex.check_region, (4, 14), "first + r - 1"),
        (ex.check_region, (0, 9), "u * S - P"),
        (ex.check_region, 3, "give two numbers"),
        (ex.check_layers_needed, 10, "adds k - 1 = 2"),
        (ex.check_layers_needed, 14, "one short"),
        (ex.check_layers_needed, 16, "15 already"),
    ],
)
def test_typical_mistakes_get_their_hint(check, answer, hint):
    feedback = check(answer)
    assert feedback.status == "wrong"
    assert hint in feedback.message


def test_wrong_answers_differ_from_the_right_ones():
    assert ex.check_stack_size(18).status == "wrong"
    assert ex.check_region((2, 9)).status == "wrong"
    assert "entries differ" in ex.check_region((2, 9)).message


def test_region_exercise_is_not_the_worked_example():
    # the notebook prints the regions of units 0-3 of conv 3x3 p1, max pool 2x2, conv 3x3 p1: the exercise
    # must not be answerable by copying one of those lines
    worked = ce.receptive_field([ce.Conv2d(1, 1, 3, padding=1), ce.MaxPool2d(2), ce.Conv2d(1, 1, 3, padding=1)])
    assert ex.solution_region() not in [worked.region(unit) for unit in range(8)]


@pytest.mark.parametrize("answer", [(4, 13), [4, 13], (4.0, 13.0)])
def test_region_accepts_any_pair_form(answer):
    import numpy as np

    assert ex.check_region(answer).correct
    assert ex.check_region(np.array(answer)).correct
