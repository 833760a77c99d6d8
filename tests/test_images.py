"""Offline images: real photographs and digits from installed packages, and synthetic pictures."""

import numpy as np
import pytest

import cnnedu as ce


@pytest.mark.parametrize("name, shape", [("grace_hopper", (600, 512, 3)), ("china", (427, 640, 3)), ("flower", (427, 640, 3))])
def test_photographs_load_offline_in_unit_range(name, shape):
    image = ce.load_image(name)
    assert image.shape == shape and image.dtype == np.float64
    assert 0 <= image.min() < 0.2 and 0.8 < image.max() <= 1
    gray = ce.load_image(name, grayscale=True)
    assert gray.shape == shape[:2]
    np.testing.assert_allclose(gray, image @ [0.299, 0.587, 0.114])


def test_resize_keeps_aspect_and_means():
    small = ce.load_image("china", size=64)
    assert small.shape == (43, 64, 3)
    assert ce.load_image("china", size=(20, 30), grayscale=True).shape == (20, 30)
    big = ce.load_image("china")
    assert small.mean() == pytest.approx(big.mean(), abs=1e-3)  # area averaging keeps the mean


def test_resize_by_area_against_block_means(rng):
    image = rng.uniform(size=(12, 18))
    np.testing.assert_allclose(ce.resize(image, (4, 6)), image.reshape(4, 3, 6, 3).mean(axis=(1, 3)))
    np.testing.assert_allclose(ce.resize(image, (12, 18)), image)


def test_digits():
    images, labels = ce.load_digits()
    assert images.shape == (1797, 8, 8) and labels.shape == (1797,)
    assert images.min() == 0 and images.max() == 1
    assert set(labels.tolist()) == set(range(10))


def test_synthetic_images():
    assert ce.checkerboard(8, 2).sum() == 32
    edge = ce.edge_image(9, angle=0)  # horizontal edge, bright below
    assert edge[0].sum() == 0 and edge[-1].sum() == 9
    diagonal = ce.edge_image(5, angle=45)  # bright lower right, dark upper left, dark on the diagonal
    assert diagonal[-1, -1] == 1 and diagonal[0, 0] == 0
    assert np.array_equal(diagonal, diagonal.T)  # a 45-degree edge is its own mirror image across the main diagonal
    assert diagonal.sum() == 10  # the 5 cells on the diagonal are dark, half the rest bright
    shapes = ce.shapes_image(64)
    assert 0.1 < shapes.mean() < 0.4


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: ce.load_image("lena"), ValueError, r"name must be 'grace_hopper', 'china' or 'flower'; got 'lena'"),
        (lambda: ce.load_image(size=0), ValueError, r"size must be at least 1"),
        (lambda: ce.resize(np.ones((4, 4)), 3), TypeError, r"shape must be a pair"),
        (lambda: ce.resize(np.ones(4), (2, 2)), ValueError, r"image must be 2 or 3-D"),
        (lambda: ce.to_grayscale(np.ones((4, 4, 4))), ValueError, r"image must have 3 colour channels"),
        (lambda: ce.checkerboard(0), ValueError, r"size must be at least 1"),
        (lambda: ce.shapes_image(8), ValueError, r"size must be at least 16"),
    ],
)
def test_bad_input_gets_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize("name", ["china", "flower"])
def test_scikit_learn_photos_are_the_ones_sklearn_loads(name):
    """cnnedu reads scikit-learn's photos from its package folder without
    importing sklearn.datasets (slow): the pixels must be exactly the ones
    sklearn's own loader returns."""
    from sklearn.datasets import load_sample_image

    from cnnedu.images import _photo_uint8

    np.testing.assert_array_equal(_photo_uint8(name), load_sample_image(f"{name}.jpg"))
