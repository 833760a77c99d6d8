"""Lesson 07 demo: the receptive field of a unit, theoretical and effective.

``receptive_field_explorer()`` stacks convolutions (and optional pooling)
from sliders, lets the student pick one unit of the last layer, and shows

* on a photo, the input region that unit can see (its theoretical receptive
  field, from :func:`cnnedu.receptive_field`), with the part that falls in
  the zero padding;
* beside it, the effective receptive field: ``|dJ/dX|`` when a gradient of 1
  is put on that unit and back-propagated through random-weight networks of
  cnnedu layers (:mod:`cnnedu.effective_rf`).
"""

import collections
import contextlib

import ipywidgets as widgets
import numpy as np

from cnnedu._checks import int_between, non_negative_int, one_of, positive_int
from cnnedu.effective_rf import EffectiveReceptiveField
from cnnedu.images import PHOTOS, crop_and_resize, load_image
from cnnedu.layer_stack import explorer_stack, map_shapes, stack_text
from cnnedu.plotting.receptive import (
    show_effective_field,
    show_field_on_image,
    update_effective_field,
    update_field_on_image,
)
from cnnedu.plotting.style import new_figure
from cnnedu.widgets._blit import BlitCanvas
from cnnedu.widgets._demo import Demo, DemoState, register_demo
from cnnedu.widgets._upload import YOUR_PICTURE, PictureUpload, no_picture_yet

_CACHE_SIZE = 8


def _square_photo(source, size):
    """The central square of a photo (a name or an image file's bytes) in grayscale, resized to size x size."""
    return crop_and_resize(load_image(source, grayscale=True), (size, size))


@contextlib.contextmanager
def _one_blas_thread(controller=[]):  # noqa: B006 - a lazily filled module-level slot
    """Run the block with BLAS limited to one thread, then restore the limit (threadpoolctl).

    The effective field is many small matrix products, which lose more to
    handing work between BLAS threads than they gain. Measured on the 2-core
    machine (receptive_field_explorer, medians of 5 interleaved runs of four
    settings and 32 unit moves): a new network 60 ms with this limit against
    99 ms without, a unit move 36 ms against 67 ms. Nothing changes outside
    the block, and nothing at import.
    """
    if not controller:  # one controller, made on first use: it looks up the loaded BLAS libraries once
        from threadpoolctl import ThreadpoolController

        controller.append(ThreadpoolController())
    with controller[0].limit(limits=1, user_api="blas"):
        yield


@register_demo(lesson="07")
def receptive_field_explorer(photo="grace_hopper", size=64, channels=2, samples=4, networks=2, seed=0):
    """Pick a unit of a convolution stack; see what it sees, and how much.

    Parameters
    ----------
    photo : {'grace_hopper', 'china', 'flower'}
        Background photo first shown (grayscale, cropped square, ``size`` x
        ``size``). The ``photo`` menu switches it; an upload button takes
        your own ('your picture'), cropped and scaled the same way.
    size : int
        Input cells per side (the network runs on this grid), at least 4.
    channels, samples, networks : int
        At least 1: random networks for the effective field (see
        :class:`cnnedu.effective_rf.EffectiveReceptiveField`).
    seed : int
        At least 0: fixes the random networks and inputs.

    Returns
    -------
    Demo

    Examples
    --------
    >>> demo = receptive_field_explorer()
    >>> sorted(demo.controls)
    ['column', 'dilation', 'kernel_size', 'layers', 'photo', 'pooling', 'relu', 'row', 'stride']
    """
    one_of("receptive_field_explorer: photo", photo, PHOTOS)  # a picture of yours comes through the upload button
    size = int_between("receptive_field_explorer: size", size, 4)  # the starting stack pools 2x2 twice
    for name, value in (("channels", channels), ("samples", samples), ("networks", networks)):
        positive_int(f"receptive_field_explorer: {name}", value)
    non_negative_int("receptive_field_explorer: seed", seed)
    photos = {photo: _square_photo(photo, size)}  # the background photos loaded so far; an upload adds YOUR_PICTURE
    image = photos[photo]
    style = {"description_width": "initial"}
    slider = dict(continuous_update=True, style=style, layout=widgets.Layout(width="210px"))
    defaults = dict(layers=6, kernel_size=3, stride=1, dilation=1, pooling="max")
    first_shape = map_shapes(explorer_stack(**defaults), (size, size))[-1]
    controls = {
        "layers": widgets.IntSlider(value=defaults["layers"], min=1, max=6, description="conv layers", **slider),
        "kernel_size": widgets.IntSlider(value=3, min=3, max=5, step=2, description="kernel k", **slider),
        "stride": widgets.IntSlider(value=1, min=1, max=2, description="stride s", **slider),
        "dilation": widgets.IntSlider(value=1, min=1, max=3, description="dilation d", **slider),
        "pooling": widgets.Dropdown(
            options=[
                ("no pooling", "none"),
                ("max 2x2 after conv 2, 4", "max"),
                ("average 2x2 after conv 2, 4", "avg"),
            ],
            value="max",
            description="pooling",
            style=style,
            layout=widgets.Layout(width="290px"),
        ),
        "relu": widgets.Checkbox(value=True, description="ReLU between layers", indent=False),
        "row": widgets.IntSlider(
            value=first_shape[0] // 2, min=0, max=first_shape[0] - 1, description="unit row", **slider
        ),
        "column": widgets.IntSlider(
            value=first_shape[1] // 2, min=0, max=first_shape[1] - 1, description="unit column", **slider
        ),
        "photo": widgets.Dropdown(
            options=list(PHOTOS) + [YOUR_PICTURE],
            value=photo,
            description="photo",
            layout=widgets.Layout(width="250px"),
        ),
    }

    figure, (photo_ax, effective_ax) = new_figure(1, 2, figsize=(8.4, 4.2))
    start = ((0, 0), (0, 0))
    photo_artists = show_field_on_image(image, *start, ax=photo_ax, title="theoretical field")
    effective_artists = show_effective_field(np.zeros((size, size)), *start, ax=effective_ax, title="effective field")
    # Text is the slowest thing to draw (about 0.05 ms a character): one short line
    # in the figure, the longer description in an HTML line above it.
    info = figure.text(0.5, 0.01, "", ha="center", va="bottom", fontsize=11)
    stack_line = widgets.HTML(value="")
    figure.get_layout_engine().set(rect=(0, 0.06, 1, 0.94))

    models = collections.OrderedDict()  # architecture -> EffectiveReceptiveField (a small LRU cache)
    gradient_buffer = np.zeros((size, size))
    scaled_buffer = np.zeros((size, size))
    state = DemoState(
        pictures=photos,
        models=models,
        photo=image,  # the photo on show
        photo_version=0,  # counts photo changes (the blit canvas then renders its background again)
        last=None,  # (output shape, row, column) of the previous drawing
    )

    def show_photo(name):
        """Put the photo ``name`` under the field (the blit canvas then renders its background again)."""
        if name not in photos:
            if name == YOUR_PICTURE:
                raise no_picture_yet()
            photos[name] = _square_photo(name, size)
        if photos[name] is not state.photo:
            state.photo = photos[name]
            state.photo_version += 1
            photo_artists["image"].set_data(photos[name])

    def prepare(content):
        return _square_photo(content, size), f"shown in grey at {size}x{size} (its central square)"

    def model_for(stack):
        key = tuple(repr(layer) for layer in stack)  # the layers' geometry, ReLUs included
        if key in models:
            models.move_to_end(key)
            return models[key]
        with _one_blas_thread():
            model = EffectiveReceptiveField(
                stack, (size, size), channels=channels, samples=samples, networks=networks, seed=seed
            )
        models[key] = model
        if len(models) > _CACHE_SIZE:
            models.popitem(last=False)
        return model

    def fit_unit_sliders(shape, row, column):
        """Give the row/column sliders the range of the new output map. When
        the map changed size and the unit was not moved in the same update, the
        unit keeps its relative place (the centre stays the centre)."""
        last = state.last
        new = []
        for axis, (name, value, count) in enumerate((("row", row, shape[0]), ("column", column, shape[1]))):
            if last is not None and last[0][axis] != count and value == last[1 + axis]:
                old_count = last[0][axis]
                value = round(value * (count - 1) / (old_count - 1)) if old_count > 1 else count // 2
            value = min(max(value, 0), count - 1)
            new.append(value)
            control = controls[name]
            if (control.max, control.value) != (count - 1, value):
                with state.demo.hold_redraw():  # this drawing shows the new value already
                    if count - 1 >= control.max:
                        control.max = count - 1
                        control.value = value
                    else:
                        control.value = value
                        control.max = count - 1
        state.last = (shape, new[0], new[1])
        return tuple(new)

    def draw(layers, kernel_size, stride, dilation, pooling, relu, row, column, photo):
        show_photo(photo)
        stack = explorer_stack(layers, kernel_size, stride, dilation, pooling, relu=relu, channels=channels)
        shape = map_shapes(stack, (size, size))[-1]  # ValueError (shown to the student) if a layer does not fit
        row, column = fit_unit_sliders(shape, row, column)
        model = model_for(stack)
        field = model.field
        rows, columns = field.region(row), field.region(column)
        with _one_blas_thread():
            magnitude = model.gradient(row, column, out=gradient_buffer)
        update_field_on_image(photo_artists, rows, columns, image.shape)
        update_effective_field(effective_artists, magnitude, rows, columns, out=scaled_buffer)
        info.set_text(
            f"r = {field.size}, S = {field.stride}, P = {field.padding}; "
            f"unit ({row}, {column}) sees rows {rows[0]}..{rows[1]}, columns {columns[0]}..{columns[1]}"
        )
        stack_line.value = (
            f"<code>{stack_text(stack)}</code> &rarr; output map {shape[0]} x {shape[1]}; "
            "grey border = zero padding, dashed box = theoretical field"
        )

    upload = PictureUpload(prepare, photos, "photo")
    demo = Demo(
        figure,
        controls,
        draw,
        # once the layout is fixed, only the changing artists are redrawn, and the
        # background (photo included) is rendered again only when another photo is shown
        canvas=lambda figure: BlitCanvas(
            figure,
            [
                effective_artists["image"],
                effective_artists["field"],
                photo_artists["field"],
                photo_artists["inside"],
                info,
            ],
            layout_key=lambda: state.photo_version,
        ),
        extras={"stack": stack_line, "upload": upload},
        state=state,
        title="Receptive field explorer",
        caption=(
            "Left: the chosen unit's theoretical receptive field outlined on a photo (grey frame: zero padding); "
            "right: its effective field, brighter where the gradient reaching the pixel is larger."
        ),
        artists={
            "photo": photo_artists["image"],
            "field": photo_artists["field"],
            "inside": photo_artists["inside"],
            "effective": effective_artists["image"],
            "effective_field": effective_artists["field"],
            "info": info,
            "stack": stack_line,
        },
    )
    upload.connect(demo)
    return demo
