"""cnnedu.coverage against explicit loops and against cnnedu's own math."""

import itertools

import numpy as np
import pytest
import scipy.signal

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


# ------------------------------------------------------------------ padding_geometry (lesson 03's pictures)

GEOMETRY_SETTINGS = [
    # n, kernel_size, stride, padding, dilation, mode label
    (7, 3, 2, 1, 1, "explicit padding p"),
    (10, 3, 4, 0, 1, "explicit padding p"),
    (16, 5, 3, 2, 2, "explicit padding p"),
    (6, 4, 1, 0, 1, "same (as correlate2d)"),
    (6, 4, 1, 0, 1, "same (as convolve2d)"),
    (9, 3, 2, 3, 2, "same (as convolve2d)"),
    (5, 3, 2, 0, 2, "full"),
    (8, 2, 3, 0, 1, "valid"),
    (5, 3, 1, 4, 1, "valid"),  # the padding slider does not count outside 'explicit padding p'
    (1, 1, 1, 0, 1, "valid"),
]


def loop_padding(n, kernel_size, padding, dilation, mode):
    """(before, after) from the words of each mode: 'same' adds span - 1 zeros in all, the larger half
    after the input as scipy's correlate2d does, or before it as convolve2d does."""
    span = dilation * (kernel_size - 1) + 1
    if mode == "explicit padding p":
        return padding, padding
    if mode == "valid":
        return 0, 0
    if mode == "full":
        return span - 1, span - 1
    small, large = (span - 1) // 2, span - 1 - (span - 1) // 2
    return (small, large) if mode == "same (as correlate2d)" else (large, small)


def loop_positions(length, kernel_size, stride, dilation):
    """Tap indices of every window, found by sliding a window until it falls off the padded input."""
    positions, start = [], 0
    while start + dilation * (kernel_size - 1) < length:
        positions.append([start + j * dilation for j in range(kernel_size)])
        start += stride
    return np.array(positions)


@pytest.mark.parametrize("n, kernel_size, stride, padding, dilation, mode", GEOMETRY_SETTINGS)
def test_padding_geometry_equals_loops_over_the_definition(n, kernel_size, stride, padding, dilation, mode):
    geometry = coverage.padding_geometry(n, kernel_size, stride, padding, dilation, mode)
    before, after = loop_padding(n, kernel_size, padding, dilation, mode)
    assert (geometry.before, geometry.after, geometry.length) == (before, after, n + before + after)
    assert geometry.span == dilation * (kernel_size - 1) + 1
    positions = loop_positions(n + before + after, kernel_size, stride, dilation)
    np.testing.assert_array_equal(geometry.positions, positions)
    np.testing.assert_array_equal(geometry.counts, loop_coverage_2d(n, kernel_size, stride, (before, after), dilation))
    assert geometry.output_size == len(positions)
    # the shape scipy gives for the same padding, dilated kernel and stride
    dilated = np.zeros((geometry.span, geometry.span))
    dilated[::dilation, ::dilation] = 1.0
    padded = np.pad(np.ones((n, n)), (before, after))
    expected_shape = scipy.signal.correlate2d(padded, dilated, mode="valid")[::stride, ::stride].shape
    assert geometry.computed_shape == expected_shape == (len(positions), len(positions))
    assert (geometry.n, geometry.kernel_size, geometry.stride, geometry.dilation, geometry.mode) == (
        n,
        kernel_size,
        stride,
        dilation,
        mode,
    )


def test_padding_geometry_names_the_function_and_the_mode_it_ran():
    assert coverage.padding_geometry(6, 4, mode="same (as convolve2d)").function_name == "convolve2d"
    assert coverage.padding_geometry(6, 4, mode="same (as correlate2d)").function_name == "correlate2d"
    assert coverage.padding_geometry(6, 4, mode="full").padding_mode == "full"
    assert coverage.padding_geometry(6, 3, padding=2).padding_mode == "explicit"
    for label, (mode, convention, function) in coverage.LABELLED_PADDING_MODES.items():
        assert mode in coverage.PADDING_MODES and convention in ("correlate2d", "other")
        assert function in (ce.correlate2d, ce.convolve2d), label


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(n=3, kernel_size=7, mode="valid"), ValueError, "the kernel does not fit: 7 taps span 7 cells"),
        (dict(n=2, kernel_size=3, dilation=3, padding=1), ValueError, r"with dilation 3 span 7 cells.*2 \+ 2 = 4"),
        (dict(n=3, kernel_size=3, mode="bogus"), ValueError, "mode must be 'explicit padding p', .* got 'bogus'"),
        (dict(n=0, kernel_size=3), ValueError, "n must be at least 1"),
        (dict(n=5, kernel_size=3, stride=0), ValueError, "stride must be at least 1"),
        (dict(n=5, kernel_size=3, padding=-1), ValueError, "padding must not be negative"),
        (dict(n=5.0, kernel_size=3), TypeError, "n must be an integer"),
    ],
)
def test_padding_geometry_rejects_impossible_settings_readably(kwargs, error, match):
    with pytest.raises(error, match=match):
        coverage.padding_geometry(**kwargs)


# ------------------------------------------------------------------ pooling_geometry (lesson 04's picture)


def loop_pooling(x, size, stride, kind):
    """Windows, pooled values, first maxima and never-pooled cells, by walking every window."""
    windows, values, reached = [], [], np.zeros(x.shape, dtype=bool)
    for top in range(0, x.shape[0] - size + 1, stride):
        row = []
        for left in range(0, x.shape[1] - size + 1, stride):
            windows.append((top, left))
            cells = [x[top + i, left + j] for i in range(size) for j in range(size)]
            row.append(max(cells) if kind == "max" else sum(cells) / len(cells))
            reached[top : top + size, left : left + size] = True
        values.append(row)
    return np.array(windows), np.array(values), ~reached


@pytest.mark.parametrize("map_name", coverage.EXAMPLE_MAPS)
@pytest.mark.parametrize("size, stride", [(1, 1), (2, 2), (2, 1), (3, 2), (3, 1), (4, 4), (2, 3)])
@pytest.mark.parametrize("kind", ["max", "average"])
def test_pooling_geometry_equals_loops_over_the_definition(map_name, size, stride, kind):
    x = coverage.example_map(map_name)
    geometry = coverage.pooling_geometry(x, size, stride, kind)
    windows, values, unpooled = loop_pooling(x, size, stride, kind)
    np.testing.assert_array_equal(geometry.windows, windows)
    np.testing.assert_allclose(geometry.output, values)
    np.testing.assert_array_equal(geometry.unpooled, unpooled)
    np.testing.assert_array_equal(geometry.x, x)
    assert (geometry.size, geometry.stride, geometry.kind) == (size, stride, kind)
    if kind == "max":
        rows, columns = geometry.winners
        expected_rows, expected_columns = loop_winners(x, size, stride)
        np.testing.assert_array_equal(rows, expected_rows)
        np.testing.assert_array_equal(columns, expected_columns)
    else:
        assert geometry.winners is None


def test_pooling_geometry_stride_defaults_to_the_window():
    geometry = coverage.pooling_geometry(coverage.EXAMPLE_MAP, 2)
    assert geometry.stride == 2 and geometry.windows.tolist() == [[0, 0], [0, 2], [2, 0], [2, 2]]
    assert geometry.output.tolist() == [[6, 8], [9, 5]]


@pytest.mark.parametrize(
    "call, error, match",
    [
        (
            lambda: coverage.pooling_geometry(coverage.EXAMPLE_MAP, 5),
            ValueError,
            "a 5x5 window does not fit in the 4x4",
        ),
        (lambda: coverage.pooling_geometry(coverage.EXAMPLE_MAP, 2, kind="min"), ValueError, "kind must be 'max' or"),
        (lambda: coverage.pooling_geometry(np.ones((1, 4, 4)), 2), ValueError, "x must be 2-D"),
        (lambda: coverage.pooling_geometry(coverage.EXAMPLE_MAP, 0), ValueError, "size must be at least 1"),
        (lambda: coverage.pooling_geometry(coverage.EXAMPLE_MAP, 2, stride=0), ValueError, "stride must be at least"),
        (lambda: coverage.example_map("8x8"), ValueError, "name must be '4x4 example' or 'random 6x6'; got '8x8'"),
    ],
)
def test_pooling_geometry_rejects_bad_arguments_readably(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_example_maps_are_the_lesson_example_and_a_seeded_random_map():
    np.testing.assert_array_equal(coverage.example_map(), [[1, 3, 2, 4], [5, 6, 7, 8], [9, 2, 3, 1], [4, 0, 1, 5]])
    random_map = coverage.example_map("random 6x6")
    np.testing.assert_array_equal(random_map, coverage.example_map("random 6x6"))  # seeded
    assert random_map.shape == (6, 6) and random_map.min() >= 0 and random_map.max() <= 9
    coverage.example_map()[0, 0] = 99.0  # a copy: the example stays as it is
    assert coverage.EXAMPLE_MAP[0, 0] == 1.0
