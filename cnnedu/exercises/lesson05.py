"""Exercises of lesson 05 (the convolutional layer).

Each ``check_<name>(answer)`` returns a :class:`~cnnedu.exercises.feedback.Feedback`
and never raises; ``solution_<name>()`` returns a right answer.

>>> check_kernel_count(12)
Correct: 3 input channels x 4 output channels = 12 kernels of 3x3.
"""

from cnnedu.architecture import conv_parameter_count, dense_parameter_count, describe
from cnnedu.exercises.feedback import check_number

# Exercise 1 and 2: a layer from 3 input channels (RGB) to 4 output channels, 3x3 kernels
IN_CHANNELS, OUT_CHANNELS, KERNEL_SIZE = 3, 4, 3


def solution_kernel_count():
    """How many k x k kernels a 3 -> 4 channel layer holds.

    Examples
    --------
    >>> solution_kernel_count()
    12
    """
    return IN_CHANNELS * OUT_CHANNELS


def check_kernel_count(answer):
    """Exercise 1: how many 3x3 kernels does a layer from 3 to 4 channels hold?

    Examples
    --------
    >>> check_kernel_count(4)
    Not yet: 4 is one per output channel; but each output channel has its own kernel for every input channel.
    >>> check_kernel_count(...)
    Not attempted yet: replace ... with your answer and run the cell again.
    """
    return check_number(
        answer,
        solution_kernel_count(),
        wrong_answers=[
            (OUT_CHANNELS, "4 is one per output channel; but each output channel has its own kernel for every "
                           "input channel."),
            (IN_CHANNELS, "3 is one per input channel; but every output channel needs its own set of them."),
            (IN_CHANNELS + OUT_CHANNELS, "channels multiply, they do not add: every (input, output) pair has a kernel."),
            (IN_CHANNELS * OUT_CHANNELS * KERNEL_SIZE**2, "108 is the number of weights; the question asks for "
                                                          "kernels (each of 3x3 = 9 weights)."),
        ],
        success="3 input channels x 4 output channels = 12 kernels of 3x3.",
    )


def solution_conv_parameters():
    """Weights and biases of the 3 -> 4 channel layer with 3x3 kernels.

    Examples
    --------
    >>> solution_conv_parameters()
    112
    """
    return conv_parameter_count(IN_CHANNELS, OUT_CHANNELS, KERNEL_SIZE)


def check_conv_parameters(answer):
    """Exercise 2: how many trainable parameters does that layer have?

    Examples
    --------
    >>> check_conv_parameters(108)
    Not yet: those are the weights (12 kernels x 9); each output channel also has one bias.
    """
    weights = OUT_CHANNELS * IN_CHANNELS * KERNEL_SIZE**2
    return check_number(
        answer,
        solution_conv_parameters(),
        wrong_answers=[
            (weights, "those are the weights (12 kernels x 9); each output channel also has one bias."),
            (weights + IN_CHANNELS, "there is one bias per output channel (4), not per input channel."),
            (weights + IN_CHANNELS * OUT_CHANNELS, "there is one bias per output channel (4), not one per kernel: "
                                                   "the three responses are summed first, then one bias is added."),
            (OUT_CHANNELS * KERNEL_SIZE**2 + OUT_CHANNELS, "that counts one 3x3 kernel per output channel; each "
                                                           "output channel has one kernel per input channel (3)."),
            (OUT_CHANNELS * KERNEL_SIZE**2, "that counts one 3x3 kernel per output channel and no bias; each output "
                                            "channel has 3 kernels (one per input channel) and one bias."),
        ],
        success="4 x (3 x 3 x 3) weights + 4 biases = 112.",
    )


# Exercise 3: a 2x2 max pool with stride 1 instead of 2 in the worked network
def solution_pool_stride_one():
    """Side of the pooled map when the 2x2 pool of the worked network uses stride 1.

    Examples
    --------
    >>> solution_pool_stride_one()
    29
    """
    return describe([("conv", 2, 3), ("relu",), ("maxpool", 2, 1)], (1, 32, 32))[-1].output_shape[1]


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
    return describe([("conv", 4, 3, 1, 2)], (2, 15, 15))[0].output_shape[1]


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


# Exercise 5: a dense layer doing the first convolution's job
def solution_dense_parameters():
    """Parameters of a dense layer from the 32x32x1 input to 30x30x2 outputs.

    Examples
    --------
    >>> solution_dense_parameters()
    1845000
    """
    return dense_parameter_count((1, 32, 32), (2, 30, 30))


def check_dense_parameters(answer):
    """Exercise 5: a dense layer from 32x32x1 to 30x30x2 values (with biases): how many parameters?

    Examples
    --------
    >>> check_dense_parameters(20)
    Not yet: 20 is the convolution layer. A dense layer joins each of the 1024 inputs to each of the 1800 outputs.
    """
    n_in, n_out = 32 * 32, 2 * 30 * 30
    return check_number(
        answer,
        solution_dense_parameters(),
        wrong_answers=[
            (20, "20 is the convolution layer. A dense layer joins each of the 1024 inputs to each of the 1800 "
                 "outputs."),
            (n_in * n_out, "those are the weights; add one bias per output value (1800)."),
            (n_in * n_out + 2, "a dense layer has one bias per output value (1800), not one per map."),
            (n_in * 2 + 2, "a dense layer does not share weights across positions: every one of the 1800 outputs "
                           "has its own 1024 weights."),
        ],
        success="1024 x 1800 + 1800 = 1,845,000 parameters, against 20 for the convolution.",
    )
