"""Worked solutions of the code exercises: plain loops that follow the
formulas of the lessons, written to be read (cnnedu's own versions in
``cnnedu.correlate``, ``cnnedu.conv`` and ``cnnedu.pooling`` are the fast
ones).

A student who asks sees one with ``solution("correlate2d")``; the lessons
never print them.
"""

import inspect

import numpy as np


def correlate2d(image, kernel):
    image = np.asarray(image, dtype=float)  # (H, W)
    kernel = np.asarray(kernel, dtype=float)  # (kh, kw)
    kh, kw = kernel.shape
    out_h = image.shape[0] - kh + 1  # every position where the kernel fits: + 1 for the first one
    out_w = image.shape[1] - kw + 1
    output = np.zeros((out_h, out_w))
    for r in range(out_h):
        for c in range(out_w):
            window = image[r : r + kh, c : c + kw]  # the pixels under the kernel
            output[r, c] = np.sum(window * kernel)  # multiply cell by cell, then add up
    return output


def convolve2d(image, kernel):
    flipped = np.asarray(kernel)[::-1, ::-1]  # turned by 180 degrees: up-down and left-right
    return correlate2d(image, flipped)


def output_size(n, kernel_size, stride=1, padding=0, dilation=1):
    span = dilation * (kernel_size - 1) + 1  # cells the (dilated) kernel covers
    return (n + 2 * padding - span) // stride + 1  # floor: a window may not stick out; + 1 for the first


def max_pool2d(x, size, stride):
    x = np.asarray(x, dtype=float)  # (H, W)
    out_h = (x.shape[0] - size) // stride + 1
    out_w = (x.shape[1] - size) // stride + 1
    output = np.zeros((out_h, out_w))
    for r in range(out_h):
        for c in range(out_w):
            output[r, c] = x[r * stride : r * stride + size, c * stride : c * stride + size].max()
    return output


def max_pool2d_backward(x, grad_output, size, stride):
    x = np.asarray(x, dtype=float)  # (H, W)
    grad_output = np.asarray(grad_output, dtype=float)  # (H_out, W_out)
    grad_x = np.zeros_like(x)
    for r in range(grad_output.shape[0]):
        for c in range(grad_output.shape[1]):
            window = x[r * stride : r * stride + size, c * stride : c * stride + size]
            i, j = np.unravel_index(np.argmax(window), window.shape)  # argmax: the FIRST maximum on ties
            grad_x[r * stride + i, c * stride + j] += grad_output[r, c]  # +=: windows may overlap
    return grad_x


def conv_forward(x, weights, bias, stride, padding):
    x = np.asarray(x, dtype=float)  # (N, C_in, H, W)
    weights = np.asarray(weights, dtype=float)  # (C_out, C_in, kh, kw)
    n, _, height, width = x.shape
    c_out, _, kh, kw = weights.shape
    x_padded = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))  # zeros on every side
    out_h = (height + 2 * padding - kh) // stride + 1
    out_w = (width + 2 * padding - kw) // stride + 1
    y = np.zeros((n, c_out, out_h, out_w))
    for r in range(out_h):
        for c in range(out_w):
            window = x_padded[:, :, r * stride : r * stride + kh, c * stride : c * stride + kw]  # (N, C_in, kh, kw)
            # for every image and every output channel: sum over C_in, kh and kw of window * kernel
            y[:, :, r, c] = np.tensordot(window, weights, axes=([1, 2, 3], [1, 2, 3]))  # (N, C_out)
    return y + np.asarray(bias, dtype=float)[np.newaxis, :, np.newaxis, np.newaxis]  # one bias per channel


def conv_backward(x, weights, grad_output, stride, padding):
    x = np.asarray(x, dtype=float)  # (N, C_in, H, W)
    weights = np.asarray(weights, dtype=float)  # (C_out, C_in, kh, kw)
    grad_output = np.asarray(grad_output, dtype=float)  # (N, C_out, H_out, W_out)
    _, _, height, width = x.shape
    _, _, kh, kw = weights.shape
    x_padded = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    grad_x_padded = np.zeros_like(x_padded)
    grad_weights = np.zeros_like(weights)
    for r in range(grad_output.shape[2]):
        for c in range(grad_output.shape[3]):
            rows = slice(r * stride, r * stride + kh)
            columns = slice(c * stride, c * stride + kw)
            g = grad_output[:, :, r, c]  # (N, C_out): how much the loss cares about this output cell
            # the window fed this cell through the weights: it gets g times the weights ...
            grad_x_padded[:, :, rows, columns] += np.tensordot(g, weights, axes=([1], [0]))  # (N, C_in, kh, kw)
            # ... and the weights get g times the window, summed over the batch (+=, never =)
            grad_weights += np.tensordot(g, x_padded[:, :, rows, columns], axes=([0], [0]))  # (C_out, C_in, kh, kw)
    grad_x = grad_x_padded[:, :, padding : padding + height, padding : padding + width]  # drop the padding
    grad_bias = grad_output.sum(axis=(0, 2, 3))  # summed over the batch and every position, not averaged
    return grad_x, grad_weights, grad_bias


class Conv2d:
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0):
        self.stride = stride
        self.padding = padding
        fan_in = in_channels * kernel_size * kernel_size
        shape = (out_channels, in_channels, kernel_size, kernel_size)
        self.weights = np.random.default_rng(0).standard_normal(shape) * np.sqrt(2 / fan_in)  # He initialisation
        self.bias = np.zeros(out_channels)

    def __call__(self, x):
        self.x = x  # the backward pass needs the input
        return conv_forward(x, self.weights, self.bias, self.stride, self.padding)

    def backward(self, grad_output):
        grad_x, self.weights_gradient, self.bias_gradient = conv_backward(
            self.x, self.weights, grad_output, self.stride, self.padding
        )
        return grad_x


#: What each solution calls besides numpy (printed with it).
USES = {"convolve2d": ("correlate2d",), "Conv2d": ("conv_forward", "conv_backward")}
SOLUTIONS = {
    item.__name__: item
    for item in (
        correlate2d,
        convolve2d,
        output_size,
        max_pool2d,
        max_pool2d_backward,
        conv_forward,
        conv_backward,
        Conv2d,
    )
}


def solution_source(name):
    """The source text of the worked solution ``name`` (and what it calls).

    Examples
    --------
    >>> print(solution_source("output_size").splitlines()[0])
    def output_size(n, kernel_size, stride=1, padding=0, dilation=1):
    """
    if name not in SOLUTIONS:
        raise ValueError(f"name must be one of {', '.join(SOLUTIONS)}; got {name!r}")
    used = [inspect.getsource(SOLUTIONS[other]) for other in USES.get(name, ())]
    return "\n\n".join([*used, inspect.getsource(SOLUTIONS[name])]).rstrip("\n") + "\n"


def solution(name):
    """Print the worked solution of the code exercise ``name``; try first!

    Examples
    --------
    >>> solution("convolve2d")  # doctest: +ELLIPSIS
    def correlate2d(image, kernel):
    ...
    def convolve2d(image, kernel):
        flipped = np.asarray(kernel)[::-1, ::-1]  # turned by 180 degrees: up-down and left-right
        return correlate2d(image, flipped)
    """
    print(solution_source(name), end="")
