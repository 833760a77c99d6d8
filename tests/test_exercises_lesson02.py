"""Lesson 02 exercises: what each check recognises (typical mistakes and their hints,
the answer forms it accepts) and the solutions against an independent computation. What holds
for every exercise (the worked solution passes, unfilled is "not attempted", junk never raises)
is tested once, from the registry, in test_exercises_all.py."""

import numpy as np
import pytest
import scipy.signal

from cnnedu.exercises import lesson02 as ex


def test_solutions_agree_with_scipy_and_numpy():
    np.testing.assert_array_equal(ex.solution_flip(), np.flip(ex.FLIP_KERNEL))
    np.testing.assert_array_equal(ex.solution_correlation(), scipy.signal.correlate(ex.SIGNAL, ex.KERNEL, mode="valid"))
    np.testing.assert_array_equal(ex.solution_system_output(), np.convolve(ex.SYSTEM_INPUT, ex.IMPULSE_RESPONSE))


@pytest.mark.parametrize(
    "answer, hint",
    [
        ([[3, 2, 1], [6, 5, 4]], "only left-right"),
        ([[4, 5, 6], [1, 2, 3]], "only up-down"),
        ([[1, 4], [2, 5], [3, 6]], "transpose"),
        ([[6, 3], [5, 2], [4, 1]], "keeps the shape"),
        ([[1, 2, 3], [4, 5, 6]], "unchanged"),
        ([[6, 5, 4], [3, 2, 0]], "1 of 6 entries differ"),
    ],
)
def test_flip_hints(answer, hint):
    feedback = ex.check_flip(answer)
    assert feedback.status == "wrong" and hint in feedback.message


@pytest.mark.parametrize(
    "answer, hint",
    [
        ([5, 8, 4, 4], "that is convolution, not cross-correlation: you flipped the kernel"),
        ([2, 7, 7, 2, 8, 4], "mode 'full'"),
        ([1, 5, 8, 4, 4, 8], "full convolution"),
        ([7, 7, 2], "shape"),
    ],
)
def test_correlation_hints(answer, hint):
    feedback = ex.check_correlation(answer)
    assert feedback.status == "wrong" and hint in feedback.message


@pytest.mark.parametrize(
    "answer, hint",
    [
        ([6, 4, 5, 2, 1], "that is cross-correlation"),
        ([2, 4, 6, 0, 0], "only the answer to the first input"),
        ([0, 0, 1, 2, 3], "only the answer to the input at t = 2"),
        ([2, 4, 7], "give 5 values"),
        ([7], "give 5 values"),
    ],
)
def test_system_output_hints(answer, hint):
    feedback = ex.check_system_output(answer)
    assert feedback.status == "wrong" and hint in feedback.message


@pytest.mark.parametrize(
    "answer, hint",
    [
        (["Laplacian", "box blur", "sharpen", "identity", "Sobel x"], "minus Sobel x"),
        (["Sobel y"], "minus Sobel y"),
        (["45-degree edge", "identity"], "opposite edge"),
        (["Laplacian", "box blur", "sharpen"], "identity is missing"),
        (["laplace"], "unknown name"),
    ],
)
def test_agreeing_kernels_hints(answer, hint):
    feedback = ex.check_agreeing_kernels(answer)
    assert feedback.status == "wrong" and hint in feedback.message


def test_agreeing_kernels_accepts_any_order_case_and_container():
    assert ex.check_agreeing_kernels({"identity", "SHARPEN", " box blur", "laplacian"}).correct
    assert ex.check_agreeing_kernels(("identity", "sharpen", "box blur", "Laplacian", "identity")).correct


def test_agreeing_kernels_accepts_the_names_written_in_one_string():
    assert ex.check_agreeing_kernels("Laplacian, box blur, sharpen, identity").correct
    feedback = ex.check_agreeing_kernels("Laplacian, Sobel x")
    assert not feedback.correct and "Sobel x flipped is minus Sobel x" in feedback.message
    assert "box blur is missing" in ex.check_agreeing_kernels("Laplacian").message
