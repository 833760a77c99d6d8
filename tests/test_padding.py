"""pad2d against numpy.pad / an explicit construction, output_size against
counting window positions one by one."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import cnnedu as ce
from cnnedu.padding import normalize_padding


def test_zero_padding_by_hand():
    padded = ce.pad2d([[1, 2], [3, 4]], ((1, 0), (0, 2)))
    np.testing.assert_array_equal(padded, [[0, 0, 0, 0], [1, 2, 0, 0], [3, 4, 0, 0]])


@pytest.mark.parametrize(
    "mode, expected_row",
    [
        ("constant", [0, 0, 1, 2, 3, 0, 0]),
        ("reflect", [3, 2, 1, 2, 3, 2, 1]),
        ("replicate", [1, 1, 1, 2, 3, 3, 3]),
        ("circular", [2, 3, 1, 2, 3, 1, 2]),
    ],
)
def test_modes_on_one_row(mode, expected_row):
    np.testing.assert_array_equal(ce.pad2d([[1, 2, 3]], (0, 2), mode)[0], expected_row)


def test_batch_pads_only_the_last_two_axes(rng):
    x = rng.normal(size=(2, 3, 4, 5))
    padded = ce.pad2d(x, 1)
    assert padded.shape == (2, 3, 6, 7)
    np.testing.assert_array_equal(padded[:, :, 1:-1, 1:-1], x)
    assert np.all(padded[:, :, 0] == 0)


@pytest.mark.parametrize(
    "mode, torch_mode",
    [("constant", "constant"), ("reflect", "reflect"), ("replicate", "replicate"), ("circular", "circular")],
)
def test_modes_match_pytorch(torch, rng, mode, torch_mode):
    x = rng.normal(size=(1, 2, 5, 6))
    ours = ce.pad2d(x, ((1, 2), (2, 1)), mode)
    # torch orders padding (left, right, top, bottom)
    theirs = torch.nn.functional.pad(torch.from_numpy(x), (2, 1, 1, 2), mode=torch_mode).numpy()
    np.testing.assert_allclose(ours, theirs)


def test_normalize_padding_forms():
    assert normalize_padding(2) == ((2, 2), (2, 2))
    assert normalize_padding((1, 3)) == ((1, 1), (3, 3))
    assert normalize_padding(((0, 1), (2, 3))) == ((0, 1), (2, 3))


def _count_positions(n, k, stride, padding, dilation):
    """Slide a window start along the padded axis and count the positions that fit."""
    count, start = 0, 0
    while start + dilation * (k - 1) <= n + 2 * padding - 1:
        count += 1
        start += stride
    return count


@given(
    n=st.integers(1, 40),
    k=st.integers(1, 9),
    stride=st.integers(1, 5),
    padding=st.integers(0, 4),
    dilation=st.integers(1, 3),
)
def test_output_size_counts_window_positions(n, k, stride, padding, dilation):
    if dilation * (k - 1) + 1 > n + 2 * padding:
        with pytest.raises(ValueError, match="kernel does not fit"):
            ce.output_size(n, k, stride, padding, dilation)
    else:
        assert ce.output_size(n, k, stride, padding, dilation) == _count_positions(n, k, stride, padding, dilation)


def test_output_size_worked_numbers():
    assert ce.output_size(32, 3) == 30  # the worked network's first conv
    assert ce.output_size(30, 2, stride=2) == 15  # its pooling
    assert ce.output_size(30, 2, stride=1) == 29  # the exercise: pool with stride 1
    assert ce.output_size(15, 3, padding=1) == 15
    assert ce.output_size(15, 3, padding=2) == 17
    assert ce.output_size(7, 3, stride=2) == 3  # floor((7 - 3) / 2) + 1
    assert ce.output_size(8, 3, stride=2) == 3  # the last column is never visited
    assert ce.output_size(7, 3, dilation=2) == 3


def test_output_size_matches_pytorch(torch):
    for n, k, s, p, d in [(28, 3, 1, 1, 1), (14, 5, 2, 2, 1), (9, 3, 3, 0, 2), (224, 11, 4, 2, 1)]:
        weight = torch.zeros(1, 1, k, k, dtype=torch.float64)
        out = torch.nn.functional.conv2d(
            torch.zeros(1, 1, n, n, dtype=torch.float64), weight, stride=s, padding=p, dilation=d
        )
        assert out.shape[-1] == ce.output_size(n, k, s, p, d)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: ce.output_size(0, 3), ValueError, r"n must be at least 1; got 0"),
        (lambda: ce.output_size(5, 0), ValueError, r"kernel_size must be at least 1; got 0"),
        (lambda: ce.output_size(5, 3, stride=0), ValueError, r"stride must be at least 1; got 0"),
        (lambda: ce.output_size(5, 3, padding=-1), ValueError, r"padding must not be negative; got -1"),
        (lambda: ce.output_size(5, 3, dilation=0), ValueError, r"dilation must be at least 1; got 0"),
        (
            lambda: ce.output_size(3, 5),
            ValueError,
            r"kernel does not fit: dilated kernel_size 5 .* padded input n \+ 2\*padding = 3 \+ 2\*0 = 3",
        ),
        (lambda: ce.output_size(5, 3, dilation=3), ValueError, r"dilated kernel_size 7"),
        (lambda: ce.output_size(5.0, 3), TypeError, r"n must be an integer"),
        (lambda: ce.output_size(True, 3), TypeError, r"n must be an integer"),
        (lambda: ce.pad2d(np.ones(3), 1), ValueError, r"x must be at least 2-D; got ndim=1"),
        (lambda: ce.pad2d(np.ones((3, 3)), -1), ValueError, r"padding must not be negative; got -1"),
        (lambda: ce.pad2d(np.ones((3, 3)), (1, 2, 3)), TypeError, r"padding must be an int, \(rows, columns\)"),
        (
            lambda: ce.pad2d(np.ones((3, 3)), 1, mode="zeros"),
            ValueError,
            r"mode must be 'constant', 'reflect', 'replicate' or 'circular'; got 'zeros'",
        ),
        (
            lambda: ce.pad2d(np.ones((3, 3)), 3, mode="reflect"),
            ValueError,
            r"reflect padding must be smaller than the input",
        ),
        (
            lambda: ce.pad2d(np.ones((3, 3)), 4, mode="circular"),
            ValueError,
            r"circular padding must not exceed the input size",
        ),
        (lambda: ce.pad2d(np.ones((0, 3)), 1), ValueError, r"x must not be empty"),
    ],
)
def test_bad_input_gets_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()
