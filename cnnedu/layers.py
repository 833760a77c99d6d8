"""Layers: thin classes that hold parameters and call the functional math.

Every layer has the same contract, named as in PyTorch so that what students
learn here transfers:

* ``layer(x)`` runs the forward pass and remembers what backward needs;
* ``layer.backward(grad_output)`` returns the gradient with respect to the
  input and, for layers with parameters, stores ``weights_gradient`` and
  ``bias_gradient`` (the gradient of the last backward call, summed over the
  batch). Layers with parameters also take ``input_gradient=False``: then
  only the parameter gradients are computed and ``None`` is returned, which
  is what training needs from the first layer (PyTorch skips that work too:
  the input of a network does not require a gradient).

``Sequential`` chains layers; ``SGD`` updates the parameters.

Every layer also says how it slides over a map: ``layer.geometry()`` is a
:class:`LayerGeometry` (kernel size, stride, padding and dilation, each as
pairs over rows and columns) for the layers that work on windows
(``Conv2d``, the pooling layers, and ``ReLU`` as a 1x1 window with stride 1),
and None for the layers that mix every position (``Flatten``, ``Linear``,
``GlobalAvgPool``). Receptive fields, shape tables and the effective field
read a network through it: a list of layers (or a ``Sequential``) is the one
way to describe a network in cnnedu.
"""

from dataclasses import dataclass

import numpy as np

from cnnedu._checks import as_array, as_generator, int_pair, positive_int
from cnnedu.conv import conv2d_backward, conv2d_forward, conv_padding
from cnnedu.pooling import (
    _check_pool,
    avg_pool2d_backward,
    avg_pool2d_forward,
    global_avg_pool_backward,
    max_pool2d_backward,
    max_pool2d_forward,
)


@dataclass(frozen=True)
class LayerGeometry:
    """How a layer slides over a map, as pairs over (rows, columns).

    Attributes
    ----------
    kernel_size : (int, int)
        Taps of the window (kh, kw).
    stride : (int, int)
        Step between neighbouring windows.
    padding : ((int, int), (int, int))
        Cells added ``((top, bottom), (left, right))``; 'same' with an even
        kernel span puts the odd cell at the bottom or right.
    dilation : (int, int)
        Spacing of the taps (1: next to each other).

    Examples
    --------
    >>> Conv2d(1, 1, 3, padding="same", dilation=2).geometry()
    LayerGeometry(kernel_size=(3, 3), stride=(1, 1), padding=((2, 2), (2, 2)), dilation=(2, 2))
    >>> MaxPool2d(2).geometry().stride, ReLU().geometry().kernel_size, Flatten().geometry()
    ((2, 2), (1, 1), None)
    """

    kernel_size: tuple
    stride: tuple
    padding: tuple
    dilation: tuple = (1, 1)


POINTWISE = LayerGeometry(kernel_size=(1, 1), stride=(1, 1), padding=((0, 0), (0, 0)), dilation=(1, 1))


class Layer:
    """Base class: ``__call__`` runs ``forward``; ``backward`` checks order."""

    parameter_names = ()

    def geometry(self):
        """The window this layer slides over a map (:class:`LayerGeometry`), or None
        when the layer mixes every position (flatten, linear, global pooling)."""
        return None

    def __call__(self, x):
        return self.forward(x)

    def _cache_or_raise(self):
        cache = getattr(self, "_cache", None)
        if cache is None:
            raise RuntimeError(
                f"{type(self).__name__}.backward was called before forward: call the layer on an input first"
            )
        return cache

    def parameter_count(self):
        """Number of trainable numbers in the layer."""
        return int(sum(getattr(self, name).size for name in self.parameter_names))

    def __repr__(self):
        return f"{type(self).__name__}()"


def _checked_parameter(layer, name, value, shape, allow_none=False):
    """``value`` as an array of exactly ``shape``, or a clear error naming the layer and the shape it needs."""
    if value is None and allow_none:
        return None
    array = as_array(f"{type(layer).__name__}.{name}", value, allow_empty=True)
    if array.shape != shape:
        raise ValueError(
            f"{type(layer).__name__}.{name} must have shape {shape} for {layer!r}; got an array of shape "
            f"{array.shape}. Make a new layer for other sizes."
        )
    return array


class Conv2d(Layer):
    """Convolution layer: (N, C_in, H, W) -> (N, C_out, H_out, W_out).

    The arguments are PyTorch's ``torch.nn.Conv2d``'s: ``kernel_size``,
    ``stride``, ``padding`` and ``dilation`` are each an int (the same along
    rows and columns) or a pair (rows, columns), and ``padding`` may also be
    ``'valid'`` (no padding) or ``'same'`` (the output keeps the input's
    height and width; stride 1 only). With 'same' and an even kernel span
    the extra row or column of zeros goes at the bottom or right, as in
    PyTorch. See :func:`cnnedu.conv2d_forward` for the arithmetic.

    Weights are drawn with He initialisation, ``normal(0, sqrt(2 / fan_in))``
    with ``fan_in = C_in * kh * kw``; the bias starts at zero. Assigning
    ``weights`` or ``bias`` of another shape is refused.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int or (kh, kw)
        An int k means square k x k kernels.
    stride : int or (rows, columns)
    padding : int, (rows, columns), 'valid' or 'same'
        Zeros added on each side.
    dilation : int or (rows, columns)
        Spacing between the kernel's taps (1: next to each other).
    bias : bool
        False: no bias (``layer.bias`` is None).
    rng : None, int or numpy.random.Generator
        Source of the initial weights (an int is a seed).
    dtype : numpy dtype
        float64 (default, for exact gradient checks) or float32 (faster).

    Attributes keep the form they were given in (``kernel_size`` stays 3 when
    given 3; PyTorch would store (3, 3)).

    Examples
    --------
    >>> layer = Conv2d(3, 4, kernel_size=3, padding=1, rng=0)
    >>> layer.weights.shape, layer.bias.shape, layer.parameter_count()
    ((4, 3, 3, 3), (4,), 112)
    >>> layer(np.zeros((2, 3, 8, 8))).shape
    (2, 4, 8, 8)
    >>> wide = Conv2d(3, 4, kernel_size=(1, 4), padding="same", dilation=(1, 2), bias=False)
    >>> wide(np.zeros((2, 3, 8, 8))).shape, wide.parameter_count()
    ((2, 4, 8, 8), 48)
    """

    def __init__(
        self,
        in_channels,
        out_channels,
        kernel_size,
        stride=1,
        padding=0,
        dilation=1,
        bias=True,
        rng=None,
        dtype=np.float64,
    ):
        self.in_channels = positive_int("in_channels", in_channels)
        self.out_channels = positive_int("out_channels", out_channels)
        kh, kw = int_pair("kernel_size", kernel_size)
        int_pair("stride", stride)
        int_pair("dilation", dilation)
        self.kernel_size = _as_given(kernel_size)
        self.stride = _as_given(stride)
        self.dilation = _as_given(dilation)
        self.padding = padding if isinstance(padding, str) else _as_given(padding)
        if not isinstance(bias, (bool, np.bool_)):
            raise TypeError(f"bias must be True or False; got {bias!r} of type {type(bias).__name__}")
        # checked now, as PyTorch does: a bad stride, dilation or padding (or 'same' with a stride) fails here
        conv_padding(padding, (kh, kw), stride, dilation)
        self._weights_shape = (self.out_channels, self.in_channels, kh, kw)
        self._weights = self._bias = None
        fan_in = self.in_channels * kh * kw
        self.weights = (as_generator("rng", rng).standard_normal(self._weights_shape) * np.sqrt(2.0 / fan_in)).astype(
            dtype
        )
        self.bias = np.zeros(self.out_channels, dtype=dtype) if bias else None
        self.weights_gradient = np.zeros_like(self.weights)
        self.bias_gradient = None if self.bias is None else np.zeros_like(self.bias)
        self._cache = None

    @property
    def parameter_names(self):
        return ("weights",) if self._bias is None else ("weights", "bias")

    @property
    def weights(self):
        """The kernels, shape (C_out, C_in, kh, kw)."""
        return self._weights

    @weights.setter
    def weights(self, value):
        self._weights = _checked_parameter(self, "weights", value, self._weights_shape)

    @property
    def bias(self):
        """One number per output channel, shape (C_out,), or None (no bias)."""
        return self._bias

    @bias.setter
    def bias(self, value):
        self._bias = _checked_parameter(self, "bias", value, (self.out_channels,), allow_none=True)

    def geometry(self):
        """Kernel, stride, padding (both sides of each axis, 'same' worked out) and dilation as pairs."""
        kernel = int_pair("kernel_size", self.kernel_size)
        stride = int_pair("stride", self.stride)
        dilation = int_pair("dilation", self.dilation)
        padding = conv_padding(self.padding, kernel, stride, dilation)
        return LayerGeometry(kernel_size=kernel, stride=stride, padding=padding, dilation=dilation)

    def forward(self, x):
        x = as_array("x", x, ndim=4)
        if x.shape[1] != self.in_channels:
            raise ValueError(
                f"Conv2d expects x with {self.in_channels} channels, shape (N, {self.in_channels}, H, W); "
                f"got shape {x.shape}"
            )
        y, self._cache = conv2d_forward(x, self.weights, self.bias, self.stride, self.padding, self.dilation)
        return y

    def backward(self, grad_output, input_gradient=True):
        grad_x, self.weights_gradient, self.bias_gradient = conv2d_backward(
            grad_output, self._cache_or_raise(), input_gradient=input_gradient
        )
        return grad_x

    def __repr__(self):
        extra = "" if self.dilation == 1 else f", dilation={self.dilation}"
        extra += "" if self.bias is not None else ", bias=False"
        return (
            f"Conv2d({self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}, padding={self.padding!r}{extra})"
        )


def _as_given(value):
    """An int stays an int, a list becomes a tuple (what the checks accepted)."""
    return tuple(value) if isinstance(value, list) else value


class _Pool2d(Layer):
    """What max and average pooling layers share: window, stride, padding."""

    def __init__(self, size=None, stride=None, padding=0, *, kernel_size=None):
        if (size is None) == (kernel_size is None):
            raise TypeError(
                f"{type(self).__name__} needs the window size once: as size (the first argument) or as "
                f"kernel_size (PyTorch's name); got size={size!r}, kernel_size={kernel_size!r}"
            )
        size = kernel_size if size is None else size
        window = int_pair("size", size)
        self.size = _as_given(size)
        self.stride = self.size if stride is None else _as_given(stride)
        self.padding = _as_given(padding)
        # checked now, as PyTorch does (a map of the window's size always fits)
        _check_pool(np.zeros(window), self.size, self.stride, self.padding)
        self._cache = None

    @property
    def kernel_size(self):
        """PyTorch's name for the window size: the same as ``size``."""
        return self.size

    def geometry(self):
        """Window, stride and padding (the same on both sides) as pairs; pooling has no dilation."""
        rows, columns = int_pair("padding", self.padding, minimum=0)
        return LayerGeometry(
            kernel_size=int_pair("size", self.size),
            stride=int_pair("stride", self.stride),
            padding=((rows, rows), (columns, columns)),
        )

    def forward(self, x):
        y, self._cache = self._forward(as_array("x", x, ndim=4), self.size, self.stride, self.padding)
        return y

    def backward(self, grad_output):
        return self._backward(grad_output, self._cache_or_raise())

    def __repr__(self):
        padding = "" if self.padding == 0 else f", padding={self.padding}"
        return f"{type(self).__name__}({self.size}, stride={self.stride}{padding})"


class MaxPool2d(_Pool2d):
    """Max pooling layer over (N, C, H, W).

    ``MaxPool2d(size, stride=None, padding=0)``: each an int or a pair
    (rows, columns), as ``torch.nn.MaxPool2d(kernel_size, stride, padding)``
    (``kernel_size=`` is accepted too, in place of ``size``); the stride
    defaults to the window size, the padding (cells of -inf, at most half the
    window) to none.

    Examples
    --------
    >>> MaxPool2d(2)(np.arange(16.0).reshape(1, 1, 4, 4))[0, 0]
    array([[ 5.,  7.],
           [13., 15.]])
    >>> MaxPool2d(3, stride=2, padding=1)(np.zeros((1, 1, 4, 4))).shape
    (1, 1, 2, 2)
    """

    _forward = staticmethod(max_pool2d_forward)
    _backward = staticmethod(max_pool2d_backward)


class AvgPool2d(_Pool2d):
    """Average pooling layer over (N, C, H, W).

    Arguments as :class:`MaxPool2d`; padding adds zeros that count in each
    window's average (PyTorch's default ``count_include_pad=True``).

    Examples
    --------
    >>> AvgPool2d(2)(np.arange(16.0).reshape(1, 1, 4, 4))[0, 0]
    array([[ 2.5,  4.5],
           [10.5, 12.5]])
    """

    _forward = staticmethod(avg_pool2d_forward)
    _backward = staticmethod(avg_pool2d_backward)


class GlobalAvgPool(Layer):
    """Mean of each feature map: (N, C, H, W) -> (N, C).

    Examples
    --------
    >>> GlobalAvgPool()(np.ones((2, 3, 4, 4))).shape
    (2, 3)
    """

    def forward(self, x):
        x = as_array("x", x, ndim=4)
        self._cache = x.shape
        return x.mean(axis=(2, 3))

    def backward(self, grad_output):
        return global_avg_pool_backward(grad_output, self._cache_or_raise())


class ReLU(Layer):
    """``max(0, x)``; the gradient passes where the input was positive.

    Examples
    --------
    >>> relu = ReLU()
    >>> relu(np.array([-1.0, 0.0, 2.0]))
    array([0., 0., 2.])
    >>> relu.backward(np.array([5.0, 5.0, 5.0]))
    array([0., 0., 5.])
    """

    def geometry(self):
        """A ReLU works cell by cell: a 1x1 window with stride 1."""
        return POINTWISE

    def forward(self, x):
        x = as_array("x", x)
        positive = x > 0
        self._cache = positive
        # np.maximum rather than np.where(positive, x, 0): the same numbers (a NaN stays NaN,
        # as in PyTorch), without a data-dependent branch per element that made it 10x slower
        return np.maximum(x, 0).astype(x.dtype, copy=False)

    def backward(self, grad_output):
        positive = self._cache_or_raise()
        grad_output = as_array("grad_output", grad_output)
        if grad_output.shape != positive.shape:
            raise ValueError(
                f"grad_output must have the shape of the forward output {positive.shape}; got {grad_output.shape}"
            )
        grad_x = np.multiply(grad_output, positive, dtype=grad_output.dtype)  # passes where x > 0
        grad_x += 0.0  # turns the -0.0 of (negative gradient) * 0 into 0.0
        return grad_x


class Flatten(Layer):
    """(N, C, H, W) -> (N, C*H*W), and back in backward.

    Examples
    --------
    >>> Flatten()(np.zeros((2, 3, 4, 5))).shape
    (2, 60)
    """

    def forward(self, x):
        x = as_array("x", x, ndim=range(2, 33))
        self._cache = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, grad_output):
        shape = self._cache_or_raise()
        grad_output = as_array("grad_output", grad_output, ndim=2)
        expected = (shape[0], int(np.prod(shape[1:])))
        if grad_output.shape != expected:
            raise ValueError(f"grad_output must have shape {expected}; got {grad_output.shape}")
        return grad_output.reshape(shape)


class Linear(Layer):
    """Fully connected layer: (N, in_features) -> (N, out_features).

    ``y = x @ weights.T + bias`` with weights of shape (out_features,
    in_features) as in PyTorch, He-initialised.

    Examples
    --------
    >>> layer = Linear(900, 10, rng=0)
    >>> layer.parameter_count()
    9010
    """

    parameter_names = ("weights", "bias")

    def __init__(self, in_features, out_features, rng=None, dtype=np.float64):
        self.in_features = positive_int("in_features", in_features)
        self.out_features = positive_int("out_features", out_features)
        scale = np.sqrt(2.0 / self.in_features)
        self._weights = self._bias = None
        self.weights = (as_generator("rng", rng).standard_normal((self.out_features, self.in_features)) * scale).astype(
            dtype
        )
        self.bias = np.zeros(self.out_features, dtype=dtype)
        self.weights_gradient = np.zeros_like(self.weights)
        self.bias_gradient = np.zeros_like(self.bias)
        self._cache = None

    @property
    def weights(self):
        """Shape (out_features, in_features)."""
        return self._weights

    @weights.setter
    def weights(self, value):
        self._weights = _checked_parameter(self, "weights", value, (self.out_features, self.in_features))

    @property
    def bias(self):
        """Shape (out_features,)."""
        return self._bias

    @bias.setter
    def bias(self, value):
        self._bias = _checked_parameter(self, "bias", value, (self.out_features,))

    def forward(self, x):
        x = as_array("x", x, ndim=2)
        if x.shape[1] != self.in_features:
            raise ValueError(f"Linear expects x of shape (N, {self.in_features}); got shape {x.shape}")
        self._cache = x
        return x @ self.weights.T + self.bias

    def backward(self, grad_output, input_gradient=True):
        x = self._cache_or_raise()
        grad_output = as_array("grad_output", grad_output, ndim=2)
        if grad_output.shape != (x.shape[0], self.out_features):
            raise ValueError(f"grad_output must have shape {(x.shape[0], self.out_features)}; got {grad_output.shape}")
        self.weights_gradient = grad_output.T @ x  # summed over the batch
        self.bias_gradient = grad_output.sum(axis=0)
        return grad_output @ self.weights if input_gradient else None

    def __repr__(self):
        return f"Linear({self.in_features}, {self.out_features})"


class SoftmaxCrossEntropy(Layer):
    """Softmax followed by the mean cross-entropy loss.

    ``loss(logits, labels)`` returns a float; ``backward()`` returns
    ``(softmax(logits) - one_hot(labels)) / N``, the gradient of the mean loss.

    Examples
    --------
    >>> loss = SoftmaxCrossEntropy()
    >>> round(loss(np.zeros((2, 4)), np.array([0, 3])), 4)  # log(4)
    1.3863
    >>> loss.backward()[0]
    array([-0.375,  0.125,  0.125,  0.125])
    """

    def __call__(self, logits, labels):
        return self.forward(logits, labels)

    def forward(self, logits, labels):
        logits = as_array("logits", logits, ndim=2)
        labels = np.asarray(labels)
        if labels.shape != (logits.shape[0],) or not np.issubdtype(labels.dtype, np.integer):
            raise ValueError(
                f"labels must be integers of shape (N,) = ({logits.shape[0]},); got dtype {labels.dtype} "
                f"and shape {labels.shape}"
            )
        if labels.min() < 0 or labels.max() >= logits.shape[1]:
            raise ValueError(
                f"labels must lie in 0..{logits.shape[1] - 1} (one per logit column); "
                f"got values from {labels.min()} to {labels.max()}"
            )
        shifted = logits - logits.max(axis=1, keepdims=True)  # for numerical stability
        log_probabilities = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        rows = np.arange(len(labels))
        self._cache = (np.exp(log_probabilities), labels)
        return float(-log_probabilities[rows, labels].mean())

    def backward(self, grad_output=1.0):
        probabilities, labels = self._cache_or_raise()
        grad = probabilities.copy()
        grad[np.arange(len(labels)), labels] -= 1.0
        return grad * (float(grad_output) / len(labels))


class Sequential(Layer):
    """Layers applied in order; backward runs them in reverse.

    Examples
    --------
    >>> net = Sequential(Conv2d(1, 2, 3, rng=0), ReLU(), MaxPool2d(2), Flatten())
    >>> net(np.zeros((5, 1, 10, 10))).shape
    (5, 32)
    >>> net.parameter_count()
    20
    """

    def __init__(self, *layers):
        for position, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(f"layer {position} must be a cnnedu layer; got {type(layer).__name__}")
        self.layers = list(layers)

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def backward(self, grad_output, input_gradient=True):
        """Run every layer's backward, last layer first; return dJ/dx.

        With ``input_gradient=False`` (training) nothing is computed that
        only dJ/dx needs: the first layer with parameters computes its
        parameter gradients alone, the layers before it are skipped, and
        ``None`` is returned.
        """
        first = next((k for k, layer in enumerate(self.layers) if layer.parameter_count() > 0), len(self.layers))
        for position in reversed(range(len(self.layers))):
            layer = self.layers[position]
            if not input_gradient and position <= first:
                if position == first:  # below it there is nothing left to learn
                    layer.backward(grad_output, input_gradient=False)
                return None
            grad_output = layer.backward(grad_output)
        return grad_output

    def parameter_count(self):
        return sum(layer.parameter_count() for layer in self.layers)

    def __iter__(self):
        return iter(self.layers)

    def __len__(self):
        return len(self.layers)

    def __getitem__(self, index):
        return self.layers[index]

    def __repr__(self):
        inner = ",\n  ".join(repr(layer) for layer in self.layers)
        return f"Sequential(\n  {inner}\n)"


class SGD:
    """Stochastic gradient descent, with optional momentum.

    ``velocity = momentum * velocity - learning_rate * gradient``;
    ``parameter += velocity``. ``step()`` uses the gradients stored by the
    last backward pass.

    Examples
    --------
    >>> layer = Linear(2, 1, rng=0)
    >>> layer.weights_gradient = np.ones((1, 2))
    >>> before = layer.weights.copy()
    >>> SGD([layer], learning_rate=0.1).step()
    >>> np.allclose(layer.weights, before - 0.1)
    True
    """

    def __init__(self, layers, learning_rate, momentum=0.0):
        if isinstance(layers, Layer):
            layers = [layers]
        self.layers = []
        for layer in layers:
            self.layers.extend(layer.layers if isinstance(layer, Sequential) else [layer])
        if not learning_rate > 0:
            raise ValueError(f"learning_rate must be positive; got {learning_rate}")
        if not 0 <= momentum < 1:
            raise ValueError(f"momentum must be in [0, 1); got {momentum}")
        self.learning_rate = float(learning_rate)
        self.momentum = float(momentum)
        self._velocity = {}

    def step(self):
        for layer in self.layers:
            for name in layer.parameter_names:
                parameter = getattr(layer, name)
                gradient = getattr(layer, name + "_gradient")
                key = (id(layer), name)
                if self.momentum:
                    velocity = self._velocity.get(key)
                    if velocity is None:
                        velocity = self._velocity[key] = np.zeros_like(parameter)
                    velocity *= self.momentum
                    velocity -= self.learning_rate * gradient
                    parameter += velocity
                else:
                    parameter -= self.learning_rate * gradient
