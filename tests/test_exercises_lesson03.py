"""Lesson 03 exercises: what each check recognises (typical mistakes and their hints,
the answer forms it accepts) and the solutions against an independent computation. What holds
for every exercise (the worked solution passes, unfilled is "not attempted", junk never raises)
is tested once, from the registry, in test_exercises_all.py."""

import numpy as np
import pytest

import cnnedu as ce
from cnnedu.exercises import lesson03 as ex


def test_solutions_agree_with_the_formula_by_hand():
    assert ex.solution_padded_size() == (28 + 2 * 2 - 5) // 1 + 1 == 28
    assert ex.solution_strided_size() == (28 - 3) // 2 + 1 == 13
    assert ex.solution_dilated_same_padding() == 4
    assert ce.output_size(20, 5, padding=4, dilation=2) == 20
    assert ex.solution_never_visited() == [2, 6]
    np.testing.assert_array_equal(ex.solution_full_mode(), [-1, -2, -2, 2, 3])


@pytest.mark.parametrize(
    "answer, hint",
    [
        (27, "off by one"),
        (26, "you padded only one side: p is added on each side"),
        (24, "without padding"),
        (32, "subtract f - 1"),
        (30, "30 is not it"),
    ],
)
def test_padded_size_hints(answer, hint):
    feedback = ex.check_padded_size(answer)
    assert feedback.status == "wrong" and hint in feedback.message


@pytest.mark.parametrize(
    "answer, hint",
    [
        (14, "off by one: the formula uses floor"),
        (13.5, "take the floor"),
        (12.5, "take its floor (12), then add 1"),
        (15, "n / s + 1 = 28 / 2 + 1 is not the formula"),
        ([15], "n / s + 1"),
        (12.5000000001, "take its floor"),
        (12, "+ 1"),
        (26, "divide by s"),
        (25, "divide by the stride"),
    ],
)
def test_strided_size_hints(answer, hint):
    feedback = ex.check_strided_size(answer)
    assert feedback.status == "wrong" and hint in feedback.message


@pytest.mark.parametrize(
    "answer, hint",
    [(2, "without dilation"), (8, "8 is the total"), (5, "not d*f"), (9, "span of the dilated kernel")],
)
def test_dilated_same_padding_hints(answer, hint):
    feedback = ex.check_dilated_same_padding(answer)
    assert feedback.status == "wrong" and hint in feedback.message


@pytest.mark.parametrize(
    "answer, hint",
    [
        ([3, 7, 8, 9], "the worked example, without padding"),
        ([3, 7], "indices of the padded row"),
        ([3, 7, 11], "11 is the padding zero"),
        ([2, 6, 10], "there is no cell 10"),
        ([2, 6, 9], "cells 7, 8 and 9"),
        ([2], "between the second and third windows"),
        ([6], "between the first and second windows"),
        ([], "some cells are still never read"),
        (2, "how many"),
        ([1, 2], "write the padded row"),
        ([[2, 6], [8, 9]], "flat list"),
    ],
)
def test_never_visited_hints(answer, hint):
    feedback = ex.check_never_visited(answer)
    assert feedback.status == "wrong" and hint in feedback.message


@pytest.mark.parametrize("answer", [[2, 6], (6, 2), np.array([2, 6]), {6, 2}, [2.0, 6.0, 6]])
def test_never_visited_accepts_any_order(answer):
    assert ex.check_never_visited(answer).correct


def test_never_visited_is_what_the_padded_convolution_reads():
    # mark each input cell with its index, pad by 1, and list which cells some window of the kernel touches
    row = np.arange(1.0, 11.0)[None, :]  # values 1..10 so a zero is padding
    padded = ce.pad2d(row, 1)[1:2]  # (1, 12): [0, 1, ..., 10, 0]
    starts = range(0, padded.shape[1] - 3 + 1, 4)
    read = {int(padded[0, start + tap]) - 1 for start in starts for tap in range(3)} - {-1}
    assert sorted(set(range(10)) - read) == ex.solution_never_visited() == [2, 6]
    assert ce.output_size(10, 3, stride=4, padding=1) == len(starts) == 3


@pytest.mark.parametrize(
    "answer, hint",
    [
        ([1, 2, 2, -2, -3], "you flipped the kernel"),
        ([-2, -2, 2], "that is 'same' mode"),
        ([-2], "that is 'valid' mode"),
        ([3, 2, -2, -2, -1], "reversed"),
        ([-1, -2, -2, 2, 4], "1 of 5 entries differ"),
    ],
)
def test_full_mode_hints(answer, hint):
    feedback = ex.check_full_mode(answer)
    assert feedback.status == "wrong" and hint in feedback.message


@pytest.mark.parametrize("check, size", [(ex.check_padded_size, 28), (ex.check_strided_size, 13)])
@pytest.mark.parametrize("as_pair", [tuple, list, np.array])
def test_sizes_accept_the_shape_as_a_pair(check, size, as_pair):
    assert check(as_pair([size, size])).correct


@pytest.mark.parametrize(
    "check, answer, hint",
    [
        (ex.check_padded_size, (27, 27), "off by one"),
        (ex.check_strided_size, (14, 14), "uses floor"),
        (ex.check_strided_size, (13, 14), "give one number"),
        (ex.check_padded_size, ("a", "b"), "expected a number"),
    ],
)
def test_size_pairs_get_hints(check, answer, hint):
    feedback = check(answer)
    assert feedback.status == "wrong" and hint in feedback.message
