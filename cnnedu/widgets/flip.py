"""Lesson 02 demos: cross-correlation beside convolution with a flip toggle,
and a causal system that plays its impulse response in time."""

import functools

import ipywidgets as widgets

from cnnedu.images import load_image, shapes_image
from cnnedu.kernels import causal_run, flip_comparison, get_kernel, kernel_names
from cnnedu.plotting.flip import flip_figure, stepper_figure, update_flip, update_stepper
from cnnedu.widgets._demo import Demo, DemoState, register_demo, start_controls
from cnnedu.widgets._upload import YOUR_PICTURE, PictureUpload, no_picture_yet

SIGNALS = {
    "impulse [1, 0, 0]": (1.0, 0.0, 0.0),
    "delayed impulse [0, 1, 0]": (0.0, 1.0, 0.0),
    "two impulses [1, 0, 2]": (1.0, 0.0, 2.0),
    "step [1, 1, 1, 1]": (1.0, 1.0, 1.0, 1.0),
}
RESPONSES = {
    "h = [1, 2, 3]": (1.0, 2.0, 3.0),
    "h = [3, 2, 1]": (3.0, 2.0, 1.0),
    "h = [1, -1]": (1.0, -1.0),
    "h = [0.5, 0.5]": (0.5, 0.5),
}


@functools.lru_cache(maxsize=1)
def _flip_images():
    # pixels centred on zero (black -1, white +1) so opposite patterns give opposite signs;
    # the photo: grey, area-averaged to 48 px on its longer side (48x41)
    images = {
        "shapes (28x28)": 2.0 * shapes_image(28) - 1.0,
        "photo (48 px)": 2.0 * load_image("grace_hopper", grayscale=True, size=48) - 1.0,
    }
    for image in images.values():
        image.flags.writeable = False  # shared between demos
    return images


@register_demo(lesson="02")
def flip_explorer(kernel="Sobel x"):
    """Cross-correlation and convolution side by side, with a flip toggle.

    The third panel is the cross-correlation of the image with the kernel,
    the fourth the convolution with the same kernel. Tick "flip the kernel"
    and the cross-correlation uses the kernel turned by 180 degrees: the two
    maps become identical. Symmetric kernels (Laplacian, blur, sharpen,
    identity) give identical maps either way.

    Parameters
    ----------
    kernel : str
        Initial preset (see :func:`cnnedu.kernels.kernel_names`).

    Returns
    -------
    Demo
        Controls ``kernel`` (preset), ``image`` ('shapes (28x28)',
        'photo (48 px)' or 'your picture') and ``flip`` (checkbox). An
        upload button takes your own photo, shown in grey with 48 px on its
        longer side, like the photo (black = -1, white = +1).

    Examples
    --------
    >>> demo = flip_explorer()
    >>> demo.artists["difference"].get_text()[:22]
    'The two maps differ (l'
    >>> demo.set(flip=True).artists["difference"].get_text()[:26]
    'The two maps are identical'
    """
    controls = {"kernel": widgets.Dropdown(options=kernel_names(), description="kernel")}
    start_controls("flip_explorer", controls, kernel=kernel)
    state = DemoState(pictures=dict(_flip_images()))  # this demo's menu; an upload adds YOUR_PICTURE
    first = next(iter(state.pictures))
    figure, artists = flip_figure(state.pictures[first])

    def draw(kernel, image, flip):
        if image not in state.pictures:
            raise no_picture_yet()
        pixels = state.pictures[image]
        if pixels.shape != artists["image"].get_array().shape:
            _resize(artists, pixels)  # one figure for both images: fit the axes to this one
        artists["image"].set_data(pixels)
        artists["image"].set_clim(pixels.min(), pixels.max())
        update_flip(artists, flip_comparison(pixels, get_kernel(kernel), flip))

    controls["image"] = widgets.Dropdown(
        options=list(state.pictures) + [YOUR_PICTURE], value=first, description="image"
    )
    controls["flip"] = widgets.Checkbox(value=False, description="flip the kernel before sliding it", indent=False)
    upload = PictureUpload(_prepare_flip_picture, state.pictures, "image")
    demo = Demo(
        figure,
        controls,
        draw,
        extras={"upload": upload},
        state=state,
        title="Cross-correlation vs convolution: convolution flips the kernel first",
        caption=(
            "The image, the kernel, and the maps made by cross-correlation and by convolution on one colour scale "
            "(blue negative, red positive); with the flip ticked the two maps are identical."
        ),
        artists=artists,
    )
    upload.connect(demo)
    return demo


def _prepare_flip_picture(content):
    """An uploaded file as the flip explorer shows it: grey, 48 px on the longer side, from -1 to +1."""
    photo = load_image(content, grayscale=True, size=48)
    if min(photo.shape) < 8:
        raise ValueError(
            f"the picture is too long and thin: {photo.shape[1]}x{photo.shape[0]} at 48 px; "
            "the demo needs at least 8 px each way"
        )
    return 2.0 * photo - 1.0, f"shown in grey at {photo.shape[0]}x{photo.shape[1]} (black -1, white +1)"


def _resize(artists, pixels):
    """Make the three maps of a flip figure fit an image of another size."""
    rows, columns = pixels.shape
    kernel_rows, kernel_columns = artists["kernel"].get_array().shape
    artists["image"].set_extent((-0.5, columns - 0.5, rows - 0.5, -0.5))
    artists["axes"][0].set_xlim(-0.5, columns - 0.5)
    artists["axes"][0].set_ylim(rows - 0.5, -0.5)
    out_rows, out_columns = rows - kernel_rows + 1, columns - kernel_columns + 1
    for name, ax in (("correlation_map", artists["axes"][2]), ("convolution_map", artists["axes"][3])):
        artists[name].set_extent((-0.5, out_columns - 0.5, out_rows - 0.5, -0.5))
        ax.set_xlim(-0.5, out_columns - 0.5)
        ax.set_ylim(out_rows - 0.5, -0.5)


@register_demo(lesson="02")
def impulse_response_stepper(time=2):
    """A causal system stepping through time: why convolution flips.

    A system with impulse response ``h`` answers the impulse ``[1, 0, 0]``
    with ``h[0], h[1], h[2]`` in that order. At each time the output is the
    sum of the products of the inputs with the response laid under them
    *reversed*: the newest input meets ``h[0]``. Untick "reverse" to slide
    the response as written (cross-correlation) and watch it play backwards.

    Parameters
    ----------
    time : int
        The time shown first. The default, 2, is the step where the impulse
        meets the last tap of the response: the picture then shows the
        whole answer 1, 2, 3 in order even without a live kernel.

    Returns
    -------
    Demo
        Controls ``time`` (with a Play button), ``signal``,
        ``impulse_response`` and ``reverse``.

    Examples
    --------
    >>> demo = impulse_response_stepper()
    >>> demo.artists["title"].get_text()
    't = 2: reversed response (convolution);  y[2] = 3 + 0 + 0 = 3'
    """
    longest_signal = max(len(values) for values in SIGNALS.values())
    longest_response = max(len(values) for values in RESPONSES.values())
    last_time = longest_signal + longest_response - 2
    controls = {
        "time": widgets.IntSlider(min=0, max=last_time, description="time t"),
        "signal": widgets.Dropdown(
            options=list(SIGNALS.items()), value=SIGNALS["impulse [1, 0, 0]"], description="input x"
        ),
        "impulse_response": widgets.Dropdown(
            options=list(RESPONSES.items()), value=RESPONSES["h = [1, 2, 3]"], description="response"
        ),
        "reverse": widgets.Checkbox(value=True, description="reverse h (convolution)", indent=False),
    }
    start_controls("impulse_response_stepper", controls, time=time)
    figure, artists = stepper_figure(longest_signal, longest_response)

    def draw(time, signal, impulse_response, reverse):
        update_stepper(artists, causal_run(signal, impulse_response, time, flip=reverse, last=last_time))

    play = widgets.Play(value=time, min=0, max=last_time, step=1, interval=900, description="play")
    widgets.jslink((play, "value"), (controls["time"], "value"))
    return Demo(
        figure,
        controls,
        draw,
        extras={"play": play},
        title="A causal system in time: the impulse response comes out in order",
        caption=(
            "A table of the input over time, the impulse response laid under it, their products and the output so "
            "far; the bars show the output at each time step."
        ),
        artists=artists,
    )
