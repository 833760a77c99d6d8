"""Numerical gradients by central differences, to check every backward pass.

``df/dx_i ~ (f(x + h e_i) - f(x - h e_i)) / (2 h)``, with an error of order
``h**2`` plus rounding of order ``1e-16 |f| / h``. The comparison uses norms,
``||a - n|| / (||a|| + ||n||)``, so that tiny entries (where rounding
dominates) do not drown the signal. In float64 with ``h = 1e-6`` an exact
backward pass agrees to about 1e-8 or better; a wrong one is off by 1e-2 or
more, even when only one entry is wrong.
"""

import numpy as np

from cnnedu._checks import as_array


def numerical_gradient(function, x, epsilon=1e-6):
    """Central-difference gradient of a scalar ``function`` at ``x``.

    ``x`` is changed in place one entry at a time and restored, so
    ``function`` may read it directly (a layer's ``weights``, say).

    Examples
    --------
    >>> x = np.array([1.0, 2.0])
    >>> numerical_gradient(lambda: float(np.sum(x**2)), x).round(6)
    array([2., 4.])
    """
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"x must be a float numpy array changed in place; got {type(x).__name__}")
    if not epsilon > 0:
        raise ValueError(f"epsilon must be positive; got {epsilon}")
    gradient = np.zeros_like(x, dtype=np.float64)
    flat = x.reshape(-1)  # a view: writing to it changes x
    if not np.shares_memory(flat, x):
        raise ValueError("x must be contiguous so it can be changed in place")
    for index in range(flat.size):
        original = flat[index]
        flat[index] = original + epsilon
        plus = float(function())
        flat[index] = original - epsilon
        minus = float(function())
        flat[index] = original
        gradient.reshape(-1)[index] = (plus - minus) / (2 * epsilon)
    return gradient


def relative_error(a, b):
    """``||a - b|| / (||a|| + ||b||)`` with Euclidean norms (0 when both are zero).

    Examples
    --------
    >>> float(relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.0])))
    0.0
    >>> float(relative_error(np.array([1.0]), np.array([3.0])))
    0.5
    """
    a = as_array("a", a, allow_empty=True)
    b = as_array("b", b, allow_empty=True)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape; got {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    if scale == 0:
        return 0.0
    return float(np.linalg.norm(a - b) / scale)


def gradient_check(function, x, analytic_gradient, epsilon=1e-6):
    """Relative error between an analytic gradient and central differences.

    One number for the whole array: the norm of the difference divided by
    the sum of the norms, so it lies between 0 (identical) and 1 (nothing in
    common), whatever the scale of the gradient.

    Parameters
    ----------
    function : callable with no arguments returning a float
        The scalar loss, computed from the current contents of ``x``.
    x : ndarray of floats
        The variable; changed in place during the check and restored.
    analytic_gradient : array_like, same shape as ``x``
        The gradient your backward pass computed.
    epsilon : float
        Step of the central difference.

    Returns
    -------
    float
        ``||analytic - numeric|| / (||analytic|| + ||numeric||)``; below about
        1e-7 in float64 means the backward pass is right.

    Examples
    --------
    >>> x = np.array([0.5, -1.5, 2.0])
    >>> gradient_check(lambda: float(np.sum(x**3)), x, 3 * x**2) < 1e-8
    True
    """
    analytic_gradient = as_array("analytic_gradient", analytic_gradient)
    if not isinstance(x, np.ndarray):
        raise TypeError(f"x must be a numpy array; got {type(x).__name__}")
    if analytic_gradient.shape != x.shape:
        raise ValueError(f"analytic_gradient must have the shape of x {x.shape}; got {analytic_gradient.shape}")
    return relative_error(analytic_gradient, numerical_gradient(function, x, epsilon))
