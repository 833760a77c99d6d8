"""Argument checks shared by every public function.

Each check raises ``TypeError`` or ``ValueError`` with a message that names
the argument, says what it received and what was expected, so a student sees
*their* mistake instead of an ``IndexError`` from deep inside numpy.
"""

import numbers

import numpy as np


def as_array(name, value, ndim=None, allow_empty=False):
    """Return ``value`` as a float ndarray after checking its dimensions.

    ``ndim`` may be an int or a tuple of allowed ints.
    """
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be an array of numbers; got {type(value).__name__}")
    try:
        array = np.asarray(value)
    except ValueError as error:  # ragged nested lists
        raise ValueError(f"{name} must be a rectangular array of numbers; {error}") from None
    if array.dtype == object or not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        raise TypeError(f"{name} must be an array of numbers; got dtype {array.dtype}")
    if np.issubdtype(array.dtype, np.complexfloating):
        raise TypeError(f"{name} must be real-valued; got dtype {array.dtype}")
    if not np.issubdtype(array.dtype, np.floating):
        array = array.astype(np.float64)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if array.ndim not in allowed:
            if isinstance(ndim, range) and len(ndim) > 3:
                expected = f"at least {ndim.start}"
            else:
                expected = " or ".join(str(n) for n in allowed)
            raise ValueError(f"{name} must be {expected}-D; got ndim={array.ndim} with shape {array.shape}")
    if not allow_empty and array.size == 0:
        raise ValueError(f"{name} must not be empty; got shape {array.shape}")
    return array


def positive_int(name, value):
    """Check that ``value`` is an integer >= 1 and return it as ``int``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {value!r} of type {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1; got {value}")
    return int(value)


def non_negative_int(name, value):
    """Check that ``value`` is an integer >= 0 and return it as ``int``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {value!r} of type {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} must not be negative; got {value}")
    return int(value)


def int_between(name, value, low, high=None, step=1):
    """Check that ``value`` is an integer from ``low`` to ``high`` (both included; no
    upper limit when ``high`` is None), ``step`` apart from ``low``, and return it as ``int``.

    Examples
    --------
    >>> int_between("stride", 2, 1, 4), int_between("size", 96, 8)
    (2, 96)
    >>> int_between("stride", 7, 1, 4)
    Traceback (most recent call last):
    ...
    ValueError: stride must be between 1 and 4; got 7
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {value!r} of type {type(value).__name__}")
    if high is None and value < low:
        raise ValueError(f"{name} must be at least {low}; got {value}")
    if high is not None and not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}; got {value}")
    if (value - low) % step:
        allowed = range(low, high + 1, step) if high is not None else [low, low + step, low + 2 * step, "..."]
        allowed = ", ".join(str(number) for number in allowed)
        raise ValueError(f"{name} must be one of {allowed}; got {value}")
    return int(value)


def one_of(name, value, choices):
    """Check that ``value`` is one of the strings in ``choices``."""
    if value not in choices:
        quoted = [repr(choice) for choice in choices]
        listed = ", ".join(quoted[:-1]) + " or " + quoted[-1] if len(quoted) > 1 else quoted[0]
        raise ValueError(f"{name} must be {listed}; got {value!r}")
    return value


def int_pair(name, value, minimum=1):
    """Check that ``value`` is an integer or a pair of integers >= ``minimum``.

    Returns ``(rows, columns)``: an int applies to both axes, as in PyTorch's
    ``kernel_size=3`` meaning 3 x 3.

    Examples
    --------
    >>> int_pair("stride", 2), int_pair("kernel_size", (3, 5))
    ((2, 2), (3, 5))
    """
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(
                f"{name} must be an integer or a pair (rows, columns); got {value!r} with {len(value)} entries"
            )
        items = [(f"{name}[{axis}]", item) for axis, item in enumerate(value)]
    else:
        items = [(name, value), (name, value)]
    pair = []
    for label, item in items:
        if isinstance(item, bool) or not isinstance(item, numbers.Integral):
            raise TypeError(
                f"{label} must be an integer (or {name} a pair of integers); got {item!r} of type {type(item).__name__}"
            )
        if item < minimum:
            relation = "must not be negative" if minimum == 0 else f"must be at least {minimum}"
            raise ValueError(f"{label} {relation}; got {item}")
        pair.append(int(item))
    return tuple(pair)


def channel_bias(bias, out_channels):
    """Check an optional bias: None, or one number per output channel.

    Examples
    --------
    >>> channel_bias([0.5, -1], 2)
    array([ 0.5, -1. ])
    >>> channel_bias(None, 3) is None
    True
    """
    if bias is None:
        return None
    bias = as_array("bias", bias, ndim=1)
    if bias.shape != (out_channels,):
        raise ValueError(f"bias must have shape (C_out,) = ({out_channels},); got {bias.shape}")
    return bias


def int_shape_pair(name, value):
    """Check that ``value`` is a pair of integers >= 1, such as an image shape, and return it.

    Unlike :func:`int_pair`, a single int is refused: a shape always has two entries.

    Examples
    --------
    >>> int_shape_pair("input_shape", (5, 7))
    (5, 7)
    """
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"{name} must be a pair (rows, columns); got {value!r}")
    return positive_int(f"{name}[0]", value[0]), positive_int(f"{name}[1]", value[1])


def index_in(name, value, size):
    """Check that ``value`` is an integer index into ``size`` cells, ``0 <= value < size``, and return it.

    Examples
    --------
    >>> index_in("row", 2, 5)
    2
    """
    value = non_negative_int(name, value)
    if value >= size:
        raise ValueError(f"{name} must be between 0 and {size - 1}; got {value}")
    return value


def as_generator(name, value):
    """A numpy random Generator from ``value``: None (fresh entropy), an int seed, or a Generator (used as is).

    Examples
    --------
    >>> int(as_generator("seed", 0).integers(10)) == int(as_generator("seed", 0).integers(10))
    True
    """
    if isinstance(value, np.random.Generator):
        return value
    if value is None or (isinstance(value, numbers.Integral) and not isinstance(value, bool)):
        return np.random.default_rng(value)
    raise TypeError(f"{name} must be None, an int seed or a numpy Generator; got {type(value).__name__}")
