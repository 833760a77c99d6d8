"""The shared checks of cnnedu.exercises.feedback: float noise and
one-element answers are accepted, near misses are explained, and wrong
array answers name their wrong cells."""

import numpy as np
import pytest

from cnnedu.exercises.feedback import Feedback, check_array, check_number


@pytest.mark.parametrize(
    "answer", [46, 46.0, 46.0000001, 45.9999999, [46], (46,), np.array([46.0]), [[46]], np.int64(46)]
)
def test_number_accepts_float_noise_and_one_element_containers(answer):
    assert check_number(answer, 46).status == "correct"


@pytest.mark.parametrize(
    "answer", [47, 46.5, [46, 46], "forty-six", {"a": 46}, [[1, 2], [3]], float("nan"), float("inf")]
)
def test_number_rejects_other_answers_without_raising(answer):
    assert check_number(answer, 46).status == "wrong"


def test_number_tells_a_rounded_answer_it_is_close():
    feedback = check_number(0.889, 8 / 9)
    assert feedback.status == "wrong" and "close but not equal" in feedback.message and "0.889" in feedback.message


def test_integer_near_miss_is_not_called_rounding():
    feedback = check_number(9931, 9930)
    assert feedback.status == "wrong" and "close" not in feedback.message


def test_known_wrong_answer_in_a_list_gets_its_hint():
    feedback = check_number([16], 15, [(16, "off by one")])
    assert feedback.status == "wrong" and feedback.message == "off by one"


def test_tolerance_argument_is_respected():
    assert check_number(10.04, 10, tolerance=0.005).status == "correct"
    assert check_number(10.06, 10, tolerance=0.005).status == "wrong"


@pytest.mark.parametrize(
    "answer",
    [[[1, 2], [3, 4]], [[1.0000000001, 2], [3, 4 - 1e-10]], np.array([[[1, 2], [3, 4]]]), [[[1], [2]], [[3], [4]]]],
)
def test_array_accepts_float_noise_and_extra_axes_of_length_one(answer):
    assert check_array(answer, [[1, 2], [3, 4]]).status == "correct"


@pytest.mark.parametrize(
    "answer, cells",
    [
        ([[1, 2], [3, 5]], "1 of 4 entries differ from the answer: the entry at [1, 1] (row, column"),
        ([[0, 2], [3, 0]], "2 of 4 entries differ from the answer: the entries at [0, 0], [1, 1] (row, column"),
    ],
)
def test_array_names_the_wrong_cells(answer, cells):
    feedback = check_array(answer, [[1, 2], [3, 4]])
    assert feedback.status == "wrong" and cells in feedback.message


def test_array_names_cells_of_a_1d_answer_and_shortens_long_lists():
    assert "the entry at [2] (counting from 0)" in check_array([1, 2, 0], [1, 2, 3]).message
    message = check_array(np.zeros(10), np.arange(1, 11)).message
    assert message.startswith("10 of 10 entries differ") and "[5], and 4 more" in message


def test_array_shape_mismatch_is_still_reported():
    feedback = check_array([[1, 2, 3], [4, 5, 6]], [[1, 2], [3, 4]])
    assert feedback.status == "wrong" and "shape (2, 3)" in feedback.message


def test_feedback_rejects_an_unknown_status():
    with pytest.raises(ValueError, match="status must be 'correct', 'wrong' or 'not attempted'; got 'maybe'"):
        Feedback("maybe", "?")
