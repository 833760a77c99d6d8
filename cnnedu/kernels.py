"""Named 3x3 kernels (filters) and small helpers to look inside one position
of a sliding window.

Every kernel here is meant for **cross-correlation** (what CNN libraries
compute): it is laid over the image as written, not flipped. Each one is a
detector for the pattern its weights draw:

* '45-degree edge': a diagonal edge running from bottom left to top right,
  dark above it and bright below it.
* 'Sobel x': brightness rising from left to right (a vertical edge).
* 'Sobel y': brightness rising from top to bottom (a horizontal edge).
* 'Laplacian': a spot that differs from its four neighbours (its weights
  sum to zero, so flat regions give 0).
* 'box blur': the mean of the 9 pixels.
* 'sharpen': the pixel plus its difference from its four neighbours.
* 'identity': the centre pixel unchanged.

>>> get_kernel("Sobel x")
array([[-1.,  0.,  1.],
       [-2.,  0.,  2.],
       [-1.,  0.,  1.]])
"""

import ast

import numpy as np

from cnnedu._checks import as_array, non_negative_int

KERNELS = {
    "45-degree edge": [[-1, -1, 2], [-1, 2, 1], [2, 1, 1]],
    "Sobel x": [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
    "Sobel y": [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
    "Laplacian": [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
    "box blur": [[1 / 9, 1 / 9, 1 / 9], [1 / 9, 1 / 9, 1 / 9], [1 / 9, 1 / 9, 1 / 9]],
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    "identity": [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
}


def kernel_names():
    """Names of the preset kernels, in the order the lessons show them.

    Examples
    --------
    >>> kernel_names()[:3]
    ['45-degree edge', 'Sobel x', 'Sobel y']
    """
    return list(KERNELS)


def get_kernel(name):
    """A preset kernel by name, as a new (3, 3) float array.

    Parameters
    ----------
    name : str
        One of :func:`kernel_names`.

    Returns
    -------
    ndarray, shape (3, 3)

    Examples
    --------
    >>> get_kernel("45-degree edge")
    array([[-1., -1.,  2.],
           [-1.,  2.,  1.],
           [ 2.,  1.,  1.]])
    >>> get_kernel("blur")
    Traceback (most recent call last):
    ...
    ValueError: unknown kernel name 'blur'; choose one of '45-degree edge', 'Sobel x', 'Sobel y', 'Laplacian',
    'box blur', 'sharpen', 'identity'
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a kernel name (str); got {type(name).__name__}")
    if name not in KERNELS:
        listed = ", ".join(repr(known) for known in KERNELS)
        raise ValueError(f"unknown kernel name {name!r}; choose one of {listed}")
    return np.array(KERNELS[name], dtype=np.float64)


def flip_kernel(kernel):
    """The kernel turned by 180 degrees: reversed left-right and up-down.

    Convolution is cross-correlation with this flipped kernel.

    Examples
    --------
    >>> flip_kernel([[1, 2], [3, 4]])
    array([[4., 3.],
           [2., 1.]])
    >>> flip_kernel([1, 2, 3])
    array([3., 2., 1.])
    """
    kernel = as_array("kernel", kernel, ndim=(1, 2))
    return np.flip(kernel).copy()


def window_products(image, kernel, row, column):
    """The image window under the kernel at one position and its element-wise
    products with the kernel.

    At output position ``(row, column)`` of a 'valid' cross-correlation the
    kernel covers ``image[row:row + kh, column:column + kw]``; the output
    value there is ``products.sum()``.

    Parameters
    ----------
    image : array_like, shape (H, W)
    kernel : array_like, shape (kh, kw)
    row, column : int
        Top-left corner of the window (0 <= row <= H - kh).

    Returns
    -------
    window : ndarray, shape (kh, kw)
    products : ndarray, shape (kh, kw)
        ``window * kernel``.

    Examples
    --------
    >>> window, products = window_products([[0, 0, 1], [0, 1, 1], [1, 1, 1]], get_kernel("45-degree edge"), 0, 0)
    >>> products
    array([[-0., -0.,  2.],
           [-0.,  2.,  1.],
           [ 2.,  1.,  1.]])
    >>> float(products.sum())
    9.0
    """
    image = as_array("image", image, ndim=2)
    kernel = as_array("kernel", kernel, ndim=2)
    row = non_negative_int("row", row)
    column = non_negative_int("column", column)
    kh, kw = kernel.shape
    if row + kh > image.shape[0] or column + kw > image.shape[1]:
        raise ValueError(
            f"a {kh}x{kw} kernel at row {row}, column {column} does not fit in an image of shape "
            f"{image.shape}; row must be at most {image.shape[0] - kh} and column at most {image.shape[1] - kw}"
        )
    window = image[row : row + kh, column : column + kw]  # (kh, kw)
    return window.copy(), window * kernel


def response_range(kernel, low=0.0, high=1.0):
    """Smallest and largest response a kernel can give on pixels in [low, high].

    The largest puts ``high`` under every positive weight and ``low`` under
    every negative one; the smallest does the opposite. Useful for a fixed
    colour scale while a kernel scans an image.

    Examples
    --------
    >>> response_range(get_kernel("45-degree edge"))
    (-3.0, 9.0)
    >>> response_range(get_kernel("Sobel x"))
    (-4.0, 4.0)
    """
    kernel = as_array("kernel", kernel)
    low, high = float(low), float(high)
    if low > high:
        raise ValueError(f"low must not exceed high; got low={low}, high={high}")
    positive = kernel[kernel > 0].sum()
    negative = kernel[kernel < 0].sum()
    largest = high * positive + low * negative
    smallest = low * positive + high * negative
    return float(smallest), float(largest)


def parse_kernel(text, shape=(3, 3)):
    """Read a kernel typed as a nested list, e.g. ``"[[0, 1, 0], [1, -4, 1], [0, 1, 0]]"``.

    Parameters
    ----------
    text : str
        A Python-style list of rows of numbers (fractions like ``1/9`` are
        not allowed; write ``0.111``).
    shape : tuple of int, optional
        Required shape; None accepts any 2-D shape.

    Returns
    -------
    ndarray of float

    Raises
    ------
    ValueError
        With a message a student can act on, when the text is not a
        rectangular list of numbers of the required shape.

    Examples
    --------
    >>> parse_kernel("[[1, 0, -1], [2, 0, -2], [1, 0, -1]]")[1]
    array([ 2.,  0., -2.])
    >>> parse_kernel("[[1, 2], [3, 4]]")
    Traceback (most recent call last):
    ...
    ValueError: the kernel must be 3x3; got 2 rows of 2
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str; got {type(text).__name__}")
    try:
        value = ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        raise ValueError(
            f"could not read {text!r} as a kernel; type rows of numbers like [[0, 1, 0], [1, -4, 1], [0, 1, 0]]"
        ) from None
    if not isinstance(value, (list, tuple)) or not all(isinstance(row, (list, tuple)) for row in value):
        raise ValueError("the kernel must be a list of rows, like [[0, 1, 0], [1, -4, 1], [0, 1, 0]]")
    for row in value:
        for entry in row:
            if isinstance(entry, bool) or not isinstance(entry, (int, float)):
                raise ValueError(f"every kernel entry must be a number; got {entry!r}")
    lengths = {len(row) for row in value}
    if len(lengths) > 1:
        raise ValueError(f"every row of the kernel must have the same length; got lengths {[len(r) for r in value]}")
    kernel = np.array(value, dtype=np.float64)
    if kernel.ndim != 2 or kernel.size == 0:
        raise ValueError("the kernel must be a non-empty list of rows of numbers")
    if not np.all(np.isfinite(kernel)):
        raise ValueError("every kernel entry must be a finite number")
    if shape is not None and kernel.shape != tuple(shape):
        raise ValueError(f"the kernel must be {shape[0]}x{shape[1]}; got {kernel.shape[0]} rows of {kernel.shape[1]}")
    return kernel


def format_kernel(kernel):
    """A kernel as text that :func:`parse_kernel` reads back.

    Examples
    --------
    >>> format_kernel(get_kernel("Laplacian"))
    '[[0, 1, 0], [1, -4, 1], [0, 1, 0]]'
    >>> format_kernel(get_kernel("box blur"))
    '[[0.1111, 0.1111, 0.1111], [0.1111, 0.1111, 0.1111], [0.1111, 0.1111, 0.1111]]'
    """
    kernel = as_array("kernel", kernel, ndim=2)
    rows = (", ".join(f"{value:.4g}" for value in row) for row in kernel)
    return "[" + ", ".join(f"[{row}]" for row in rows) + "]"


def causal_step(signal, impulse_response, time, flip=True):
    """One step of a causal system ``y = signal * impulse_response`` (convolution).

    At time ``t`` the output is ``y[t] = sum_k h[k] x[t - k]``: the newest
    input meets ``h[0]``, the input one step older meets ``h[1]`` and so on.
    Laid under the input, the impulse response therefore appears reversed.

    Parameters
    ----------
    signal : array_like, shape (N,)
        Input ``x[0..N-1]``; zero before 0 and after N-1.
    impulse_response : array_like, shape (K,)
    time : int
        0 or more (after ``N + K - 2`` the output is 0).
    flip : bool
        True (convolution): the response is laid under the input reversed.
        False: it is laid down as written (cross-correlation), which plays
        the response backwards in time.

    Returns
    -------
    input_times : ndarray of int, shape (K,)
        ``t - K + 1, ..., t``: the input times under the reversed response.
    taps : ndarray, shape (K,)
        ``h[K-1], ..., h[0]`` (or ``h`` itself when ``flip`` is False),
        aligned with ``input_times``.
    products : ndarray, shape (K,)
        ``x[input_times] * taps`` (x is 0 outside 0..N-1).
    output : float
        ``products.sum()`` = ``y[time]``.

    Examples
    --------
    >>> times, taps, products, y = causal_step([1, 0, 0], [1, 2, 3], 1)
    >>> times.tolist(), taps.tolist(), products.tolist(), y
    ([-1, 0, 1], [3.0, 2.0, 1.0], [0.0, 2.0, 0.0], 2.0)
    >>> causal_step([1, 0, 0], [1, 2, 3], 0, flip=False)[3]  # unflipped: 3 comes out first
    3.0
    """
    signal = as_array("signal", signal, ndim=1)
    impulse_response = as_array("impulse_response", impulse_response, ndim=1)
    time = non_negative_int("time", time)
    n, k = len(signal), len(impulse_response)
    input_times = np.arange(time - k + 1, time + 1)  # (K,)
    inside = (input_times >= 0) & (input_times < n)
    values = np.zeros(k)
    values[inside] = signal[input_times[inside]]
    taps = impulse_response[::-1].copy() if flip else impulse_response.copy()
    products = values * taps
    return input_times, taps, products, float(products.sum())
