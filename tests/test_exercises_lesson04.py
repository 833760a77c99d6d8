"""Lesson 04 exercises: what each check recognises (typical mistakes and their hints,
the answer forms it accepts) and the solutions against an independent computation. What holds
for every exercise (the worked solution passes, unfilled is "not attempted", junk never raises)
is tested once, from the registry, in test_exercises_all.py."""

import numpy as np
import pytest

import cnnedu as ce
from cnnedu.exercises import lesson04 as ex


def test_solutions_by_hand():
    np.testing.assert_array_equal(ex.solution_max_pool(), [[4, 8], [7, 9]])
    np.testing.assert_array_equal(ex.solution_avg_pool(), [[2.25, 3.75], [3.5, 4]])
    assert ex.solution_pooled_size() == (14 - 3) // 2 + 1 == 6
    np.testing.assert_array_equal(
        ex.solution_max_pool_gradient(), [[0, 1, 2, 0], [0, 0, 0, 0], [3, 0, 4, 0], [0, 0, 0, 0]]
    )
    np.testing.assert_allclose(ex.solution_global_pool(), [[8 / 9, 3]])


def test_max_pool_gradient_matches_pytorch(torch):
    x = torch.tensor(ex.TIES[None, None], requires_grad=True)
    y = torch.nn.functional.max_pool2d(x, 2, 2)
    y.backward(torch.tensor(ex.TIES_GRADIENT[None, None]))
    np.testing.assert_array_equal(x.grad[0, 0].numpy(), ex.solution_max_pool_gradient())


@pytest.mark.parametrize(
    "answer, hint",
    [
        ([[2.25, 3.75], [3.5, 4]], "that is average, not max pooling"),
        ([[0, 1], [0, 2]], "smallest values"),
        (ce.max_pool2d(ex.MAP, 2, 1), "that is stride 1"),
        ([[4, 7], [8, 9]], "rows and columns are swapped"),
        ([[4, 8], [7, 8]], "1 of 4 entries differ"),
    ],
)
def test_max_pool_hints(answer, hint):
    feedback = ex.check_max_pool(answer)
    assert feedback.status == "wrong" and hint in feedback.message


@pytest.mark.parametrize(
    "answer, hint",
    [
        ([[4, 8], [7, 9]], "that is max, not average pooling"),
        ([[9, 15], [14, 16]], "those are the sums"),
        (ce.avg_pool2d(ex.MAP, 2, 1), "that is stride 1"),
    ],
)
def test_avg_pool_hints(answer, hint):
    feedback = ex.check_avg_pool(answer)
    assert feedback.status == "wrong" and hint in feedback.message


@pytest.mark.parametrize(
    "answer, hint",
    [
        (7, "off by one: the formula uses floor"),
        (6.5, "take the floor"),
        (5, "+ 1"),
        (12, "stride 1"),
        (4, "not by their size"),
    ],
)
def test_pooled_size_hints(answer, hint):
    feedback = ex.check_pooled_size(answer)
    assert feedback.status == "wrong" and hint in feedback.message


def test_max_pool_gradient_hints():
    every, split, last, unweighted = ex._tie_variants()
    assert "every tied maximum" in ex.check_max_pool_gradient(every).message
    marked = [[0, 1, 1, 0], [0, 0, 0, 0], [1, 0, 1, 0], [0, 0, 0, 0]]  # right cells, 1 instead of dJ/dY
    assert "its own incoming gradient" in ex.check_max_pool_gradient(marked).message
    np.testing.assert_array_equal(unweighted, marked)
    assert "splitting the gradient" in ex.check_max_pool_gradient(split).message
    assert "last tied maximum" in ex.check_max_pool_gradient(last).message
    average = np.kron(ex.TIES_GRADIENT, np.ones((2, 2))) / 4
    assert "average pooling" in ex.check_max_pool_gradient(average).message
    # the "every tie" mask really duplicates gradient: its total exceeds the output gradient's
    assert every.sum() > ex.TIES_GRADIENT.sum() == ex.solution_max_pool_gradient().sum()


@pytest.mark.parametrize(
    "answer, status, hint",
    [
        ([0.89, 3.0], "correct", "one number per feature map"),
        ([[8 / 9, 3.0]], "correct", "one number per feature map"),
        ([4, 11], "wrong", "that is global max pooling"),
        ([8, 27], "wrong", "those are the sums"),
        ([35 / 18], "wrong", "one mean over both maps"),
        ([0.8, 3.0], "wrong", "1 of 2 entries differ"),
        ([0.9, 3], "wrong", "rounded to two decimals is 0.89"),
        ([0.88, 3], "wrong", "cuts them off instead of rounding"),  # truncated, not rounded
    ],
)
def test_global_pool_checks(answer, status, hint):
    feedback = ex.check_global_pool(answer)
    assert feedback.status == status and hint in feedback.message


@pytest.mark.parametrize("answer", [(6, 6), [6, 6], np.array([6, 6]), 6.0, np.int64(6)])
def test_pooled_size_accepts_the_shape_as_a_pair(answer):
    assert ex.check_pooled_size(answer).correct


@pytest.mark.parametrize("answer, hint", [((7, 7), "off by one"), ((6, 7), "give one number")])
def test_pooled_size_pairs_get_hints(answer, hint):
    feedback = ex.check_pooled_size(answer)
    assert feedback.status == "wrong" and hint in feedback.message
