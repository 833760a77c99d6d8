"""Lesson 01 demo: slide a 3x3 kernel over an image one position at a time."""

import functools

import ipywidgets as widgets
import numpy as np

from cnnedu._checks import as_array, one_of
from cnnedu.images import crop_and_resize, load_image, shapes_image
from cnnedu.kernels import format_kernel, get_kernel, kernel_names, parse_kernel, scan_step, strongest_position
from cnnedu.plotting.filters import scanner_figure, update_scanner
from cnnedu.widgets._demo import Demo, DemoState, register_demo
from cnnedu.widgets._upload import YOUR_PICTURE, PictureUpload, no_picture_yet

CUSTOM = "custom (edit the text)"


def kernel_from_text(text):
    """The 3x3 kernel the scanner's text box holds.

    The text box is the one source of the weights: a preset only writes its
    weights there. A preset's own text stands for its exact weights, so that
    the box blur's ``0.1111`` is 1/9 and its sums come out as 1.

    Examples
    --------
    >>> kernel_from_text(format_kernel(get_kernel("box blur"))).sum()
    np.float64(1.0)
    >>> kernel_from_text("[[0, 0, 0], [0, 2, 0], [0, 0, 0]]")[1, 1]
    np.float64(2.0)
    """
    name = _preset_by_text().get(text)
    return get_kernel(name) if name is not None else parse_kernel(text)


@functools.lru_cache(maxsize=1)
def _preset_by_text():
    """Each preset's text in the text box -> its name."""
    return {format_kernel(get_kernel(name)): name for name in kernel_names()}


def default_scanner_image():
    """The scanner's default picture: 28x28 shapes, black = -1, white = +1.

    Centred pixels make a pattern and its opposite give responses of
    opposite sign.
    """
    return 2.0 * shapes_image(28) - 1.0


@register_demo(lesson="01")
def kernel_scanner(image=None, kernel="45-degree edge"):
    """Drag a 3x3 kernel over an image: the window, the products, their sum
    and the output map filling in.

    Parameters
    ----------
    image : array_like, shape (H, W), optional
        At least 3x3. Default: 28x28 shapes (a square, a disk, a triangle, a
        line) with black = -1 and white = +1.
    kernel : str or array_like of shape (3, 3)
        A preset name (see :func:`cnnedu.kernels.kernel_names`) or your own
        weights.

    Returns
    -------
    Demo
        Controls ``row``, ``column`` (window position), ``preset`` (kernel
        name or custom), ``kernel_text`` (the weights drawn, as a list of
        rows: a preset writes its weights there, and weights typed by hand
        make the preset custom) and ``picture`` (the image, or
        'your picture'). A Play button scans every position in reading
        order; an upload button takes your own photo, shown in grey at the
        image's size (its central part, black = -1, white = +1).

    Examples
    --------
    >>> demo = kernel_scanner()
    >>> demo.values()["row"], demo.values()["column"]  # starts where the response is largest
    (3, 17)
    >>> demo.set(row=20, column=0).artists["products_title"].get_text()  # all black: -1 times each weight
    '= products\\nsum = -6'
    """
    if isinstance(kernel, str):
        one_of("kernel_scanner: kernel", kernel, kernel_names())
    first = "shapes (28x28)" if image is None else "your array"
    image = default_scanner_image() if image is None else as_array("image", image, ndim=2)
    if image.shape[0] < 3 or image.shape[1] < 3:
        raise ValueError(f"image must be at least 3x3 for a 3x3 kernel; got shape {image.shape}")
    if isinstance(kernel, str):
        preset, text = kernel, format_kernel(get_kernel(kernel))
    else:
        text = format_kernel(kernel)
        parse_kernel(text)  # a clear error now if it is not 3x3
        preset = CUSTOM
    out_rows, out_columns = image.shape[0] - 2, image.shape[1] - 2
    start_row, start_column = strongest_position(image, parse_kernel(text))
    figure, artists = scanner_figure(image)
    state = DemoState(
        pictures={first: image},  # the menu's pictures, all of the image's shape; an upload adds YOUR_PICTURE
        shown=None,  # the pixels on show
        output={},  # the full output map for the current kernel, reused while only the position moves
        following_play=False,  # True while the sliders follow the Play button
    )

    def draw(row, column, preset, kernel_text, picture):
        weights = kernel_from_text(kernel_text)  # the text box is the kernel; a preset only fills it
        if picture not in state.pictures:
            raise no_picture_yet()
        pixels = state.pictures[picture]
        if pixels is not state.shown:
            show_picture(pixels)
        key = (picture, weights.tobytes())  # an upload empties the cache
        step = scan_step(pixels, weights, row, column, output=state.output.get(key))
        update_scanner(artists, step)
        state.output = {key: step.output}

    def show_picture(pixels):
        low, high = float(pixels.min()), float(pixels.max())
        high = high if high > low else low + 1.0
        artists["image"].set_data(pixels)
        for name in ("image", "window"):
            artists[name].set_clim(low, high)
        state.shown = pixels

    def prepare(content):
        photo = load_image(content, grayscale=True)  # a ValueError for a file that is not a picture
        state.output = {}
        return 2.0 * crop_and_resize(photo, image.shape) - 1.0, (
            f"shown in grey at {image.shape[0]}x{image.shape[1]} (its central part; black -1, white +1)"
        )

    def fill_text(preset):
        """A preset writes its weights into the text box (in the same redraw)."""
        return {} if preset == CUSTOM else {"kernel_text": format_kernel(get_kernel(preset))}

    def name_text(kernel_text):
        """Weights typed by hand that differ from the preset make the preset 'custom'."""
        current = controls["preset"].value
        if current == CUSTOM:
            return {}
        try:
            same = np.allclose(parse_kernel(kernel_text), get_kernel(current), atol=1e-3)
        except ValueError:
            same = False
        return {} if same else {"preset": CUSTOM}

    style = {"description_width": "initial"}
    controls = {
        "row": widgets.IntSlider(value=start_row, min=0, max=out_rows - 1, description="row", style=style),
        "column": widgets.IntSlider(value=start_column, min=0, max=out_columns - 1, description="column", style=style),
        "preset": widgets.Dropdown(options=kernel_names() + [CUSTOM], value=preset, description="kernel"),
        "kernel_text": widgets.Text(
            value=text,
            continuous_update=False,
            description="weights",
            layout=widgets.Layout(width="430px"),
        ),
        "picture": widgets.Dropdown(options=[first, YOUR_PICTURE], value=first, description="image"),
    }
    play = widgets.Play(value=0, min=0, max=out_rows * out_columns - 1, step=1, interval=120, description="scan")
    upload = PictureUpload(prepare, state.pictures, "picture")
    demo = Demo(
        figure,
        controls,
        draw,
        links={"preset": fill_text, "kernel_text": name_text},
        extras={"play": play, "upload": upload},
        state=state,
        title="Kernel scanner: multiply the window by the kernel, add up, write the sum",
        caption=(
            "Left: the image with the kernel's window; middle: the window, the kernel and their products, with the "
            "sum above; right: the response map filling in (blue negative, red positive)."
        ),
        artists=artists,
    )
    upload.connect(demo)

    def on_play(change):
        row, column = divmod(int(change["new"]), out_columns)
        if (row, column) != (controls["row"].value, controls["column"].value):
            state.following_play = True
            try:
                demo.set(row=row, column=column)
            finally:
                state.following_play = False

    def on_position(change):
        if state.following_play:
            return
        play.value = controls["row"].value * out_columns + controls["column"].value

    controls["row"].observe(on_position, names="value")
    controls["column"].observe(on_position, names="value")
    play.observe(on_play, names="value")
    on_position(None)
    return demo
