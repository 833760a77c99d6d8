"""How much a feature map, and its pooled version, change when the picture
moves by a few pixels (lesson 04).

A convolution is *equivariant*: move the input and its edge map moves with
it, so cell by cell the map changes a lot. Max pooling keeps the largest
response of each window, and a small move often leaves that maximum in the
same window: the pooled map changes less. :func:`shift_maps` computes both
for a crop of a photo and the same crop moved sideways, so the lesson and
its demo only draw the numbers.

>>> maps = shift_maps(shift_source(), 1)
>>> maps.pooled_change < maps.feature_change
True
"""

from dataclasses import dataclass

import numpy as np

from cnnedu._checks import as_array, non_negative_int, positive_int
from cnnedu.correlate import correlate2d
from cnnedu.coverage import relative_change
from cnnedu.images import load_image
from cnnedu.kernels import get_kernel
from cnnedu.pooling import avg_pool2d, pool


def shift_source(name="grace_hopper"):
    """A grayscale photo, downsized 4x by block averaging (150x128 for
    'grace_hopper'), for :func:`shift_maps` to crop.

    Examples
    --------
    >>> shift_source().shape
    (150, 128)
    """
    photo = load_image(name, grayscale=True)
    rows, columns = (photo.shape[0] // 4) * 4, (photo.shape[1] // 4) * 4
    return avg_pool2d(photo[:rows, :columns], 4)


@dataclass(frozen=True, eq=False)
class ShiftMaps:
    """A crop and the moved crop, their edge maps and pooled maps, and how
    much each changed (computed by :func:`shift_maps`).

    Attributes
    ----------
    shift, size : int
        Pixels the picture moved; pooling window (= stride).
    kind : {'max', 'average'}
    crop, crop_shifted : ndarray, shape (crop, crop)
        The photo inside the window, before and after the move.
    features, features_shifted : ndarray, shape (crop, crop)
        Vertical-edge responses (Sobel x, then ReLU) of the two crops.
    pooled, pooled_shifted : ndarray, shape (crop // size, crop // size)
    feature_change, pooled_change : float
        :func:`cnnedu.coverage.relative_change` of the edge maps and of the
        pooled maps.
    """

    shift: int
    size: int
    kind: str
    crop: np.ndarray
    crop_shifted: np.ndarray
    features: np.ndarray
    features_shifted: np.ndarray
    pooled: np.ndarray
    pooled_shifted: np.ndarray
    feature_change: float
    pooled_change: float


def shift_maps(photo, shift, size=2, kind="max", top=40, left=30, crop=64):
    """Edge maps of a crop and of the crop moved ``shift`` pixels, their
    pooled versions, and the relative change of each.

    The feature map is the vertical-edge response (Sobel x, then ReLU) of
    the ``crop`` x ``crop`` window of ``photo`` whose top left corner is at
    (``top``, ``left``). Moving the window ``shift`` columns to the left
    makes the picture inside it move right.

    Parameters
    ----------
    photo : array_like, shape (H, W)
        A grayscale picture (e.g. :func:`shift_source`).
    shift : int
        Pixels the picture moves, at least 0.
    size : int
        Pooling window and stride.
    kind : {'max', 'average'}
    top, left, crop : int
        Where the window sits and its side.

    Returns
    -------
    ShiftMaps

    Raises
    ------
    ValueError
        When the moved window leaves the photo.

    Examples
    --------
    >>> maps = shift_maps(shift_source(), 0)
    >>> maps.feature_change, maps.pooled_change
    (0.0, 0.0)
    """
    photo = as_array("photo", photo, ndim=2)
    shift = non_negative_int("shift", shift)
    size = positive_int("size", size)
    top, left = non_negative_int("top", top), non_negative_int("left", left)
    crop = positive_int("crop", crop)
    if left - shift < 0 or top + crop + 2 > photo.shape[0] or left + crop + 2 > photo.shape[1]:
        raise ValueError(f"the crop moved by {shift} pixels leaves the {photo.shape[0]}x{photo.shape[1]} photo")
    sobel_x = get_kernel("Sobel x")  # bright on the right -> positive

    def window(column):
        return photo[top : top + crop + 2, column : column + crop + 2]  # (crop + 2, crop + 2): a ring for the 3x3

    def features(column):
        return np.maximum(correlate2d(window(column), sobel_x), 0.0)  # (crop, crop)

    original, moved = features(left), features(left - shift)
    pooled, pooled_moved = pool(original, size, kind=kind), pool(moved, size, kind=kind)
    return ShiftMaps(
        shift=shift,
        size=size,
        kind=kind,
        crop=window(left)[1:-1, 1:-1],
        crop_shifted=window(left - shift)[1:-1, 1:-1],
        features=original,
        features_shifted=moved,
        pooled=pooled,
        pooled_shifted=pooled_moved,
        feature_change=relative_change(original, moved),
        pooled_change=relative_change(pooled, pooled_moved),
    )
