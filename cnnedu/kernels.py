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

The figures of lessons 01 and 02 draw what :func:`filter_bank`,
:func:`scan_step`, :func:`flip_comparison` and :func:`causal_run` compute
here (small named tuples); the plotting functions only draw them.

>>> get_kernel("Sobel x")
array([[-1.,  0.,  1.],
       [-2.,  0.,  2.],
       [-1.,  0.,  1.]])
"""

import ast
from typing import NamedTuple

import numpy as np

from cnnedu._checks import as_array, non_negative_int
from cnnedu.correlate import convolve1d, convolve2d, correlate1d, correlate2d

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


class FilterBank(NamedTuple):
    """An image and its responses to a bank of kernels."""

    image: np.ndarray  # (H, W)
    responses: dict  # title -> (H - kh + 1, W - kw + 1): valid cross-correlation
    pictures: frozenset  # titles whose response is a picture (drawn in grey on the image's range)


def filter_bank(image, kernels, pictures=None):
    """The valid cross-correlation of ``image`` with every kernel of a bank.

    Parameters
    ----------
    image : array_like, shape (H, W)
    kernels : dict of str -> array_like
        Title -> kernel.
    pictures : collection of str, optional
        Titles of the kernels whose output is a picture rather than a signed
        response; default every kernel whose weights add up to one (box blur,
        sharpen, identity).

    Returns
    -------
    FilterBank

    Examples
    --------
    >>> bank = filter_bank(np.eye(5), {"Sobel x": get_kernel("Sobel x"), "identity": get_kernel("identity")})
    >>> bank.responses["Sobel x"].shape, sorted(bank.pictures)
    ((3, 3), ['identity'])
    """
    image = as_array("image", image, ndim=2)
    if not isinstance(kernels, dict) or not kernels:
        raise TypeError(f"kernels must be a non-empty dict of title -> kernel; got {type(kernels).__name__}")
    responses = {title: correlate2d(image, kernel) for title, kernel in kernels.items()}
    if pictures is None:
        pictures = {title for title, kernel in kernels.items() if abs(float(np.sum(kernel)) - 1) < 1e-9}
    unknown = set(pictures) - set(kernels)
    if unknown:
        raise ValueError(f"pictures must name kernels of the bank {sorted(kernels)}; got {sorted(unknown)}")
    return FilterBank(image, responses, frozenset(pictures))


class ScanStep(NamedTuple):
    """One position of a kernel scanning an image (valid cross-correlation)."""

    image: np.ndarray  # (H, W)
    kernel: np.ndarray  # (kh, kw)
    row: int
    column: int
    window: np.ndarray  # (kh, kw): image[row:row + kh, column:column + kw]
    products: np.ndarray  # (kh, kw): window * kernel
    total: float  # products.sum() = output[row, column]
    output: np.ndarray  # (H - kh + 1, W - kw + 1): the whole valid cross-correlation
    shown: np.ndarray  # (H - kh + 1, W - kw + 1): output up to (row, column) in reading order, NaN after
    response_limit: float  # largest |response| any patch of the image's pixel range could give (1 if none)


def scan_step(image, kernel, row, column, output=None):
    """The kernel at output position ``(row, column)`` of ``image``.

    Parameters
    ----------
    image : array_like, shape (H, W)
    kernel : array_like, shape (kh, kw)
    row, column : int
        Output position (top-left corner of the window).
    output : ndarray, shape (H - kh + 1, W - kw + 1), optional
        ``correlate2d(image, kernel)`` if already computed (a scanner reuses it
        while only the position moves).

    Returns
    -------
    ScanStep

    Examples
    --------
    >>> step = scan_step(np.arange(25.0).reshape(5, 5), get_kernel("Sobel x"), 1, 0)
    >>> step.total, step.response_limit, int(np.isnan(step.shown).sum())  # 9 cells, 4 computed so far
    (8.0, 96.0, 5)
    """
    image = as_array("image", image, ndim=2)
    kernel = as_array("kernel", kernel, ndim=2)
    window, products = window_products(image, kernel, row, column)  # (kh, kw) each
    expected = (image.shape[0] - kernel.shape[0] + 1, image.shape[1] - kernel.shape[1] + 1)
    if output is None:
        output = correlate2d(image, kernel)  # (H - kh + 1, W - kw + 1)
    elif np.shape(output) != expected:
        raise ValueError(f"output must be the valid cross-correlation's shape {expected}; got {np.shape(output)}")
    shown = np.asarray(output).astype(float)
    flat = shown.reshape(-1)
    flat[int(row) * expected[1] + int(column) + 1 :] = np.nan  # later positions: not yet computed
    low, high = float(image.min()), float(image.max())
    limit = max(abs(value) for value in response_range(kernel, low, high)) or 1.0
    return ScanStep(image, kernel, int(row), int(column), window, products, float(products.sum()), output, shown, limit)


def strongest_position(image, kernel):
    """The output position where the kernel answers most strongly (the first, in reading order, on a tie).

    Returns
    -------
    (row, column) : tuple of int
        The top-left corner of the window with the largest valid
        cross-correlation.

    Examples
    --------
    >>> strongest_position(np.eye(4), [[1, 0], [0, 1]])  # the diagonal, first from the top left
    (0, 0)
    >>> strongest_position([[0, 0, 0], [0, 0, 5]], [[1, 1]])
    (1, 1)
    """
    output = correlate2d(image, kernel)  # (H - kh + 1, W - kw + 1)
    row, column = np.unravel_index(int(np.argmax(output)), output.shape)
    return int(row), int(column)


class FlipComparison(NamedTuple):
    """Cross-correlation (with the kernel as written or flipped) beside convolution."""

    flip: bool  # whether the cross-correlation slides the flipped kernel
    slid_kernel: np.ndarray  # (kh, kw): the kernel the cross-correlation slides
    correlation: np.ndarray  # (H - kh + 1, W - kw + 1)
    convolution: np.ndarray  # (H - kh + 1, W - kw + 1)
    max_difference: float  # largest |correlation - convolution|
    response_limit: float  # largest |response| any patch of the image's pixel range could give (1 if none)


def flip_comparison(image, kernel, flip=False):
    """Cross-correlate ``image`` with ``kernel`` (flipped first if ``flip``)
    and convolve it with ``kernel``.

    Returns
    -------
    FlipComparison
        With ``flip`` the two maps are equal: convolution is cross-correlation
        with the flipped kernel.

    Examples
    --------
    >>> image = np.arange(16.0).reshape(4, 4)
    >>> flip_comparison(image, get_kernel("Sobel x")).max_difference
    16.0
    >>> flip_comparison(image, get_kernel("Sobel x"), flip=True).max_difference
    0.0
    """
    image = as_array("image", image, ndim=2)
    kernel = as_array("kernel", kernel, ndim=2)
    if not isinstance(flip, bool | np.bool_):
        raise TypeError(f"flip must be True or False; got {flip!r}")
    slid = flip_kernel(kernel) if flip else kernel
    correlation = correlate2d(image, slid)  # (H - kh + 1, W - kw + 1)
    convolution = convolve2d(image, kernel)  # (H - kh + 1, W - kw + 1)
    limit = max(abs(value) for value in response_range(kernel, float(image.min()), float(image.max()))) or 1.0
    difference = float(np.max(np.abs(correlation - convolution)))
    return FlipComparison(bool(flip), slid, correlation, convolution, difference, limit)


class CausalRun(NamedTuple):
    """A causal system stepped to one time: the step (as :func:`causal_step`) and its output so far."""

    signal: np.ndarray  # (N,)
    time: int
    flip: bool
    input_times: np.ndarray  # (K,)
    taps: np.ndarray  # (K,)
    products: np.ndarray  # (K,)
    output: float  # y[time]
    outputs: np.ndarray  # (time + 1,): y[0..time]
    full: np.ndarray  # (last + 1,): y[0..last], zeros after N + K - 2


def causal_run(signal, impulse_response, time, flip=True, last=None):
    """Step ``time`` of the causal system, with every output up to ``last``.

    Parameters
    ----------
    signal : array_like, shape (N,)
    impulse_response : array_like, shape (K,)
    time : int
        From 0 to ``last``.
    flip : bool
        True: convolution (``convolve1d(signal, impulse_response, 'full')``);
        False: the response laid down as written (cross-correlation).
    last : int, optional
        The last time of ``full``; at least ``N + K - 2`` (the default).

    Returns
    -------
    CausalRun

    Examples
    --------
    >>> causal_run([1, 0, 0], [1, 2, 3], 2).outputs.tolist()
    [1.0, 2.0, 3.0]
    >>> causal_run([1, 0, 0], [1, 2, 3], 2, flip=False, last=6).full.tolist()
    [3.0, 2.0, 1.0, 0.0, 0.0, 0.0, 0.0]
    """
    signal = as_array("signal", signal, ndim=1)
    impulse_response = as_array("impulse_response", impulse_response, ndim=1)
    needed = len(signal) + len(impulse_response) - 2  # the last time with a nonzero output
    last = needed if last is None else non_negative_int("last", last)
    if last < needed:
        raise ValueError(
            f"last must be at least {needed} for a signal of length {len(signal)} and a response of length "
            f"{len(impulse_response)}; got {last}"
        )
    time = non_negative_int("time", time)
    if time > last:
        raise ValueError(f"time must be between 0 and {last}; got {time}")
    input_times, taps, products, output = causal_step(signal, impulse_response, time, flip=flip)
    full = np.zeros(last + 1)  # y[0..last]
    computed = (convolve1d if flip else correlate1d)(signal, impulse_response, mode="full")  # (N + K - 1,)
    full[: len(computed)] = computed
    return CausalRun(signal, time, bool(flip), input_times, taps, products, output, full[: time + 1], full)
