"""Lesson 09 exercises: what each check recognises (typical mistakes and their hints,
the answer forms it accepts) and the solutions against an independent computation. What holds
for every exercise (the worked solution passes, unfilled is "not attempted", junk never raises)
is tested once, from the registry, in test_exercises_all.py."""

import re

import numpy as np
import pytest

import cnnedu as ce
from cnnedu.exercises import lesson09 as ex


def test_solutions_by_hand_and_against_the_math():
    assert ex.solution_output_size() == (5 - 1) * 2 - 2 * 1 + (3 - 1) + 0 + 1 == 9
    # output_padding 1 brings the convolution's 5 back to 10
    assert ce.output_size(10, 3, 2, 1) == 5
    assert ce.transposed_output_size(5, 3, 2, 1, ex.solution_output_padding()) == 10
    stamps = np.zeros(7)
    for i, value in enumerate(ex.STAMP_INPUT):
        stamps[2 * i : 2 * i + 3] += value * ex.STAMP_KERNEL  # the definition, one stamp at a time
    np.testing.assert_array_equal(ex.solution_stamps(), stamps)
    assert ex.solution_even_kernels() == [k for k in ex.KERNEL_SIZES if k % 2 == 0]
    y = np.array([2.0, -1.0])
    np.testing.assert_allclose(
        ex.solution_transposed_matrix() @ y,
        ce.conv_transpose2d(y[None, None, None], ex.MATRIX_KERNEL[None, None, None], stride=2).ravel(),
    )


@pytest.mark.parametrize(
    "name, answer, hint",
    [
        ("output_size", 3, "convolution"),
        ("output_size", 11, "before the crop"),
        ("output_size", 10, "output_padding=1"),
        ("output_size", 12, "is not it"),
        ("output_padding", 0, "undoes a 9x9 input"),
        ("output_padding", 2, "smaller than the stride"),
        ("output_padding", -1, "never negative"),
        ("stamps", [1, 1, 3, 1, 6], "that is stride 1"),
        ("stamps", [2, -1, 5, -2, 8, -3, 3], "not flipped"),
        ("stamps", [1, -1, 2, 2, -2, 4, 3, -3, 6], "overlap by one cell"),
        ("stamps", np.zeros(7), "entries differ"),
        ("even_kernels", [3, 5], "overlap unevenly"),
        ("even_kernels", [2, 4], "one is missing"),
        ("even_kernels", [2, 3, 4, 6], "3 overlaps unevenly"),
        ("even_kernels", [2.5], "whole kernel sizes"),
        ("transposed_matrix", [[1, 2, 3, 0, 0], [0, 0, 1, 2, 3]], "that is C"),
        ("transposed_matrix", [[3, 0], [2, 0], [1, 3], [0, 2], [0, 1]], "not flipped"),
        ("transposed_matrix", np.zeros((2, 2)), "shape"),
    ],
)
def test_typical_mistakes_get_specific_hints(name, answer, hint):
    feedback = getattr(ex, f"check_{name}")(answer)
    assert feedback.status == "wrong"
    assert re.search(hint, feedback.message), feedback.message


@pytest.mark.parametrize("answer", [[6, 2, 4], (2, 4, 6), np.array([2, 4, 6])])
def test_even_kernels_accepts_any_order_and_container(answer):
    assert ex.check_even_kernels(answer).status == "correct"


@pytest.mark.parametrize("answer", [(9, 9), [9, 9], np.array([9, 9]), 9.0])
def test_output_size_accepts_a_square_shape(answer):
    assert ex.check_output_size(answer).status == "correct"


def test_output_size_rejects_a_non_square_shape():
    assert ex.check_output_size((9, 10)).status == "wrong"
