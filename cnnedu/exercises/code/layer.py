"""A student's Conv2d as a layer of a cnnedu network (lesson 08)."""

import numpy as np

from cnnedu.layers import Layer


class StudentLayer(Layer):
    """Wraps an object with ``weights``, ``bias``, ``__call__`` and
    ``backward`` so that :class:`cnnedu.Sequential` and :class:`cnnedu.SGD`
    can use it: the parameters and gradients are the student's own arrays,
    which SGD updates in place."""

    parameter_names = ("weights", "bias")

    def __init__(self, layer):
        self.layer = layer

    weights = property(lambda self: self.layer.weights)
    bias = property(lambda self: self.layer.bias)
    weights_gradient = property(lambda self: self.layer.weights_gradient)
    bias_gradient = property(lambda self: self.layer.bias_gradient)

    def forward(self, x):
        return np.asarray(self.layer(x), dtype=x.dtype)  # keep the network's dtype (float32)

    def backward(self, grad_output, input_gradient=True):
        grad_x = self.layer.backward(grad_output)
        return np.asarray(grad_x, dtype=grad_output.dtype) if input_gradient else None

    def __repr__(self):
        return (
            f"your {type(self.layer).__name__} (stride {getattr(self.layer, 'stride', '?')}, "
            f"padding {getattr(self.layer, 'padding', '?')})"
        )


def as_layer(student_layer, start_from=None):
    """``student_layer`` ready to replace a cnnedu Conv2d in a network.

    Parameters
    ----------
    student_layer : object with ``weights``, ``bias``, ``__call__``, ``backward``
    start_from : cnnedu.Conv2d, optional
        Copy its weights and bias (as float64 arrays of the student's own), so
        that a run with the student's layer starts where cnnedu's would.

    Examples
    --------
    >>> from cnnedu.exercises.code.solutions import Conv2d
    >>> import cnnedu as ce
    >>> layer = as_layer(Conv2d(1, 2, 3, padding=1), start_from=ce.Conv2d(1, 2, 3, padding=1, rng=0))
    >>> layer(np.zeros((1, 1, 5, 5))).shape, layer.parameter_count()
    ((1, 2, 5, 5), 20)
    """
    if start_from is not None:
        for name in ("weights", "bias"):
            mine, theirs = np.shape(getattr(student_layer, name)), np.shape(getattr(start_from, name))
            if mine != theirs:
                raise ValueError(f"student_layer.{name} has shape {mine}; start_from.{name} has shape {theirs}")
        student_layer.weights = np.array(start_from.weights, dtype=np.float64)
        student_layer.bias = np.array(start_from.bias, dtype=np.float64)
    return StudentLayer(student_layer)
