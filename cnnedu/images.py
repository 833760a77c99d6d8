"""Images that work offline: real photographs and digits shipped inside
installed packages, small synthetic pictures made on the spot, and your own
picture files (:func:`load_image` reads them with Pillow).

Every image is a float array with values in [0, 1]: (H, W) for grayscale,
(H, W, 3) for colour.
"""

import functools
import io
import warnings

import numpy as np

from cnnedu._checks import as_array, int_shape_pair, positive_int

PHOTOS = ("grace_hopper", "china", "flower")

# Who took each photograph and under which licence: shown wherever a lesson, a demo or the
# docs show the photo (scikit-learn's sklearn/datasets/images/README.txt names the Flickr sources).
PHOTO_CREDITS = {
    "grace_hopper": "Photo: Grace Hopper, official U.S. Navy portrait (public domain), from matplotlib's sample data",
    "china": "Photo: china.jpg by danielbuechele on Flickr, CC BY 2.0, shipped with scikit-learn",
    "flower": "Photo: flower.jpg from vultilion's Flickr photostream, CC BY 2.0, shipped with scikit-learn",
}
_LUMA = np.array([0.299, 0.587, 0.114])  # ITU-R BT.601 weights for R, G, B


@functools.cache
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
    rows, columns = int_shape_pair("shape", shape)
    row_matrix = _area_matrix(image.shape[0], rows)
    column_matrix = _area_matrix(image.shape[1], columns)
    resized = np.tensordot(row_matrix, image, axes=(1, 0))  # (rows, W[, C])
    resized = np.tensordot(column_matrix, resized, axes=(1, 1))  # (columns, rows[, C])
    return np.swapaxes(resized, 0, 1)  # (rows, columns[, C])


def crop_and_resize(image, shape):
    """The largest central part of ``image`` with the aspect ratio of
    ``shape``, resized to ``shape`` by area averaging (nothing is stretched).

    Parameters
    ----------
    image : array_like, shape (H, W) or (H, W, C)
    shape : (rows, columns)

    Examples
    --------
    >>> image = np.arange(24.0).reshape(4, 6)  # wider than tall: columns 1..4 are the central square
    >>> crop_and_resize(image, (2, 2))
    array([[ 4.5,  6.5],
           [16.5, 18.5]])
    """
    image = as_array("image", image, ndim=(2, 3))
    rows, columns = int_shape_pair("shape", shape)
    height, width = image.shape[:2]
    if height * columns > width * rows:  # too tall for the target: keep the middle rows
        height = max(1, round(width * rows / columns))
    else:  # too wide (or just right): keep the middle columns
        width = max(1, round(height * columns / rows))
    top, left = (image.shape[0] - height) // 2, (image.shape[1] - width) // 2
    return resize(image[top : top + height, left : left + width], (rows, columns))


def load_image(source="grace_hopper", grayscale=False, size=None):
    """A picture as floats in [0, 1]: one of the shipped photos, or your own file.

    Parameters
    ----------
    source : str, path, bytes or binary file object
        'grace_hopper' (ships with matplotlib, 600x512), 'china' or
        'flower' (ship with scikit-learn, 427x640); or a path to an image
        file; or the bytes of one (for example from an upload button); or a
        file object opened with ``'rb'``. Files may be PNG (8- or 16-bit;
        grey, RGB, with or without transparency), JPEG, GIF, BMP, WebP, or
        any other format Pillow reads.
    grayscale : bool
        Return (H, W) luminance instead of (H, W, 3) colour. Without it a
        grey file comes back with three equal channels.
    size : int or (rows, columns), optional
        Resize by area averaging. An int sets the longer side and keeps the
        aspect ratio.

    Returns
    -------
    ndarray of float64, shape (H, W, 3), or (H, W) with ``grayscale``

    Raises
    ------
    FileNotFoundError
        ``source`` is a path to a file that does not exist.
    ValueError
        The file is not an image that can be read (empty, text, a PDF,
        truncated or damaged), or ``source`` is not a photo name.
    TypeError
        ``source`` is none of the above (a number, a list, ...).

    Notes
    -----
    What a file becomes:

    * A JPEG is turned the way its EXIF orientation says (as a phone shows
      it); an animated GIF or WebP gives its first frame.
    * Transparent parts are laid on white, as on a page.
    * 8-bit files are divided by 255, 16-bit grey PNGs by 65535 (Pillow
      reads 16-bit colour PNGs as 8-bit).
    * A file larger than ``MAX_SIDE`` (1024) pixels on its longer side is
      reduced to 1024 as it is read, each pixel the mean of the file's
      pixels it covers (Pillow's box filter; a JPEG is first decoded at
      1/2, 1/4 or 1/8 scale): a 12-megapixel phone photo would take about
      290 MB as floats, and every demo uses at most a few hundred pixels.
      ``size`` then resizes from there.

    Examples
    --------
    >>> image = load_image("grace_hopper", grayscale=True, size=64)
    >>> image.shape, bool(0 <= image.min() <= image.max() <= 1)
    ((64, 55), True)
    >>> import io
    >>> from PIL import Image
    >>> file = io.BytesIO()
    >>> Image.new("L", (3, 2), color=255).save(file, format="PNG")
    >>> load_image(file.getvalue()).shape  # bytes of a white 3x2 PNG: grey, so three equal channels
    (2, 3, 3)
    >>> load_image(b"")
    Traceback (most recent call last):
    ...
    ValueError: the image data is empty (0 bytes): there is no picture in it
    """
    if isinstance(source, str) and source in PHOTOS:
        image = _photo_uint8(source).astype(np.float64) / 255.0
    else:
        data, label = _read_source(source)
        image = _decode(data, label)  # (H, W) or (H, W, 3), longer side <= MAX_SIDE
        if image.ndim == 2 and not grayscale:
            image = np.repeat(image[:, :, np.newaxis], 3, axis=2)
    if size is not None:
        if isinstance(size, (tuple, list)):
            shape = tuple(size)
        else:
            longest = positive_int("size", size)
            scale = longest / max(image.shape[:2])
            shape = (max(1, round(image.shape[0] * scale)), max(1, round(image.shape[1] * scale)))
        image = resize(image, shape)
    if grayscale and image.ndim == 3:
        image = to_grayscale(image)
    return np.clip(image, 0.0, 1.0)


MAX_SIDE = 1024  # pictures read from files are reduced to this many pixels on their longer side


def _read_source(source):
    """The bytes of an image file given as a path, bytes or a binary file object,
    and a short description of where they came from (for error messages)."""
    import os
    from pathlib import Path

    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), "the image data"
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if isinstance(source, str) and not path.exists() and not any(mark in source for mark in "./\\"):
            # a bare word such as 'lena': meant as one of the photos, not as a file
            quoted = ", ".join(repr(name) for name in PHOTOS[:-1]) + f" or {PHOTOS[-1]!r}"
            raise ValueError(f"name must be {quoted}; got {source!r} (and there is no file of that name either)")
        if not path.exists():
            raise FileNotFoundError(f"no file at {str(path)!r} (looked for {str(path.resolve())!r})")
        if path.is_dir():
            raise ValueError(f"{str(path)!r} is a folder, not an image file")
        try:
            return path.read_bytes(), f"the file {path.name!r}"
        except OSError as error:
            raise ValueError(f"the file {str(path)!r} cannot be read: {error.strerror or error}") from None
    if hasattr(source, "read"):
        try:
            data = source.read()
        except Exception as error:  # a closed file, a socket that broke...
            raise ValueError(f"the file object cannot be read: {error}") from None
        name = getattr(source, "name", None)
        label = f"the file {os.path.basename(str(name))!r}" if isinstance(name, str) else "the file object"
        if isinstance(data, str):
            raise ValueError(f"{label} was opened as text; open it in binary mode: open(path, 'rb')")
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise ValueError(f"{label} gave {type(data).__name__} when read, not bytes")
        return bytes(data), label
    raise TypeError(
        "source must be a photo name, a file path, the bytes of an image file or a file opened with 'rb'; "
        f"got {type(source).__name__}"
    )


def _what_it_looks_like(data):
    """A guess at what some bytes that are not an image are, for the error message."""
    if data.startswith(b"%PDF"):
        return "a PDF document, not an image: export the page as PNG or JPEG"
    head = data[:512]
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        # a multi-byte character cut at 512 bytes is still text: try once more without the last few bytes
        try:
            text = head[:-3].decode("utf-8") if len(head) > 3 else None
        except UnicodeDecodeError:
            text = None
    if text is not None and all(character.isprintable() or character in "\r\n\t" for character in text):
        lowered = text.lstrip().lower()
        if lowered.startswith("<svg") or "<svg" in lowered[:300]:
            return "an SVG drawing (text that describes shapes), not a picture made of pixels: export it as PNG"
        if lowered.startswith(("<!doctype html", "<html")):
            return "a web page (HTML), not an image: save the picture itself instead"
        return f"text, not an image (it starts with {text[:40]!r})"
    return f"not an image format that can be read (it starts with the bytes {data[:8].hex(' ')})"


def _decode(data, label):
    """Decode image file bytes into floats in [0, 1], (H, W) or (H, W, 3), longer side <= MAX_SIDE.

    Every failure of the decoder becomes a ValueError: a damaged file can make
    Pillow raise many kinds of exceptions (OSError, SyntaxError, struct.error,
    IndexError...), and a student should see one clear message instead.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    if not data:
        raise ValueError(f"{label} is empty (0 bytes): there is no picture in it")
    try:
        with warnings.catch_warnings():
            # Pillow warns about pictures of 89 to 179 megapixels: they are reduced as they are read
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as opened:
                if opened.format == "JPEG":
                    opened.draft(opened.mode, (MAX_SIDE, MAX_SIDE))  # decode at 1/2, 1/4 or 1/8 scale
                image = ImageOps.exif_transpose(opened)  # loads the pixels; turned as the camera meant
                pixels = _to_floats(_shrink(_plain_mode(image)))
    except Image.DecompressionBombError:
        raise ValueError(
            f"{label} is far too large to read safely (it has more pixels than Pillow accepts, "
            f"{2 * (Image.MAX_IMAGE_PIXELS or 0):,}); reduce it in an image editor first"
        ) from None
    except UnidentifiedImageError:
        raise ValueError(f"{label} is {_what_it_looks_like(data)}") from None
    except MemoryError:
        raise ValueError(f"{label} is too large to read in the memory this computer has") from None
    except Exception as error:
        raise ValueError(
            f"{label} is damaged or cut short and cannot be read ({type(error).__name__}: {error})"
        ) from None
    return pixels


# Pillow modes that keep their values as they are; every other mode is converted to one of them.
_GREY_MODES = ("L", "I;16", "I;16B", "I;16L", "I;16N", "I", "F")


def _plain_mode(image):
    """``image`` in one of the modes ``_to_floats`` knows: grey, RGB, or either with alpha."""
    if image.mode in _GREY_MODES + ("LA", "RGB", "RGBA"):
        return image
    if image.mode == "1":
        return image.convert("L")
    if image.mode in ("P", "PA"):  # a palette (GIF, some PNGs): transparency becomes alpha
        has_alpha = image.mode == "PA" or "transparency" in image.info
        return image.convert("RGBA" if has_alpha else "RGB")
    if image.mode in ("La", "RGBa"):  # alpha already multiplied in
        return image.convert("LA" if image.mode == "La" else "RGBA")
    return image.convert("RGB")  # CMYK, YCbCr, LAB, HSV, RGBX...


def _shrink(image):
    """Reduce ``image`` by averaging (box filter) so that its longer side is at most MAX_SIDE."""
    from PIL import Image

    width, height = image.size
    if max(width, height) <= MAX_SIDE:
        return image
    scale = MAX_SIDE / max(width, height)
    target = (max(1, round(width * scale)), max(1, round(height * scale)))
    return image.resize(target, Image.Resampling.BOX)


def _to_floats(image):
    """Pixels of a grey, RGB, LA or RGBA Pillow image as floats in [0, 1]; alpha laid on white."""
    pixels = np.asarray(image)
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        values = pixels.astype(np.float64) / 65535.0  # 16-bit PNG (Pillow may give it as 32-bit 'I')
    elif image.mode == "F":
        values = pixels.astype(np.float64)  # floats (TIFF): taken as they are, clipped to [0, 1]
    else:
        values = pixels.astype(np.float64) / 255.0
    if image.mode in ("LA", "RGBA"):
        colour, alpha = values[..., :-1], values[..., -1:]
        values = colour * alpha + (1.0 - alpha)  # over white, as on a page
        if image.mode == "LA":
            values = values[..., 0]
    return np.clip(values, 0.0, 1.0)


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
