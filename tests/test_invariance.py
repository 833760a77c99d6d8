"""cnnedu.invariance: the shifted crops, their edge maps and pooled maps
against scipy and explicit loops."""

import numpy as np
import pytest
import scipy.signal

import cnnedu as ce
from cnnedu.invariance import ShiftMaps, shift_maps, shift_source

SOBEL_X = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])  # brightness rising to the right


@pytest.fixture(scope="module")
def photo():
    return shift_source()


def loop_pool(x, size, kind):
    """Pool by walking every window (stride = size)."""
    rows, columns = x.shape[0] // size, x.shape[1] // size
    out = np.zeros((rows, columns))
    for r in range(rows):
        for c in range(columns):
            window = x[r * size : (r + 1) * size, c * size : (c + 1) * size]
            out[r, c] = window.max() if kind == "max" else window.mean()
    return out


def test_shift_source_is_the_photo_averaged_over_4x4_blocks(photo):
    full = ce.load_image("grace_hopper", grayscale=True)
    assert photo.shape == (full.shape[0] // 4, full.shape[1] // 4) == (150, 128)
    for row, column in [(0, 0), (10, 7), (149, 127)]:
        assert photo[row, column] == pytest.approx(full[4 * row : 4 * row + 4, 4 * column : 4 * column + 4].mean())


@pytest.mark.parametrize("shift", [0, 1, 3])
@pytest.mark.parametrize("size, kind", [(2, "max"), (4, "max"), (2, "average"), (3, "average")])
def test_shift_maps_equal_scipy_and_loops(photo, shift, size, kind):
    maps = shift_maps(photo, shift, size, kind, top=40, left=30, crop=64)
    assert isinstance(maps, ShiftMaps) and (maps.shift, maps.size, maps.kind) == (shift, size, kind)
    for moved, column in ((0, 30), (shift, 30 - shift)):
        window = photo[40 : 40 + 66, column : column + 66]  # the crop with a one-pixel ring for the 3x3 kernel
        features = np.maximum(scipy.signal.correlate2d(window, SOBEL_X, mode="valid"), 0.0)
        pooled = loop_pool(features, size, kind)
        if moved:
            crop, edge_map, pooled_map = maps.crop_shifted, maps.features_shifted, maps.pooled_shifted
        else:
            crop, edge_map, pooled_map = maps.crop, maps.features, maps.pooled
        np.testing.assert_allclose(crop, window[1:-1, 1:-1])
        np.testing.assert_allclose(edge_map, features, atol=1e-12)
        np.testing.assert_allclose(pooled_map, pooled, atol=1e-12)
    # moving the crop moves the picture: shifted column c + shift == original column c
    np.testing.assert_allclose(maps.features_shifted[:, shift:], maps.features[:, : 64 - shift])
    changed = np.abs(maps.features_shifted - maps.features).sum() / np.abs(maps.features).sum()
    assert maps.feature_change == pytest.approx(changed)
    pooled_changed = np.abs(maps.pooled_shifted - maps.pooled).sum() / np.abs(maps.pooled).sum()
    assert maps.pooled_change == pytest.approx(pooled_changed)
    if shift == 0:
        assert maps.feature_change == maps.pooled_change == 0


def test_max_pooling_changes_less_than_the_edge_map_for_a_one_pixel_shift(photo):
    maps = shift_maps(photo, 1, 2, "max")
    assert maps.pooled_change < 0.7 * maps.feature_change


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(shift=31), ValueError, "the crop moved by 31 pixels leaves the 150x128 photo"),
        (dict(shift=-1), ValueError, "shift must not be negative"),
        (dict(shift=1, size=0), ValueError, "size must be at least 1"),
        (dict(shift=1, kind="min"), ValueError, "kind must be 'max' or 'average'"),
        (dict(shift=1, crop=0), ValueError, "crop must be at least 1"),
        (dict(shift=1, top=140), ValueError, "leaves the 150x128 photo"),
        (dict(shift=1.5), TypeError, "shift must be an integer"),
    ],
)
def test_shift_maps_rejects_bad_arguments_readably(photo, kwargs, error, match):
    with pytest.raises(error, match=match):
        shift_maps(photo, **kwargs)


def test_shift_maps_needs_a_grayscale_photo():
    with pytest.raises(ValueError, match="photo must be 2-D"):
        shift_maps(np.zeros((150, 128, 3)), 1)
