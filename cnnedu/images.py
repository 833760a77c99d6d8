"""Images that work offline: real photographs and digits shipped inside
installed packages, and small synthetic pictures made on the spot.

Every image is a float array with values in [0, 1]: (H, W) for grayscale,
(H, W, 3) for colour.
"""

import functools

import numpy as np

from cnnedu._checks import as_array, one_of, positive_int

PHOTOS = ("grace_hopper", "china", "flower")

# Who took each photograph and under which licence: shown wherever a lesson, a demo or the
# docs show the photo (scikit-learn's sklearn/datasets/images/README.txt names the Flickr sources).
PHOTO_CREDITS = {
    "grace_hopper": "Photo: Grace Hopper, official U.S. Navy portrait (public domain), from matplotlib's sample data",
    "china": "Photo: china.jpg by danielbuechele on Flickr, CC BY 2.0, shipped with scikit-learn",
    "flower": "Photo: flower.jpg from vultilion's Flickr photostream, CC BY 2.0, shipped with scikit-learn",
}
_LUMA = np.array([0.299, 0.587, 0.114])  # ITU-R BT.601 weights for R, G, B


@functools.lru_cache(maxsize=None)
def _photo_uint8(name):
    if name == "grace_hopper":
        import matplotlib.cbook
        import matplotlib.image

        with matplotlib.cbook.get_sample_data("grace_hopper.jpg") as file:
            return matplotlib.image.imread(file, format="jpg")
    # scikit-learn ships china.jpg and flower.jpg. They are read from its package
    # folder directly (as sklearn.datasets.load_sample_image does, with Pillow),
    # because importing sklearn.datasets takes about half a second: a demo's
    # first switch to another photo would stall.
    import importlib.util
    from pathlib import Path

    from PIL import Image

    spec = importlib.util.find_spec("sklearn")  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(f"the photo {name!r} comes with scikit-learn, which is not installed")
    path = Path(list(spec.submodule_search_locations)[0]) / "datasets" / "images" / f"{name}.jpg"
    with Image.open(path) as photo:
        return np.asarray(photo)


def to_grayscale(image):
    """Luminance of an RGB image: (H, W, 3) -> (H, W).

    Examples
    --------
    >>> to_grayscale(np.ones((2, 2, 3))).round(6)
    array([[1., 1.],
           [1., 1.]])
    """
    image = as_array("image", image, ndim=3)
    if image.shape[2] != 3:
        raise ValueError(f"image must have 3 colour channels, shape (H, W, 3); got {image.shape}")
    return image @ _LUMA


def _area_matrix(n_in, n_out):
    """(n_out, n_in) matrix whose rows average the input cells each output cell covers."""
    edges = np.linspace(0, n_in, n_out + 1)
    matrix = np.zeros((n_out, n_in))
    for row in range(n_out):
        start, stop = edges[row], edges[row + 1]
        for cell in range(int(np.floor(start)), int(np.ceil(stop))):
            overlap = min(stop, cell + 1) - max(start, cell)
            if overlap > 0:
                matrix[row, cell] = overlap
    return matrix / matrix.sum(axis=1, keepdims=True)


def resize(image, shape):
    """Resize by area averaging (each output cell is the mean of what it covers).

    Parameters
    ----------
    image : array_like, shape (H, W) or (H, W, C)
    shape : (rows, columns)

    Examples
    --------
    >>> resize(np.arange(16.0).reshape(4, 4), (2, 2))
    array([[ 2.5,  4.5],
           [10.5, 12.5]])
    """
    image = as_array("image", image, ndim=(2, 3))
    if not isinstance(shape, (tuple, list)) or len(shape) != 2:
        raise TypeError(f"shape must be a pair (rows, columns); got {shape!r}")
    rows = positive_int("shape[0]", shape[0])
    columns = positive_int("shape[1]", shape[1])
    row_matrix = _area_matrix(image.shape[0], rows)
    column_matrix = _area_matrix(image.shape[1], columns)
    resized = np.tensordot(row_matrix, image, axes=(1, 0))  # (rows, W[, C])
    resized = np.tensordot(column_matrix, resized, axes=(1, 1))  # (columns, rows[, C])
    return np.swapaxes(resized, 0, 1)  # (rows, columns[, C])


def load_image(name="grace_hopper", grayscale=False, size=None):
    """A real photograph as floats in [0, 1], loaded from an installed package.

    Parameters
    ----------
    name : {'grace_hopper', 'china', 'flower'}
        'grace_hopper' ships with matplotlib (600x512); 'china' and 'flower'
        with scikit-learn (427x640).
    grayscale : bool
        Return (H, W) luminance instead of (H, W, 3) colour.
    size : int or (rows, columns), optional
        Resize by area averaging. An int sets the longer side and keeps the
        aspect ratio.

    Examples
    --------
    >>> image = load_image("grace_hopper", grayscale=True, size=64)
    >>> image.shape, bool(0 <= image.min() <= image.max() <= 1)
    ((64, 55), True)
    """
    one_of("name", name, PHOTOS)
    image = _photo_uint8(name).astype(np.float64) / 255.0
    if size is not None:
        if isinstance(size, (tuple, list)):
            shape = tuple(size)
        else:
            longest = positive_int("size", size)
            scale = longest / max(image.shape[:2])
            shape = (max(1, round(image.shape[0] * scale)), max(1, round(image.shape[1] * scale)))
        image = resize(image, shape)
    if grayscale:
        image = to_grayscale(image)
    return np.clip(image, 0.0, 1.0)


def load_digits():
    """scikit-learn's 1797 handwritten digits (8x8) as floats in [0, 1].

    Returns
    -------
    images : ndarray, shape (1797, 8, 8)
    labels : ndarray of int, shape (1797,)

    Examples
    --------
    >>> images, labels = load_digits()
    >>> images.shape, labels[:5].tolist(), float(images.max())
    ((1797, 8, 8), [0, 1, 2, 3, 4], 1.0)
    """
    from sklearn.datasets import load_digits as sklearn_load_digits

    digits = sklearn_load_digits()
    return digits.images / 16.0, digits.target.astype(np.int64)


def edge_image(size=32, angle=45.0):
    """A straight edge through the centre: 1 on one side, 0 on the other.

    ``angle`` is the direction of the edge in degrees, counter-clockwise from
    horizontal; the bright side is to the right of that direction
    (0: a horizontal edge, bright below; 90: a vertical edge, bright on the
    right; 45: a diagonal edge, bright in the lower right, the pattern of the
    45-degree edge kernel of lesson 01).

    Examples
    --------
    >>> edge_image(4, angle=90)
    array([[0., 0., 1., 1.],
           [0., 0., 1., 1.],
           [0., 0., 1., 1.],
           [0., 0., 1., 1.]])
    """
    size = positive_int("size", size)
    centre = (size - 1) / 2
    rows, columns = np.mgrid[0:size, 0:size]
    theta = np.deg2rad(float(angle))
    # (x, y) with y pointing up; the edge runs along (cos, sin); bright side is to its right
    x, y = columns - centre, centre - rows
    side = x * np.sin(theta) - y * np.cos(theta)
    return (side > 1e-9).astype(np.float64)


def checkerboard(size=32, square=4):
    """Black and white squares of ``square`` x ``square`` cells; top left black.

    Examples
    --------
    >>> checkerboard(4, 2)
    array([[0., 0., 1., 1.],
           [0., 0., 1., 1.],
           [1., 1., 0., 0.],
           [1., 1., 0., 0.]])
    """
    size = positive_int("size", size)
    square = positive_int("square", square)
    rows, columns = np.mgrid[0:size, 0:size]
    return (((rows // square) + (columns // square)) % 2).astype(np.float64)


def shapes_image(size=64):
    """A square, a disk, a triangle and a thin diagonal line on black.

    Examples
    --------
    >>> image = shapes_image(64)
    >>> image.shape, sorted(np.unique(image).tolist())
    ((64, 64), [0.0, 1.0])
    """
    size = positive_int("size", size)
    if size < 16:
        raise ValueError(f"size must be at least 16 for the shapes to be visible; got {size}")
    image = np.zeros((size, size))
    rows, columns = np.mgrid[0:size, 0:size] / size  # coordinates in [0, 1)
    image[(rows > 0.1) & (rows < 0.4) & (columns > 0.1) & (columns < 0.4)] = 1  # square
    image[(rows - 0.25) ** 2 + (columns - 0.72) ** 2 < 0.15**2] = 1  # disk
    image[(rows > 0.55) & (rows < 0.9) & (np.abs(columns - 0.27) < (rows - 0.55) * 0.5)] = 1  # triangle
    on_line = np.abs((rows - 0.55) - (columns - 0.6)) < 0.6 / size * 2
    image[on_line & (rows > 0.55) & (rows < 0.9) & (columns > 0.6)] = 1  # diagonal line
    return image
