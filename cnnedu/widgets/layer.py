"""Demos of lesson 05: a colour photo through one convolution layer, and a
layer-stack builder that reports shapes, parameters and receptive fields."""

import ipywidgets as widgets

from cnnedu._checks import int_between, one_of
from cnnedu.architecture import describe_partial
from cnnedu.images import PHOTOS, load_image
from cnnedu.layer_stack import builder_stack
from cnnedu.plotting.layer import CHANNELS, rgb_layer_figure, stack_figure, update_rgb_layer, update_stack
from cnnedu.rgb_layer import ACTIVATIONS, RGB_PRESETS, rgb_layer_maps
from cnnedu.widgets._blit import BlitCanvas
from cnnedu.widgets._demo import Demo, DemoState, register_demo, start_controls
from cnnedu.widgets._upload import YOUR_PICTURE, PictureUpload, no_picture_yet

_STYLE = {"description_width": "initial"}


@register_demo(lesson="05")
def rgb_layer_demo(photo="grace_hopper", size=96, preset="red minus blue"):
    """An RGB photo through a 3-channel convolution with one output channel.

    The figure shows each colour channel cross-correlated with its own
    kernel, the sum of the three, the sum plus the bias, and the feature map
    after the activation. Controls: photo, kernel preset, bias, activation.
    An upload button takes your own photo ('your picture'), shown in colour
    with ``size`` px on its longer side like the others.

    Parameters
    ----------
    photo : {'grace_hopper', 'china', 'flower'}
        The photo first shown.
    size : int
        Pixels on each photo's longer side, at least 8.
    preset : str
        The kernels first shown, one of ``cnnedu.rgb_layer.RGB_PRESETS``.

    Returns
    -------
    Demo
        Controls ``photo``, ``preset``, ``bias``, ``activation``.

    Examples
    --------
    >>> demo = rgb_layer_demo()
    >>> demo.set(bias=-0.2, activation="none").error is None
    True
    """
    one_of("rgb_layer_demo: photo", photo, PHOTOS)  # a picture of yours comes through the upload button
    size = int_between("rgb_layer_demo: size", size, 8)  # pixels on the longer side
    controls = {
        "photo": widgets.Dropdown(options=list(PHOTOS) + [YOUR_PICTURE], description="photo"),
        "preset": widgets.Dropdown(options=list(RGB_PRESETS), description="kernels", style=_STYLE),
        "bias": widgets.FloatSlider(
            value=0.0, min=-0.5, max=0.5, step=0.05, description="bias", continuous_update=True, readout_format="+.2f"
        ),
        "activation": widgets.ToggleButtons(
            options=list(ACTIVATIONS), value="ReLU", description="activation", style=_STYLE
        ),
    }
    start_controls("rgb_layer_demo", controls, photo=photo, preset=preset)
    state = DemoState(pictures={})  # photos loaded so far; an upload adds YOUR_PICTURE

    def image_of(name):
        if name not in state.pictures:
            if name == YOUR_PICTURE:
                raise no_picture_yet()
            state.pictures[name] = load_image(name, size=size)  # longer side = size
        return state.pictures[name]

    def prepare(content):
        photo = load_image(content, size=size)
        if min(photo.shape[:2]) < 8:
            raise ValueError(
                f"the picture is too long and thin: {photo.shape[1]}x{photo.shape[0]} at {size} px; "
                "the demo needs at least 8 px each way"
            )
        return photo, f"shown in colour at {photo.shape[0]}x{photo.shape[1]}"

    figure, artists = rgb_layer_figure(rgb_layer_maps(image_of(photo), RGB_PRESETS[preset]))

    def draw(photo, preset, bias, activation):
        update_rgb_layer(artists, rgb_layer_maps(image_of(photo), RGB_PRESETS[preset], bias, activation))

    upload = PictureUpload(prepare, state.pictures, "photo")
    demo = Demo(
        figure,
        controls,
        draw,
        # once the layout is fixed, only the changing artists are redrawn; another photo shape moves the axes
        canvas=lambda figure: BlitCanvas(
            figure, _rgb_layer_dynamic(artists), layout_key=lambda: artists["photo"].get_array().shape
        ),
        extras={"upload": upload},
        state=state,
        title="One output channel of a 3-channel convolution layer",
        caption=(
            "Top: the photo and each colour channel's response to its own kernel; bottom: the three kernels, "
            "the summed response, the sum plus the bias, and the feature map after the activation."
        ),
        artists=artists,
    )
    upload.connect(demo)
    return demo


def _rgb_layer_dynamic(artists):
    """What the RGB layer demo's controls change: the images first, then the
    frames and numbers drawn over them, then the titles whose text changes."""
    maps = [artists[key] for key in ("photo", *CHANNELS, "kernels", "sum", "biased", "feature_map")]
    spines = [spine for image in maps for spine in image.axes.spines.values()]
    titles = [artists["titles"][key] for key in ("kernels", "biased", "feature_map")]
    return maps + spines + [artists["kernel_numbers"].collection] + titles


@register_demo(lesson="05")
def layer_stack_builder():
    """Edit a small CNN and see every layer's output shape, parameter count
    and receptive field (a table below the diagram); a layer that cannot fit
    is named in red.

    The default is the worked network of lesson 05: 32x32x1 -> conv 2 filters
    3x3 -> ReLU -> 2x2 max pool -> conv 4 filters 3x3, padding 1 -> ReLU ->
    flatten (900) -> linear.

    Examples
    --------
    >>> demo = layer_stack_builder()
    >>> "<td>900</td>" in demo.panes["table"].value
    True
    """
    figure, artists = stack_figure()

    def slider(value, low, high, description):
        return widgets.IntSlider(
            value=value, min=low, max=high, description=description, style=_STYLE, layout=widgets.Layout(width="230px")
        )

    controls = {
        "size": slider(32, 4, 64, "input size"),
        "channels": widgets.Dropdown(
            options=[1, 3], value=1, description="input channels", style=_STYLE, layout=widgets.Layout(width="170px")
        ),
        "conv1_filters": slider(2, 1, 16, "conv1 filters"),
        "conv1_kernel": slider(3, 1, 9, "conv1 kernel"),
        "conv1_stride": slider(1, 1, 4, "conv1 stride"),
        "conv1_padding": slider(0, 0, 4, "conv1 padding"),
        "pool_size": slider(2, 1, 4, "pool size (1 = none)"),
        "pool_stride": slider(2, 1, 4, "pool stride"),
        "conv2_filters": slider(4, 1, 32, "conv2 filters"),
        "conv2_kernel": slider(3, 1, 9, "conv2 kernel"),
        "conv2_stride": slider(1, 1, 4, "conv2 stride"),
        "conv2_padding": slider(1, 0, 4, "conv2 padding"),
        "extra_blocks": slider(0, 0, 3, "extra pool+conv blocks"),
        "classes": slider(10, 1, 20, "classes"),
    }

    table = widgets.HTML(value="")

    def draw(size, channels, **settings):
        input_shape = (channels, size, size)
        rows, error = describe_partial(builder_stack(input_shape, **settings), input_shape)
        update_stack(artists, rows, input_shape, error)
        table.value = summary_html(rows, input_shape, error)

    return Demo(
        figure,
        controls,
        draw,
        panes={"table": table},
        title="Build a small CNN: shapes, parameters, receptive fields",
        caption=(
            "A diagram of the stack, one block per layer with its output shape, parameter count and receptive"
            " field; the table under it adds the totals."
        ),
        artists=artists,
    )


def summary_html(rows, input_shape, error=None):
    """The table of :func:`cnnedu.architecture.describe` as HTML (for the
    layer-stack builder's ``widgets.HTML`` pane), with a note where the floor
    of the size formula leaves border cells unused and the error (if any) in
    red below it.

    Examples
    --------
    >>> from cnnedu.architecture import describe
    >>> from cnnedu.layers import Conv2d
    >>> html = summary_html(describe([Conv2d(1, 2, 3)], (1, 32, 32)), (1, 32, 32))
    >>> "<td>2 x 30 x 30</td>" in html
    True
    """
    cells = [("input", " x ".join(str(v) for v in input_shape), "0", "1 x 1", "")]
    for row in rows:
        if row.receptive_field is None:
            field = "whole input"
        else:  # rows x columns (a rectangular stack has its own column field)
            columns = row.receptive_field_columns or row.receptive_field
            field = f"{row.receptive_field.size} x {columns.size}"
        note = ""
        if row.unused:
            note = f"last {row.unused} row{'s' if row.unused > 1 else ''}/column{'s' if row.unused > 1 else ''} unused"
        cells.append((row.name, " x ".join(str(v) for v in row.output_shape), f"{row.parameter_count:,}", field, note))
    total = sum(row.parameter_count for row in rows)
    pad = "padding:1px 14px 1px 0"
    lines = [
        "<table style='font-family:monospace;font-size:14px;border-collapse:collapse'>",
        f"<tr><th style='text-align:left;{pad}'>layer</th><th style='text-align:left;{pad}'>output shape</th>"
        f"<th style='text-align:right;{pad}'>parameters</th><th style='text-align:left;{pad}'>receptive field</th>"
        f"<th style='text-align:left;{pad}'></th></tr>",
    ]
    for name, shape, count, field, note in cells:
        lines.append(
            f"<tr><td style='{pad}'>{name}</td><td>{shape}</td><td "
            f"style='text-align:right;{pad};padding-left:14px'>{count}</td>"
            f"<td style='{pad}'>{field}</td><td style='{pad};color:#8a5a00'>{note}</td></tr>"
        )
    lines.append(
        f"<tr><td style='{pad}'><b>total</b></td><td></td>"
        f"<td style='text-align:right;{pad}'><b>{total:,}</b></td><td></td><td></td></tr>"
    )
    lines.append("</table>")
    if error is not None:
        text = error.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        lines.append(f"<div style='color:#b00020;font-size:1.1em'><b>Cannot fit:</b> {text}</div>")
    return "\n".join(lines)
