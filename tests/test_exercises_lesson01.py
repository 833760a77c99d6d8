"""Lesson 01 exercises: what each check recognises (typical mistakes and their hints,
the answer forms it accepts) and the solutions against an independent computation. What holds
for every exercise (the worked solution passes, unfilled is "not attempted", junk never raises)
is tested once, from the registry, in test_exercises_all.py."""

import numpy as np
import pytest

from cnnedu.exercises import lesson01 as ex
from cnnedu.kernels import flip_kernel, get_kernel


def test_patch_response_is_46_by_hand():
    assert (
        ex.solution_patch_response() == 1 * -1 + 2 * -1 + 3 * 2 + 4 * -1 + 5 * 2 + 6 * 1 + 7 * 2 + 8 * 1 + 9 * 1 == 46
    )
    assert ex.check_patch_response(46.0).correct


@pytest.mark.parametrize(
    "answer, hint",
    [
        (14, "you flipped the kernel"),
        (45, "sum of the pixels"),
        (6, "sum of the weights"),
        (102, "matrix product"),
        (ex.PATCH * get_kernel("45-degree edge"), "nine products; the response is their sum"),
        (ex.PATCH @ get_kernel("45-degree edge"), "matrix product"),
        (np.ones((3, 3)), "a single number"),
        (47, "is not it"),
    ],
)
def test_patch_response_hints(answer, hint):
    feedback = ex.check_patch_response(answer)
    assert feedback.status == "wrong"
    assert hint in feedback.message


def test_the_flip_hint_is_the_flipped_response():
    assert np.sum(ex.PATCH * flip_kernel(get_kernel("45-degree edge"))) == 14


@pytest.mark.parametrize(
    "answer, hint",
    [
        (6, "all-white patch"),
        (12, "between 0 and 1"),
        (18, "kernel laid on itself"),
        (2, "largest single weight"),
        (-3, "smallest response"),
    ],
)
def test_largest_response_hints(answer, hint):
    feedback = ex.check_largest_response(answer)
    assert feedback.status == "wrong" and hint in feedback.message
    assert ex.check_largest_response(9).correct


@pytest.mark.parametrize(
    "kernel",
    [
        [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
        [[-1, -1, -1], [0, 0, 0], [1, 1, 1]],
        [[0, -1, 0], [0, 0, 0], [0, 1, 0]],
        [[-1, -1, -1], [-1, -1, -1], [2, 2, 2]],
        (np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]]) * 0.25).tolist(),
    ],
)
def test_horizontal_edge_kernel_accepts_many_good_designs(kernel):
    assert ex.check_horizontal_edge_kernel(kernel).correct


@pytest.mark.parametrize(
    "kernel, hint",
    [
        ([[1, 2, 1], [0, 0, 0], [-1, -2, -1]], "detects the opposite edge"),
        ([[0, 0, 0], [0, 1, 0], [0, 0, 0]], "add up to 0"),
        ([[1, 1, 1], [1, 1, 1], [1, 1, 1]], "add up to 0"),
        (np.zeros((3, 3)), "gives 0 on"),
        ([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], "gives 0 on"),
        ([[-1, -2, -1], [0, 0, 0], [0, 2, 2]], "vertical edge"),
        ([[1, 2], [3, 4]], "must be 3x3"),
        ("[[1, 2, 1], [0, 0, 0], [-1, -2, -1]]", "expected a 3x3 array"),
        ([[np.inf, 0, 0], [0, 0, 0], [0, 0, 0]], "finite"),
    ],
)
def test_horizontal_edge_kernel_hints(kernel, hint):
    feedback = ex.check_horizontal_edge_kernel(kernel)
    assert feedback.status == "wrong"
    assert hint in feedback.message


@pytest.mark.parametrize(
    "answer, hint",
    [
        (2.0, "only the centre product"),
        (0, "edge detector"),
        (-1.6, "leaves out the centre"),
        (1, "sum of the weights"),
    ],
)
def test_flat_sharpen_hints(answer, hint):
    feedback = ex.check_flat_sharpen(answer)
    assert feedback.status == "wrong" and hint in feedback.message
    assert ex.check_flat_sharpen(0.4).correct
    assert ex.check_flat_sharpen(0.4000001).correct
