"""cnnedu.coverage against explicit loops and against cnnedu's own math."""

import itertools

import numpy as np
import pytest

import cnnedu as ce
from cnnedu import coverage

SETTINGS = [
    # n, kernel_size, stride, padding, dilation
    (5, 3, 1, 0, 1),
    (7, 3, 2, 1, 1),
    (10, 3, 4, 0, 1),
    (16, 5, 3, 2, 2),
    (6, 2, 1, (0, 1), 1),
    (6, 4, 2, (2, 1), 1),
    (1, 1, 1, 0, 1),
    (4, 3, 1, 2, 3),
]


def loop_coverage_2d(n, kernel_size, stride, padding, dilation):
    """Count window taps per padded cell by walking every 2-D window."""
    before, after = (padding, padding) if isinstance(padding, int) else padding
    length = n + before + after
    counts = np.zeros((length, length), dtype=int)
    top = 0
    while top + dilation * (kernel_size - 1) < length:
        left = 0
        while left + dilation * (kernel_size - 1) < length:
            for i in range(kernel_size):
                for j in range(kernel_size):
                    counts[top + i * dilation, left + j * dilation] += 1
            left += stride
        top += stride
    return counts


@pytest.mark.parametrize("n, kernel_size, stride, padding, dilation", SETTINGS)
def test_coverage_counts_equal_explicit_loop(n, kernel_size, stride, padding, dilation):
    expected = loop_coverage_2d(n, kernel_size, stride, padding, dilation)
    np.testing.assert_array_equal(coverage.coverage_counts(n, kernel_size, stride, padding, dilation), expected)


@pytest.mark.parametrize("n, kernel_size, stride, padding, dilation", SETTINGS)
def test_window_count_matches_output_size_and_correlate2d(n, kernel_size, stride, padding, dilation):
    positions = coverage.window_positions(n, kernel_size, stride, padding, dilation)
    before, after = (padding, padding) if isinstance(padding, int) else padding
    image = ce.pad2d(np.ones((n, n)), ((before, after), (before, after)))
    computed = ce.correlate2d(image, np.ones((kernel_size, kernel_size)), stride=stride, dilation=dilation)
    assert positions.shape == (computed.shape[0], kernel_size)
    if before == after:
        assert len(positions) == ce.output_size(n, kernel_size, stride, before, dilation)


def test_window_positions_taps_follow_stride_and_dilation():
    positions = coverage.window_positions(9, 3, stride=3, padding=0, dilation=2)
    np.testing.assert_array_equal(positions, [[0, 2, 4], [3, 5, 7]])


def test_every_window_tap_reads_the_value_correlate2d_uses():
    # correlate a random image with one-hot kernels: output (r, c) must equal the padded pixel at the tap
    rng = np.random.default_rng(0)
    n, kernel_size, stride, padding, dilation = 7, 3, 2, 1, 2
    image = rng.normal(size=(n, n))
    padded = ce.pad2d(image, padding)
    positions = coverage.window_positions(n, kernel_size, stride, padding, dilation)
    for i, j in itertools.product(range(kernel_size), repeat=2):
        kernel = np.zeros((kernel_size, kernel_size))
        kernel[i, j] = 1
        out = ce.correlate2d(padded, kernel, stride=stride, dilation=dilation)
        np.testing.assert_array_equal(out, padded[np.ix_(positions[:, i], positions[:, j])])


def test_full_mode_meets_every_input_cell_with_every_tap():
    kernel_size = 3
    before, after = coverage.mode_padding(kernel_size, "full")
    counts = coverage.axis_coverage(3, kernel_size, padding=(before, after))
    np.testing.assert_array_equal(counts[before : before + 3], [3, 3, 3])


def test_valid_mode_border_cells_seen_less():
    counts = coverage.axis_coverage(6, 3)
    np.testing.assert_array_equal(counts, [1, 2, 3, 3, 2, 1])


@pytest.mark.parametrize("kernel_size", [1, 2, 3, 4, 5, 6])
@pytest.mark.parametrize("convention, function", [("correlate2d", ce.correlate2d), ("other", ce.convolve2d)])
def test_same_padding_gives_same_size_and_matches_cnnedu(kernel_size, convention, function):
    rng = np.random.default_rng(kernel_size)
    image, kernel = rng.normal(size=(6, 6)), rng.normal(size=(kernel_size, kernel_size))
    before, after = coverage.mode_padding(kernel_size, "same", convention=convention)
    assert before + after == kernel_size - 1
    padded = ce.pad2d(image, ((before, after), (before, after)))
    flipped = kernel if convention == "correlate2d" else kernel[::-1, ::-1]
    np.testing.assert_allclose(ce.correlate2d(padded, flipped), function(image, kernel, mode="same"))


def test_mode_padding_dilation_and_validation():
    assert coverage.mode_padding(3, "full", dilation=2) == (4, 4)
    assert coverage.mode_padding(3, "valid", padding=5) == (0, 0)
    with pytest.raises(ValueError, match="mode must be"):
        coverage.mode_padding(3, "bogus")
    with pytest.raises(ValueError, match="convention must be"):
        coverage.mode_padding(3, "same", convention="torch")


def test_never_visited_cells_with_stride():
    np.testing.assert_array_equal(coverage.never_visited(10, 3, stride=4), [3, 7, 8, 9])
    np.testing.assert_array_equal(coverage.never_visited(7, 3, stride=2), [])
    # with padding, indices are of the unpadded input
    np.testing.assert_array_equal(coverage.never_visited(6, 2, stride=3, padding=1), [1, 4])


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(n=3, kernel_size=5), ValueError, "kernel does not fit"),
        (dict(n=4, kernel_size=3, dilation=2), ValueError, "spans 5 cells"),
        (dict(n=0, kernel_size=1), ValueError, "n must be at least 1"),
        (dict(n=4, kernel_size=2, stride=0), ValueError, "stride must be at least 1"),
        (dict(n=4, kernel_size=2, padding=-1), ValueError, "padding must not be negative"),
        (dict(n=4, kernel_size=2, padding="1"), TypeError, "padding must be an int or a pair"),
        (dict(n=4.0, kernel_size=2), TypeError, "n must be an integer"),
    ],
)
def test_window_positions_validation(kwargs, error, match):
    with pytest.raises(error, match=match):
        coverage.window_positions(**kwargs)


def test_coverage_counts_rectangular_and_validation():
    counts = coverage.coverage_counts((2, 4), 2, stride=2)
    np.testing.assert_array_equal(counts, np.ones((2, 4), dtype=int))
    with pytest.raises(ValueError, match="pair"):
        coverage.coverage_counts((2, 3, 4), 2)


def loop_winners(x, size, stride):
    rows, columns = [], []
    for top in range(0, x.shape[0] - size + 1, stride):
        row_r, row_c = [], []
        for left in range(0, x.shape[1] - size + 1, stride):
            best = None
            for i in range(size):
                for j in range(size):
                    if best is None or x[top + i, left + j] > x[best]:
                        best = (top + i, left + j)
            row_r.append(best[0])
            row_c.append(best[1])
        rows.append(row_r)
        columns.append(row_c)
    return np.array(rows), np.array(columns)


@pytest.mark.parametrize("size, stride", [(2, 2), (2, 1), (3, 2), (3, 3), (4, 1)])
def test_pool_winners_equal_loop_and_max_pool(size, stride):
    rng = np.random.default_rng(size * 10 + stride)
    x = rng.integers(0, 4, size=(7, 8)).astype(float)  # many ties
    rows, columns = coverage.pool_winners(x, size, stride)
    expected_rows, expected_columns = loop_winners(x, size, stride)
    np.testing.assert_array_equal(rows, expected_rows)
    np.testing.assert_array_equal(columns, expected_columns)
    np.testing.assert_array_equal(x[rows, columns], ce.max_pool2d(x, size, stride))


def test_pool_winners_are_where_the_gradient_goes():
    rng = np.random.default_rng(1)
    x = rng.integers(0, 3, size=(6, 6)).astype(float)
    y, cache = ce.max_pool2d_forward(x, 2)
    gradient = ce.max_pool2d_backward(np.ones_like(y), cache)
    rows, columns = coverage.pool_winners(x, 2)
    expected = np.zeros_like(x)
    expected[rows, columns] = 1
    np.testing.assert_array_equal(gradient, expected)


@pytest.mark.parametrize("size, stride", [(2, 2), (2, 1), (3, 2)])
def test_tied_maxima_equal_loop(size, stride):
    rng = np.random.default_rng(3)
    x = rng.integers(0, 3, size=(7, 7)).astype(float)
    counts = coverage.tied_maxima(x, size, stride)
    maxima = ce.max_pool2d(x, size, stride)
    for r, c in np.ndindex(counts.shape):
        window = x[r * stride : r * stride + size, c * stride : c * stride + size]
        assert counts[r, c] == np.sum(window == maxima[r, c])


def test_pooling_helpers_validation():
    with pytest.raises(ValueError, match="does not fit"):
        coverage.tied_maxima(np.ones((2, 2)), 3)
    with pytest.raises(ValueError, match="x must be 2-D"):
        coverage.pool_winners(np.ones((1, 1, 2, 2)), 2)


def test_relative_change():
    assert coverage.relative_change([2.0, -2.0], [2.0, -2.0]) == 0.0
    assert coverage.relative_change([1.0, 1.0], [0.0, 3.0]) == pytest.approx(1.5)
    with pytest.raises(ValueError, match="same shape"):
        coverage.relative_change([1.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="all zeros"):
        coverage.relative_change([0.0, 0.0], [1.0, 2.0])
