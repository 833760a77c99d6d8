"""Your own picture in the four photo demos: the upload button's value is read
in both of its shapes (ipywidgets 7 and 8), a good file is shown as the demo
says (cropped or scaled, grey or colour) and drawn by the same math, and a bad
file's message appears in the demo, which keeps its picture and takes the
next good file."""

import datetime
import io

import ipywidgets
import numpy as np
import pytest
from PIL import Image

import cnnedu as ce
from cnnedu.kernels import get_kernel
from cnnedu.widgets import DEMOS
from cnnedu.widgets._upload import YOUR_PICTURE, uploaded_file

IPYWIDGETS_7 = ipywidgets.__version__.startswith("7.")


def png(array):
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG")
    return buffer.getvalue()


def value_in_ipywidgets_7_shape(name, content):
    """What FileUpload.value holds in ipywidgets 7 (Google Colab): a dict keyed by file name."""
    metadata = {"name": name, "type": "image/png", "size": len(content), "lastModified": 1767225600000}
    return {name: {"metadata": metadata, "content": bytes(content)}}


def value_in_ipywidgets_8_shape(name, content):
    """What FileUpload.value holds in ipywidgets 8: a tuple of dicts, the content a memoryview."""
    modified = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    return (
        {
            "name": name,
            "type": "image/png",
            "size": len(content),
            "content": memoryview(content),
            "last_modified": modified,
        },
    )


def upload(demo, name, content):
    """Do what the browser does when a file is chosen, for the installed ipywidgets."""
    if IPYWIDGETS_7:  # value is read-only there: the widget sets it itself when the frontend sends a file
        demo.extras["upload"].button.set_trait("value", value_in_ipywidgets_7_shape(name, content))
    else:
        demo.extras["upload"].button.value = value_in_ipywidgets_8_shape(name, content)


@pytest.mark.parametrize(
    "shape", [value_in_ipywidgets_7_shape, value_in_ipywidgets_8_shape], ids=["ipywidgets7", "ipywidgets8"]
)
def test_uploaded_file_reads_both_shapes(shape):
    content = b"\x89PNG and the rest"
    assert uploaded_file(shape("cat.png", content)) == ("cat.png", content)
    _, read = uploaded_file(shape("cat.png", content))
    assert type(read) is bytes


def test_uploaded_file_takes_the_last_of_several_and_none_of_nothing():
    both = {**value_in_ipywidgets_7_shape("a.png", b"a"), **value_in_ipywidgets_7_shape("b.png", b"b")}
    assert uploaded_file(both) == ("b.png", b"b")
    assert uploaded_file(value_in_ipywidgets_8_shape("a.png", b"a") + value_in_ipywidgets_8_shape("b.png", b"b")) == (
        "b.png",
        b"b",
    )
    assert uploaded_file({}) is None and uploaded_file(()) is None


@pytest.mark.parametrize(
    "value, message", [(b"bytes", r"got bytes"), ((("a", "b"),), r"must be a dict with a 'content' entry")]
)
def test_uploaded_file_refuses_other_shapes(value, message):
    with pytest.raises(TypeError, match=message):
        uploaded_file(value)


@pytest.fixture(scope="module")
def photo_file():
    """A 90x150 colour PNG: a bright square in the middle on a horizontal gradient."""
    columns = np.linspace(0, 200, 150)
    image = np.repeat(np.tile(columns, (90, 1))[:, :, np.newaxis], 3, axis=2)
    image[:, :, 2] = 80
    image[30:60, 60:90] = (255, 240, 40)
    return png(image.astype(np.uint8))


def scanner_expected(content):
    return 2 * ce.crop_and_resize(ce.load_image(content, grayscale=True), (28, 28)) - 1


def flip_expected(content):
    return 2 * ce.load_image(content, grayscale=True, size=48) - 1


def rgb_expected(content):
    return ce.load_image(content, size=96)


def receptive_expected(content):
    return ce.crop_and_resize(ce.load_image(content, grayscale=True), (64, 64))


# demo name -> (its picture menu, the artist that shows the picture, what an uploaded file becomes, a control to move)
PHOTO_DEMOS = {
    "kernel_scanner": ("picture", "image", scanner_expected, {"row": 5}),
    "flip_explorer": ("image", "image", flip_expected, {"kernel": "Laplacian"}),
    "rgb_layer_demo": ("photo", "photo", rgb_expected, {"bias": 0.1}),
    "receptive_field_explorer": ("photo", "photo", receptive_expected, {"layers": 3}),
}


@pytest.fixture(scope="module", params=sorted(PHOTO_DEMOS))
def photo_demo(request):
    return request.param, DEMOS[request.param]()


def shown_picture(demo, artist):
    return np.asarray(demo.artists[artist].get_array())


def test_choosing_your_picture_before_an_upload_says_what_to_do():
    for name, (menu, *_rest) in PHOTO_DEMOS.items():
        demo = DEMOS[name]()
        first = demo.values()[menu]
        demo.set(**{menu: YOUR_PICTURE})
        assert demo.error.startswith("no picture uploaded yet: use the upload button"), name
        assert "Cannot draw this setting" in demo.message.value
        demo.set(**{menu: first})
        assert demo.error is None


def test_good_then_bad_then_good_file(photo_demo, photo_file):
    name, demo = photo_demo
    menu, artist, expected, move = PHOTO_DEMOS[name]
    first_menu = demo.values()[menu]
    before = demo.image.value

    upload(demo, "photo.png", photo_file)  # a good file: selected and drawn, with one redraw
    assert demo.extras["upload"].error is None and demo.error is None
    assert demo.values()[menu] == YOUR_PICTURE
    np.testing.assert_allclose(shown_picture(demo, artist), expected(photo_file))
    assert demo.image.value != before
    good_figure = demo.image.value
    picture_upload = demo.extras["upload"]
    assert "photo.png" in picture_upload.status.value  # the status line names the file
    assert picture_upload.status in picture_upload.children  # shown beside the button,
    assert any(picture_upload in getattr(row, "children", ()) for row in demo.children)  # in the demo
    if not IPYWIDGETS_7:
        assert demo.extras["upload"].button.value == ()  # the bytes are let go

    for bad_name, bad in [
        ("notes.txt", b"just some text\n"),
        ("paper.pdf", b"%PDF-1.5\n%binary"),
        ("cut.png", photo_file[: len(photo_file) // 2]),
        ("empty.jpg", b""),
    ]:
        upload(demo, bad_name, bad)
        assert demo.extras["upload"].error.startswith(f"{bad_name}: "), demo.extras["upload"].error
        assert f"Cannot use {bad_name}:" in demo.message.value
        assert demo.values()[menu] == YOUR_PICTURE and demo.image.value == good_figure  # nothing else changed
        np.testing.assert_allclose(shown_picture(demo, artist), expected(photo_file))

    demo.set(**move)  # still usable: the next move draws and clears the message
    assert demo.error is None and demo.message.value == ""

    other = np.zeros((40, 40, 3), np.uint8)
    other[::4] = 255  # stripes: another good file replaces the first
    upload(demo, "stripes.png", png(other))
    assert demo.extras["upload"].error is None and demo.message.value == ""
    np.testing.assert_allclose(shown_picture(demo, artist), expected(png(other)))

    demo.set(**{menu: first_menu})  # and back to the shipped picture
    assert demo.error is None


def test_a_long_thin_picture_is_refused_where_it_would_not_fit():
    banner = png(np.full((6, 400, 3), 128, np.uint8))
    for name in ("flip_explorer", "rgb_layer_demo"):
        demo = DEMOS[name]()
        upload(demo, "banner.png", banner)
        assert "too long and thin" in demo.extras["upload"].error
        assert demo.error is None
    demo = DEMOS["kernel_scanner"]()  # the scanner crops the middle instead
    upload(demo, "banner.png", banner)
    assert demo.extras["upload"].error is None and demo.values()["picture"] == YOUR_PICTURE


def test_scanner_draws_the_correlation_of_the_uploaded_picture(photo_file):
    demo = DEMOS["kernel_scanner"]()
    upload(demo, "photo.png", photo_file)
    demo.set(row=13, column=11, preset="Sobel x")
    image = scanner_expected(photo_file)
    output = np.asarray(demo.artists["output"].get_array().filled(np.nan))
    expected = ce.correlate2d(image, get_kernel("Sobel x"))
    done = np.arange(expected.size).reshape(expected.shape) <= 13 * expected.shape[1] + 11
    np.testing.assert_allclose(output[done], expected[done])


def test_receptive_fast_redraw_after_an_upload_equals_a_full_redraw(photo_file):
    """The receptive field explorer keeps its background (the photo) between
    redraws: an upload must render it again."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    demo = DEMOS["receptive_field_explorer"]()
    demo.set(row=2)
    upload(demo, "photo.png", photo_file)
    fast = np.asarray(Image.open(io.BytesIO(demo.png())))
    blit_canvas = demo.figure.canvas
    buffer = io.BytesIO()
    FigureCanvasAgg(demo.figure).print_png(buffer)
    demo.figure.set_canvas(blit_canvas)
    np.testing.assert_array_equal(fast, np.asarray(Image.open(io.BytesIO(buffer.getvalue()))))
