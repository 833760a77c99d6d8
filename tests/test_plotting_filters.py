"""The lesson-01 pictures draw exactly cnnedu's numbers."""

import itertools

import numpy as np
import pytest
from matplotlib.figure import Figure

import cnnedu as ce
from cnnedu.kernels import filter_bank, get_kernel, kernel_names, response_range, scan_step
from cnnedu.plotting.filters import (
    CellNumbers,
    format_number,
    plot_activation,
    plot_filter_bank,
    plot_kernel,
    plot_picture,
    plot_response,
    scanner_figure,
    update_scanner,
)
from cnnedu.plotting.style import DIVERGING_CMAP, new_figure


@pytest.mark.parametrize(
    "value, text", [(2.0, "2"), (-0.0, "0"), (-3, "-3"), (1 / 9, "0.11"), (-0.456, "-0.46"), (12.0000000001, "12")]
)
def test_format_number(value, text):
    assert format_number(value) == text


def test_plot_kernel_writes_every_weight_on_a_scale_centred_on_zero():
    figure, ax = new_figure()
    image, texts = plot_kernel(get_kernel("45-degree edge"), ax=ax, title="K")
    assert [t.get_text() for t in texts] == ["-1", "-1", "2", "-1", "2", "1", "2", "1", "1"]
    assert image.get_clim() == (-2.0, 2.0)
    assert image.get_cmap().name == DIVERGING_CMAP
    np.testing.assert_array_equal(image.get_array(), get_kernel("45-degree edge"))
    assert ax.get_title() == "K"


def test_plot_response_has_a_labelled_symmetric_scale():
    figure, ax = new_figure()
    image = plot_response(np.array([[-1.0, 3.0], [0.0, 2.0]]), ax=ax, label="units")
    assert image.get_clim() == (-3.0, 3.0)
    assert image.colorbar.ax.get_ylabel() == "units"
    assert image.colorbar.extend == "neither"
    image = plot_response(np.array([[-1.0, 3.0]]), ax=new_figure()[1], limit=5)
    assert image.get_clim() == (-5.0, 5.0)
    image = plot_response(np.array([[-1.0, 3.0]]), ax=new_figure()[1], limit=2)
    assert image.colorbar.extend == "both"  # values beyond the scale are marked


def test_plot_response_makes_its_own_axes():
    image = plot_response([[1.0, -1.0]])
    assert image.axes is not None


def test_filter_bank_draws_each_correlation(rng):
    image = rng.uniform(-1, 1, size=(10, 12))
    kernels = {name: get_kernel(name) for name in kernel_names()[:4]}
    figure = Figure()
    axes = figure.subplots(1, 5)
    drawn = plot_filter_bank(filter_bank(image, kernels), axes=axes)
    np.testing.assert_array_equal(drawn["input"].get_array(), image)
    for name, kernel in kernels.items():
        response = ce.correlate2d(image, kernel)
        np.testing.assert_allclose(drawn[name].get_array(), response)
        limit = np.abs(response).max()
        assert drawn[name].get_clim() == pytest.approx((-limit, limit))


def test_filter_bank_checks_its_arguments():
    with pytest.raises(TypeError, match="bank must be a FilterBank"):
        plot_filter_bank({"k": np.ones((3, 3))})
    with pytest.raises(ValueError, match="axes must hold at least 3 axes"):
        plot_filter_bank(
            filter_bank(np.zeros((5, 5)), {"k": np.ones((3, 3)), "j": np.eye(3)}), axes=Figure().subplots(1, 2)
        )


def test_filter_bank_hides_spare_axes_and_can_clip_at_a_percentile(rng):
    image = rng.uniform(-1, 1, size=(12, 12))
    axes = Figure().subplots(1, 4)
    drawn = plot_filter_bank(filter_bank(image, {"Sobel x": get_kernel("Sobel x")}), axes=axes, percentile=90)
    assert [ax.get_visible() for ax in axes] == [True, True, False, False]
    response = ce.correlate2d(image, get_kernel("Sobel x"))
    limit = np.percentile(np.abs(response), 90)
    assert drawn["Sobel x"].get_clim() == pytest.approx((-limit, limit))
    assert drawn["Sobel x"].colorbar.extend == "both"


@pytest.fixture
def image():
    return 2.0 * ce.shapes_image(20) - 1.0


@pytest.mark.parametrize("name", kernel_names())
def test_scanner_draws_the_window_products_and_the_output_so_far(image, name):
    kernel = get_kernel(name)
    figure, artists = scanner_figure(image)
    expected = ce.correlate2d(image, kernel)
    positions = [(0, 0), (0, 17), (5, 3), (9, 9), (17, 0), (17, 17)]
    for row, column in positions:
        step = scan_step(image, kernel, row, column)
        assert update_scanner(artists, step) is artists
        np.testing.assert_allclose(step.output, expected)
        shown = np.asarray(artists["output"].get_array().filled(np.nan))
        done = np.arange(expected.size).reshape(expected.shape) <= row * expected.shape[1] + column
        np.testing.assert_allclose(shown[done], expected[done])
        assert np.all(np.isnan(shown[~done]))
        window = image[row : row + 3, column : column + 3]
        np.testing.assert_array_equal(artists["window"].get_array(), window)
        np.testing.assert_allclose(artists["products"].get_array(), window * kernel)
        texts = artists["product_numbers"].get_texts()
        assert texts == [format_number(v) for v in (window * kernel).ravel()]
        assert artists["kernel_numbers"].get_texts() == [format_number(v) for v in kernel.ravel()]
        assert artists["window_numbers"].get_texts() == [format_number(v) for v in window.ravel()]
        assert step.total == pytest.approx(expected[row, column])
        assert artists["products_title"].get_text() == f"= products\nsum = {format_number(expected[row, column])}"
        assert artists["window_box"].get_xy() == (column - 0.5, row - 0.5)
        assert artists["output_box"].get_xy() == (column - 0.5, row - 0.5)
        limit = max(abs(v) for v in response_range(kernel, -1, 1))
        assert artists["output"].get_clim() == (-limit, limit)


def test_scanner_output_scale_stays_fixed_while_scanning(image):
    figure, artists = scanner_figure(image)
    kernel = get_kernel("45-degree edge")
    limits = {
        update_scanner(artists, scan_step(image, kernel, r, c))["output"].get_clim()
        for r, c in itertools.product(range(0, 18, 6), repeat=2)
    }
    assert limits == {(-12.0, 12.0)}


def test_scanner_refuses_other_kernel_shapes(image):
    figure, artists = scanner_figure(image)
    with pytest.raises(ValueError, match="kernel must be 3x3"):
        update_scanner(artists, scan_step(image, np.ones((2, 2)), 0, 0))
    with pytest.raises(ValueError, match="row must be at most 17"):
        scan_step(image, np.ones((3, 3)), 18, 0)
    with pytest.raises(TypeError, match="step must be a ScanStep"):
        update_scanner(artists, (image, np.ones((3, 3)), 0, 0))


def test_scanner_keeps_light_text_on_dark_cells(image):
    figure, artists = scanner_figure(image)
    update_scanner(artists, scan_step(image, get_kernel("45-degree edge"), 1, 1))  # the square's top-left corner
    window = image[1:4, 1:4]
    assert set(window.ravel()) == {-1.0, 1.0}
    assert artists["window_numbers"].get_colors() == ["white" if v < 0 else "black" for v in window.ravel()]
    products = window * get_kernel("45-degree edge")
    assert artists["product_numbers"].get_colors() == [
        "white" if abs(v) > 0.6 * 2 else "black" for v in products.ravel()
    ]


def test_cell_numbers_scale_with_dpi_and_refuse_a_wrong_count():
    figure, ax = new_figure()
    numbers = CellNumbers(ax, [(0, 0), (1, 1), (2, 2)], fontsize=10)
    numbers.set(["1", "-0.25", ""], ["black", "white", "black"])
    assert numbers.get_texts() == ["1", "-0.25", ""]
    paths = numbers.collection.get_paths()
    assert len(paths) == 3 and len(paths[2].vertices) == 0  # an empty string draws nothing
    width = paths[1].get_extents().width  # in points
    assert 10 < width < 40
    figure.set_dpi(72)
    at_72 = (
        numbers.collection.get_transform().transform([(width, 0)])[0, 0]
        - numbers.collection.get_transform().transform([(0, 0)])[0, 0]
    )
    figure.set_dpi(144)
    at_144 = (
        numbers.collection.get_transform().transform([(width, 0)])[0, 0]
        - numbers.collection.get_transform().transform([(0, 0)])[0, 0]
    )
    assert at_144 == pytest.approx(2 * at_72)
    with pytest.raises(ValueError, match="texts must hold 3 strings; got 2"):
        numbers.set(["1", "2"])


def test_filter_bank_draws_sum_to_one_kernels_as_grey_pictures_on_the_image_range(rng):
    image = rng.uniform(-1, 1, size=(10, 12))
    kernels = {name: get_kernel(name) for name in ("Sobel x", "box blur", "sharpen", "identity")}
    drawn = plot_filter_bank(filter_bank(image, kernels), axes=Figure().subplots(1, 5))
    assert drawn["Sobel x"].get_cmap().name == DIVERGING_CMAP
    for name in ("box blur", "sharpen", "identity"):
        assert drawn[name].get_cmap().name == "gray"
        assert drawn[name].get_clim() == pytest.approx((image.min(), image.max()))
        np.testing.assert_allclose(drawn[name].get_array(), ce.correlate2d(image, kernels[name]))
    assert drawn["sharpen"].colorbar.extend == "both"  # sharpening overshoots the image's range
    assert drawn["identity"].colorbar.extend == "neither"


def test_filter_bank_pictures_can_be_chosen_and_are_checked(rng):
    image = rng.uniform(0, 1, size=(8, 8))
    bank = {"Sobel x": get_kernel("Sobel x")}
    drawn = plot_filter_bank(filter_bank(image, bank, pictures={"Sobel x"}), axes=Figure().subplots(1, 2))
    assert drawn["Sobel x"].get_cmap().name == "gray"


def test_picture_and_activation_scales():
    ax = new_figure()[1]
    image = plot_picture([[0.0, 2.0]], ax=ax, low=0, high=1)
    assert image.get_clim() == (0.0, 1.0) and image.colorbar.extend == "max"
    with pytest.raises(ValueError, match="high must be larger than low; got low=1.0, high=1.0"):
        plot_picture([[1.0, 1.0]], ax=new_figure()[1])
    activation = plot_activation(np.array([[0.0, 3.0], [1.0, 0.0]]), ax=new_figure()[1], limit=4)
    assert activation.get_clim() == (0.0, 4.0) and activation.get_cmap().name == "magma"
    with pytest.raises(ValueError, match="values must not be negative"):
        plot_activation([[0.0, -0.5]], ax=new_figure()[1])
