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
"""

import numpy as np

from cnnedu._checks import as_array, non_negative_int, positive_int
from cnnedu.conv import conv2d_backward, conv2d_forward
from cnnedu.pooling import (
    avg_pool2d_backward,
    avg_pool2d_forward,
    global_avg_pool_backward,
    max_pool2d_backward,
    max_pool2d_forward,
)


class Layer:
    """Base class: ``__call__`` runs ``forward``; ``backward`` checks order."""

    parameter_names = ()

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


def _rng(rng):
    if rng is None or isinstance(rng, (int, np.integer)):
        return np.random.default_rng(rng)
    if isinstance(rng, np.random.Generator):
        return rng
    raise TypeError(f"rng must be None, an int seed or a numpy Generator; got {type(rng).__name__}")


class Conv2d(Layer):
    """Convolution layer: (N, C_in, H, W) -> (N, C_out, H_out, W_out).

    Weights are drawn with He initialisation, ``normal(0, sqrt(2 / fan_in))``
    with ``fan_in = C_in * k * k``; the bias starts at zero.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int
        Square kernels k x k.
    stride : int
    padding : int
        Zeros added on each side.
    rng : None, int or numpy.random.Generator
        Source of the initial weights (an int is a seed).
    dtype : numpy dtype
        float64 (default, for exact gradient checks) or float32 (faster).

    Examples
    --------
    >>> layer = Conv2d(3, 4, kernel_size=3, padding=1, rng=0)
    >>> layer.weights.shape, layer.bias.shape, layer.parameter_count()
    ((4, 3, 3, 3), (4,), 112)
    >>> layer(np.zeros((2, 3, 8, 8))).shape
    (2, 4, 8, 8)
    """

    parameter_names = ("weights", "bias")

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, rng=None, dtype=np.float64):
        self.in_channels = positive_int("in_channels", in_channels)
        self.out_channels = positive_int("out_channels", out_channels)
        self.kernel_size = positive_int("kernel_size", kernel_size)
        self.stride = positive_int("stride", stride)
        self.padding = non_negative_int("padding", padding)
        fan_in = self.in_channels * self.kernel_size**2
        shape = (self.out_channels, self.in_channels, self.kernel_size, self.kernel_size)
        self.weights = (_rng(rng).standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(dtype)
        self.bias = np.zeros(self.out_channels, dtype=dtype)
        self.weights_gradient = np.zeros_like(self.weights)
        self.bias_gradient = np.zeros_like(self.bias)
        self._cache = None

    def forward(self, x):
        x = as_array("x", x, ndim=4)
        if x.shape[1] != self.in_channels:
            raise ValueError(
                f"Conv2d expects x with {self.in_channels} channels, shape (N, {self.in_channels}, H, W); "
                f"got shape {x.shape}"
            )
        y, self._cache = conv2d_forward(x, self.weights, self.bias, self.stride, self.padding)
        return y

    def backward(self, grad_output, input_gradient=True):
        grad_x, self.weights_gradient, self.bias_gradient = conv2d_backward(
            grad_output, self._cache_or_raise(), input_gradient=input_gradient
        )
        return grad_x

    def __repr__(self):
        return (
            f"Conv2d({self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}, padding={self.padding})"
        )


class MaxPool2d(Layer):
    """Max pooling layer over (N, C, H, W).

    Examples
    --------
    >>> MaxPool2d(2)(np.arange(16.0).reshape(1, 1, 4, 4))[0, 0]
    array([[ 5.,  7.],
           [13., 15.]])
    """

    def __init__(self, size, stride=None):
        self.size = positive_int("size", size)
        self.stride = self.size if stride is None else positive_int("stride", stride)
        self._cache = None

    def forward(self, x):
        y, self._cache = max_pool2d_forward(as_array("x", x, ndim=4), self.size, self.stride)
        return y

    def backward(self, grad_output):
        return max_pool2d_backward(grad_output, self._cache_or_raise())

    def __repr__(self):
        return f"MaxPool2d({self.size}, stride={self.stride})"


class AvgPool2d(Layer):
    """Average pooling layer over (N, C, H, W).

    Examples
    --------
    >>> AvgPool2d(2)(np.arange(16.0).reshape(1, 1, 4, 4))[0, 0]
    array([[ 2.5,  4.5],
           [10.5, 12.5]])
    """

    def __init__(self, size, stride=None):
        self.size = positive_int("size", size)
        self.stride = self.size if stride is None else positive_int("stride", stride)
        self._cache = None

    def forward(self, x):
        y, self._cache = avg_pool2d_forward(as_array("x", x, ndim=4), self.size, self.stride)
        return y

    def backward(self, grad_output):
        return avg_pool2d_backward(grad_output, self._cache_or_raise())

    def __repr__(self):
        return f"AvgPool2d({self.size}, stride={self.stride})"


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
        self.weights = (_rng(rng).standard_normal((self.out_features, self.in_features)) * scale).astype(dtype)
        self.bias = np.zeros(self.out_features, dtype=dtype)
        self.weights_gradient = np.zeros_like(self.weights)
        self.bias_gradient = np.zeros_like(self.bias)
        self._cache = None

    def forward(self, x):
        x = as_array("x", x, ndim=2)
        if x.shape[1] != self.in_features:
            raise ValueError(
                f"Linear expects x of shape (N, {self.in_features}); got shape {x.shape}"
            )
        self._cache = x
        return x @ self.weights.T + self.bias

    def backward(self, grad_output, input_gradient=True):
        x = self._cache_or_raise()
        grad_output = as_array("grad_output", grad_output, ndim=2)
        if grad_output.shape != (x.shape[0], self.out_features):
            raise ValueError(
                f"grad_output must have shape {(x.shape[0], self.out_features)}; got {grad_output.shape}"
            )
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
