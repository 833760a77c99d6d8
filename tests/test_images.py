"""Offline images: real photographs and digits from installed packages, synthetic pictures,
and picture files of every kind load_image reads (and broken ones it refuses)."""

import io
import struct
import zlib

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

import cnnedu as ce
from cnnedu.images import MAX_SIDE


@pytest.mark.parametrize(
    "name, shape", [("grace_hopper", (600, 512, 3)), ("china", (427, 640, 3)), ("flower", (427, 640, 3))]
)
def test_photographs_load_offline_in_unit_range(name, shape):
    image = ce.load_image(name)
    assert image.shape == shape and image.dtype == np.float64
    assert 0 <= image.min() < 0.2 and 0.8 < image.max() <= 1
    gray = ce.load_image(name, grayscale=True)
    assert gray.shape == shape[:2]
    np.testing.assert_allclose(gray, image @ [0.299, 0.587, 0.114])


def test_resize_keeps_aspect_and_means():
    small = ce.load_image("china", size=64)
    assert small.shape == (43, 64, 3)
    assert ce.load_image("china", size=(20, 30), grayscale=True).shape == (20, 30)
    big = ce.load_image("china")
    assert small.mean() == pytest.approx(big.mean(), abs=1e-3)  # area averaging keeps the mean


def test_resize_by_area_against_block_means(rng):
    image = rng.uniform(size=(12, 18))
    np.testing.assert_allclose(ce.resize(image, (4, 6)), image.reshape(4, 3, 6, 3).mean(axis=(1, 3)))
    np.testing.assert_allclose(ce.resize(image, (12, 18)), image)


def test_digits():
    images, labels = ce.load_digits()
    assert images.shape == (1797, 8, 8) and labels.shape == (1797,)
    assert images.min() == 0 and images.max() == 1
    assert set(labels.tolist()) == set(range(10))


def test_synthetic_images():
    assert ce.checkerboard(8, 2).sum() == 32
    edge = ce.edge_image(9, angle=0)  # horizontal edge, bright below
    assert edge[0].sum() == 0 and edge[-1].sum() == 9
    diagonal = ce.edge_image(5, angle=45)  # bright lower right, dark upper left, dark on the diagonal
    assert diagonal[-1, -1] == 1 and diagonal[0, 0] == 0
    assert np.array_equal(diagonal, diagonal.T)  # a 45-degree edge is its own mirror image across the main diagonal
    assert diagonal.sum() == 10  # the 5 cells on the diagonal are dark, half the rest bright
    shapes = ce.shapes_image(64)
    assert 0.1 < shapes.mean() < 0.4


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: ce.load_image("lena"), ValueError, r"name must be 'grace_hopper', 'china' or 'flower'; got 'lena'"),
        (lambda: ce.load_image(size=0), ValueError, r"size must be at least 1"),
        (lambda: ce.resize(np.ones((4, 4)), 3), TypeError, r"shape must be a pair"),
        (lambda: ce.resize(np.ones(4), (2, 2)), ValueError, r"image must be 2 or 3-D"),
        (lambda: ce.to_grayscale(np.ones((4, 4, 4))), ValueError, r"image must have 3 colour channels"),
        (lambda: ce.checkerboard(0), ValueError, r"size must be at least 1"),
        (lambda: ce.shapes_image(8), ValueError, r"size must be at least 16"),
    ],
)
def test_bad_input_gets_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize("name", ["china", "flower"])
def test_scikit_learn_photos_are_the_ones_sklearn_loads(name):
    """cnnedu reads scikit-learn's photos from its package folder without
    importing sklearn.datasets (slow): the pixels must be exactly the ones
    sklearn's own loader returns."""
    from sklearn.datasets import load_sample_image

    from cnnedu.images import _photo_uint8

    np.testing.assert_array_equal(_photo_uint8(name), load_sample_image(f"{name}.jpg"))


# --- your own picture files: every kind load_image reads, and the broken ones it refuses ---


def encoded(array_or_image, file_format, **options):
    """Bytes of ``array_or_image`` (a uint8 array or a PIL image) saved by Pillow."""
    image = array_or_image if isinstance(array_or_image, Image.Image) else Image.fromarray(array_or_image)
    buffer = io.BytesIO()
    image.save(buffer, format=file_format, **options)
    return buffer.getvalue()


def png_16bit(samples):
    """A 16-bit PNG written here from the specification (not by Pillow): ``samples`` is uint16,
    (H, W) grey, (H, W, 3) RGB or (H, W, 4) RGBA."""
    samples = np.asarray(samples, dtype=">u2")  # PNG stores samples big-endian
    height, width = samples.shape[:2]
    channels = 1 if samples.ndim == 2 else samples.shape[2]
    colour_type = {1: 0, 3: 2, 4: 6}[channels]  # grey, RGB, RGBA

    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    header = struct.pack(">IIBBBBB", width, height, 16, colour_type, 0, 0, 0)
    rows = b"".join(b"\x00" + samples[row].tobytes() for row in range(height))  # filter type 0 on every row
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


@pytest.fixture
def picture(rng):
    """A 20x30 colour picture with three quarters of the 8-bit range used."""
    return rng.integers(0, 256, size=(20, 30, 3)).astype(np.uint8)


def test_png_8bit_rgb_and_grey_are_exact(picture):
    np.testing.assert_array_equal(ce.load_image(encoded(picture, "PNG")), picture / 255.0)
    grey = picture[:, :, 1]
    colour = ce.load_image(encoded(grey, "PNG"))
    assert colour.shape == (20, 30, 3)  # a grey file gives three equal channels...
    for channel in range(3):
        np.testing.assert_array_equal(colour[:, :, channel], grey / 255.0)
    np.testing.assert_array_equal(ce.load_image(encoded(grey, "PNG"), grayscale=True), grey / 255.0)  # ...or one


def test_png_with_transparency_is_laid_on_white(picture, rng):
    alpha = rng.integers(0, 256, size=(20, 30, 1)).astype(np.uint8)
    rgba = np.concatenate([picture, alpha], axis=2)
    a = alpha / 255.0
    np.testing.assert_allclose(ce.load_image(encoded(rgba, "PNG")), picture / 255.0 * a + (1 - a), atol=1e-12)
    grey_alpha = Image.fromarray(np.concatenate([picture[:, :, :1], alpha], axis=2))  # two channels: 'LA'
    assert grey_alpha.mode == "LA"
    expected = picture[:, :, 0] / 255.0 * a[:, :, 0] + (1 - a[:, :, 0])
    np.testing.assert_allclose(ce.load_image(encoded(grey_alpha, "PNG"), grayscale=True), expected, atol=1e-12)


def test_png_16bit_grey_keeps_all_16_bits(rng):
    samples = rng.integers(0, 65536, size=(30, 40)).astype(np.uint16)
    image = ce.load_image(png_16bit(samples), grayscale=True)
    np.testing.assert_allclose(image, samples / 65535.0, rtol=0, atol=1e-12)
    assert len(np.unique(image)) > 256  # more levels than any 8-bit file has


@pytest.mark.parametrize("channels", [3, 4])
def test_png_16bit_colour_is_read_to_within_one_8bit_step(rng, channels):
    samples = rng.integers(0, 65536, size=(9, 11, channels)).astype(np.uint16)
    if channels == 4:
        samples[:, :, 3] = 65535  # opaque: the colours come through unchanged
    image = ce.load_image(png_16bit(samples))
    np.testing.assert_allclose(image, samples[:, :, :3] / 65535.0, atol=1 / 255)


def test_palette_png_with_a_transparent_colour():
    indices = np.array([[0, 1], [2, 1]], dtype=np.uint8)
    paletted = Image.new("P", (2, 2))
    paletted.putdata(indices.ravel().tolist())
    paletted.putpalette([255, 0, 0, 0, 0, 255, 0, 255, 0] + [0] * 759)  # red, blue, green
    image = ce.load_image(encoded(paletted, "PNG", transparency=1))  # blue is transparent: white shows
    np.testing.assert_array_equal(image, [[[1, 0, 0], [1, 1, 1]], [[0, 1, 0], [1, 1, 1]]])


@pytest.mark.parametrize("file_format, options", [("BMP", {}), ("WEBP", {"lossless": True}), ("TIFF", {})])
def test_lossless_formats_are_exact(picture, file_format, options):
    np.testing.assert_array_equal(ce.load_image(encoded(picture, file_format, **options)), picture / 255.0)


def test_gif_first_frame_and_its_palette_colours():
    frames = [np.zeros((6, 8, 3), np.uint8), np.full((6, 8, 3), 255, np.uint8)]
    frames[0][:, :4] = (255, 0, 0)  # left half red, right half black
    gif = io.BytesIO()
    Image.fromarray(frames[0]).save(gif, format="GIF", save_all=True, append_images=[Image.fromarray(frames[1])])
    np.testing.assert_array_equal(ce.load_image(gif.getvalue()), frames[0] / 255.0)  # the first frame, exactly


def test_jpeg_colour_and_grey_are_close_to_the_original():
    rows, columns = np.mgrid[0:48, 0:64]
    smooth = np.stack([rows * 5, columns * 4, 255 - rows * 5], axis=2).astype(np.uint8)  # gentle gradients
    image = ce.load_image(encoded(smooth, "JPEG", quality=95))
    assert image.shape == (48, 64, 3)
    assert np.abs(image - smooth / 255.0).mean() < 0.01
    grey = ce.load_image(encoded(smooth[:, :, 1], "JPEG", quality=95), grayscale=True)
    assert np.abs(grey - smooth[:, :, 1] / 255.0).mean() < 0.01


def test_cmyk_jpeg_comes_back_as_rgb():
    cmyk = Image.new("CMYK", (10, 6), (0, 255, 255, 0))  # no black, full magenta and yellow: red
    image = ce.load_image(encoded(cmyk, "JPEG", quality=95))
    assert image.shape == (6, 10, 3)
    np.testing.assert_allclose(image.mean(axis=(0, 1)), [1, 0, 0], atol=0.05)


# EXIF orientation (tag 0x0112) and how the stored pixels must be turned to display them, from
# the EXIF specification: 3 = turned 180 degrees, 6 = turn 90 degrees clockwise, 8 = 90 degrees
# counter-clockwise, 2 = mirrored left-right.
ORIENTATIONS = {
    2: np.fliplr,
    3: lambda a: np.rot90(a, 2),
    6: lambda a: np.rot90(a, -1),
    8: lambda a: np.rot90(a, 1),
}


@pytest.mark.parametrize("orientation", sorted(ORIENTATIONS))
def test_jpeg_exif_orientation_is_honoured(orientation):
    stored = np.zeros((16, 40, 3), np.uint8)
    stored[:8, :8] = 255  # a white block in the top left corner of the stored pixels
    exif = Image.Exif()
    exif[0x0112] = orientation
    plain = ce.load_image(encoded(stored, "JPEG", quality=95))
    turned = ce.load_image(encoded(stored, "JPEG", quality=95, exif=exif.tobytes()))
    np.testing.assert_array_equal(turned, ORIENTATIONS[orientation](plain))  # same compressed pixels, turned


def block_means(image, factor):
    """Means of factor x factor blocks, by reshaping (independent of any resizing code)."""
    height, width = image.shape[:2]
    return image.reshape(height // factor, factor, width // factor, factor, *image.shape[2:]).mean(axis=(1, 3))


def test_large_files_are_reduced_to_max_side_by_averaging(rng):
    assert MAX_SIDE == 1024
    big = rng.integers(0, 256, size=(1536, 2048, 3)).astype(np.uint8)  # twice MAX_SIDE: 2x2 blocks averaged
    image = ce.load_image(encoded(big, "PNG"))
    assert image.shape == (768, 1024, 3)
    np.testing.assert_allclose(image, block_means(big / 255.0, 2), atol=1 / 255 + 1e-12)  # within one 8-bit step
    samples = rng.integers(0, 65536, size=(2048, 512)).astype(np.uint16)  # 16 bit, 2048x512
    grey = ce.load_image(png_16bit(samples), grayscale=True)
    assert grey.shape == (1024, 256)
    np.testing.assert_allclose(grey, block_means(samples / 65535.0, 2), atol=1 / 65535 + 1e-12)  # one 16-bit step
    # not a whole multiple of MAX_SIDE: 2500x3200 -> 800x1024, the mean kept
    odd = np.kron(rng.integers(0, 256, size=(25, 32, 3)), np.ones((100, 100, 1))).astype(np.uint8)
    for file_format in ("PNG", "JPEG"):  # a JPEG is decoded at a reduced scale first
        reduced = ce.load_image(encoded(odd, file_format, **({"quality": 90} if file_format == "JPEG" else {})))
        assert reduced.shape == (800, 1024, 3)
        assert abs(reduced.mean() - odd.mean() / 255) < 0.01


def test_size_and_grayscale_apply_to_files(picture):
    image = ce.load_image(encoded(picture, "PNG"), grayscale=True, size=15)  # longer side 15
    assert image.shape == (10, 15)
    np.testing.assert_allclose(image, ce.to_grayscale(ce.resize(picture / 255.0, (10, 15))))


def test_every_kind_of_source_gives_the_same_picture(picture, tmp_path):
    data = encoded(picture, "PNG")
    path = tmp_path / "picture.png"
    path.write_bytes(data)
    expected = picture / 255.0
    with open(path, "rb") as file:
        from_file_object = ce.load_image(file)
    for source in (str(path), path, data, bytearray(data), memoryview(data), io.BytesIO(data)):
        np.testing.assert_array_equal(ce.load_image(source), expected)
    np.testing.assert_array_equal(from_file_object, expected)


def truncated(data):
    return data[: len(data) // 2]


BROKEN = [
    (b"", r"is empty \(0 bytes\)"),
    (b"Dear students,\nthe exam is on Monday.\n", r"is text, not an image \(it starts with 'Dear students"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", r"is a PDF document, not an image"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>', r"is an SVG drawing"),
    (b"<!DOCTYPE html><html><body>photo</body></html>", r"is a web page \(HTML\)"),
    (bytes(range(7, 107)), r"is not an image format that can be read \(it starts with the bytes 07 08 09"),
]


@pytest.mark.parametrize("data, message", BROKEN, ids=["empty", "text", "pdf", "svg", "html", "binary"])
def test_files_that_are_not_pictures_get_a_clear_value_error(data, message, tmp_path):
    with pytest.raises(ValueError, match=message):
        ce.load_image(data)
    path = tmp_path / "upload.png"  # the same from a file, whose name the message gives
    path.write_bytes(data)
    with pytest.raises(ValueError, match=r"the file 'upload.png' " + message):
        ce.load_image(path)


@pytest.mark.parametrize("file_format", ["PNG", "JPEG", "WEBP", "TIFF"])
def test_truncated_files_get_a_clear_value_error(picture, file_format):
    with pytest.raises(ValueError, match=r"is damaged or cut short and cannot be read"):
        ce.load_image(truncated(encoded(np.kron(picture, np.ones((4, 4, 1), np.uint8)), file_format)))


def test_a_file_claiming_too_many_pixels_is_refused_before_it_is_decoded():
    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    header = struct.pack(">IIBBBBB", 30000, 20000, 8, 0, 0, 0, 0)  # 600 megapixels of grey, and no pixel data
    bomb = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")
    with pytest.raises(ValueError, match=r"is far too large to read safely"):
        ce.load_image(bomb)


def test_missing_path_folder_text_mode_and_wrong_types(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"no file at '.*nowhere\.png'"):
        ce.load_image(tmp_path / "nowhere.png")
    with pytest.raises(FileNotFoundError, match=r"no file at"):
        ce.load_image(str(tmp_path / "nowhere.jpg"))
    with pytest.raises(ValueError, match=r"is a folder, not an image file"):
        ce.load_image(tmp_path)
    text_file = tmp_path / "notes.txt"
    text_file.write_text("hello")
    with (
        open(text_file) as opened_as_text,
        pytest.raises(ValueError, match=r"was opened as text; open it in binary mode"),
    ):
        ce.load_image(opened_as_text)
    with pytest.raises(TypeError, match=r"source must be a photo name, a file path, .*; got int"):
        ce.load_image(42)


@pytest.mark.parametrize("file_format", ["PNG", "JPEG", "GIF", "BMP", "WEBP"])
@given(data=st.data())
def test_damaged_files_raise_value_error_and_nothing_else(file_format, data):
    """Cut a real file short or overwrite some of its bytes: the result is a
    picture in [0, 1] or a ValueError, never another exception."""
    rng = np.random.default_rng(0)
    good = bytearray(encoded(rng.integers(0, 256, size=(12, 16, 3)).astype(np.uint8), file_format))
    cut = data.draw(st.integers(0, len(good)), label="cut")
    damaged = good[:cut]
    for _ in range(data.draw(st.integers(0, 4), label="changes")):
        if damaged:
            position = data.draw(st.integers(0, len(damaged) - 1), label="position")
            damaged[position] = data.draw(st.integers(0, 255), label="byte")
    try:
        image = ce.load_image(bytes(damaged))
    except ValueError:
        return
    assert image.ndim == 3 and image.shape[2] == 3
    assert np.isfinite(image).all() and 0 <= image.min() <= image.max() <= 1
