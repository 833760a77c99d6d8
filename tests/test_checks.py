"""The shared argument checks of cnnedu._checks: shapes, indices and random generators."""

import numpy as np
import pytest

from cnnedu._checks import as_generator, index_in, int_between, int_shape_pair


def test_int_shape_pair_accepts_pairs_of_positive_integers():
    assert int_shape_pair("shape", (3, 4)) == (3, 4)
    assert int_shape_pair("shape", [np.int64(2), 1]) == (2, 1)
    assert all(type(n) is int for n in int_shape_pair("shape", (np.int32(2), 5)))


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (3, TypeError, r"input_shape must be a pair \(rows, columns\); got 3"),
        ((1, 2, 3), TypeError, r"input_shape must be a pair \(rows, columns\); got \(1, 2, 3\)"),
        ((0, 2), ValueError, r"input_shape\[0\] must be at least 1; got 0"),
        ((2, 1.5), TypeError, r"input_shape\[1\] must be an integer; got 1.5"),
    ],
)
def test_int_shape_pair_names_what_is_wrong(value, error, message):
    with pytest.raises(error, match=message):
        int_shape_pair("input_shape", value)


def test_index_in_accepts_every_index_of_the_range():
    assert [index_in("row", i, 3) for i in range(3)] == [0, 1, 2]
    assert type(index_in("row", np.int64(1), 3)) is int


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (3, ValueError, "row must be between 0 and 2; got 3"),
        (-1, ValueError, "row must not be negative; got -1"),
        (1.0, TypeError, "row must be an integer; got 1.0"),
        (True, TypeError, "row must be an integer; got True"),
    ],
)
def test_index_in_names_what_is_wrong(value, error, message):
    with pytest.raises(error, match=message):
        index_in("row", value, 3)


def test_as_generator_seeds_and_passes_generators_through():
    generator = np.random.default_rng(5)
    assert as_generator("rng", generator) is generator
    expected = np.random.default_rng(7).standard_normal(4)
    np.testing.assert_array_equal(as_generator("rng", 7).standard_normal(4), expected)
    np.testing.assert_array_equal(as_generator("rng", np.int64(7)).standard_normal(4), expected)
    assert isinstance(as_generator("rng", None), np.random.Generator)


@pytest.mark.parametrize("value", [1.5, "0", True, np.random.RandomState(0)])
def test_as_generator_refuses_other_values(value):
    with pytest.raises(
        TypeError, match=rf"seed must be None, an int seed or a numpy Generator; got {type(value).__name__}"
    ):
        as_generator("seed", value)


def test_int_between_accepts_every_value_of_the_range_both_ends_included():
    assert [int_between("stride", s, 1, 4) for s in range(1, 5)] == [1, 2, 3, 4]
    assert [int_between("kernel_size", k, 3, 7, step=2) for k in (3, 5, 7)] == [3, 5, 7]
    assert int_between("size", 10**6, 8) == 10**6  # no upper limit
    assert type(int_between("stride", np.int64(2), 1, 4)) is int


@pytest.mark.parametrize(
    ("value", "low", "high", "step", "error", "message"),
    [
        (0, 1, 4, 1, ValueError, "stride must be between 1 and 4; got 0"),
        (5, 1, 4, 1, ValueError, "stride must be between 1 and 4; got 5"),
        (4, 3, 7, 2, ValueError, "stride must be one of 3, 5, 7; got 4"),
        (7, 8, None, 1, ValueError, "stride must be at least 8; got 7"),
        (9, 8, None, 2, ValueError, r"stride must be one of 8, 10, 12, \.\.\.; got 9"),
        (2.0, 1, 4, 1, TypeError, "stride must be an integer; got 2.0 of type float"),
        ("2", 1, 4, 1, TypeError, "stride must be an integer; got '2' of type str"),
        (True, 1, 4, 1, TypeError, "stride must be an integer; got True of type bool"),
    ],
)
def test_int_between_names_what_is_wrong(value, low, high, step, error, message):
    with pytest.raises(error, match=f"^{message}$"):
        int_between("stride", value, low, high, step)
