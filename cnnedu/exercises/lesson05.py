"""Exercises of lesson 05 (the convolutional layer).

Each ``check_<name>(answer)`` returns a :class:`~cnnedu.exercises.feedback.Feedback`
and never raises; ``solution_<name>()`` returns a right answer. The layers of
exercises 1, 2 and 5 differ from the lesson's worked examples, so the answers
cannot be copied from the text above them.

>>> check_kernel_count(128)
Correct: 8 input channels x 16 output channels = 128 kernels of 5x5.
"""

from cnnedu.architecture import conv_parameter_count, dense_parameter_count, describe
from cnnedu.exercises.feedback import check_number
from cnnedu.layers import Conv2d, MaxPool2d, ReLU

# Exercises 1 and 2: a layer from 8 input channels to 16 output channels, 5x5 kernels
IN_CHANNELS, OUT_CHANNELS, KERNEL_SIZE = 8, 16, 5


def solution_kernel_count():
    """How many k x k kernels the 8 -> 16 channel layer holds.

    Examples
    --------
    >>> solution_kernel_count()
    128
    """
    return IN_CHANNELS * OUT_CHANNELS


def check_kernel_count(answer):
    """Exercise 1: how many 5x5 kernels does a layer from 8 to 16 channels hold?

    Examples
    --------
    >>> check_kernel_count(16)
    Not yet: 16 is one per output channel; but each output channel has its own kernel for every input channel.
    >>> check_kernel_count(...)
    Not attempted yet: replace ... with your answer and run the cell again.
    """
    weights = IN_CHANNELS * OUT_CHANNELS * KERNEL_SIZE**2
    return check_number(
        answer,
        solution_kernel_count(),
        wrong_answers=[
            (
                OUT_CHANNELS,
                f"{OUT_CHANNELS} is one per output channel; but each output channel has its own kernel "
                "for every input channel.",
            ),
            (
                IN_CHANNELS,
                f"{IN_CHANNELS} is one per input channel; but every output channel needs its own set of them.",
            ),
            (
                IN_CHANNELS + OUT_CHANNELS,
                "channels multiply, they do not add: every (input, output) pair has a kernel.",
            ),
            (
                weights,
                f"{weights} is the number of weights; the question asks for kernels (each of "
                f"{KERNEL_SIZE}x{KERNEL_SIZE} = {KERNEL_SIZE**2} weights).",
            ),
        ],
        success=f"{IN_CHANNELS} input channels x {OUT_CHANNELS} output channels = "
        f"{IN_CHANNELS * OUT_CHANNELS} kernels of {KERNEL_SIZE}x{KERNEL_SIZE}.",
    )


def solution_conv_parameters():
    """Weights and biases of the 8 -> 16 channel layer with 5x5 kernels.

    Examples
    --------
    >>> solution_conv_parameters()
    3216
    """
    return conv_parameter_count(IN_CHANNELS, OUT_CHANNELS, KERNEL_SIZE)


def check_conv_parameters(answer):
    """Exercise 2: how many trainable parameters does that layer have?

    Examples
    --------
    >>> check_conv_parameters(3200)
    Not yet: those are the weights (128 kernels x 25); each output channel also has one bias.
    """
    kernels = IN_CHANNELS * OUT_CHANNELS
    weights = kernels * KERNEL_SIZE**2
    return check_number(
        answer,
        solution_conv_parameters(),
        wrong_answers=[
            (
                weights,
                f"those are the weights ({kernels} kernels x {KERNEL_SIZE**2}); each output channel also has one bias.",
            ),
            (weights + IN_CHANNELS, f"there is one bias per output channel ({OUT_CHANNELS}), not per input channel."),
            (
                weights + kernels,
                f"there is one bias per output channel ({OUT_CHANNELS}), not one per kernel: "
                "the responses of the input channels are summed first, then one bias is added.",
            ),
            (
                OUT_CHANNELS * KERNEL_SIZE**2 + OUT_CHANNELS,
                "that counts one kernel per output channel; each "
                f"output channel has one kernel per input channel "
                f"({IN_CHANNELS}).",
            ),
            (
                OUT_CHANNELS * KERNEL_SIZE**2,
                "that counts one kernel per output channel and no bias; each output "
                f"channel has {IN_CHANNELS} kernels (one per input channel) and one "
                "bias.",
            ),
            (
                OUT_CHANNELS * (IN_CHANNELS * KERNEL_SIZE + 1),
                f"a {KERNEL_SIZE}x{KERNEL_SIZE} kernel has "
                f"{KERNEL_SIZE} x {KERNEL_SIZE} = {KERNEL_SIZE**2} "
                "weights, not "
                f"{KERNEL_SIZE}.",
            ),
        ],
        success=f"{OUT_CHANNELS} x ({IN_CHANNELS} x {KERNEL_SIZE} x {KERNEL_SIZE}) weights + {OUT_CHANNELS} "
        f"biases = {conv_parameter_count(IN_CHANNELS, OUT_CHANNELS, KERNEL_SIZE):,}.",
    )


# Exercise 3: a 2x2 max pool with stride 1 instead of 2 in the worked network
def solution_pool_stride_one():
    """Side of the pooled map when the 2x2 pool of the worked network uses stride 1.

    Examples
    --------
    >>> solution_pool_stride_one()
    29
    """
    return describe([Conv2d(1, 2, 3), ReLU(), MaxPool2d(2, stride=1)], (1, 32, 32))[-1].output_shape[1]


def check_pool_stride_one(answer):
    """Exercise 3: 30x30 maps, 2x2 max pool with stride 1: what side comes out?

    Examples
    --------
    >>> check_pool_stride_one(15)
    Not yet: 15 is what stride 2 gives. With stride 1 the window moves one cell at a time: (30 - 2) / 1 + 1.
    """
    return check_number(
        answer,
        solution_pool_stride_one(),
        wrong_answers=[
            (15, "15 is what stride 2 gives. With stride 1 the window moves one cell at a time: (30 - 2) / 1 + 1."),
            (30, "a 2x2 window fits one position fewer than there are cells: (30 - 2) / 1 + 1."),
            (28, "do not forget the + 1 in o = (n - f) / s + 1."),
            (31, "no padding here: o = (30 - 2) / 1 + 1."),
        ],
        success="29 = (30 - 2) / 1 + 1: stride 1 barely shrinks the map.",
    )


# Exercise 4: the second convolution with padding 2 instead of 1
def solution_padding_two():
    """Side of the second conv's output (3x3 kernel, stride 1) on 15x15 maps with padding 2.

    Examples
    --------
    >>> solution_padding_two()
    17
    """
    return describe([Conv2d(2, 4, 3, stride=1, padding=2)], (2, 15, 15))[0].output_shape[1]


def check_padding_two(answer):
    """Exercise 4: 15x15 input, 3x3 kernel, stride 1, padding 2: what side comes out?

    Examples
    --------
    >>> check_padding_two(15)
    Not yet: 15 is what padding 1 gives; padding 2 adds two zeros on each side: (15 + 2*2 - 3) / 1 + 1.
    """
    return check_number(
        answer,
        solution_padding_two(),
        wrong_answers=[
            (15, "15 is what padding 1 gives; padding 2 adds two zeros on each side: (15 + 2*2 - 3) / 1 + 1."),
            (13, "that is without padding; padding 2 adds two zeros on each side: (15 + 2*2 - 3) / 1 + 1."),
            (16, "almost: 16 is 15 + 4 - 3 without the + 1 (the first window counts too): (15 + 2*2 - 3) / 1 + 1."),
            (19, "the padded input is 19 wide, but a 3x3 kernel fits 19 - 3 + 1 positions."),
        ],
        success="17 = (15 + 4 - 3) / 1 + 1: too much padding makes the map grow.",
    )


# Exercise 5: a dense layer doing the second convolution's job (15x15x2 -> 15x15x4)
DENSE_INPUT, DENSE_OUTPUT = (2, 15, 15), (4, 15, 15)


def solution_dense_parameters():
    """Parameters of a dense layer from the 15x15x2 pooled maps to the 15x15x4 outputs of conv 2.

    Examples
    --------
    >>> solution_dense_parameters()
    405900
    """
    return dense_parameter_count(DENSE_INPUT, DENSE_OUTPUT)


def check_dense_parameters(answer):
    """Exercise 5: a dense layer from 15x15x2 to 15x15x4 values (with biases): how many parameters?

    Examples
    --------
    >>> check_dense_parameters(76)
    Not yet: 76 is the convolution layer. A dense layer joins each of the 450 inputs to each of the 900 outputs.
    """
    n_in, n_out = 2 * 15 * 15, 4 * 15 * 15
    return check_number(
        answer,
        solution_dense_parameters(),
        wrong_answers=[
            (
                76,
                f"76 is the convolution layer. A dense layer joins each of the {n_in} inputs to each of the "
                f"{n_out} outputs.",
            ),
            (n_in * n_out, f"those are the weights; add one bias per output value ({n_out})."),
            (n_in * n_out + 4, f"a dense layer has one bias per output value ({n_out}), not one per map."),
            (
                n_in * 4 + 4,
                f"a dense layer does not share weights across positions: every one of the {n_out} "
                f"outputs has its own {n_in} weights.",
            ),
            (
                1845000,
                "1,845,000 is the lesson's example (the first convolution's job); this one maps the "
                f"{n_in} pooled values to the second convolution's {n_out} outputs.",
            ),
        ],
        success=f"{n_in} x {n_out} + {n_out} = {n_in * n_out + n_out:,} parameters, against 76 for the convolution.",
    )
